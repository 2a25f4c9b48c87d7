"""Feedback at scale: ``--n`` cases (default 100,000) over the last 180 days of the demo province's
communes, then

* the deadline arithmetic: due times and verdict of every case (``motcua.domain.feedback.judge`` on
  the province's calendar, pure Python), cases per second;
* the loading path: the projection of each case (``services.refresh``: limits, calendar, judge),
  cases per second;
* a commune leader's queue page (``/feedback/office/``, tabs "open" and "overdue", with its tab
  counts) and a provincial monitor's, through Django's test client: median and p95 ms;
* the 766 "feedback on time" measure of the province for one month (every case of the month judged
  from its event log), seconds;
* the month's case list as Excel (XlsxWriter), seconds.

    .venv/bin/python bench/feedback.py --db sqlite --n 100000
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

import common

A_DAY = 8 * 3600


def load(n: int) -> dict[str, float]:
    from django.utils import timezone

    from motcua.domain import feedback as fb
    from motcua.feedback import services as fsvc
    from motcua.feedback.models import Case, CaseEvent, Category
    from motcua.units.models import Unit

    fsvc.load_categories()
    rng = random.Random(12)
    p = common.province()
    communes = list(Unit.objects.filter(path__startswith=p.path, kind="commune"))
    cats = list(Category.objects.filter(internal=False).exclude(kind="complaint"))
    now = timezone.now()
    cal = fsvc.calendar_for(p.pk)
    cases, steps = [], []
    for i in range(n):
        u = communes[i % len(communes)]
        received = now - timedelta(seconds=rng.randrange(180 * 86400))
        c = Case(code=f"tmp-{i}", category=cats[i % len(cats)], kind=cats[i % len(cats)].kind, unit=u,
                 unit_path=u.path, description="Phản ánh mẫu", anonymous=True, received_at=received,
                 updated_at=received, status="new", publish_required=False, external_ref=f"bench-{i}")
        ev = []
        r = rng.random()
        if r < 0.7:
            at = cal.add_working_seconds(received, int(rng.uniform(1, 20) * A_DAY))
            if at < now:
                ev = [(at, fb.CaseAction.ANSWER)]
                c.status, c.answered_at, c.answer = "answered", at, "Đã xử lý"
        elif r < 0.8:
            c.status = "acknowledged"
        cases.append(c)
        steps.append(ev)
    t0 = time.perf_counter()
    for c, ev in zip(cases, steps, strict=True):
        fsvc.refresh(c, now, [fb.CaseEvent(c.received_at, fb.CaseAction.SUBMIT)]
                     + [fb.CaseEvent(at, a) for at, a in ev])
    projection = time.perf_counter() - t0
    Case.objects.bulk_create(cases, batch_size=2000)
    events = []
    for c, ev in zip(cases, steps, strict=True):
        events.append(CaseEvent(case=c, seq=1, at=c.received_at, action="submit", to_status="new"))
        events += [CaseEvent(case=c, seq=2, at=at, action=a.value, from_status="new", to_status="answered")
                   for at, a in ev]
    CaseEvent.objects.bulk_create(events, batch_size=5000)
    for c in cases:
        c.code = fsvc.make_code(c)
    Case.objects.bulk_update(cases, ["code"], batch_size=5000)
    return {"projection_per_second": round(n / projection)}


def deadlines(n: int) -> float:
    """Cases judged per second by the pure domain (events read once, outside the timing)."""
    from django.utils import timezone

    from motcua.domain import feedback as fb
    from motcua.feedback import services as fsvc
    from motcua.feedback.indicators import _events_of
    from motcua.feedback.models import Case

    p = common.province()
    cal = fsvc.calendar_for(p.pk)
    rows = list(Case.objects.values_list("pk", "received_at", "urgency")[:n])
    events = _events_of([r[0] for r in rows])
    limits = fsvc.limits_versions()[0].limits("normal")
    now = timezone.now()
    t0 = time.perf_counter()
    for pk, received, _ in rows:
        fb.judge(cal, fb.CaseClock(received, limits, events.get(pk, [])), now)
    return len(rows) / (time.perf_counter() - t0)


def pages(repeat: int) -> dict[str, object]:
    from django.test import Client

    from motcua.units.models import StaffRole

    out: dict[str, object] = {}
    for label, role in (("commune_leader", StaffRole.objects.filter(role="leader", unit__kind="commune")),
                        ("province_monitor", StaffRole.objects.filter(role="monitor"))):
        sr = role.select_related("user").first()
        if sr is None:
            continue
        client = Client()
        client.force_login(sr.user)
        for tab in ("open", "overdue"):
            times = []
            for _ in range(max(5, repeat * 5)):
                t0 = time.perf_counter()
                r = client.get(f"/feedback/office/?tab={tab}", HTTP_HOST="127.0.0.1")
                times.append((time.perf_counter() - t0) * 1000)
                assert r.status_code == 200, r.status_code
            out[f"queue_{label}_{tab}_ms_median"] = round(common.median(times), 1)
            out[f"queue_{label}_{tab}_ms_p95"] = round(common.percentile(times, 95), 1)
    return out


def month_figures() -> dict[str, float]:
    from motcua.feedback import exports, indicators
    from motcua.feedback.models import Case
    from motcua.reports.services import period_of

    p = common.province()
    today = date.today()
    first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    last = today.replace(day=1) - timedelta(days=1)
    period = period_of(first, last)
    t0 = time.perf_counter()
    on_time, total = indicators.on_time_counts(p, period.start, period.end, period.as_of)
    measure = time.perf_counter() - t0
    qs = Case.objects.filter(unit_path__startswith=p.path, received_at__gte=period.start, received_at__lt=period.end)
    t0 = time.perf_counter()
    body = exports.workbook(qs, "bench")
    excel = time.perf_counter() - t0
    return {"month_cases": qs.count(), "on_time_measure_seconds": round(measure, 2),
            "on_time": f"{on_time}/{total}", "excel_seconds": round(excel, 2), "excel_bytes": len(body)}


def main() -> None:
    opts = common.parser(__doc__.splitlines()[0], 100_000, default_db="sqlite").parse_args()
    url = common.db_url(opts.db, opts.name or "motcua_bench_feedback")
    fresh = common.prepare(url, opts.reuse)
    common.setup_django(url)
    try:
        from motcua.feedback.models import Case

        result: dict[str, object] = {"bench": "feedback", "db": opts.db, "cases": opts.n}
        if fresh or not Case.objects.exists():
            t0 = time.perf_counter()
            result.update(load(opts.n))
            result["load_seconds"] = round(time.perf_counter() - t0, 1)
            common.analyze(url)  # planner statistics after the bulk load, as after any import
        result["judged_per_second"] = round(common.median([deadlines(opts.n) for _ in range(opts.repeat)]))
        result.update(pages(opts.repeat))
        result.update(month_figures())
    finally:
        if not opts.keep:
            common.drop_db(url)
    common.emit(result, opts.json)


if __name__ == "__main__":
    main()
