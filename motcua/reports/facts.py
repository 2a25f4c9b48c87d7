"""Per-dossier facts of a reporting period, read from the event log (the source of truth).

A period is the half-open interval ``[start, end)`` of aware instants; a dossier's state "at the
period end" is the replay of its events with ``at < end``. The dossier row's projection
(status, due_at, verdict) is never read here: only identity and static attributes (code, units,
procedure, channel, legal limit, cut-off).

Loading costs a few queries whatever the number of dossiers:

1. one aggregate over ``DossierEvent`` grouped by dossier (first receipt, first event of each
   ending action, supplement requests), keeping only dossiers that can count in the period:
   those with no REFUSE / WITHDRAW / STOP / RETURN before the period start (a dossier whose
   status became terminal before the period cannot appear in any figure of it);
2. the static attributes of those dossiers (code, path, channel, limit, cut-off), by id;
3. the REQUEST_SUPPLEMENT / SUPPLEMENT events of the dossiers that have any (about 8% of them),
   to rebuild the pauses of the legal clock;
4. the applicants' ratings given before the period end (a dossier rated in the period counts
   in the rating figures even when its processing ended before the period).

The verdict is then computed per dossier with the province calendar by
:func:`motcua.domain.verdict.quick_category`, the same rules as :func:`~motcua.domain.verdict.judge`
(tests check that both agree on every hand-built dossier).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Min, Q

from motcua.domain.lifecycle import Action
from motcua.domain.verdict import Category, Policy, quick_category
from motcua.domain.workcal import WorkingCalendar, to_epoch
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.portal.choices import SATISFIED
from motcua.portal.models import Rating

if TYPE_CHECKING:
    from .boundaries import Scope

A = Action
RECEIPT = (A.INTAKE.value, A.RECEIVE.value)
# a dossier whose status became terminal before the period start counts in no figure of it
TERMINAL = (A.REFUSE.value, A.WITHDRAW.value, A.STOP.value, A.RETURN.value)
PAUSE_ACTIONS = (A.REQUEST_SUPPLEMENT.value, A.SUPPLEMENT.value)
POLICY = Policy()


@dataclass(frozen=True)
class Filters:
    """What to count: the unit subtree is matched on the handling (default) or receiving path."""

    field: str | None = None  # procedure field code
    procedure: str | None = None  # procedure code
    channel: int | None = None
    basis: str = "handling"
    # "then" (the units in force at the period end) or "now" (today's units, with their
    # predecessors' history); "": now for a unit that exists, then for one that ended
    # (motcua.reports.boundaries)
    boundaries: str = ""

    def dossier_q(self, path: str, prefix: str = "") -> Q:
        column = "handling_path" if self.basis == "handling" else "receiving_path"
        q = Q(**{f"{prefix}{column}__startswith": path})
        if self.field:
            q &= Q(**{f"{prefix}procedure__field__code": self.field})
        if self.procedure:
            q &= Q(**{f"{prefix}procedure__code": self.procedure})
        if self.channel is not None:
            q &= Q(**{f"{prefix}channel": self.channel})
        return q


NO_FILTERS = Filters()


@dataclass
class Facts:
    """What the event log says about one dossier, as of the period end (epoch seconds)."""

    id: int
    code: str
    path: str  # handling or receiving path, by the filters' basis
    channel: int
    limit_seconds: int
    cutoff: int | None  # seconds after midnight; -1: the calendar's
    online_full_procedure: bool
    received: int | None
    finish: int | None
    returned: int | None
    stop: int | None
    refuse: int | None
    withdraw: int | None
    requests_in_period: int
    requests: int
    pause_events: list[tuple[int, str]] = field(default_factory=list)
    # derived by classify()
    end: int | None = None
    end_reason: str = ""
    due: int | None = None
    category: Category | None = None
    over: int = 0  # signed working seconds past the due time at the end (or period end)
    supplement_requests: int = 0
    waiting_supplement: bool = False
    approaching: bool = False
    # the applicant's rating, if given before the period end
    rated: int | None = None  # epoch seconds
    rating: str = ""  # "satisfied" (satisfied or acceptable) or "dissatisfied"
    unit_id: int = 0  # the handling (or receiving, by the basis) unit now: who holds it on the boundaries


def _first_end(f: Facts) -> tuple[int | None, str]:
    """End of processing by the 766 preference: FINISH, then RETURN, then STOP/REFUSE, then WITHDRAW."""
    if f.finish is not None:
        return f.finish, A.FINISH.value
    if f.returned is not None:
        return f.returned, A.RETURN.value
    stop_refuse = [(t, a) for t, a in ((f.stop, A.STOP.value), (f.refuse, A.REFUSE.value)) if t is not None]
    if stop_refuse:
        return min(stop_refuse)
    if f.withdraw is not None:
        return f.withdraw, A.WITHDRAW.value
    return None, ""


def _pauses(f: Facts, received: int) -> tuple[list[tuple[int, int | None]], int]:
    """Pauses after receipt (the last may be open) and the number of requests after receipt.
    Any ending action also closes a pause, as in :func:`motcua.domain.verdict.collect_pauses`."""
    ends = [(t, "end") for t in (f.finish, f.returned, f.stop, f.refuse, f.withdraw) if t is not None]
    pauses: list[tuple[int, int | None]] = []
    start: int | None = None
    requests = 0
    for at, action in sorted([*f.pause_events, *ends], key=lambda e: (e[0], e[1] == "end")):
        if at < received:
            continue
        if action == A.REQUEST_SUPPLEMENT.value:
            requests += 1
            if start is None:
                start = at
        elif start is not None:
            pauses.append((start, at))
            start = None
    if start is not None:
        pauses.append((start, None))
    return pauses, requests


def classify(f: Facts, period_end: int, cal: WorkingCalendar) -> Facts:
    """Fill in the end of processing, due time and verdict as of ``period_end``."""
    f.end, f.end_reason = _first_end(f)
    if f.received is None:
        return f
    pauses, f.supplement_requests = _pauses(f, f.received)
    closed = [(s, e) for s, e in pauses if e is not None]
    f.due = cal.due_epoch(f.received, f.limit_seconds, closed, f.cutoff)
    finished = f.end is not None
    if finished:
        end_at = f.end
    elif pauses and pauses[-1][1] is None:
        end_at, f.waiting_supplement = pauses[-1][0], True
    else:
        end_at = period_end
    assert end_at is not None
    f.category, _ = quick_category(cal, f.due, end_at, f.supplement_requests, finished)
    f.over = cal.ordinal_at(end_at) - cal.ordinal_at(f.due)
    f.approaching = (f.category is Category.IN_PROGRESS_ON_TIME and not f.waiting_supplement
                     and -f.over <= POLICY.approaching_seconds)
    return f


def _epoch(at: datetime | None) -> int | None:
    return None if at is None else to_epoch(at)


def _cutoff(t: time | None) -> int:
    return -1 if t is None else t.hour * 3600 + t.minute * 60 + t.second


_AGGREGATES: dict[str, Any] = {
    "received": Min("at", filter=Q(action__in=RECEIPT)),
    "finish": Min("at", filter=Q(action=A.FINISH.value)),
    "returned": Min("at", filter=Q(action=A.RETURN.value)),
    "stop": Min("at", filter=Q(action=A.STOP.value)),
    "refuse": Min("at", filter=Q(action=A.REFUSE.value)),
    "withdraw": Min("at", filter=Q(action=A.WITHDRAW.value)),
    "terminal": Min("at", filter=Q(action__in=TERMINAL)),
    "requests": Count("id", filter=Q(action=A.REQUEST_SUPPLEMENT.value)),
}
_ATTRS = ("id", "code", "handling_path", "receiving_path", "handling_unit_id", "receiving_unit_id",
          "channel", "limit_seconds", "version__cutoff_time",
          "version__online_level")


def _facts(row: dict[str, Any], attrs: dict[str, Any], basis: str, scope: Scope | None = None) -> Facts:
    path = attrs[f"{basis}_path"]
    if scope is not None:
        path = scope.path_of(row["dossier_id"], attrs[f"{basis}_unit_id"], path)
    return Facts(
        id=row["dossier_id"], code=attrs["code"], path=path,
        channel=attrs["channel"], limit_seconds=attrs["limit_seconds"],
        cutoff=_cutoff(attrs["version__cutoff_time"]),
        online_full_procedure=attrs["version__online_level"] == "full",
        received=_epoch(row["received"]), finish=_epoch(row["finish"]), returned=_epoch(row["returned"]),
        stop=_epoch(row["stop"]), refuse=_epoch(row["refuse"]), withdraw=_epoch(row["withdraw"]),
        requests_in_period=row["requests_in_period"], requests=row["requests"],
        unit_id=attrs[f"{basis}_unit_id"],
    )


def load_facts(path: str, start: datetime, end: datetime, filters: Filters, cal: WorkingCalendar,
               dossier_ids: Iterable[int] | None = None, scope: Scope | None = None) -> list[Facts]:
    """Facts of every dossier of the subtree at ``path`` that can count in ``[start, end)``; with
    ``scope`` (:mod:`motcua.reports.boundaries`), of the dossiers the scope keeps, ``path`` being
    each one's path on the scope's boundaries."""
    where = filters.dossier_q(path, "dossier__")
    if scope is not None and not scope.trivial:
        where = scope.dossier_q("dossier__") & filters.dossier_q("/", "dossier__")
    events = DossierEvent.objects.filter(where, at__lt=end)
    if dossier_ids is not None:
        events = events.filter(dossier_id__in=list(dossier_ids))
    # grouped by the dossier id alone: grouping by the attributes too is 8x slower on PostgreSQL
    rated = Rating.objects.filter(created_at__gte=start, created_at__lt=end).values("dossier_id")
    rows = list(events.values("dossier_id")
                .annotate(**_AGGREGATES,
                          requests_in_period=Count("id", filter=Q(action=A.REQUEST_SUPPLEMENT.value, at__gte=start)))
                .filter(Q(terminal__isnull=True) | Q(terminal__gte=start) | Q(dossier_id__in=rated))
                .order_by("dossier_id"))
    attrs = _attributes([r["dossier_id"] for r in rows])
    if scope is not None and not scope.trivial:
        rows = [r for r in rows if scope.keeps(r["dossier_id"], attrs[r["dossier_id"]][f"{filters.basis}_unit_id"])]
    facts = [_facts(r, attrs[r["dossier_id"]], filters.basis, scope) for r in rows]
    _attach_pause_events(facts, end)
    _attach_ratings(facts, end)
    period_end = to_epoch(end)
    return [classify(f, period_end, cal) for f in facts]


def _attributes(ids: list[int], chunk: int = 2000) -> dict[int, dict[str, Any]]:
    """Static attributes of the dossiers (never their status projection), by id."""
    out: dict[int, dict[str, Any]] = {}
    for i in range(0, len(ids), chunk):
        for row in Dossier.objects.filter(pk__in=ids[i:i + chunk]).values(*_ATTRS):
            out[row["id"]] = row
    return out


def _attach_pause_events(facts: list[Facts], end: datetime, chunk: int = 500) -> None:
    with_requests = {f.id: f for f in facts if f.requests}
    ids = sorted(with_requests)
    found: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for i in range(0, len(ids), chunk):
        part = ids[i:i + chunk]
        rows = (DossierEvent.objects.filter(dossier_id__in=part, at__lt=end, action__in=PAUSE_ACTIONS)
                .order_by("dossier_id", "seq").values_list("dossier_id", "at", "action"))
        for dossier_id, at, action in rows:
            found[dossier_id].append((to_epoch(at), action))
    for dossier_id, evs in found.items():
        with_requests[dossier_id].pause_events = evs


def rating_kind(score: int) -> str:
    """How a rating counts: "satisfied" (satisfied or acceptable, as the portal reports it) or
    "dissatisfied"."""
    return "satisfied" if score in SATISFIED else "dissatisfied"


def ratings_of(ids: list[int], end: datetime | None = None) -> dict[int, tuple[int, str]]:
    """(epoch, kind) of the ratings of the dossiers ``ids`` given before ``end`` (any time: None)."""
    qs = Rating.objects.filter(dossier_id__in=ids)
    if end is not None:
        qs = qs.filter(created_at__lt=end)
    rows = qs.values_list("dossier_id", "created_at", "score")
    return {d: (to_epoch(at), rating_kind(score)) for d, at, score in rows}


def _attach_ratings(facts: list[Facts], end: datetime, chunk: int = 2000) -> None:
    for i in range(0, len(facts), chunk):
        part = {f.id: f for f in facts[i:i + chunk]}
        for dossier_id, (at, kind) in ratings_of(list(part), end).items():
            part[dossier_id].rated, part[dossier_id].rating = at, kind
