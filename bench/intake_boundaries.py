"""Intake regardless of administrative boundaries: what the cross-boundary rules cost.

Set-up (not timed): a database of its own seeded with ``motcua demo --dossiers 0``, ``--n`` open
counter dossiers bulk-loaded (common.load_open_dossiers); a tenth of them (those of the first
commune's centre) then get the second commune's centre as their return unit (Dossier.return_unit),
as if received at one commune for another; VACUUM ANALYZE.

Timed, in this process:
* ``intake``: svc.intake at a commune counter for its own commune, and for another commune with the
  result returned at that commune's counter (the added checks: the territories of both units, the
  handling unit's counters), --requests each, one transaction per intake: p50 / p95 ms;
* ``queues``: the counter queues of the second commune's counter officer, whose visibility now adds
  "the dossiers whose result it hands over" (a subquery on Dossier.return_unit) to the path prefixes:
  return (to hand over), start, overdue: p50 / p95 ms of one page and its query count.

    .venv/bin/python bench/intake_boundaries.py --db postgres --n 100000
    .venv/bin/python bench/intake_boundaries.py --db sqlite --n 20000 --requests 50
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

import common


def main() -> None:
    p = common.parser(__doc__.splitlines()[0], 100_000)
    p.add_argument("--requests", type=int, default=100)
    opts = p.parse_args()
    url = common.db_url(opts.db, opts.name or "motcua_bench_boundaries")
    fresh = common.prepare(url, opts.reuse)
    common.setup_django(url)
    try:
        result = run(url, opts.n if fresh or not opts.reuse else 0, opts.requests)
    finally:
        if not opts.keep:
            common.drop_db(url)
    common.emit({"bench": "intake_boundaries", "db": opts.db, "n": opts.n, **result}, opts.json)


def _stats(xs: list[float]) -> dict[str, float]:
    return {"p50_ms": round(common.median(xs) * 1000, 2), "p95_ms": round(common.percentile(xs, 95) * 1000, 2)}


def _units() -> tuple[Any, Any, Any, Any, Any, Any]:
    """Two communes with a service centre and a counter officer each, and the first one's version."""
    from django.contrib.auth import get_user_model

    from motcua.units.choices import Role, UnitKind
    from motcua.units.models import StaffRole

    roles = list(StaffRole.objects.filter(role=Role.COUNTER_OFFICER, unit__kind=UnitKind.SERVICE_CENTRE,
                                          unit__parent__kind=UnitKind.COMMUNE).select_related("unit__parent")
                 .order_by("unit__path")[:2])
    (r1, r2) = roles
    users = get_user_model().objects.in_bulk([r1.user_id, r2.user_id])
    return r1.unit, r1.unit.parent, users[r1.user_id], r2.unit, r2.unit.parent, users[r2.user_id]


def _request(centre: Any, commune: Any, handling: Any, back: str) -> Any:  # noqa: ANN401
    from motcua.catalog.models import Component, ProcessStep
    from motcua.catalog.services import procedures_in_force
    from motcua.core import clock
    from motcua.dossiers import services as svc

    steps = ProcessStep.objects.filter(unit=handling).values("procedure_id")
    versions = procedures_in_force(clock.local_date(clock.now())).filter(procedure_id__in=steps)
    v = next(v for v in versions.select_related("procedure").order_by("procedure__code")
             if "commune" in v.procedure.levels and v.accepts_channel(1) and not v.fee_total(1))
    comps = [svc.ComponentInput(component_id=c.pk, originals=c.originals, copies=c.copies)
             for c in Component.objects.filter(version=v, required=True)]
    return svc.IntakeRequest(procedure_code=v.procedure.code, receiving_unit_code=centre.code,
                             handling_unit_code=handling.code, channel=1, return_unit_code=back,
                             applicant=svc.Applicant(name="Nguyễn Văn An", id_number="068123456789"),
                             components=comps)


def _time_intake(actor: Any, req: Any, k: int) -> list[float]:  # noqa: ANN401
    from motcua.dossiers import services as svc

    svc.intake(actor, req)  # warm-up
    out = []
    for _ in range(k):
        t0 = time.perf_counter()
        svc.intake(actor, req)
        out.append(time.perf_counter() - t0)
    return out


def _time_queue(actor: Any, slug: str, k: int) -> dict[str, Any]:  # noqa: ANN401
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from motcua.office import queues

    q = queues.BY_SLUG[slug]
    queues.page_of(actor, q, queues.Filters())
    xs = []
    for _ in range(k):
        t0 = time.perf_counter()
        rows = queues.page_of(actor, q, queues.Filters()).rows
        xs.append(time.perf_counter() - t0)
    with CaptureQueriesContext(connection) as ctx:
        queues.page_of(actor, q, queues.Filters())
    return {**_stats(xs), "rows": len(rows), "queries": len(ctx.captured_queries)}


def run(url: str, n: int, k: int) -> dict[str, Any]:
    from motcua.dossiers import services as svc
    from motcua.dossiers.models import Dossier

    out: dict[str, Any] = {}
    centre1, commune1, user1, centre2, commune2, user2 = _units()
    if n:
        end = date.today()
        out["load"] = common.load_open_dossiers(n, end - timedelta(days=14), end)
        moved = Dossier.objects.filter(receiving_unit=centre1).update(return_unit=centre2)
        out["load"]["with_return_unit"] = moved
        common.analyze(url)
    a1, a2 = svc.Actor.of(user1), svc.Actor.of(user2)
    out["intake_own_commune"] = _stats(_time_intake(a1, _request(centre1, commune1, commune1, ""), k))
    cross = _request(centre1, commune1, commune2, centre2.code)
    out["intake_for_another_commune"] = _stats(_time_intake(a1, cross, k))
    out["queues_of_the_return_counter"] = {slug: _time_queue(a2, slug, max(5, k // 5))
                                           for slug in ("return", "start", "overdue")}
    return out


if __name__ == "__main__":
    main()
