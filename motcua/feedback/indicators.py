"""The three Decision 766 satisfaction measures of a unit and period (registered in
``motcua.reports.index766.MEASURE_PROVIDERS`` by the app config).

``feedback_on_time``       cases of the unit's subtree (responsible unit) handled in the period
                           (answered, refused or closed in ``[S, E)``) and judged on time as of the
                           period's end, over those cases plus the open cases already late at the end:
                           an overdue unanswered case counts against the unit, as a late dossier does
``feedback_satisfaction``  answers rated in ``[S, E)``: satisfied / rated
``dossier_satisfaction``   100% - (late rate + share of dossiers with a complaint or a "dislike"):
                           numerator ``to_process - late - complained``, denominator ``to_process``
                           (the dossier figures of the handling unit's subtree, as every report);
                           ``complained`` = dossiers of the subtree with a complaint case (kind
                           complaint) received in the period or a dissatisfied rating given in it,
                           each dossier once; a late dossier with a complaint counts in both terms,
                           as the formula adds the two rates. Never below 0.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q

from motcua.calendars.services import calendar_for
from motcua.domain import feedback as fb
from motcua.domain.indicators import Measure
from motcua.units.models import Unit

from .choices import Kind
from .models import Case, CaseEvent


def dossier_satisfaction(to_process: int, late: int, complained: int) -> Measure:
    """100% - (late / to_process + complained / to_process), as a measure (never below 0)."""
    return Measure(max(0, to_process - late - complained), to_process)


LOCAL_OFFSET = timedelta(hours=7)  # Asia/Ho_Chi_Minh has no daylight saving


def on_time_counts(unit: Unit, start: datetime, end: datetime, as_of: datetime) -> tuple[int, int]:
    """(handled on time, handled + open and late) of the unit's subtree for ``[start, end)``: every
    candidate case judged by the domain from its event log (rows read as tuples, in one pass)."""
    on_time = total = 0
    for _path, counted, in_time in judged_cases(unit, start, end, as_of):
        total += counted
        on_time += in_time
    return on_time, total


def judged_cases(unit: Unit, start: datetime, end: datetime, as_of: datetime) -> list[tuple[str, int, int]]:
    """(case's unit path, counted 0/1, on time 0/1) of every candidate case of the unit's subtree."""
    from .services import limits_for

    ended = Q(answered_at__gte=start, answered_at__lt=end) | Q(refused_at__gte=start, refused_at__lt=end) | Q(
        answered_at__isnull=True, refused_at__isnull=True, closed_at__gte=start, closed_at__lt=end)
    still_open = Q(received_at__lt=end) & (Q(answered_at__isnull=True) | Q(answered_at__gte=end)) & (
        Q(refused_at__isnull=True) | Q(refused_at__gte=end)) & (Q(closed_at__isnull=True) | Q(closed_at__gte=end))
    rows = list(Case.objects.filter(Q(unit_path__startswith=unit.path) & (ended | still_open)).values_list(
        "pk", "received_at", "urgency", "publish_required", "unit_path"))
    cal = calendar_for(unit.province_id)
    events = _events_of([r[0] for r in rows])
    memo: dict[tuple[str, Any], fb.Limits] = {}
    out = []
    for pk, received, urgency, publish, path in rows:
        key = (urgency, (received + LOCAL_OFFSET).date())  # the local day of receipt
        if key not in memo:
            memo[key] = limits_for(unit, urgency, received)[1]  # one province: the unit's
        j = fb.judge(cal, fb.CaseClock(received, memo[key], events.get(pk, []), publish), as_of)
        if j.ended_at is not None and start <= j.ended_at < end:
            out.append((path, 1, 0 if j.is_late else 1))
        elif j.ended_at is None and j.is_late:
            out.append((path, 1, 0))
    return out


def _events_of(ids: list[int]) -> dict[int, list[fb.CaseEvent]]:
    out: dict[int, list[fb.CaseEvent]] = {}
    for i in range(0, len(ids), 1000):
        for case_id, at, action in CaseEvent.objects.filter(case_id__in=ids[i:i + 1000]).values_list(
                "case_id", "at", "action"):
            out.setdefault(case_id, []).append(fb.CaseEvent(at, fb.CaseAction(action)))
    return out


def complained_dossiers(unit: Unit, start: datetime, end: datetime) -> set[int]:
    """Dossiers of the subtree with a complaint received or a dissatisfied rating given in ``[start, end)``
    (one query: the union of both)."""
    from motcua.portal.choices import Score
    from motcua.portal.models import Rating

    complaints = Case.objects.filter(kind=Kind.COMPLAINT, dossier__handling_path__startswith=unit.path,
                                     received_at__gte=start, received_at__lt=end).values_list("dossier_id")
    dislikes = Rating.objects.filter(score=Score.DISSATISFIED, dossier__handling_path__startswith=unit.path,
                                     created_at__gte=start, created_at__lt=end).values_list("dossier_id")
    return {d for (d,) in complaints.union(dislikes) if d is not None}


def case_measures(unit: Unit, period: Any) -> dict[str, Measure]:
    """The two measures read from the feedback cases alone (the dashboard shows them too)."""
    on_time, total = on_time_counts(unit, period.start, period.end, period.as_of)
    rated = (Case.objects.filter(unit_path__startswith=unit.path, rated_at__gte=period.start, rated_at__lt=period.end)
             .aggregate(n=Count("pk"), ok=Count("pk", filter=Q(satisfied=True))))
    return {
        "feedback_on_time": Measure(on_time, total),
        "feedback_satisfaction": Measure(rated["ok"], rated["n"]),
    }



def feedback_measures(unit: Unit, period: Any, figures: Any = None) -> dict[str, Measure]:
    """The measure provider: the three satisfaction measures of ``unit`` for ``period``. ``figures``:
    the unit's figures of the period when the index already has them (else they are computed)."""
    from motcua.reports.services import compute_figures

    c = (figures or compute_figures(unit, period.start, period.end)).counts
    return case_measures(unit, period) | {
        "dossier_satisfaction": dossier_satisfaction(
            c["to_process"], c["late"], len(complained_dossiers(unit, period.start, period.end))),
    }


feedback_measures.wants_figures = True  # type: ignore[attr-defined]  # index_of may pass its figures


def _ancestors(path: str) -> list[str]:
    """"/1/7/42/" -> ["/1/", "/1/7/", "/1/7/42/"]: the subtrees a row of that path counts in."""
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def _spread(rows: Any, inside: dict[str, int]) -> dict[str, list[int]]:
    """Sum (path, a, b) rows into every subtree of ``inside`` their path lies in: {subtree: [a, b]}."""
    out: dict[str, list[int]] = {}
    for path, a, b in rows:
        for p in _ancestors(path):
            if p in inside:
                acc = out.setdefault(p, [0, 0])
                acc[0] += a
                acc[1] += b
    return out


def feedback_measures_of_units(units: list[Unit], parent: Unit, period: Any,
                               figures: dict[int, Any]) -> dict[int, dict[str, Measure]]:
    """:func:`feedback_measures` of every unit of ``units`` inside ``parent``'s subtree, from one read
    under the parent (each case judged once, then counted in every subtree its unit lies in): the
    ranking's 100-odd units cost the same few queries as one. Units outside the parent are left out
    (the caller asks them one by one)."""
    from motcua.portal.choices import Score
    from motcua.portal.models import Rating

    inside = {u.path: u.pk for u in units if u.path.startswith(parent.path)}
    on_time = _spread(((path, in_time, counted) for path, counted, in_time in
                       judged_cases(parent, period.start, period.end, period.as_of)), inside)
    rated = _spread(Case.objects.filter(unit_path__startswith=parent.path, rated_at__gte=period.start,
                                        rated_at__lt=period.end)
                    .values("unit_path").annotate(ok=Count("pk", filter=Q(satisfied=True)), n=Count("pk"))
                    .values_list("unit_path", "ok", "n"), inside)
    complaints = Case.objects.filter(kind=Kind.COMPLAINT, dossier__handling_path__startswith=parent.path,
                                     received_at__gte=period.start, received_at__lt=period.end)
    dislikes = Rating.objects.filter(score=Score.DISSATISFIED, dossier__handling_path__startswith=parent.path,
                                     created_at__gte=period.start, created_at__lt=period.end)
    complained: dict[str, set[int]] = {}
    for d, path in complaints.values_list("dossier_id", "dossier__handling_path").union(
            dislikes.values_list("dossier_id", "dossier__handling_path")):
        for p in _ancestors(path or ""):
            if d is not None and p in inside:
                complained.setdefault(p, set()).add(d)
    out = {}
    for path, pk in inside.items():
        c = figures[pk].counts
        out[pk] = {"feedback_on_time": Measure(*on_time.get(path, [0, 0])),
                   "feedback_satisfaction": Measure(*rated.get(path, [0, 0])),
                   "dossier_satisfaction": dossier_satisfaction(c["to_process"], c["late"],
                                                                len(complained.get(path, ())))}
    return out


feedback_measures.of_units = feedback_measures_of_units  # type: ignore[attr-defined]  # the ranking's batch
