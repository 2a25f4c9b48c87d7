"""Importing a legacy system's history (issue 14 item 8): ``--n`` dossiers with about 4.1 events each
(200,000 dossiers: about 1M rows) written as the two CSV files of the documented format (sorted by
ma_ho_so, as the format asks), then ``motcua.legacy`` run on them as ``motcua import`` does: the dry run
(every check: units, procedure versions, the state machine, the verdict computed with the calendar, the
database look-ups of codes already there), then the import (the same checks, then the bulk importer: COPY
into the hash-chained event log on PostgreSQL, 5,000 dossiers per transaction), then the statistics read
model's refresh. Reported: rows/s, dossiers/s of each phase and the process's peak memory (maxrss), with the
resident size sampled along the import to show it stays flat (the files are streamed, never loaded whole).

    .venv/bin/python bench/legacy_import.py --db postgres --n 200000
    .venv/bin/python bench/legacy_import.py --db sqlite --n 5000       # a smoke run
"""

from __future__ import annotations

import csv
import random
import resource
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import common

# (share, channel, actions) of the histories; about 4.1 events per dossier on average
PATTERNS = [
    (0.70, 1, ["intake", "start", "finish", "return"]),
    (0.20, 1, ["intake", "start", "finish"]),
    (0.10, 2, ["submit", "receive", "start", "request_supplement", "supplement", "finish", "return"]),
]


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2 ** 20


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_files(n: int, folder: Path) -> tuple[list[Path], int]:
    """The two CSV files, written row by row (codes LG-0000001... sort as they are written)."""
    from motcua.catalog.choices import Channel
    from motcua.dossiers.generator import Generator
    from motcua.legacy import format as fmt

    end = date.today() - timedelta(days=1)
    gen = Generator(common.province(), end - timedelta(days=730), end, seed=14)
    targets = {ch: [t for t in gen.targets if t.version.accepts_channel(ch)] for ch in (Channel.DIRECT, Channel.ONLINE)}
    days = common.working_days(gen.cal, end - timedelta(days=700), end - timedelta(days=20))
    rng = random.Random(14)
    by_target: dict[int, list[date]] = {}
    d_path, e_path = folder / "hoso.csv", folder / "sukien.csv"
    events = 0
    with open(d_path, "w", newline="", encoding="utf-8") as dfh, open(e_path, "w", newline="", encoding="utf-8") as efh:
        dw, ew = csv.writer(dfh), csv.writer(efh)
        dw.writerow(fmt.DOSSIER_NAMES)
        ew.writerow(fmt.EVENT_NAMES)
        for i in range(1, n + 1):
            r = rng.random()
            share, channel, actions = PATTERNS[0] if r < 0.70 else PATTERNS[1] if r < 0.90 else PATTERNS[2]
            t = rng.choice(targets[channel] or targets[Channel.DIRECT])
            # a day when the version in force at the end was already in force (no older version needed)
            usable = by_target.setdefault(id(t), [d for d in days if d >= t.version.effective_from])
            day = rng.choice(usable or days[-1:])
            version = t.version
            code = f"LG-{i:07d}"
            legacy = rng.choice(["on_time", "on_time", "on_time", "early", "late", ""])
            dw.writerow([code, t.receiving.code, t.handling.code, version.procedure.code, channel,
                         f"Người nộp {i}", f"068{rng.randrange(10**8, 10**9)}", f"09{rng.randrange(10**7, 10**8)}",
                         f"{t.handling.name}", "0", "0", legacy])
            at = common.day_epoch(day) + 8 * 3600 + rng.randrange(0, 8 * 3600)
            for k, action in enumerate(actions):
                if k:
                    at += rng.randrange(600, 2 * 86400)
                note = "Bổ sung giấy tờ" if action == "request_supplement" else ""
                ew.writerow([code, fmt.show_time(at), action, note])
                events += 1
    return [d_path, e_path], events


def main() -> None:
    opts = common.parser(__doc__.splitlines()[0], 200_000).parse_args()
    url = common.db_url(opts.db, opts.name or f"motcua_bench_legacy_{opts.db}")
    common.prepare(url, opts.reuse)
    common.setup_django(url)
    folder = Path(tempfile.mkdtemp(prefix="motcua-bench-legacy-"))
    try:
        result = run(opts, url, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        from django.db import connections

        connections.close_all()
        if not opts.keep:
            common.drop_db(url)
    common.emit(result, opts.json)


def run(opts: Any, url: str, folder: Path) -> dict[str, Any]:
    from motcua.legacy import check, load
    from motcua.reports import readmodel

    t0 = time.perf_counter()
    paths, n_events = write_files(opts.n, folder)
    write_s = time.perf_counter() - t0
    size_mb = sum(p.stat().st_size for p in paths) / 2 ** 20
    rows = opts.n + n_events
    print(f"files: {rows:,} rows, {size_mb:.0f} MiB in {write_s:.1f} s", file=sys.stderr, flush=True)
    if opts.db == "postgres":
        common.analyze(url)
    rss_start = _rss_mb()
    t = time.perf_counter()
    report = check.dry_run(paths)
    dry_s = time.perf_counter() - t
    errors = [p for p in report.problems if p["severity"] == "error"]
    assert report.failed == 0 and report.new == opts.n, (report.counts(), errors[:5])
    print(f"dry run: {dry_s:.1f} s, maxrss {_maxrss_mb():.0f} MiB", file=sys.stderr, flush=True)
    samples: list[tuple[int, float]] = []

    def progress(c: load.Counts) -> None:
        samples.append((c.rows, round(_rss_mb(), 1)))

    t = time.perf_counter()
    counts = load.import_file(paths, progress=progress, refresh=False)
    import_s = time.perf_counter() - t
    assert counts.created == opts.n, counts.as_dict()
    print(f"import: {import_s:.1f} s", file=sys.stderr, flush=True)
    t = time.perf_counter()
    readmodel.refresh(limit=None)
    refresh_s = time.perf_counter() - t
    t = time.perf_counter()
    again = load.import_file(paths, refresh=False)
    reimport_s = time.perf_counter() - t
    assert again.skipped == opts.n, again.as_dict()
    picks = [samples[int(len(samples) * q)] for q in (0.1, 0.5, 0.9)] + [samples[-1]] if samples else []
    return {
        "bench": "legacy_import", "db": opts.db, "dossiers": opts.n, "events": n_events, "rows": rows,
        "file_mib": round(size_mb, 1), "write_files_s": round(write_s, 1),
        "dry_run_s": round(dry_s, 1), "dry_run_rows_per_s": round(rows / dry_s),
        "import_s": round(import_s, 1), "import_rows_per_s": round(rows / import_s),
        "import_dossiers_per_s": round(opts.n / import_s),
        "readmodel_refresh_s": round(refresh_s, 1), "reimport_all_skipped_s": round(reimport_s, 1),
        "verdicts": report.verdicts, "legacy_verdict_warnings": report.warnings,
        "rss_start_mib": round(rss_start, 1), "rss_along_import_mib": picks, "maxrss_mib": round(_maxrss_mb(), 1),
    }


if __name__ == "__main__":
    main()
