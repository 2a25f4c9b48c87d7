"""The operations dashboard over a month of REAL dossiers: the parts that read the dossier and event
tables (the late steps of the month, today's intake by hour and channel), at a 10M-dossier province's
monthly volume.

``bench/dashboard_10m.py`` measures the page on the 10M read model, whose dossier and event tables are
empty: what the page reads from the buckets. This one fills the tables the rest of the page reads:
``--n`` dossiers (default 420,000: six weeks of a province receiving 10M dossiers in three years, about
280,000 a month) bulk-imported from the project's generator (``motcua.dossiers.generator``: each
history moves through its unit's process steps with their due times, as the services write them),
received from ``--today`` minus 45 days to ``--today``, then the read model refreshed. Each sample is
cold (the shared cache and the per-process caches cleared, a new database connection), as the
province's monitor at 10:00 on ``--today``.

    .venv/bin/python bench/dashboard_month.py --keep            # build (about 10 minutes), measure, keep
    .venv/bin/python bench/dashboard_month.py --reuse --samples 20
"""

from __future__ import annotations

import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime
from typing import Any

import common

TARGET_P95_MS = 500


def load(url: str, n: int, today: date, reuse: bool) -> dict[str, Any]:
    created = common.prepare(url, reuse)
    common.setup_django(url)
    from motcua.dossiers.models import Dossier, DossierEvent

    if not created and Dossier.objects.exists():
        from motcua.reports import readmodel

        readmodel.refresh(limit=None)  # a database made before a read-model migration: its queue drained
        return {"dossiers": Dossier.objects.count(), "events": DossierEvent.objects.count(), "reused": True}
    from motcua.dossiers.bulk import import_history
    from motcua.dossiers.generator import Generator
    from motcua.reports import readmodel

    t0 = time.perf_counter()
    gen = Generator(common.province(), today - timedelta(days=45), today, seed=2026)
    done = import_history(gen.records(n), common.province().pk, batch=20_000,
                          progress=lambda k: print(f"  loaded {k:,}/{n:,}", file=sys.stderr, flush=True))
    load_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    readmodel.refresh(limit=None)
    refresh_s = time.perf_counter() - t1
    common.analyze(url)
    return {"dossiers": done, "events": DossierEvent.objects.count(), "load_s": round(load_s, 1),
            "refresh_s": round(refresh_s, 1)}


def parts(samples: int, today: date, log_samples: int = 3) -> dict[str, list[float]]:
    """The dossier- and event-table reads of the page, each timed alone (cold connection)."""
    from unittest import mock

    from django.db import connection

    from motcua.core import clock
    from motcua.reports import services as svc
    from motcua.reports.dashboard import receipts
    from motcua.reports.steps import late_steps_of_unit

    prov = common.province()
    now = clock.aware(datetime.combine(today, dtime(10, 0)))
    month = svc.period_of(today.replace(day=1), today)
    day = svc.period_of(today, today)
    times: dict[str, list[float]] = {"late_steps": [], "receipts_today": [], "late_steps_event_log": []}
    results: dict[str, Any] = {}

    def from_the_log() -> Any:  # noqa: ANN401 - the code before the read model counted the steps
        with mock.patch("motcua.reports.steps._left_from_read_model", lambda *a: None):
            return late_steps_of_unit(prov.path, month.start, month.end, now)

    cases = (("late_steps", lambda: late_steps_of_unit(prov.path, month.start, month.end, now), samples),
             ("receipts_today", lambda: receipts(prov, day), samples),
             ("late_steps_event_log", from_the_log, min(samples, log_samples)))
    with mock.patch("motcua.core.clock.now", lambda: now):
        for name, call, n in cases:
            for i in range(n + 1):
                connection.close()
                t0 = time.perf_counter()
                results[name] = call()
                if i:
                    times[name].append((time.perf_counter() - t0) * 1000)
    assert results["late_steps"] == results["late_steps_event_log"], results
    print("late steps:", results["late_steps"].as_dict(), flush=True)
    return times


def main() -> None:
    p = common.parser(__doc__.splitlines()[0], 420_000)
    p.add_argument("--samples", type=int, default=20)
    p.add_argument("--today", type=date.fromisoformat, default=date(2026, 6, 15))
    args = p.parse_args()
    url = common.db_url("postgres", args.name or "motcua_dash_month")
    info = load(url, args.n, args.today, args.reuse)
    from bench_reports_10m import machine
    from dashboard_10m import measure, stats

    from motcua.core import clock
    from motcua.dossiers.models import Dossier
    from motcua.reports import services as svc

    month = svc.period_of(args.today.replace(day=1), args.today)
    touched = Dossier.objects.filter(events__at__gte=month.start, events__at__lt=month.end).distinct().count()
    pages = measure(args.samples, args.today)
    alone = parts(args.samples, args.today)
    out: dict[str, Any] = {"bench": "dashboard_month", "machine": machine(), "today": args.today.isoformat(),
                           "at": clock.now().isoformat(timespec="minutes"), **info,
                           "dossiers_touched_this_month": touched,
                           "page": {k: stats(v) for k, v in pages.items()},
                           "parts": {k: stats(v) for k, v in alone.items()}}
    out["met"] = out["page"]["page"]["p95_ms"] < TARGET_P95_MS
    common.emit(out, args.json)
    if not args.keep:
        common.drop_db(url)


if __name__ == "__main__":
    main()
