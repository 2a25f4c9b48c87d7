"""Issue 10 signing: signatures per second (software key, SoftHSM2 token), verification time of a
signed one-page result (p50/p95), and the bytes a signature adds to a one-page PDF.

No database. Set-up (not timed): a fresh test PKI in a temp dir (motcua.signing.pki) with its
OCSP/CRL/TSA served on 127.0.0.1, a SoftHSM2 token with the leader's key, a one-page result PDF
(reportlab, DejaVu font, as motcua's letters).

Timed, each --repeat times (medians reported):
- signing, per backend, at two levels: "B-B" (the signature alone: the key's cost plus pyHanko's
  incremental update) and "B-LTA" (what motcua does with a TSA: signature timestamp, OCSP/CRL into
  the DSS, document timestamp; every service is local, so this is CPU, not network);
- verify_pdf of the leader-signed B-LTA result, offline (embedded validation data only) and online
  (fetching allowed), --verify-n runs each: p50 and p95;
- the size of the one-page PDF before and after signing at each level.

    .venv/bin/python bench/signing.py                  # prints JSON
    .venv/bin/python bench/signing.py --markdown       # and the RESULTS.md section
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def one_page_pdf() -> bytes:
    from motcua.signing.sample import make_result_pdf  # the tests' one-page result

    return make_result_pdf()


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def time_signing(signer: Any, pdf: bytes, settings: Any, n: int, repeat: int) -> dict[str, float]:
    from motcua.signing.pades import SignatureBox, sign_pdf

    box = SignatureBox(page=0, box=(330, 60, 560, 130))
    sign_pdf(pdf, signer, box, settings)  # warm-up (fonts, sessions)
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(n):
            sign_pdf(pdf, signer, box, settings, check_certificate=False)
        runs.append(n / (time.perf_counter() - t0))
    return {"per_second": statistics.median(runs), "ms_each": 1000 / statistics.median(runs),
            "runs": [round(r, 2) for r in runs]}


def time_verify(data: bytes, pki: Any, n: int, fetching: bool) -> dict[str, float]:
    from motcua.signing.verify import verify_pdf

    assert verify_pdf(data, pki.trust_roots(), allow_fetching=fetching).valid
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        report = verify_pdf(data, pki.trust_roots(), allow_fetching=fetching)
        times.append((time.perf_counter() - t0) * 1000)
        assert report.valid
    return {"p50_ms": statistics.median(times), "p95_ms": quantile(times, 0.95), "n": n}


def machine() -> str:
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor())
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def run(opts: argparse.Namespace) -> dict[str, Any]:
    from motcua.signing import pki as test_pki
    from motcua.signing import softhsm
    from motcua.signing.backends import SoftwareKeySigner
    from motcua.signing.pades import SignatureBox, SigningSettings, sign_pdf

    tmp = Path(tempfile.mkdtemp(prefix="motcua-bench-signing-"))
    pki = test_pki.materialise(tmp / "pki", url=f"http://127.0.0.1:{test_pki.free_port()}")
    server = test_pki.serve(pki.dir)
    chain = [pki.dir / "certs" / "interm.pem"]
    leader = pki.signers["leader"]
    backends: dict[str, Any] = {"software": SoftwareKeySigner(key=leader.key, cert=leader.cert, chain=chain)}
    if softhsm.available():
        token = softhsm.init_token(tmp / "softhsm")
        softhsm.import_signer(token, "leader", leader.key, pki.cert("leader"), key_id=b"\x01")
        backends["softhsm2"] = token.signer("leader", chain)
    levels = {"B-B": SigningSettings(trust_roots=pki.trust_roots(), other_certs=pki.intermediates(),
                                     embed_validation=False),
              "B-T": SigningSettings.from_pki(pki, embed_validation=False),
              "B-LT": SigningSettings.from_pki(pki, lta=False),
              "B-LTA": SigningSettings.from_pki(pki)}
    pdf = one_page_pdf()
    out: dict[str, Any] = {"machine": machine(), "date": datetime.now(UTC).strftime("%Y-%m-%d"),
                           "repeat": opts.repeat, "signing": {}, "size": {"unsigned": len(pdf)}}
    try:
        for name, signer in backends.items():
            for level in ("B-B", "B-LTA"):
                n = opts.n if level == "B-B" else max(1, opts.n // 4)
                out["signing"][f"{name} {level}"] = time_signing(signer, pdf, levels[level], n, opts.repeat)
        box = SignatureBox(page=0, box=(330, 60, 560, 130))
        signed = {lv: sign_pdf(pdf, backends["software"], box, st).data for lv, st in levels.items()}
        out["size"].update({lv: {"bytes": len(d), "added": len(d) - len(pdf)} for lv, d in signed.items()})
        out["verify"] = {"offline": time_verify(signed["B-LTA"], pki, opts.verify_n, fetching=False),
                         "online": time_verify(signed["B-LTA"], pki, opts.verify_n, fetching=True)}
    finally:
        server.shutdown()
    return out


def markdown(r: dict[str, Any]) -> str:
    lines = ["## Issue 10: signing (`bench/signing.py`)", "",
             f"Machine: {r['machine']}; {r['date']}; medians of {r['repeat']} runs. Every PKI service (OCSP, "
             "CRL, TSA) is certomancer on 127.0.0.1, so the B-LTA figures are CPU and local HTTP, not a real "
             "CA's network latency (a real TSA and OCSP responder add their round trips: 3 requests for B-LTA).",
             "", "| backend, level | signatures/s | ms each | runs (signatures/s) |", "|---|---|---|---|"]
    for k, v in r["signing"].items():
        lines.append(f"| {k} | {v['per_second']:.1f} | {v['ms_each']:.0f} | {', '.join(map(str, v['runs']))} |")
    lines += ["", "Verification of the leader-signed one-page B-LTA result (`verify_pdf`: pyHanko, difference "
              "analysis, the signature and document timestamps):", "",
              "| mode | p50 ms | p95 ms | runs |", "|---|---|---|---|"]
    for k, v in r["verify"].items():
        what = "embedded validation data only" if k == "offline" else "fetching allowed (local OCSP/CRL)"
        lines.append(f"| {k}: {what} | {v['p50_ms']:.0f} | {v['p95_ms']:.0f} | {v['n']} |")
    lines += ["", f"Size added to a one-page result ({r['size']['unsigned']:,} bytes unsigned):", "",
              "| level | bytes | added |", "|---|---|---|"]
    for lv in ("B-B", "B-T", "B-LT", "B-LTA"):
        s = r["size"][lv]
        lines.append(f"| {lv} | {s['bytes']:,} | {s['added']:,} |")
    lines += ["", "Where the bytes go: the signature's /Contents is reserved in hex (twice the CMS, which carries the "
              "certificate chain), the visible block embeds a subset of the DejaVu font; B-T adds the timestamp "
              "token, B-LT the DSS (certificates, OCSP responses, CRLs), B-LTA a document timestamp.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=20, help="signatures per timed run (B-LTA: a quarter)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--verify-n", type=int, default=40)
    parser.add_argument("--markdown", action="store_true", help="also print the RESULTS.md section")
    parser.add_argument("--json", help="write the JSON result to this file")
    opts = parser.parse_args()
    result = run(opts)
    text = json.dumps(result, indent=2)
    print(text)
    if opts.json:
        Path(opts.json).write_text(text, encoding="utf-8")
    if opts.markdown:
        print(markdown(result))


if __name__ == "__main__":
    main()
