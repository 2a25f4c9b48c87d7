"""Due times and the on-time verdict, by the Decision 766 method (DOMAIN.md section 7).

Everything here is a pure function of a :class:`ClockInput` (receipt, legal limit, cut-off,
the clock-relevant events) and a :class:`~motcua.domain.workcal.WorkingCalendar`. The result
carries an explanation: the ordered facts the figure was computed from, so that anyone can
check why a dossier counts as early, on time or late.

Rules implemented:

* the clock starts at receipt; received on a working day after the cut-off, it starts on the
  next working day;
* due = clock start + legal limit (working time) + working time spent waiting for supplements;
* end of processing = the first terminal event, preferring FINISH (processed), then RETURN,
  then STOP / REFUSE, then WITHDRAW; while waiting for a supplement, the request time counts as
  the end; still open at ``as_of``: ``as_of`` is the end;
* a second supplement request after receipt makes the dossier late;
* late when working time elapsed after the due time (so finishing at 17:30 on the due day,
  after office hours, is not late: no working second was exceeded);
* early when finished on a local date before the due date;
* an extension (apology letter) gives a new appointment used for operational flags; by default
  the verdict is still judged against the original due time (``extension_excuses``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from enum import StrEnum

from .lifecycle import Action
from .workcal import Pause, WorkingCalendar, from_epoch, to_epoch


class Category(StrEnum):
    NOT_STARTED = "not_started"  # registered, not yet received: no clock
    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"
    IN_PROGRESS_ON_TIME = "in_progress_on_time"
    IN_PROGRESS_LATE = "in_progress_late"


FINISHED_CATEGORIES = frozenset({Category.EARLY, Category.ON_TIME, Category.LATE})

# terminal actions in order of preference for the end of processing
_END_PREFERENCE = (
    (Action.FINISH,),
    (Action.RETURN,),
    (Action.STOP, Action.REFUSE),
    (Action.WITHDRAW,),
)
_PAUSE_OPEN = {Action.REQUEST_SUPPLEMENT}
_PAUSE_CLOSE = {Action.SUPPLEMENT}
# ending processing while the applicant holds the dossier also ends the pause (as the services do)
_ENDS = frozenset(a for group in _END_PREFERENCE for a in group)


@dataclass(frozen=True)
class ClockEvent:
    at: datetime
    action: Action
    new_appointment: datetime | None = None  # for EXTEND


@dataclass(frozen=True)
class Policy:
    """Configurable parts of the method."""

    pause_on_financial: bool = False  # also stop the clock while fees/taxes are awaited
    extension_excuses: bool = False  # judge against the extended appointment instead
    approaching_seconds: int = 8 * 3600  # flag "about to be late" within this working time


@dataclass(frozen=True)
class ClockInput:
    received_at: datetime | None
    limit_seconds: int
    events: Sequence[ClockEvent] = ()
    cutoff: time | None | bool = True  # True: the calendar's cut-off


@dataclass(frozen=True)
class Deadline:
    clock_start: datetime
    base_due: datetime  # clock start + limit, before pauses
    pauses: tuple[Pause, ...]
    paused_seconds: int  # working seconds in finished pauses
    due: datetime  # legal due time, pauses included
    appointment: datetime  # due, or the latest extension's new appointment
    extended: bool
    cutoff_applied: bool


@dataclass(frozen=True)
class Verdict:
    category: Category
    deadline: Deadline | None
    end_at: datetime | None
    end_reason: str  # action that ended processing, "supplement_wait", "as_of" or ""
    late_seconds: int = 0  # working seconds past the judged due time
    early_seconds: int = 0  # working seconds left before the judged due time
    supplement_requests: int = 0
    approaching: bool = False
    explanation: list[tuple[str, dict[str, object]]] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.category in FINISHED_CATEGORIES

    @property
    def is_late(self) -> bool:
        return self.category in (Category.LATE, Category.IN_PROGRESS_LATE)


def _pause_actions(policy: Policy) -> tuple[set[Action], set[Action]]:
    opens, closes = set(_PAUSE_OPEN), set(_PAUSE_CLOSE) | _ENDS
    if policy.pause_on_financial:
        opens.add(Action.REQUEST_PAYMENT)
        closes.add(Action.PAYMENT)
    return opens, closes


def collect_pauses(events: Sequence[ClockEvent], received_at: datetime, policy: Policy) -> list[Pause]:
    """Pauses after receipt, in order; the last may still be open (end None)."""
    opens, closes = _pause_actions(policy)
    pauses: list[Pause] = []
    start: datetime | None = None
    for ev in events:
        if ev.at < received_at:
            continue
        if ev.action in opens and start is None:
            start = ev.at
        elif ev.action in closes and start is not None:
            pauses.append(Pause(start, ev.at))
            start = None
    if start is not None:
        pauses.append(Pause(start, None))
    return pauses


def compute_deadline(cal: WorkingCalendar, inp: ClockInput, policy: Policy = Policy()) -> Deadline:
    """Due time of a received dossier from its receipt, limit, pauses and extensions."""
    if inp.received_at is None:
        raise ValueError("a dossier that has not been received has no deadline")
    received = to_epoch(inp.received_at)
    from .workcal import _cutoff_arg  # local: keep the public surface small

    cutoff = _cutoff_arg(inp.cutoff)
    start_ord = cal.clock_start_ordinal(received, cutoff)
    cutoff_applied = start_ord != cal.ordinal_at(received)
    pauses = collect_pauses(inp.events, inp.received_at, policy)
    paused = sum(cal.paused_seconds(start_ord, to_epoch(p.start), to_epoch(p.end))
                 for p in pauses if p.end is not None)
    base_due = cal.at_ordinal(start_ord + inp.limit_seconds)
    due = cal.at_ordinal(start_ord + inp.limit_seconds + paused)
    appointment, extended = due, False
    for ev in inp.events:
        if ev.action is Action.EXTEND and ev.new_appointment is not None:
            appointment, extended = ev.new_appointment, True
    return Deadline(
        clock_start=from_epoch(cal.resume_epoch_at(start_ord)),
        base_due=base_due,
        pauses=tuple(pauses),
        paused_seconds=paused,
        due=due,
        appointment=appointment,
        extended=extended,
        cutoff_applied=cutoff_applied,
    )


def find_end(events: Sequence[ClockEvent]) -> ClockEvent | None:
    """The event that ends processing, by the preference order of the 766 method."""
    for group in _END_PREFERENCE:
        for ev in events:
            if ev.action in group:
                return ev
    return None


def judge(
    cal: WorkingCalendar,
    inp: ClockInput,
    as_of: datetime,
    policy: Policy = Policy(),
) -> Verdict:
    """Verdict of a dossier as of ``as_of`` (the end of a reporting period, or now)."""
    events = sorted((e for e in inp.events if e.at <= as_of), key=lambda e: e.at)
    if inp.received_at is None or inp.received_at > as_of:
        end = find_end(events)
        return Verdict(
            Category.NOT_STARTED, None, end.at if end else None, end.action.value if end else "",
            explanation=[("not_received", {})],
        )
    scoped = ClockInput(inp.received_at, inp.limit_seconds, events, inp.cutoff)
    dl = compute_deadline(cal, scoped, policy)
    expl: list[tuple[str, dict[str, object]]] = [
        ("received", {"at": inp.received_at}),
        ("limit", {"hours": inp.limit_seconds / 3600}),
    ]
    if dl.cutoff_applied:
        expl.append(("cutoff", {"clock_start": dl.clock_start}))
    for p in dl.pauses:
        expl.append(("pause", {"start": p.start, "end": p.end}))
    expl.append(("due", {"at": dl.due, "paused_hours": dl.paused_seconds / 3600}))

    end_ev = find_end(events)
    supplement_requests = sum(
        1 for e in events if e.action is Action.REQUEST_SUPPLEMENT and e.at >= inp.received_at
    )
    if end_ev is not None:
        end_at, reason, finished = end_ev.at, end_ev.action.value, True
    elif dl.pauses and dl.pauses[-1].end is None:
        end_at, reason, finished = dl.pauses[-1].start, "supplement_wait", False
    else:
        end_at, reason, finished = as_of, "as_of", False
    expl.append(("end", {"at": end_at, "reason": reason}))

    judged_due = dl.appointment if (dl.extended and policy.extension_excuses) else dl.due
    if dl.extended:
        expl.append(
            ("extension", {"appointment": dl.appointment, "excuses": policy.extension_excuses})
        )
    over = cal.working_seconds_between(judged_due, end_at)
    late = over > 0
    if supplement_requests >= 2:
        late = True
        expl.append(("second_supplement", {"count": supplement_requests}))
    remaining = max(0, -over)
    approaching = (not finished) and (not late) and remaining <= policy.approaching_seconds
    if finished:
        early = not late and cal.local_date(end_at) < cal.local_date(judged_due)
        category = Category.LATE if late else (Category.EARLY if early else Category.ON_TIME)
    else:
        category = Category.IN_PROGRESS_LATE if late else Category.IN_PROGRESS_ON_TIME
    expl.append(("verdict", {"category": category.value, "over_hours": over / 3600}))
    return Verdict(
        category=category,
        deadline=dl,
        end_at=end_at,
        end_reason=reason,
        late_seconds=max(0, over),
        early_seconds=remaining,
        supplement_requests=supplement_requests,
        approaching=approaching,
        explanation=expl,
    )


def quick_category(
    cal: WorkingCalendar,
    due_epoch: int,
    end_epoch: int,
    supplement_requests: int,
    finished: bool,
) -> tuple[Category, int]:
    """The category and working seconds late, by the same rules as :func:`judge`, on epoch
    seconds and without an explanation: the hot path of bulk imports and recomputation."""
    over = cal.ordinal_at(end_epoch) - cal.ordinal_at(due_epoch)
    late = over > 0 or supplement_requests >= 2
    if not finished:
        return (Category.IN_PROGRESS_LATE if late else Category.IN_PROGRESS_ON_TIME), max(0, over)
    if late:
        return Category.LATE, max(0, over)
    off = cal.utc_offset
    early = (end_epoch + off) // 86400 < (due_epoch + off) // 86400
    return (Category.EARLY if early else Category.ON_TIME), 0
