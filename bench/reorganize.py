"""A merge of two communes with ``--n`` dossiers each into a new commune (the July 2025 reform's
shape): the time to apply it in one transaction, and whether reads stay available meanwhile (a reader
thread on its own connection times a dossier-list query, the office queue's shape, before and during
the apply: p50/p95/max).

The two demo communes of Đà Lạt (Xuân Hương, Lâm Viên) get ``--n`` histories each over two
years (bulk-imported; the last 7% received still open, the others processed and returned).
Applying moves the open ones to the new commune with a TRANSFER event each (the dossier services'
event writer: hash chain, hooks, read-model queue), reparents the communes' service centres under
the new commune (every dossier they received has its receiving path rewritten in bulk SQL), moves
staff roles and processes, and writes the successions and unit versions.

    .venv/bin/python bench/reorganize.py --db postgres --n 100000
    .venv/bin/python bench/reorganize.py --db sqlite --n 5000      # a smoke run
"""

from __future__ import annotations

import random
import sys
import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import common

SOURCES = ("000.31.10.H39", "000.31.11.H39")
TARGET = {"code": "000.31.12.H39", "name": "Phường Đà Lạt (hợp nhất)", "kind": "commune", "parent_code": "68"}


def main() -> None:
    p = common.parser(__doc__.splitlines()[0], 100_000, default_db="postgres")
    p.add_argument("--reads", type=float, default=3.0, help="seconds of baseline reads before the apply")
    opts = p.parse_args()
    url = common.db_url(opts.db, opts.name or "motcua_bench_reorganize")
    common.prepare(url, opts.reuse)
    common.setup_django(url)
    try:
        loaded = load(opts.n)
        common.analyze(url)
        result = run(opts.reads)
    finally:
        from django.db import connections

        connections.close_all()
        if not opts.keep:
            common.drop_db(url)
    common.emit({"bench": "reorganize", "db": opts.db, "n_per_commune": opts.n, "load": loaded, **result},
                opts.json)


def load(n: int) -> dict[str, float]:
    """``n`` histories handled by each source commune and received by its centre over two years:
    the recent 7% still open (received, or at the first step), the others processed and returned."""
    from motcua.dossiers.bulk import import_history

    t0 = time.perf_counter()
    end = date.today() - timedelta(days=1)
    total = sum(import_history(records(code, n, end - timedelta(days=730), end, 11 + i), common.province().pk,
                               progress=lambda k: print(f"  loaded {k:,}", file=sys.stderr, flush=True))
                for i, code in enumerate(SOURCES))
    return {"dossiers": total, "seconds": round(time.perf_counter() - t0, 1)}


def records(code: str, n: int, start: date, end: date, seed: int) -> Iterator[Any]:
    from motcua.catalog.choices import Channel
    from motcua.domain.codes import format_dossier_code
    from motcua.dossiers.bulk import HistoryRecord
    from motcua.dossiers.generator import Generator, _cutoff
    from motcua.units.models import Unit

    unit = Unit.objects.get(code=code)
    gen = Generator(common.province(), start, end, seed)
    targets = [t for t in gen.targets if t.handling.pk == unit.pk and t.version.accepts_channel(Channel.DIRECT)]
    rng = random.Random(seed)
    days = common.working_days(gen.cal, start, end)
    seq: dict[tuple[int, date], int] = dict(gen.seq)
    for k in range(n):
        t = rng.choice(targets)
        di = min(len(days) - 1, int(k / n * len(days)))  # in date order: the last 7% are the recent ones
        day = days[di]
        at = common.day_epoch(day) + int(rng.triangular(7.5 * 3600, 17 * 3600, 9.5 * 3600))
        events = [(at, "intake", "")]
        if k < 0.93 * n:
            events += [(at + 600, "start", ""), (at + 86_400, "finish", ""), (at + 2 * 86_400, "return", "")]
        elif rng.random() < 0.7:
            events.append((at + 600, "start", ""))
        seq[(t.receiving.pk, day)] = s_ = seq.get((t.receiving.pk, day), 0) + 1
        yield HistoryRecord(
            code=format_dossier_code(t.receiving.code, day, s_), receiving_unit_id=t.receiving.pk,
            handling_unit_id=t.handling.pk, receiving_path=t.receiving.path, handling_path=t.handling.path,
            procedure_id=t.version.procedure_id, version_id=t.version.pk, channel=int(Channel.DIRECT),
            applicant_name=gen._name(), limit_seconds=t.version.limit_seconds(Channel.DIRECT), events=events,
            applicant_id_number=f"068{rng.randrange(10**8, 10**9)}", cutoff=_cutoff(t.version),
            sequence=(t.receiving.pk, day.isoformat(), s_))


class Reader(threading.Thread):
    """Times the office queue's query (open dossiers of the province, newest first, 50 rows) in a loop."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[tuple[float, float]] = []  # (start, seconds)
        self.stop = threading.Event()
        self.error: str | None = None

    def run(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db import connection

        from motcua.dossiers import services as svc

        try:
            actor = svc.Actor.of(get_user_model().objects.get(username="giamsat.tinh"))
            while not self.stop.is_set():
                t0 = time.perf_counter()
                rows = list(svc.visible_dossiers(actor).filter(status__in=(2, 4, 5, 6))
                            .order_by("-received_at").values_list("pk", "code", "handling_path")[:50])
                self.samples.append((t0, time.perf_counter() - t0))
                assert rows
                time.sleep(0.01)
        except Exception as exc:  # noqa: BLE001 - reported in the result
            self.error = repr(exc)
        finally:
            connection.close()


def run(baseline_seconds: float) -> dict[str, object]:
    from motcua.dossiers.models import Dossier
    from motcua.units import reorganize
    from motcua.units.models import Reorganization

    r = Reorganization(kind="merge", decision_number="BENCH/NQ-UBTVQH15", decision_date=date(2025, 6, 16),
                       issuer="Ủy ban Thường vụ Quốc hội", effective_on=date.today(),
                       spec={"sources": list(SOURCES), "target": TARGET})
    with common.Timer() as tp:
        plan = reorganize.preview(r)
    reader = Reader()
    reader.start()
    time.sleep(baseline_seconds)
    t_apply = time.perf_counter()
    with common.Timer() as ta:
        summary = reorganize.apply(r)
    t_done = time.perf_counter()
    time.sleep(0.5)
    reader.stop.set()
    reader.join(30)
    before = [s for t, s in reader.samples if t < t_apply]
    during = [s for t, s in reader.samples if t_apply <= t < t_done]
    moved = Dossier.objects.filter(handling_unit__code=TARGET["code"]).count()

    def ms(xs: list[float], q: float) -> float:
        return round(common.percentile(xs, q) * 1000, 1) if xs else float("nan")

    return {
        "preview_seconds": round(tp.seconds, 2), "apply_seconds": round(ta.seconds, 2),
        "counts": plan.counts, "moved_open_dossiers": summary["counts"]["open_dossiers"], "at_new_unit": moved,
        "transfers_per_second": round(summary["counts"]["open_dossiers"] / ta.seconds, 1) if ta.seconds else None,
        "reads_before": {"n": len(before), "p50_ms": ms(before, 50), "p95_ms": ms(before, 95)},
        "reads_during_apply": {"n": len(during), "p50_ms": ms(during, 50), "p95_ms": ms(during, 95),
                               "max_ms": round(max(during) * 1000, 1) if during else None},
        "reader_error": reader.error,
    }


if __name__ == "__main__":
    main()
