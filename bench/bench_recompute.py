"""Recompute the due times of N open dossiers after a calendar change (target: 1M in < 30 s).

Set-up (not timed): a database with N OPEN received counter dossiers, bulk-imported with
motcua.dossiers.bulk.import_history from HistoryRecords whose events are only [intake] (30%) or
[intake, start] (70%), received on the working days of the last two weeks (see
common.open_records). Timed, per repetition: a new holiday is declared on an upcoming working
day with motcua.calendars.services.declare_day(..., recompute=False) (so the due time of every
dossier whose window spans it moves), then motcua.dossiers.recompute.recompute_open_dossiers()
runs: one streaming scan, due times recomputed in Python, changed rows written back (COPY +
UPDATE ... FROM on PostgreSQL, executemany on SQLite). Each repetition declares the next working
day, so every run has real changes. A final run without any calendar change measures the scan
alone (changed = 0). The database can be shared with bench_api_intake.py (--name, --reuse).

    .venv/bin/python bench/bench_recompute.py --db postgres --n 1000000 --name motcua_bench --reuse --keep
    .venv/bin/python bench/bench_recompute.py --db sqlite --n 200000
"""

from __future__ import annotations

import gc
import sys
import time
from datetime import date, timedelta

import common

TARGET_S = 30.0  # for 1,000,000 open dossiers


def ensure_open_dossiers(url: str, n: int) -> dict[str, object]:
    """At least ``n`` open received dossiers in the province (loads the shortfall)."""
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.recompute import OPEN_RECEIVED

    have = Dossier.objects.filter(status__in=OPEN_RECEIVED).count()
    info: dict[str, object] = {"open_before": have}
    if have < n:
        today = date.today()
        info["load"] = common.load_open_dossiers(n - have, today - timedelta(days=13), today)
        common.analyze(url)
    return info


def _one(province_id: int, holiday: date | None) -> dict[str, object]:
    from motcua.calendars.services import declare_day
    from motcua.dossiers.recompute import recompute_open_dossiers

    if holiday is not None:
        declare_day(province_id, holiday, "holiday", "Nghỉ bù (benchmark)", "QĐ-BENCH", recompute=False)
    gc.collect()
    t = time.perf_counter()
    r = recompute_open_dossiers(province_id)
    sec = time.perf_counter() - t
    print(f"  holiday {holiday}: {r.scanned:,} scanned, {r.changed:,} changed, {sec:.1f}s", file=sys.stderr)
    return {"holiday": str(holiday) if holiday else None, "scanned": r.scanned, "changed": r.changed,
            "seconds": round(sec, 2)}


def main() -> None:
    args = common.parser(__doc__.splitlines()[0], n=1_000_000).parse_args()
    url = common.db_url(args.db, args.name or f"motcua_bench_recompute_{args.db}")
    common.prepare(url, args.reuse)
    common.setup_django(url)
    from motcua.calendars.services import calendar_for

    prov = common.province()
    info = ensure_open_dossiers(url, args.n)
    cal = calendar_for(prov.pk)
    day = date.today()
    runs = []
    for _ in range(args.repeat):
        day = common.next_free_working_day(cal, day, 1)
        runs.append(_one(prov.pk, day))
    scan_only = _one(prov.pk, None)
    sec = common.median([float(r["seconds"]) for r in runs])  # type: ignore[arg-type]
    scanned = int(runs[0]["scanned"])  # type: ignore[call-overload]
    per_million = sec * 1_000_000 / max(1, scanned)
    result = {
        "bench": "recompute", "db": args.db, "n": args.n, **info, "runs": runs, "scan_only": scan_only,
        "median_s": round(sec, 2), "rows_per_s": round(scanned / sec),
        "seconds_per_million": round(per_million, 1), "target_s_per_million": TARGET_S,
        "met": per_million < TARGET_S, "extrapolated": scanned < 1_000_000,
    }
    if not args.keep:
        from django.db import connections

        connections.close_all()
        common.drop_db(url)
    common.emit(result, args.json)


if __name__ == "__main__":
    main()
