"""Statistics use cases: figures of a unit and period, the dossiers behind a figure, and why a
dossier counts where it counts. Every entry point (API, pages, exports) calls these.

Figures come from the read model (:mod:`motcua.reports.readmodel`: per-day counts maintained
from the event log, applied before each read, so they are correct the moment an event is
committed), or, when it cannot answer, from the event log at request time. See
:mod:`motcua.reports.facts` for how a period is read and :mod:`motcua.reports.figures` for the
definition of every figure.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from motcua.calendars.services import FIRST_YEAR, LAST_YEAR, calendar_for
from motcua.core import clock
from motcua.domain import indicators as ind
from motcua.domain.errors import NotFound, ValidationFailed
from motcua.domain.lifecycle import Action, Status
from motcua.domain.verdict import ClockEvent, ClockInput, Verdict, judge
from motcua.domain.workcal import from_epoch, to_epoch
from motcua.dossiers.deadlines import cutoff_of
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.portal.models import Rating
from motcua.units.models import Unit

from . import boundaries as bd
from . import readmodel, storedfiles
from .facts import NO_FILTERS, POLICY, Facts, Filters, load_facts
from .figures import COUNT_FIGURES, Extras, Figures, _rates, memberships, processing_seconds, summarize
from .readfigures import (
    bucket_figures,
    bucket_figures_many,
    day_start,
    local_midnight,
    midnight_within,
    monthly_bucket_figures,
    signed_bucket_counts,
    signed_stock_by_procedure,
    stock_by_procedure,
)

MAX_PERIOD_DAYS = 3 * 366 + 1


@dataclass(frozen=True)
class Period:
    """The half-open interval ``[start, end)`` of aware instants; figures are judged as of ``end``.

    A period still running (its last day ends after now) is judged as of now: ``end`` is now and
    ``until`` the end of its last day, so that the report, the dashboard, the API and the exports
    all judge the open dossiers of the current month at the same instant (never at a future
    month end)."""

    start: datetime
    end: datetime
    until: datetime | None = None  # the end of the last day, when the period is still running

    @property
    def epochs(self) -> tuple[int, int]:
        return to_epoch(self.start), to_epoch(self.end)

    @property
    def running(self) -> bool:
        return self.until is not None

    @property
    def as_of(self) -> datetime:
        """The instant the figures are judged at (the period end, or now while it runs)."""
        return self.end - timedelta(seconds=1) if self.running else self.end

    @property
    def last_day(self) -> date:
        return clock.local_date((self.until or self.end) - timedelta(microseconds=1))


def as_of_text(period: Period) -> str:
    """The sentence every page and export shows: the instant the figures are judged at."""
    from django.utils.translation import gettext as _

    if period.running:
        at = clock.local(period.as_of)
        return _("Số liệu tính đến %(t)s ngày %(d)s (kỳ báo cáo chưa kết thúc).") % {
            "t": f"{at:%H:%M}", "d": f"{at:%d/%m/%Y}"}
    return _("Số liệu tính tại thời điểm kết thúc kỳ (hết ngày %(d)s).") % {"d": f"{period.last_day:%d/%m/%Y}"}


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
    # still running: judged as of now, every event of the current second included (events are
    # kept to the second); a period not begun yet is empty
    now = clock.now().replace(microsecond=0) + timedelta(seconds=1)
    if end > now:
        return Period(start, max(start, now), until=end)
    return Period(start, end)


def load_extras(unit: Unit, facts: list[Facts], filters: Filters, period: Period, chunk: int = 500) -> Extras:
    """The digitization marks and signed results behind the digitization and electronic-result
    rates (see :func:`~motcua.reports.storedfiles.province_stores` for N/A)."""
    has_components, has_results = storedfiles.province_stores(unit.province_id, filters.basis)
    start, end = period.epochs
    received = [f.id for f in facts if f.received is not None and start <= f.received < end]
    processed = [f.id for f in facts if f.end is not None and f.end_reason == "finish" and start <= f.end < end]
    marks = storedfiles.Marks()
    for ids in _chunks(received if has_components else [], chunk):
        part = storedfiles.digitization(ids)
        for name in ("digitizable", "digitized", "any", "all"):
            getattr(marks, name).update(getattr(part, name))
    signed: set[int] = set()
    results: set[int] = set()
    for ids in _chunks(processed if has_results else [], chunk):
        signed |= storedfiles.electronic_results(ids)
        results |= storedfiles.digitized_results(ids)
    return Extras(frozenset(marks.digitizable), frozenset(marks.digitized), frozenset(signed), has_components,
                  has_results, digitized_any=frozenset(marks.any), digitized_all=frozenset(marks.all),
                  result_digitized=frozenset(results))


def _chunks(ids: list[int], size: int) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def period_facts(unit: Unit, period: Period, filters: Filters = NO_FILTERS,
                 dossier_ids: Iterable[int] | None = None, scope: bd.Scope | None = None
                 ) -> tuple[list[Facts], Extras]:
    """Facts of the dossiers counted for ``unit`` on the filters' boundaries (see
    :mod:`motcua.reports.boundaries`), with their digitization marks and signed results."""
    cal = calendar_for(unit.province_id)
    if scope is None:
        scope = bd.scope_of(unit, filters.boundaries, period.end, filters.basis)
    facts = load_facts(unit.path, period.start, period.end, filters, cal, dossier_ids, scope)
    return facts, load_extras(unit, facts, filters, period)


def compute_figures(scope_unit: Unit, period_start: datetime, period_end: datetime,
                    filters: Filters = NO_FILTERS, keep_members: bool = False) -> Figures:
    """Every figure of the unit's subtree (matched on the handling path by default) for the
    period ``[period_start, period_end)``, as of the period end.

    Read from the read model (:mod:`motcua.reports.readfigures`) when it can answer exactly:
    handling basis, a period bounded by local midnights, no member lists, the dirty queue short
    enough to apply now and the buckets computed with the current calendar. Otherwise from the
    event log; both give the same numbers (tests/reports/test_readmodel.py)."""
    scope = bd.scope_of(scope_unit, filters.boundaries, period_end, filters.basis)
    if not keep_members and filters.basis == "handling":
        if _midnights(period_start, period_end):
            figs = _from_read_model(scope, period_start, period_end, filters)
        else:
            figs = _running_from_read_model(scope, period_start, period_end, filters)
        if figs is not None:
            return figs
    return compute_figures_from_events(scope_unit, period_start, period_end, filters, keep_members, scope)


def _from_read_model(scope: bd.Scope, start: datetime, end: datetime, filters: Filters) -> Figures | None:
    unit = scope.unit
    if not readmodel.ready(unit.province_id):
        return None
    if scope.trivial:
        return bucket_figures(unit, start, end, filters)
    return _scoped_bucket_figures(scope, start, end, filters)


def _scoped_bucket_figures(scope: bd.Scope, start: datetime, end: datetime, filters: Filters) -> Figures | None:
    """A unit set's figures from the read model (kept by current holder), corrected by the event
    log for the dossiers transferred after the period whose holder then is on the other side."""
    assert scope.umap is not None
    known = scope.umap.known_paths()
    own = {p for u in scope.units for p in known.get(u, ())}
    has_components, has_results = storedfiles.province_stores(scope.unit.province_id)
    extras = Extras(has_component_files=has_components, has_result_files=has_results)
    got = signed_bucket_counts(bd.signed_paths(scope), own, start, end, filters, extras)
    if got is None:
        return None
    counts, seconds = got
    for sign, ids in _moved_across(scope).items():
        if ids:
            period = Period(start, end)
            facts = load_facts("/", start, end, filters, calendar_for(scope.unit.province_id), ids)
            fx = load_extras(scope.unit, facts, filters, period)
            s, e = period.epochs
            for f in facts:
                keys = memberships(f, s, e, fx)
                counts.update({k: sign for k in keys})
                if "processed" in keys:
                    seconds += sign * processing_seconds(f)
    avg = ind.average(Decimal(seconds) / 3600, counts["processed"])
    return Figures({k: counts[k] for k in COUNT_FIGURES}, _rates(counts, extras), avg, seconds, {})


def _moved_across(scope: bd.Scope) -> dict[int, list[int]]:
    """Dossiers transferred after the period: +1 those held then inside the unit set and now
    outside it, -1 the converse (the read model counts them for their current holder)."""
    out: dict[int, list[int]] = {1: [], -1: []}
    ids = sorted(scope.held)
    for part in _chunks(ids, 2000):
        for pk, unit_id in Dossier.objects.filter(pk__in=part).values_list("pk", f"{scope.column}_unit_id"):
            then_in, now_in = scope.held[pk] in scope.units, unit_id in scope.units
            if then_in != now_in:
                out[1 if then_in else -1].append(pk)
    return out


# ---- a period judged as of now: the buckets up to today's midnight, and the day's changes -------------

# statuses a dossier open at the period end (never ended in the event log) can have now
OPEN_STATUSES = (Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT, Status.FINANCIAL)


def _steady(scope: bd.Scope, at_midnight: bd.Scope) -> bool:
    """Whether a unit's scope for the period ending now is the one for the period ending at
    today's midnight, with no transfer after either to count on the other side: then today's
    changes, added to the figures of the period to midnight, give the figures to now."""
    if scope.trivial or at_midnight.trivial:
        return scope.trivial and at_midnight.trivial
    return (scope.boundaries == at_midnight.boundaries == bd.NOW and not scope.held and not at_midnight.held
            and scope.units == at_midnight.units)


def _where(scope: bd.Scope, filters: Filters, prefix: str) -> Any:
    if scope.trivial:
        return filters.dossier_q(scope.unit.path, prefix)
    return scope.dossier_q(prefix) & filters.dossier_q("/", prefix)


_SHARED: ContextVar[dict[Any, Any] | None] = ContextVar("motcua_reports_shared_reads", default=None)


@contextmanager
def shared_reads() -> Iterator[None]:
    """Within it, the day's changed dossiers (:func:`changed_between`) and their facts at an
    instant are read once per scope and reused (the dashboard's headline, hot procedures and
    late-by-procedure ask for the same ones)."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def _shared(key: Any, compute: Callable[[], Any]) -> Any:
    memo = _SHARED.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def _scope_key(scope: bd.Scope) -> tuple[Any, ...]:
    return (scope.unit.pk, scope.unit.path, scope.boundaries, scope.day, scope.column, scope.trivial,
            scope.units, tuple(sorted(scope.held.items())))


def changed_between(scope: bd.Scope, filters: Filters, midnight: datetime, end: datetime) -> list[int] | None:
    """:func:`_changed_between`, read once within :func:`shared_reads`."""
    return _shared(("changed", _scope_key(scope), filters, midnight, end),
                   lambda: _changed_between(scope, filters, midnight, end))


def _changed_between(scope: bd.Scope, filters: Filters, midnight: datetime, end: datetime) -> list[int] | None:
    """The dossiers of ``scope`` (a superset: its filter) whose memberships can differ between
    the period ending at ``midnight`` and the same period ending at ``end`` (later that day):
    those with an event or a rating since ``midnight`` (until now: a dossier that changed after
    ``end`` is read again too), and the others open whose due time is crossed in between, as
    late or as about to be late (within the policy's working time of it), by the due time and
    status each dossier row keeps (unchanged since midnight for them; a day's margin either
    side). Every other dossier has the same facts and the same verdict at both instants. None:
    the calendar does not cover the window (then read the event log)."""
    cal = calendar_for(scope.unit.province_id)
    try:
        lo = cal.epoch_at(cal.ordinal_at(to_epoch(midnight)))
        hi = cal.epoch_at(cal.ordinal_at(to_epoch(end)) + POLICY.approaching_seconds + 1)
    except ValueError:
        return None
    day = timedelta(days=1)
    ids = set(DossierEvent.objects.filter(_where(scope, filters, "dossier__"), at__gte=midnight)
              .values_list("dossier_id", flat=True).distinct())
    ids.update(Rating.objects.filter(_where(scope, filters, "dossier__"), created_at__gte=midnight)
               .values_list("dossier_id", flat=True))
    ids.update(Dossier.objects.filter(_where(scope, filters, ""), status__in=OPEN_STATUSES,
                                      due_at__gte=from_epoch(lo) - day, due_at__lt=from_epoch(hi) + day)
               .values_list("pk", flat=True))
    return sorted(ids)


def _facts_at(scope: bd.Scope, ids: list[int], start: datetime, end: datetime,
              filters: Filters) -> tuple[list[Facts], Extras]:
    """The facts of the dossiers ``ids`` that ``scope`` keeps, for the period ``[start, end)``
    (read once within :func:`shared_reads`; the facts are not changed by their readers)."""
    return _shared(("facts", _scope_key(scope), tuple(ids), start, end, filters),
                   lambda: _read_facts_at(scope, ids, start, end, filters))


def _read_facts_at(scope: bd.Scope, ids: list[int], start: datetime, end: datetime, filters: Filters,
                   chunk: int = 5000) -> tuple[list[Facts], Extras]:
    cal = calendar_for(scope.unit.province_id)
    facts: list[Facts] = []
    for part in _chunks(ids, chunk):
        facts += load_facts(scope.unit.path, start, end, filters, cal, part, scope)
    return facts, load_extras(scope.unit, facts, filters, Period(start, end))


def _corrected(base: Figures, s: int, changes: Iterable[tuple[int, int, list[Facts], Extras]],
               flags: Extras) -> Figures:
    """``base`` with the memberships of some dossiers taken out (sign -1, as of their period end)
    and put back (sign +1, as of theirs)."""
    counts: Counter[str] = Counter(base.counts)
    seconds = base.processing_seconds_total
    for sign, e, facts, extras in changes:
        for f in facts:
            keys = memberships(f, s, e, extras)
            for k in keys:
                counts[k] += sign
            if "processed" in keys:
                seconds += sign * processing_seconds(f)
    avg = ind.average(Decimal(seconds) / 3600, counts["processed"])
    return Figures({k: counts[k] for k in COUNT_FIGURES}, _rates(counts, flags), avg, seconds, {})


def _flags(province_id: int) -> Extras:
    has_components, has_results = storedfiles.province_stores(province_id)
    return Extras(has_component_files=has_components, has_result_files=has_results)


def _running_from_read_model(scope: bd.Scope, start: datetime, end: datetime, filters: Filters) -> Figures | None:
    """The figures of a period still running (judged as of ``end``, within today): the read
    model's figures of the period up to today's midnight, with the dossiers whose memberships
    changed since (:func:`changed_between`) counted as of ``end`` instead. The same numbers as
    the event log (tests/reports/test_running.py), reading only the day's changes."""
    midnight = midnight_within(start, end)
    if midnight is None:
        return None
    at_midnight = bd.scope_of(scope.unit, scope.boundaries, midnight, scope.column)
    if not _steady(scope, at_midnight):
        return None
    base = _from_read_model(at_midnight, start, midnight, filters)
    if base is None:
        return None
    ids = changed_between(scope, filters, midnight, end)
    if ids is None:
        return None
    before, before_extras = _facts_at(at_midnight, ids, start, midnight, filters)
    after, after_extras = _facts_at(scope, ids, start, end, filters)
    return _corrected(base, to_epoch(start), [(-1, to_epoch(midnight), before, before_extras),
                                              (1, to_epoch(end), after, after_extras)],
                      _flags(scope.unit.province_id))


def _shares_root(u: Unit, scope: bd.Scope, root: Unit, root_scope: bd.Scope) -> bool:
    """Whether every dossier ``u``'s scope keeps is among those ``root``'s scope keeps."""
    return (u.province_id == root.province_id and scope.trivial == root_scope.trivial
            and (u.path.startswith(root.path) if scope.trivial
                 else scope.units <= root_scope.units and scope.held == root_scope.held))


def _unit_keys(units: list[Unit], root: Unit, root_scope: bd.Scope, filters: Filters,
               midnight: datetime, end: datetime) -> dict[Any, list[int]] | None:
    """Path prefix (or holder unit id) -> the ids of the units that keep its dossiers; None when
    some unit's scope is not steady since midnight or keeps dossiers ``root`` does not."""
    by_key: dict[Any, list[int]] = defaultdict(list)
    for u in units:
        scope = bd.scope_of(u, filters.boundaries, end, filters.basis)
        if not (_steady(scope, bd.scope_of(u, scope.boundaries, midnight, filters.basis))
                and _shares_root(u, scope, root, root_scope)):
            return None
        for key in ([u.path] if scope.trivial else scope.units):
            by_key[key].append(u.pk)
    return by_key


def _running_figures_of_units(root: Unit, units: list[Unit], start: datetime, end: datetime,
                              filters: Filters) -> dict[int, Figures] | None:
    """:func:`_running_from_read_model` of each unit under ``root`` (a ranking over the month to
    date): the units' figures to today's midnight from the read model, and the day's changed
    dossiers of ``root`` read once (at both instants) and shared out among the units, each
    keeping those its own scope keeps. None when some unit's scope does not allow it."""
    midnight = midnight_within(start, end)
    if midnight is None or not readmodel.ready(root.province_id):
        return None
    root_scope = bd.scope_of(root, filters.boundaries, end, filters.basis)
    root_midnight = bd.scope_of(root, root_scope.boundaries, midnight, filters.basis)
    if not _steady(root_scope, root_midnight):
        return None
    by_key = _unit_keys(units, root, root_scope, filters, midnight, end)
    if by_key is None:
        return None
    ids = changed_between(root_scope, filters, midnight, end)
    if ids is None:
        return None
    base = compute_figures_of_units(units, start, midnight, filters)
    shares: dict[int, tuple[list[Facts], list[Facts]]] = {u.pk: ([], []) for u in units}
    before, before_extras = _facts_at(root_midnight, ids, start, midnight, filters)
    after, after_extras = _facts_at(root_scope, ids, start, end, filters)
    for side, facts, scope in ((0, before, root_midnight), (1, after, root_scope)):
        for f in facts:
            for key in (readmodel.prefixes(f.path) if scope.trivial else [scope.holder(f.id, f.unit_id)]):
                for pk in by_key.get(key, ()):
                    shares[pk][side].append(f)
    flags = _flags(root.province_id)
    s, m, e = to_epoch(start), to_epoch(midnight), to_epoch(end)
    return {pk: _corrected(base[pk], s, [(-1, m, old, before_extras), (1, e, new, after_extras)], flags)
            for pk, (old, new) in shares.items()}


def compute_figures_of_units(units: list[Unit], period_start: datetime, period_end: datetime,
                             filters: Filters = NO_FILTERS, within: Unit | None = None) -> dict[int, Figures]:
    """:func:`compute_figures` of each unit (of one province), by unit id: one read of the read
    model for all of them (a ranking of every unit of a province), else one per unit. When the
    event log answers (a period judged as of now, the read model keeping midnights only) and
    ``within`` is a unit whose subtree holds them all (the ranking's parent), the facts of its
    dossiers are read once and shared out among the units, each keeping the dossiers its own
    scope keeps: the same numbers as one read per unit."""
    if not units:
        return {}
    trivial = bd.scope_of(units[0], filters.boundaries, period_end, filters.basis).trivial
    if filters.basis == "handling" and _midnights(period_start, period_end) and readmodel.ready(units[0].province_id):
        if not trivial:  # the unit sets' signed bucket sums
            return {u.pk: compute_figures(u, period_start, period_end, filters) for u in units}
        many = bucket_figures_many(units, period_start, period_end, filters)
        if many is not None:
            return many
    if within is not None:
        if filters.basis == "handling":
            running = _running_figures_of_units(within, units, period_start, period_end, filters)
            if running is not None:
                return running
        return _figures_of_units_from_events(within, units, period_start, period_end, filters)
    if not trivial:
        return {u.pk: compute_figures(u, period_start, period_end, filters) for u in units}
    return {u.pk: compute_figures_from_events(u, period_start, period_end, filters) for u in units}


def _midnights(start: datetime, end: datetime) -> bool:
    first, stop = local_midnight(start), local_midnight(end)
    return first is not None and stop is not None and first <= stop


def _figures_of_units_from_events(root: Unit, units: list[Unit], period_start: datetime, period_end: datetime,
                                  filters: Filters) -> dict[int, Figures]:
    """:func:`compute_figures_from_events` of each unit from one read of the facts of ``root``'s
    scope: a dossier counts for a unit when the unit's own scope keeps it (by path prefix, or by
    holder on reorganized boundaries). A unit outside ``root``'s scope is read on its own."""
    period = Period(period_start, period_end)
    root_scope = bd.scope_of(root, filters.boundaries, period_end, filters.basis)
    out: dict[int, Figures] = {}
    by_key: dict[Any, list[int]] = defaultdict(list)  # path prefix (or holder unit id) -> unit ids
    for u in units:
        scope = bd.scope_of(u, filters.boundaries, period_end, filters.basis)
        if not _shares_root(u, scope, root, root_scope):
            out[u.pk] = compute_figures_from_events(u, period_start, period_end, filters, scope=scope)
        elif scope.trivial:
            by_key[u.path].append(u.pk)
        else:
            for holder in scope.units:
                by_key[holder].append(u.pk)
    shared = {pk for pks in by_key.values() for pk in pks}
    if not shared:
        return out
    facts, extras = period_facts(root, period, filters, scope=root_scope)
    members: dict[int, list[Facts]] = {pk: [] for pk in shared}
    for f in facts:
        keys = (readmodel.prefixes(f.path) if root_scope.trivial else [root_scope.holder(f.id, f.unit_id)])
        for key in keys:
            for pk in by_key.get(key, ()):
                members[pk].append(f)
    start, end = period.epochs
    for pk, own in members.items():
        out[pk] = summarize(own, start, end, extras)
    return out


def compute_monthly_figures(unit: Unit, months: list[date], filters: Filters = NO_FILTERS) -> dict[date, Figures]:
    """:func:`compute_figures` of each whole, ended month (``months``: first days), by first day: one
    read of the read model's month and year rows for all of them (a dashboard's trend), else one
    computation per month (the same numbers)."""
    periods = {m: period_of(m, (m + timedelta(days=32)).replace(day=1) - timedelta(days=1)) for m in months}
    batch = [m for m, p in periods.items() if not p.running]
    out: dict[date, Figures] = {}
    if batch and filters.basis == "handling" and readmodel.ready(unit.province_id):
        scope = bd.scope_of(unit, filters.boundaries, periods[max(batch)].end, filters.basis)
        if scope.trivial or (scope.boundaries == bd.NOW and not scope.held):  # the same scope every month
            has_components, has_results = storedfiles.province_stores(unit.province_id)
            extras = Extras(has_component_files=has_components, has_result_files=has_results)
            if scope.trivial:
                signed, pairs = {unit.path: 1}, ("prefix", [unit.path])
            else:
                assert scope.umap is not None
                known = scope.umap.known_paths()
                signed = bd.signed_paths(scope)
                pairs = ("in", sorted({p for u in scope.units for p in known.get(u, ())}))
            out = monthly_bucket_figures(signed, pairs, batch, filters, extras)
    for m, p in periods.items():
        if m not in out:
            out[m] = compute_figures(unit, p.start, p.end, filters)
    return out


def compute_figures_from_events(scope_unit: Unit, period_start: datetime, period_end: datetime,
                                filters: Filters = NO_FILTERS, keep_members: bool = False,
                                scope: bd.Scope | None = None) -> Figures:
    """:func:`compute_figures` from the event log alone (the reference computation)."""
    period = Period(period_start, period_end)
    facts, extras = period_facts(scope_unit, period, filters, scope=scope)
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
    return [(f.id, f.code) for f in facts_for(figure, scope_unit, period_start, period_end, filters, after, limit)]


def facts_for(figure: str, scope_unit: Unit, period_start: datetime, period_end: datetime,
              filters: Filters = NO_FILTERS, after: int | None = None, limit: int | None = None) -> list[Facts]:
    """The facts (due time, verdict, working seconds over) of the dossiers :func:`dossiers_for` lists."""
    check_figure(figure)
    period = Period(period_start, period_end)
    facts, extras = period_facts(scope_unit, period, filters)
    start, end = period.epochs
    rows = [f for f in facts if (after is None or f.id > after) and figure in memberships(f, start, end, extras)]
    return rows if limit is None else rows[:limit]


def in_progress_late_by_procedure(unit: Unit, period_start: datetime, period_end: datetime) -> dict[int, int]:
    """The figure ``in_progress_late`` of the period, per procedure id (the dashboard's hot spots):
    a stock at the period end, so one read of the read model's stocks (at today's midnight for a
    period judged as of now, with the day's changed dossiers counted again as of the end); else
    the figure's drill-down list counted by procedure."""
    by = _late_by_procedure_from_read_model(unit, period_start, period_end)
    if by is not None:
        return by
    return count_by([i for i, _code in dossiers_for("in_progress_late", unit, period_start, period_end)],
                    "procedure_id")


def _late_by_procedure_from_read_model(unit: Unit, start: datetime, end: datetime) -> dict[int, int] | None:
    scope = bd.scope_of(unit, "", end)
    midnight = end if local_midnight(end) is not None else day_start(end)
    if midnight < start or not readmodel.ready(unit.province_id):
        return None
    at_midnight = scope if midnight == end else bd.scope_of(unit, scope.boundaries, midnight)
    if not _steady(scope, at_midnight):
        return None
    by = (stock_by_procedure(unit, midnight, "open_late") if at_midnight.trivial
          else signed_stock_by_procedure(bd.signed_paths(at_midnight), midnight, "open_late"))
    if by is None or midnight == end:
        return by
    ids = changed_between(scope, NO_FILTERS, midnight, end)
    if ids is None:
        return None
    out: Counter[int] = Counter(by)
    procedure_of = dict(_procedures_of(ids))
    s = to_epoch(start)
    for sign, sc, e in ((-1, at_midnight, midnight), (1, scope, end)):
        facts, _extras = _facts_at(sc, ids, start, e, NO_FILTERS)
        for f in facts:
            if "in_progress_late" in memberships(f, s, to_epoch(e)):
                out[procedure_of[f.id]] += sign
    return {p: n for p, n in out.items() if n}


def received_since_midnight(unit: Unit, period: Period, figs: Figures) -> int | None:
    """The figure "received" of the unit from the local midnight of ``period.end``'s day to
    ``period.end``, given ``figs``, the unit's figures of ``period`` (a running period begun
    before that midnight or at it): a flow figure is additive over adjacent periods, so it is
    ``figs`` less the same period up to midnight (read from the read model). None when the
    period does not span that midnight or the unit's boundaries changed in between."""
    end = period.end
    midnight = day_start(end)
    if period.start == midnight:
        return figs.counts["received"]
    if not period.start < midnight < end:
        return None
    scope = bd.scope_of(unit, "", end)
    if not _steady(scope, bd.scope_of(unit, scope.boundaries, midnight)):
        return None
    return figs.counts["received"] - compute_figures(unit, period.start, midnight).counts["received"]


def _procedures_of(ids: list[int]) -> Iterable[tuple[int, int]]:
    for part in _chunks(ids, 2000):
        yield from Dossier.objects.filter(pk__in=part).values_list("pk", "procedure_id")


def count_by(ids: Iterable[int], *columns: str, chunk: int = 500) -> dict[Any, int]:
    """How many of the dossiers ``ids`` have each value of ``columns`` (a tuple if several), by
    chunked ``IN`` queries."""
    out: dict[Any, int] = {}
    for part in _chunks(list(ids), chunk):
        for value in Dossier.objects.filter(pk__in=part).values_list(*columns, flat=len(columns) == 1):
            out[value] = out.get(value, 0) + 1
    return out


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
    moves = bd.moves_of(dossier.pk)  # a dossier moved by a reorganization names both units
    out = {"figures": [], "facts": None, "verdict": verdict_at(dossier, period_end), "moves": moves,
           "units": bd.moves_sentence(moves)}
    if facts:
        f = facts[0]
        start, end = period.epochs
        out.update(figures=reasons(f, memberships(f, start, end, extras)), facts=f)
    return out


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
