"""Read-only questions the pages, the exports and the dashboard ask: the unit's queue with its overdue
and approaching cases, the figures per unit and period (with the cases behind each number), the
hot spots by procedure and by unit."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from motcua.calendars.services import calendar_for
from motcua.core import clock
from motcua.domain import feedback as fb
from motcua.dossiers.services import Actor
from motcua.units.models import Unit

from .models import Case
from .services import visible_cases

APPROACHING_WORKING_SECONDS = 8 * 3600  # "approaching": less than one working day left
# statuses in which the answer clock runs (waiting for the sender stops it)
RUNNING = [fb.CaseStatus.NEW.value, fb.CaseStatus.ACKNOWLEDGED.value, fb.CaseStatus.TRANSFERRED.value]
TABS = ("open", "overdue", "approaching", "to_publish", "followup", "ended", "all")


def window(province_id: int, now: datetime) -> datetime:
    return calendar_for(province_id).add_working_seconds(now, APPROACHING_WORKING_SECONDS)


def overdue_q(now: datetime) -> Q:
    """Open cases past their answer due time, and answers past their publication due time."""
    return Q(status__in=RUNNING, due_at__lt=now) | Q(status=fb.CaseStatus.ANSWERED.value, publish_due_at__lt=now)


# answers waiting for publication: only those that must be published have a publication due time
TO_PUBLISH = Q(status=fb.CaseStatus.ANSWERED.value, publish_due_at__isnull=False)


def approaching_q(now: datetime, until: datetime) -> Q:
    return Q(status__in=RUNNING, due_at__gte=now, due_at__lt=until)


def queue(actor: Actor, tab: str, search: str = "", now: datetime | None = None) -> QuerySet[Case]:
    """The cases of one tab of the unit's queue, most urgent first."""
    now = now or clock.now()
    qs = visible_cases(actor).select_related("category", "unit")
    if tab == "open":
        qs = qs.filter(status__in=[s.value for s in fb.OPEN])
    elif tab == "overdue":
        qs = qs.filter(overdue_q(now))
    elif tab == "approaching":
        qs = qs.filter(approaching_q(now, window(_province_of(actor), now)))
    elif tab == "to_publish":
        qs = qs.filter(TO_PUBLISH)
    elif tab == "followup":
        qs = qs.filter(kind="followup", status__in=[s.value for s in fb.OPEN])
    elif tab == "ended":
        qs = qs.exclude(status__in=[s.value for s in fb.OPEN])
    if search.strip():
        s = search.strip()
        qs = qs.filter(Q(code__iexact=s) | Q(description__icontains=s) | Q(dossier__code=s))
    order = ("-updated_at", "-pk") if tab in ("ended", "all") else ("due_at", "pk")
    return qs.order_by(*order)


@dataclass
class Page:
    rows: list[Case]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def page_of(qs: QuerySet[Case], number: str | None, size: int) -> Page:
    """One page of ``qs`` read as ``size + 1`` rows (a COUNT over a unit's whole history is what
    makes a list page slow; "next" needs only to know that one more row exists)."""
    n = int(number) if (number or "").isdigit() and int(number or 0) > 0 else 1
    rows = list(qs[(n - 1) * size: n * size + 1])
    return Page(rows[:size], n, len(rows) > size)


def _province_of(actor: Actor) -> int:
    if actor.scope.roles:
        return int(actor.scope.roles[0][1].strip("/").split("/")[0])
    root = Unit.objects.filter(parent__isnull=True).order_by("pk").values_list("pk", flat=True).first()
    return int(root or 0)


def flag_of(c: Case, now: datetime, until: datetime) -> str:
    if c.status in RUNNING:
        if c.due_at < now:
            return "overdue"
        return "approaching" if c.due_at < until else ""
    if c.status == fb.CaseStatus.ANSWERED and c.publish_required and c.publish_due_at and c.publish_due_at < now:
        return "overdue"
    return ""


def tab_counts(actor: Actor, now: datetime | None = None) -> dict[str, int]:
    now = now or clock.now()
    # every tab counted is of open cases or of answers waiting for publication: the rest of the
    # history (answered, refused, closed) is left out of the scan
    qs = visible_cases(actor).filter(Q(status__in=[s.value for s in fb.OPEN]) | TO_PUBLISH)
    return qs.aggregate(
        open=Count("pk", filter=Q(status__in=[s.value for s in fb.OPEN])),
        overdue=Count("pk", filter=overdue_q(now)),
        approaching=Count("pk", filter=approaching_q(now, window(_province_of(actor), now))),
        to_publish=Count("pk", filter=TO_PUBLISH),
        followup=Count("pk", filter=Q(kind="followup", status__in=[s.value for s in fb.OPEN])),
    )


# ---- figures per unit and period ------------------------------------------------------------------

FIGURES = ("received", "handled", "on_time", "late", "open", "open_late", "rated", "satisfied", "followups")


@dataclass
class Row:
    unit: Unit
    counts: Counter[str] = field(default_factory=Counter)
    members: dict[str, list[int]] = field(default_factory=dict)

    def add(self, name: str, case_id: int) -> None:
        self.counts[name] += 1
        self.members.setdefault(name, []).append(case_id)

    @property
    def on_time_rate(self) -> Any:
        from motcua.domain.indicators import rate

        return rate(self.counts["on_time"], self.counts["handled"] + self.counts["open_late"])

    @property
    def satisfaction_rate(self) -> Any:
        from motcua.domain.indicators import rate

        return rate(self.counts["satisfied"], self.counts["rated"])


def memberships(j: fb.Judgement, c: Case, start: datetime, end: datetime) -> list[str]:
    """The figures a case counts in for ``[start, end)``, judged as of the period end."""
    out = []
    if start <= c.received_at < end:
        out.append("received")
        if c.kind == "followup":
            out.append("followups")
    if j.ended_at is not None and start <= j.ended_at < end:
        out += ["handled", "late" if j.is_late else "on_time"]
    elif j.ended_at is None and c.received_at < end:
        out.append("open")
        if j.is_late:
            out.append("open_late")
    if c.rated_at is not None and start <= c.rated_at < end:
        out.append("rated")
        if c.satisfied:
            out.append("satisfied")
    return out


def unit_figures(unit: Unit, start: datetime, end: datetime, as_of: datetime) -> tuple[Row, list[Row]]:
    """The unit's figures and those of each direct child (cases of its subtree), as of ``as_of``."""
    from .indicators import _events_of
    from .services import clock_with

    children = list(Unit.objects.filter(parent=unit).order_by("code"))
    total, rows = Row(unit), {u.pk: Row(u) for u in children}
    own = Row(unit)
    qs = (Case.objects.filter(unit_path__startswith=unit.path, received_at__lt=end)
          .filter(Q(received_at__gte=start) | Q(answered_at__isnull=True, refused_at__isnull=True,
                                                  closed_at__isnull=True)
                  | Q(answered_at__gte=start) | Q(refused_at__gte=start) | Q(closed_at__gte=start)
                  | Q(rated_at__gte=start))
          .select_related("unit"))
    cases = list(qs)
    events = _events_of([c.pk for c in cases])
    cal = calendar_for(unit.province_id)
    memo: dict[Any, Any] = {}
    for c in cases:
        j = fb.judge(cal, clock_with(c, events.get(c.pk, []), memo), as_of)
        row = next((r for u, r in rows.items() if c.unit_path.startswith(r.unit.path)), own)
        for name in memberships(j, c, start, end):
            total.add(name, c.pk)
            row.add(name, c.pk)
    out = [r for r in rows.values() if r.counts]
    if own.counts and children:
        out.append(own)
    return total, out


# ---- hot spots ------------------------------------------------------------------------------------

def hot_spots(unit: Unit, start: datetime, end: datetime, top: int = 10) -> dict[str, list[tuple[str, int, int]]]:
    """Cases received in ``[start, end)`` under ``unit`` by procedure and by responsible unit:
    (name, cases, overdue now), the largest first."""
    now = clock.now()
    qs = Case.objects.filter(unit_path__startswith=unit.path, received_at__gte=start, received_at__lt=end)
    agg = {"n": Count("pk"), "late": Count("pk", filter=overdue_q(now))}
    procs = (qs.exclude(procedure__isnull=True).values("procedure__code", "procedure__name").annotate(**agg)
             .order_by("-n", "procedure__code")[:top])
    units = qs.values("unit__name", "unit_id").annotate(**agg).order_by("-n", "unit__name")[:top]
    return {
        "procedures": [(f"{p['procedure__code']} - {p['procedure__name']}", p["n"], p["late"]) for p in procs],
        "units": [(u["unit__name"], u["n"], u["late"]) for u in units],
    }


def dashboard_section(unit: Unit, period: Any) -> dict[str, Any]:
    """The dashboard's feedback hot spots: the month's cases by procedure and by unit, with the
    cases overdue now (the unit's queue) and the month's on-time and satisfaction measures."""
    from motcua.domain.indicators import rate

    from .indicators import case_measures

    m = case_measures(unit, period)
    now = clock.now()
    overdue = Case.objects.filter(Q(unit_path__startswith=unit.path) & overdue_q(now)).count()
    return {"spots": hot_spots(unit, period.start, period.end), "overdue": overdue,
            "on_time": rate(m["feedback_on_time"].numerator, m["feedback_on_time"].denominator),
            "satisfaction": rate(m["feedback_satisfaction"].numerator, m["feedback_satisfaction"].denominator)}
