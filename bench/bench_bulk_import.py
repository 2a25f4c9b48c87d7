"""Bulk import (migrating a legacy system's history): dossiers/s and events/s of import_history.

Records are pre-built in memory FIRST with motcua.dossiers.generator.Generator(...).records(n)
(two years of realistic histories: channels, supplements, withdrawals, late dossiers...), then
only motcua.dossiers.bulk.import_history(records, province) is timed: replay through the state
machine, due time and verdict with the calendar, COPY (PostgreSQL) / executemany (SQLite), one
transaction. The dossier tables are emptied before each repetition so each import starts from
the same state (a fresh system receiving a migration). Target: >= 20,000 dossiers/s.

    .venv/bin/python bench/bench_bulk_import.py --db postgres --n 200000
    .venv/bin/python bench/bench_bulk_import.py --db sqlite --n 20000 --repeat 1
"""

from __future__ import annotations

import gc
import time
from datetime import date, timedelta

import common

TARGET = 20_000


def _empty_tables(url: str) -> None:
    """Back to the seeded state: TRUNCATE (triggers lifted) on PostgreSQL; on SQLite (whose event table refuses
    DELETE by trigger) the seeded file saved at set-up is copied back."""
    from django.db import connection, connections, transaction

    if connection.vendor == "sqlite":
        connections.close_all()
        common.restore(url)
        return
    tables = ["dossiers_dossierevent", "dossiers_dossiercomponent", "dossiers_dossierfile",
              "dossiers_dossier", "dossiers_dossiercounter"]
    with transaction.atomic(), connection.cursor() as cur:
        # the event log refuses TRUNCATE once it has rows (its append-only trigger): lifted for this
        # throw-away database, as a superuser may; CASCADE empties what points at the dossiers too
        cur.execute("SET LOCAL session_replication_role = replica")
        cur.execute(f"TRUNCATE {', '.join(tables)} CASCADE")


def main() -> None:
    args = common.parser(__doc__.splitlines()[0], n=200_000).parse_args()
    url = common.db_url(args.db, args.name or f"motcua_bench_import_{args.db}")
    common.prepare(url, args.reuse)
    common.snapshot(url)
    common.setup_django(url)
    from motcua.dossiers.bulk import import_history
    from motcua.dossiers.generator import Generator

    prov = common.province()
    end = date.today() - timedelta(days=1)
    t0 = time.perf_counter()
    _empty_tables(url)
    records = list(Generator(prov, end - timedelta(days=730), end, seed=2025).records(args.n))
    build_s = time.perf_counter() - t0
    n_events = sum(len(r.events) for r in records)
    runs = []
    for _ in range(args.repeat):
        _empty_tables(url)
        if args.db == "postgres":
            common.analyze(url)
        gc.collect()
        t = time.perf_counter()
        written = import_history(records, prov.pk)
        runs.append(time.perf_counter() - t)
        assert written == args.n
    sec = common.median(runs)
    result = {
        "bench": "bulk_import", "db": args.db, "n": args.n, "events": n_events,
        "events_per_dossier": round(n_events / args.n, 2), "build_records_s": round(build_s, 2),
        "runs_s": [round(r, 2) for r in runs], "median_s": round(sec, 2),
        "dossiers_per_s": round(args.n / sec), "events_per_s": round(n_events / sec),
        "target_dossiers_per_s": TARGET, "met": args.n / sec >= TARGET,
    }
    if not args.keep:
        from django.db import connections

        connections.close_all()
        common.drop_db(url)
    common.emit(result, args.json)


if __name__ == "__main__":
    main()
