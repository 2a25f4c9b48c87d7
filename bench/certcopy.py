"""Issue 10 part 7, electronic certified copies: copies produced per second with the software key from a
one-page original, and the bytes the certification adds.

No database (Django is set up for its translations only). Set-up (not timed): a fresh test PKI in a temp
dir with its OCSP/CRL/TSA served on 127.0.0.1, a one-page original scan as a PDF (vector, as a scanner's
PDF export of a text page would be small) and as a PNG image (A5 at 150 dpi).

Timed, each --repeat times (medians reported), per scan kind:
- "compose": reading the scan and composing the copy (pages on A4, statement, QR code), unsigned;
- "B-B": compose + the PAdES signature alone (the key's cost and pyHanko's incremental update);
- "B-LTA": compose + what motcua does at the counter: signature timestamp, OCSP/CRL into the DSS and a
  document timestamp (every service is local: CPU and local HTTP, not a CA's network latency);
and the sizes: the scan, the unsigned copy, the signed copy at each level.

    .venv/bin/python bench/certcopy.py                  # prints JSON
    .venv/bin/python bench/certcopy.py --markdown       # and a RESULTS.md section
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    os.environ.setdefault("MOTCUA_ENV", "development")
    import django

    django.setup()


def scans() -> dict[str, tuple[str, bytes]]:
    from tests.certcopy.conftest import original_pdf, original_png

    return {"pdf": ("ban-chinh.pdf", original_pdf(1)), "png": ("ban-chinh.png", original_png())}


def statement(n: int) -> Any:
    from motcua.certcopy import compose

    code = f"000.31.90.H39-260310-{n:04d}-KQ1"
    return compose.Statement(register_number=f"{n}/SCT/BSĐT", year=2026, on=date(2026, 3, 10),
                             certifier_name="Nguyễn Thị Một Cửa", certifier_title="Công chức tư pháp - hộ tịch",
                             unit_name="Phường Xuân Hương - Đà Lạt", result_code=code,
                             verify_url=f"http://127.0.0.1:8000/results/{code}/",
                             document="Căn cước công dân số 068090001234 do Bộ Công an cấp ngày 01/02/2021")


def produce(scan: tuple[str, bytes], n: int, signer: Any, settings: Any) -> bytes:
    from motcua.certcopy import compose
    from motcua.signing.pades import sign_pdf

    data, box = compose.compose(compose.read_scan([scan]), statement(n))
    if signer is None:
        return data
    return sign_pdf(data, signer, box, settings, check_certificate=False, reason="Chứng thực bản sao điện tử").data


def time_it(scan: tuple[str, bytes], signer: Any, settings: Any, n: int, repeat: int) -> dict[str, Any]:
    produce(scan, 0, signer, settings)  # warm-up (fonts, sessions)
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for i in range(n):
            produce(scan, i + 1, signer, settings)
        runs.append(n / (time.perf_counter() - t0))
    med = statistics.median(runs)
    return {"per_second": med, "ms_each": 1000 / med, "runs": [round(r, 2) for r in runs], "n": n}


def run(opts: argparse.Namespace) -> dict[str, Any]:
    setup_django()
    from bench.signing import machine
    from motcua.signing import pki as test_pki
    from motcua.signing.backends import SoftwareKeySigner
    from motcua.signing.pades import SigningSettings

    tmp = Path(tempfile.mkdtemp(prefix="motcua-bench-certcopy-"))
    pki = test_pki.materialise(tmp / "pki", url=f"http://127.0.0.1:{test_pki.free_port()}")
    server = test_pki.serve(pki.dir)
    leader = pki.signers["leader"]
    signer = SoftwareKeySigner(key=leader.key, cert=leader.cert, chain=[pki.dir / "certs" / "interm.pem"])
    levels = {"B-B": SigningSettings(trust_roots=pki.trust_roots(), other_certs=pki.intermediates(),
                                     embed_validation=False),
              "B-LTA": SigningSettings.from_pki(pki)}
    out: dict[str, Any] = {"machine": machine(), "date": datetime.now(UTC).strftime("%Y-%m-%d"),
                           "repeat": opts.repeat, "timing": {}, "size": {}}
    try:
        for kind, scan in scans().items():
            out["timing"][f"{kind} compose"] = time_it(scan, None, None, opts.n, opts.repeat)
            for level, st in levels.items():
                n = opts.n if level == "B-B" else max(1, opts.n // 4)
                out["timing"][f"{kind} {level}"] = time_it(scan, signer, st, n, opts.repeat)
            unsigned = produce(scan, 1, None, None)
            out["size"][kind] = {"scan": len(scan[1]), "unsigned": len(unsigned),
                                 **{lv: len(produce(scan, 1, signer, st)) for lv, st in levels.items()}}
    finally:
        server.shutdown()
        server.server_close()
    return out


def markdown(r: dict[str, Any]) -> str:
    lines = ["## Issue 10 part 7: electronic certified copies (`bench/certcopy.py`)", "",
             f"Machine: {r['machine']}; {r['date']}; medians of {r['repeat']} runs. A one-page original; every "
             "PKI service (OCSP, CRL, TSA) is certomancer on 127.0.0.1 (a real TSA and OCSP responder add their "
             "round trips). The database part of a certification (one transaction: the counter upsert, two "
             "transitions, three rows) is not included.", "",
             "| scan, step | copies/s | ms each | runs (copies/s) |", "|---|---|---|---|"]
    for k, v in r["timing"].items():
        lines.append(f"| {k} | {v['per_second']:.1f} | {v['ms_each']:.0f} | {', '.join(map(str, v['runs']))} |")
    lines += ["", "Sizes (bytes):", "", "| scan | scan file | copy unsigned | signed B-B | signed B-LTA | "
              "added by the certification (B-LTA - scan) |", "|---|---|---|---|---|---|"]
    for kind, s in r["size"].items():
        lines.append(f"| {kind} | {s['scan']:,} | {s['unsigned']:,} | {s['B-B']:,} | {s['B-LTA']:,} | "
                     f"{s['B-LTA'] - s['scan']:,} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=20, help="copies per timed run (B-LTA: a quarter)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the JSON here")
    parser.add_argument("--markdown", action="store_true", help="print the RESULTS.md section too")
    opts = parser.parse_args()
    result = run(opts)
    text = json.dumps(result, ensure_ascii=False, indent=2)
    print(text)
    if opts.json:
        opts.json.write_text(text, encoding="utf-8")
    if opts.markdown:
        print(markdown(result))


if __name__ == "__main__":
    main()
