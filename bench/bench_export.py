"""Streaming exports: rows/s and peak memory of the dossier-list CSV and XLSX exports.

N dossiers (default 1,000,000) of two years of realistic histories are generated with
motcua.dossiers.generator.Generator and written with motcua.dossiers.bulk.import_history, then
each export of the whole province over the two years runs through Django's test client (the
real view, middleware and StreamingHttpResponse / FileResponse) in a FRESH child process, whose
peak resident memory (VmHWM from /proc/self/status) is reported next to its baseline after
Django start-up. The body is consumed chunk by chunk, as a WSGI server would send it; reported:
time to the first byte, the longest wait between two chunks after it (what a proxy's read
timeout sees), rows/s, peak RSS. The .xlsx body goes to a temporary file whose worksheets are then
unzipped as a stream to count their rows (not timed).

    .venv/bin/python bench/bench_export.py --n 200000 --keep          # load, then measure
    .venv/bin/python bench/bench_export.py --n 200000 --reuse --keep  # measure again
    .venv/bin/python bench/bench_export.py --n 1000000 --load-only --keep

Also measured: the periodic report (report.xlsx, one row per unit under the province), which
reads the period through the figure engine like /reports/figures (all of it in memory).

Target: a 1M-row export streams at a steady memory under 300 MB.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import common

TARGET_MB = 300
END = date(2025, 12, 31)  # fixed, so that --reuse measures the same data
START = END - timedelta(days=730)
MONITOR = "giamsat.tinh"


def _vm(key: str) -> int:
    """A /proc/self/status memory figure (VmHWM: peak RSS, VmRSS: current) in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def _dossier_count() -> int:
    from motcua.dossiers.models import Dossier

    return Dossier.objects.count()


def load(url: str, n: int, reuse: bool) -> dict[str, Any]:
    """Create/seed the database and import ``n`` dossiers unless a reused one already has them."""
    created = common.prepare(url, reuse)
    common.setup_django(url)
    have = _dossier_count()
    if not created and have >= n:
        return {"loaded": 0, "existing": have}
    if have:
        raise SystemExit(f"the database has {have:,} dossiers, not {n:,}: drop it or use another --name")
    from motcua.dossiers.bulk import import_history
    from motcua.dossiers.generator import Generator

    t0 = time.perf_counter()
    gen = Generator(common.province(), START, END, seed=2025)
    total = import_history(gen.records(n), common.province().pk, batch=20_000,
                           progress=lambda k: print(f"  loaded {k:,}/{n:,}", file=sys.stderr, flush=True))
    load_s = time.perf_counter() - t0
    common.analyze(url)
    return {"loaded": total, "load_s": round(load_s, 1), "load_per_s": round(total / load_s)}


def child(fmt: str, batch: int) -> None:
    """In a fresh process: one export through the test client; prints a JSON line."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import get_resolver

    from motcua.reports import exports
    from motcua.units.models import Unit

    exports.BATCH = batch
    user = get_user_model().objects.get(username=MONITOR)
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    prov = common.province()
    assert Unit.objects.filter(pk=prov.pk).exists()
    get_resolver().url_patterns  # noqa: B018 - import the views (and exports) as a served worker has
    baseline = _vm("VmRSS")
    t0 = time.perf_counter()
    path = "report.xlsx" if fmt == "report" else f"dossiers.{fmt}"
    resp = client.get(f"/api/v1/reports/export/{path}",
                      {"unit": prov.code, "start": START.isoformat(), "end": END.isoformat()})
    assert resp.status_code == 200, resp.content[:500] if not resp.streaming else resp.status_code
    first = last = None
    size = lines = 0
    gap = 0.0
    samples: list[int] = []
    with tempfile.TemporaryFile() as body:
        for i, chunk in enumerate(resp.streaming_content):
            now = time.perf_counter()
            first = first if first is not None else now - t0
            gap, last = max(gap, now - (last or now)), now
            size += len(chunk)
            if fmt == "csv":
                lines += chunk.count(b"\n")
            elif fmt == "xlsx":
                body.write(chunk)
            if i % 200 == 0:
                samples.append(_vm("VmRSS"))
        resp.close()
        total = time.perf_counter() - t0
        sheets = xlsx_rows(body) if fmt == "xlsx" else None
    print(json.dumps({
        "format": fmt, "bytes": size, "csv_lines": lines, "xlsx_rows": sheets, "seconds": round(total, 2),
        "first_byte_s": round(first or total, 3), "max_gap_s": round(gap, 2),
        "baseline_rss_mb": round(baseline / 1024, 1), "peak_rss_mb": round(_vm("VmHWM") / 1024, 1),
        "rss_samples_mb": [round(s / 1024) for s in samples[:: max(1, len(samples) // 10)]],
    }))


def xlsx_rows(body: Any) -> dict[str, int]:
    """Rows (header included) of each worksheet part of the .xlsx in ``body``, read as a stream."""
    out = {}
    with zipfile.ZipFile(body) as z:
        for name in [n for n in z.namelist() if n.startswith("xl/worksheets/")]:  # zip order: info sheet last
            count, tail = 0, b""
            with z.open(name) as part:
                while block := part.read(1 << 20):
                    count += (tail + block).count(b"<row ")
                    tail = block[-4:]  # a "<row " cut by the block boundary is counted once
            out[name] = count
    return out


def run_child(url: str, fmt: str, batch: int) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--child", fmt, "--batch", str(batch), "--name", url],
                         env=common.bench_env(url), cwd=common.ROOT, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def expected_rows() -> int:
    """Dossiers the default export lists (those counting in some figure), by the figure engine."""
    from motcua.reports.exports import export_count
    from motcua.reports.facts import Filters
    from motcua.reports.services import period_of

    return export_count(common.province(), period_of(START, END), Filters())


def main() -> None:
    p = common.parser(__doc__.splitlines()[0], n=1_000_000)
    p.add_argument("--load-only", action="store_true", help="load the data set and stop")
    p.add_argument("--formats", default="csv,xlsx,report", help="csv, xlsx (dossier lists), report")
    p.add_argument("--batch", type=int, default=2000, help="dossiers per keyset batch")
    p.add_argument("--child", help=argparse_hidden())
    args = p.parse_args()
    if args.child:
        common.setup_django(args.name)
        child(args.child, args.batch)
        return
    url = common.db_url(args.db, args.name or f"motcua_bench_export_{args.db}")
    loaded = load(url, args.n, args.reuse)
    result: dict[str, Any] = {"bench": "export", "db": args.db, "n": args.n, **loaded,
                              "period": [START.isoformat(), END.isoformat()], "batch": args.batch}
    if not args.load_only:
        formats = args.formats.split(",")
        rows = result["expected_rows"] = expected_rows() if {"csv", "xlsx"} & set(formats) else 0
        for fmt in formats:
            r = run_child(url, fmt, args.batch)
            if fmt != "report":
                r["rows_per_s"] = round(rows / r["seconds"])
            if fmt == "csv":
                r["rows_ok"] = r["csv_lines"] == rows + 1
            if fmt == "xlsx":  # every sheet but the last (information) one holds data rows and a header
                data = list(r["xlsx_rows"].values())[:-1]
                r["rows_ok"] = sum(data) - len(data) == rows
            r["met"] = r["peak_rss_mb"] < TARGET_MB
            result[fmt] = r
    if not args.keep:
        from django.db import connections

        connections.close_all()
        common.drop_db(url)
    common.emit(result, args.json)


def argparse_hidden() -> str:
    import argparse

    return argparse.SUPPRESS


if __name__ == "__main__":
    main()
