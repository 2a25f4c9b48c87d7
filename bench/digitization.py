"""Digitization: marking a generated history's components and results (``motcua.digitization.demo``:
bulk components, one shared scan), the read model's refresh of the queued dossiers, and the
digitization figures of the province for the year from the event log and from the read model.

    .venv/bin/python bench/digitization.py --db sqlite --n 5000
"""

from __future__ import annotations

import statistics
import time
from datetime import date

import common


def main() -> None:
    opts = common.parser(__doc__.splitlines()[0], 5000, default_db="sqlite").parse_args()
    url = common.db_url(opts.db, opts.name or "motcua_bench_digit")
    common.prepare(url, opts.reuse)
    common.setup_django(url)
    try:
        result = run(opts.n)
    finally:
        if not opts.keep:
            common.drop_db(url)
    common.emit({"bench": "digitization", "db": opts.db, **result}, opts.json)


def run(n: int) -> dict[str, object]:
    from motcua.digitization import demo
    from motcua.dossiers.generator import generate
    from motcua.dossiers.models import DossierComponent
    from motcua.reports import readmodel
    from motcua.reports.services import compute_figures, compute_figures_from_events, period_of
    from motcua.units.models import Unit

    province = Unit.objects.filter(parent=None).order_by("pk").first()
    if province is None:
        from tests.factories import build_world

        province = build_world().province
    generate(n, province, date(2025, 1, 1), date(2025, 12, 31), seed=7)
    readmodel.refresh(limit=None)
    t = time.perf_counter()
    demo.prepare()
    mark = time.perf_counter() - t
    t = time.perf_counter()
    readmodel.refresh(limit=None)
    refresh = time.perf_counter() - t
    p = period_of(date(2025, 1, 1), date(2025, 12, 31))
    events, buckets = [], []
    for _ in range(5):
        t = time.perf_counter()
        compute_figures_from_events(province, p.start, p.end)
        events.append(time.perf_counter() - t)
        t = time.perf_counter()
        c = compute_figures(province, p.start, p.end).counts
        buckets.append(time.perf_counter() - t)
    return {"dossiers": n, "components": DossierComponent.objects.count(), "mark_s": round(mark, 3),
            "refresh_s": round(refresh, 3), "figures_event_log_ms": round(statistics.median(events) * 1000, 1),
            "figures_read_model_ms": round(statistics.median(buckets) * 1000, 1),
            "digitized_all": c["digitized_all"], "received": c["received"], "result_digitized": c["result_digitized"]}


if __name__ == "__main__":
    main()
