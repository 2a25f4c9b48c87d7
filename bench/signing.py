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
- the size of the one-page PDF before and after signing at each level;
- the printed letters (``motcua.documents.signed``): an A5 letter laid out as motcua's (header, body,
  the signer's room noted by ``SignatureSpot``, verification code and QR) signed at B-LTA with the test
  PKI's seal key in that room: letters per second (rendering + signing, and signing alone) and the bytes
  the signature adds. A letter is signed once per event and then served from storage, so this is the
  cost of a letter's first download.

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


def letter_pdf(spots: dict[str, Any], code: str = "000.31.90.H39-251201-0001-TC3") -> bytes:
    """An A5 refusal letter laid out exactly as motcua.documents.letters renders one (no database)."""
    from datetime import datetime as dt

    from reportlab.lib.pagesizes import A5
    from reportlab.platypus import Spacer

    from motcua.documents.layout import (
        BODY,
        Issuer,
        SignatureSpot,
        content_width,
        header,
        para,
        render,
        side_by_side,
        signature,
        style,
        title,
    )
    from motcua.documents.qr import verification_block

    width = content_width(A5)
    story = [header(Issuer("UBND tỉnh Lâm Đồng", "UBND xã Thử Nghiệm", "Số: …………", "Thử Nghiệm",
                           dt(2025, 12, 1, 9, 0, tzinfo=UTC)), width),
             *title("Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
             para("Kính gửi: <b>Nguyễn Thị Hồng Nhung</b>", style("to", 10.5)),
             para("Địa chỉ: Số 12 đường Trần Hưng Đạo, phường Xuân Hương - Đà Lạt, tỉnh Lâm Đồng"), Spacer(1, 4)]
    story += [para("Vào lúc 09 giờ 00 phút, ngày 01/12/2025, UBND xã Thử Nghiệm tiếp nhận hồ sơ của ông/bà "
                   "<b>Nguyễn Thị Hồng Nhung</b> đề nghị giải quyết thủ tục hành chính: <b>Thủ tục đăng ký khai "
                   "sinh</b>. Mã hồ sơ: <b>000.31.90.H39-251201-0001</b>.", BODY),
              para("Sau khi xem xét, đối chiếu với quy định, hồ sơ không đủ điều kiện tiếp nhận, giải quyết với "
                   "lý do: <b>Thủ tục không thuộc thẩm quyền giải quyết của xã</b>", BODY)]
    recipients = [para("<b><i>Nơi nhận:</i></b>"), para("- Như trên;"), para("- Lưu: hồ sơ.")]
    story += [Spacer(1, 8), side_by_side([recipients, signature("Người tiếp nhận hồ sơ", "Trần Thị Mai",
                                                                SignatureSpot("signer", spots))], width),
              Spacer(1, 6), verification_block(code, f"http://127.0.0.1:8000/results/{code}/", width)]
    return render(story, A5, "Phiếu từ chối tiếp nhận giải quyết hồ sơ")


def time_letters(seal: Any, settings: Any, n: int, repeat: int) -> dict[str, Any]:
    """Letters signed per second: render + sign (a letter's first download), and the signature alone."""
    from motcua.signing.pades import SignatureBox, sign_pdf

    def box(spots: dict[str, Any]) -> SignatureBox:
        page, (x1, y1, x2, y2) = spots["signer"]
        return SignatureBox(page=page, box=(x1 + 3, y1, x2 - 3, y2), title="Người tiếp nhận hồ sơ")

    spots: dict[str, Any] = {}
    pdf = letter_pdf(spots)
    signed = sign_pdf(pdf, seal, box(spots), settings)  # warm-up, and the size figure
    full, sign_only = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(n):
            sp: dict[str, Any] = {}
            sign_pdf(letter_pdf(sp), seal, box(sp), settings, check_certificate=False)
        full.append(n / (time.perf_counter() - t0))
        t0 = time.perf_counter()
        for _ in range(n):
            sign_pdf(pdf, seal, box(spots), settings, check_certificate=False)
        sign_only.append(n / (time.perf_counter() - t0))
    return {"render_and_sign_per_second": statistics.median(full), "sign_per_second": statistics.median(sign_only),
            "runs": [round(r, 2) for r in full], "level": signed.level,
            "unsigned_bytes": len(pdf), "signed_bytes": len(signed.data), "added": len(signed.data) - len(pdf)}


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
        seal = pki.signers["seal"]
        seal_signer = SoftwareKeySigner(key=seal.key, cert=seal.cert, chain=chain)
        out["letters"] = time_letters(seal_signer, levels["B-LTA"], max(1, opts.n // 4), opts.repeat)
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
    le = r["letters"]
    lines += ["", f"Printed letters signed with the unit's seal ({le['level']}, an A5 refusal letter with its "
              "verification QR; signed once per event, then served from storage):", "",
              "| letters/s, render + sign | letters/s, sign only | unsigned bytes | signed bytes | added |",
              "|---|---|---|---|---|",
              f"| {le['render_and_sign_per_second']:.1f} | {le['sign_per_second']:.1f} | {le['unsigned_bytes']:,} | "
              f"{le['signed_bytes']:,} | {le['added']:,} |"]
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
