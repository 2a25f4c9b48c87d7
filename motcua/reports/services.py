"""Statistics use cases: figures of a unit and period, the dossiers behind a figure, and why a
dossier counts where it counts. Every entry point (API, pages, exports) calls these.

Figures are computed from the event log at request time (no read model): they are correct the
moment an event is written. See :mod:`motcua.reports.facts` for how a period is read and
:mod:`motcua.reports.figures` for the definition of every figure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q

from motcua.calendars.services import FIRST_YEAR, LAST_YEAR, calendar_for
from motcua.core import clock
from motcua.domain.errors import NotFound, ValidationFailed
from motcua.domain.lifecycle import Action
from motcua.domain.verdict import ClockEvent, ClockInput, Verdict, judge
from motcua.domain.workcal import to_epoch
from motcua.dossiers.deadlines import cutoff_of
from motcua.dossiers.models import Dossier, DossierComponent, DossierFile
from motcua.units.models import Unit

from .facts import NO_FILTERS, Facts, Filters, load_facts
from .figures import COUNT_FIGURES, Extras, Figures, memberships, summarize

MAX_PERIOD_DAYS = 3 * 366 + 1


@dataclass(frozen=True)
class Period:
    """The half-open interval ``[start, end)`` of aware instants."""

    start: datetime
    end: datetime

    @property
    def epochs(self) -> tuple[int, int]:
        return to_epoch(self.start), to_epoch(self.end)

    @property
    def last_day(self) -> date:
        return clock.local_date(self.end - timedelta(microseconds=1))


def period_of(first_day: date, last_day: date) -> Period:
    """Local calendar days ``first_day``..``last_day`` inclusive, as a period."""
    errors: dict[str, str] = {}
    for name, d in (("start", first_day), ("end", last_day)):
        if not FIRST_YEAR <= d.year <= LAST_YEAR - 1:
            errors[name] = f"must be within {FIRST_YEAR}-{LAST_YEAR - 1}"
    if not errors and last_day < first_day:
        errors["end"] = "must not be before start"
    if not errors and (last_day - first_day).days >= MAX_PERIOD_DAYS:
        errors["end"] = f"a period is at most {MAX_PERIOD_DAYS} days"
    if errors:
        raise ValidationFailed("Invalid period.", fields=errors)
    start = clock.aware(datetime.combine(first_day, time.min))
    end = clock.aware(datetime.combine(last_day + timedelta(days=1), time.min))
    return Period(start, end)


def _province_path(unit: Unit) -> str:
    return f"/{unit.province_id}/"


def load_extras(unit: Unit, facts: list[Facts], filters: Filters, period: Period, chunk: int = 500) -> Extras:
    """Stored files behind the digitization and electronic-result rates. A province that stores
    no component scans (or no result files) at all has no data: the rate is N/A, not 0%."""
    root = Q(**{f"dossier__{'handling' if filters.basis == 'handling' else 'receiving'}_path__startswith":
                _province_path(unit)})
    has_components = DossierFile.objects.filter(root, kind="component").exists()
    has_results = DossierFile.objects.filter(root, kind="result").exists()
    start, end = period.epochs
    received = [f.id for f in facts if f.received is not None and start <= f.received < end]
    processed = [f.id for f in facts if f.end is not None and f.end_reason == "finish" and start <= f.end < end]
    digitizable: set[int] = set()
    digitized: set[int] = set()
    results: set[int] = set()
    for ids in _chunks(received if has_components else [], chunk):
        rows = (DossierComponent.objects.filter(dossier_id__in=ids, component__must_digitize=True)
                .values("dossier_id").annotate(n=Count("id", distinct=True),
                                               scanned=Count("id", filter=Q(files__isnull=False), distinct=True)))
        for r in rows:
            digitizable.add(r["dossier_id"])
            if r["scanned"] == r["n"]:
                digitized.add(r["dossier_id"])
    for ids in _chunks(processed if has_results else [], chunk):
        results.update(DossierFile.objects.filter(dossier_id__in=ids, kind="result")
                       .values_list("dossier_id", flat=True).distinct())
    return Extras(frozenset(digitizable), frozenset(digitized), frozenset(results), has_components, has_results)


def _chunks(ids: list[int], size: int) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def period_facts(unit: Unit, period: Period, filters: Filters = NO_FILTERS,
                 dossier_ids: Iterable[int] | None = None) -> tuple[list[Facts], Extras]:
    cal = calendar_for(unit.province_id)
    facts = load_facts(unit.path, period.start, period.end, filters, cal, dossier_ids)
    return facts, load_extras(unit, facts, filters, period)


def compute_figures(scope_unit: Unit, period_start: datetime, period_end: datetime,
                    filters: Filters = NO_FILTERS, keep_members: bool = False) -> Figures:
    """Every figure of the unit's subtree (matched on the handling path by default) for the
    period ``[period_start, period_end)``, as of the period end, from the event log."""
    period = Period(period_start, period_end)
    facts, extras = period_facts(scope_unit, period, filters)
    start, end = period.epochs
    return summarize(facts, start, end, extras, keep_members)


def check_figure(figure: str) -> str:
    if figure not in COUNT_FIGURES:
        raise ValidationFailed("Unknown figure.", fields={"figure": "one of: " + ", ".join(COUNT_FIGURES)})
    return figure


def dossiers_for(figure: str, scope_unit: Unit, period_start: datetime, period_end: datetime,
                 filters: Filters = NO_FILTERS, after: int | None = None,
                 limit: int | None = None) -> list[tuple[int, str]]:
    """(id, code) of the dossiers counted in ``figure``, by ascending id (keyset: ``after``)."""
    check_figure(figure)
    period = Period(period_start, period_end)
    facts, extras = period_facts(scope_unit, period, filters)
    start, end = period.epochs
    rows = [(f.id, f.code) for f in facts
            if (after is None or f.id > after) and figure in memberships(f, start, end, extras)]
    return rows if limit is None else rows[:limit]


def _clock_input(d: Dossier, end: datetime) -> ClockInput:
    """The clock facts of ``d`` from its events before ``end`` (as :func:`explain` does)."""
    events = []
    for ev in d.events.filter(at__lt=end).order_by("seq").only("at", "action", "data"):
        appt = ev.data.get("new_appointment") if ev.data else None
        events.append(ClockEvent(ev.at, Action(ev.action), datetime.fromisoformat(appt) if appt else None))
    received = next((e.at for e in events if e.action in (Action.INTAKE, Action.RECEIVE)), None)
    return ClockInput(received, d.limit_seconds, events, cutoff_of(d))


def verdict_at(d: Dossier, end: datetime) -> Verdict:
    """The full verdict (with its explanation) as of the period end."""
    return judge(calendar_for(d.province_id), _clock_input(d, end), end)


def why(dossier: Dossier, period_start: datetime, period_end: datetime) -> dict[str, Any]:
    """In which figures of the period ``dossier`` counts, each with the reason, and the verdict
    as of the period end with the facts it was computed from."""
    from .reasons import reasons

    period = Period(period_start, period_end)
    unit = Unit(pk=dossier.province_id, path=_province_path_of(dossier))
    facts, extras = period_facts(unit, period, Filters(), [dossier.pk])
    if not facts:
        return {"figures": [], "facts": None, "verdict": verdict_at(dossier, period_end)}
    f = facts[0]
    start, end = period.epochs
    keys = memberships(f, start, end, extras)
    return {"figures": reasons(f, keys), "facts": f, "verdict": verdict_at(dossier, period_end)}


def _province_path_of(d: Dossier) -> str:
    return f"/{d.province_id}/"


def unit_by_code(code: str, field: str = "unit") -> Unit:
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise ValidationFailed("Unknown unit.", fields={field: "no unit with this code"})
    return unit


def dossier_or_404(dossier_id: int) -> Dossier:
    d = Dossier.objects.select_related("version").filter(pk=dossier_id).first()
    if d is None:
        raise NotFound("Dossier not found.")
    return d
