"""The generated history's postal and fee events: what they cost the generator and the bulk import.

Paired in one process: the generator's records (``--n`` dossiers over two years) are imported as
they are and with their status-keeping ``postal`` and ``fee_paid`` events (and the return's data)
taken out, alternately, the dossier tables emptied before each import (TRUNCATE on PostgreSQL,
the seeded file copied back on SQLite). The ratio of the medians is the cost of the new events;
the build time of the records is the generator's (with the events).

    .venv/bin/python bench/post_history.py --db sqlite --n 10000 --repeat 5
    .venv/bin/python bench/post_history.py --db postgres --n 20000 --repeat 5

Measured (2 shared cores under load, 2026-12-02, n=5,000, 3 pairs): +16.4% events; SQLite import
time ratio 1.14 (events/s unchanged), PostgreSQL 1.00 (COPY absorbs them).
"""

from __future__ import annotations

import dataclasses
import gc
import time
from datetime import date, timedelta

import common

STATUS_KEEPING = ("postal", "fee_paid")


def _empty_tables(url: str) -> None:
    from django.db import connection, connections, transaction

    if connection.vendor == "sqlite":
        connections.close_all()
        common.restore(url)
        return
    tables = ["dossiers_approval", "dossiers_dossierevent", "dossiers_dossiercomponent", "dossiers_dossierfile",
              "dossiers_dossier", "dossiers_dossiercounter"]
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL session_replication_role = replica")  # the event log's append-only trigger
        cur.execute(f"TRUNCATE {', '.join(tables)} CASCADE")


def stripped(rec):  # noqa: ANN001, ANN201
    """The record without its status-keeping events (the history as generated before them)."""
    data = rec.data or [None] * len(rec.events)
    keep = [i for i, e in enumerate(rec.events) if e[1] not in STATUS_KEEPING]
    return dataclasses.replace(rec, events=[rec.events[i] for i in keep],
                               data=[None if rec.events[i][1] == "return" else data[i] for i in keep],
                               fees_paid=rec.fees_due, result_delivery="counter")


def main() -> None:
    args = common.parser(__doc__.splitlines()[0], n=10_000, default_db="sqlite").parse_args()
    url = common.db_url(args.db, args.name or f"motcua_bench_post_history_{args.db}")
    common.prepare(url, args.reuse)
    common.snapshot(url)
    common.setup_django(url)
    from motcua.dossiers.bulk import import_history
    from motcua.dossiers.generator import Generator

    prov = common.province()
    end = date.today() - timedelta(days=1)
    _empty_tables(url)
    t0 = time.perf_counter()
    full = list(Generator(prov, end - timedelta(days=730), end, seed=2025).records(args.n))
    build_s = time.perf_counter() - t0
    plain = [stripped(r) for r in full]
    ev_full, ev_plain = sum(len(r.events) for r in full), sum(len(r.events) for r in plain)
    runs: dict[str, list[float]] = {"plain": [], "full": []}
    for _ in range(args.repeat):
        for name, recs in (("plain", plain), ("full", full)):
            _empty_tables(url)
            if args.db == "postgres":
                common.analyze(url)
            gc.collect()
            t = time.perf_counter()
            assert import_history(recs, prov.pk) == args.n
            runs[name].append(time.perf_counter() - t)
    med = {k: common.median(v) for k, v in runs.items()}
    by_post = sum(1 for r in full if r.result_delivery == "post")
    result = {
        "bench": "post_history", "db": args.db, "n": args.n, "build_records_s": round(build_s, 2),
        "events_plain": ev_plain, "events_full": ev_full, "events_added_pct": round(100 * (ev_full / ev_plain - 1), 1),
        "result_by_post": by_post, "postal_events": sum(1 for r in full for e in r.events if e[1] == "postal"),
        "fee_paid_events": sum(1 for r in full for e in r.events if e[1] == "fee_paid"),
        "runs_plain_s": [round(x, 2) for x in runs["plain"]], "runs_full_s": [round(x, 2) for x in runs["full"]],
        "median_plain_s": round(med["plain"], 2), "median_full_s": round(med["full"], 2),
        "dossiers_per_s_plain": round(args.n / med["plain"]), "dossiers_per_s_full": round(args.n / med["full"]),
        "events_per_s_full": round(ev_full / med["full"]),
        "time_ratio_full_over_plain": round(med["full"] / med["plain"], 3),
        "paired_ratios": [round(f / p, 3) for p, f in zip(runs["plain"], runs["full"], strict=True)],
    }
    if not args.keep:
        from django.db import connections

        connections.close_all()
        common.drop_db(url)
    common.emit(result, args.json)


if __name__ == "__main__":
    main()
