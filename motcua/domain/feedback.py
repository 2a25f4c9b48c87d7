"""Citizen feedback cases (phản ánh, kiến nghị): the state machine, the deadlines and the verdict.

A case moves only through :data:`TRANSITIONS` (:func:`next_status` raises
:class:`~motcua.domain.errors.IllegalTransition` otherwise), like a dossier.

Deadlines are counted in working time on the province's calendar (:mod:`motcua.domain.workcal`),
from the receipt (with the calendar's afternoon cut-off, as for dossiers), with the limits of a
:class:`LimitsVersion` (data: versioned, per province, with the decision behind them):

* answer: within ``answer`` working time of the receipt, plus the working time spent waiting for
  the sender's information (the clock stops from REQUEST_INFO to PROVIDE_INFO);
* refusal (the case is not accepted for handling): within ``refuse`` of the receipt;
* request for more information: within ``request_info`` of the receipt;
* publication of the answer (when the case is to be published): within ``publish`` of the answer
  (no cut-off: counted from the answer's instant).

A transfer to another unit does not restart the clock: the sender waits from the receipt.

The verdict (Decision 766, "feedback handled on time"): a case is on time when every step it
took was within its limit and, if still open, no limit has run out. Late means at least one
working second past a due time (so answering at 17:30 on the due day is not late).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from .errors import IllegalTransition
from .workcal import WorkingCalendar, from_epoch, limit_to_seconds, to_epoch


class CaseStatus(StrEnum):
    NEW = "new"  # received, not yet taken up by the responsible unit
    ACKNOWLEDGED = "acknowledged"  # being handled
    INFO_REQUESTED = "info_requested"  # waiting for the sender: the answer clock is paused
    TRANSFERRED = "transferred"  # sent to another unit, waiting for it to take the case up
    ANSWERED = "answered"
    REFUSED = "refused"  # not accepted for handling, with a reason
    PUBLISHED = "published"  # the answer is public
    CLOSED = "closed"


class CaseAction(StrEnum):
    SUBMIT = "submit"
    ACKNOWLEDGE = "acknowledge"
    TRANSFER = "transfer"
    REQUEST_INFO = "request_info"
    PROVIDE_INFO = "provide_info"
    ANSWER = "answer"
    REFUSE = "refuse"
    PUBLISH = "publish"
    RATE = "rate"  # the sender rates the answer: status kept
    CLOSE = "close"


S = CaseStatus
A = CaseAction
HANDLING = frozenset({S.NEW, S.ACKNOWLEDGED, S.TRANSFERRED})
# action -> (statuses it may start from, status it leads to; None keeps the current status)
TRANSITIONS: dict[CaseAction, tuple[frozenset[CaseStatus | None], CaseStatus | None]] = {
    A.SUBMIT: (frozenset({None}), S.NEW),
    A.ACKNOWLEDGE: (frozenset({S.NEW, S.TRANSFERRED}), S.ACKNOWLEDGED),
    A.TRANSFER: (HANDLING, S.TRANSFERRED),
    A.REQUEST_INFO: (frozenset({S.NEW, S.ACKNOWLEDGED}), S.INFO_REQUESTED),
    A.PROVIDE_INFO: (frozenset({S.INFO_REQUESTED}), S.ACKNOWLEDGED),
    A.ANSWER: (frozenset({S.NEW, S.ACKNOWLEDGED}), S.ANSWERED),
    A.REFUSE: (HANDLING, S.REFUSED),
    A.PUBLISH: (frozenset({S.ANSWERED}), S.PUBLISHED),
    A.RATE: (frozenset({S.ANSWERED, S.PUBLISHED, S.CLOSED}), None),
    # closed without an answer only when the sender never gave the information asked for
    A.CLOSE: (frozenset({S.ANSWERED, S.PUBLISHED, S.REFUSED, S.INFO_REQUESTED}), S.CLOSED),
}
OPEN = frozenset({S.NEW, S.ACKNOWLEDGED, S.INFO_REQUESTED, S.TRANSFERRED})
ENDED = frozenset({S.ANSWERED, S.REFUSED, S.PUBLISHED, S.CLOSED})


def allowed_actions(status: CaseStatus | None) -> list[CaseAction]:
    """Actions that may be taken from ``status``, in declaration order."""
    return [a for a, (sources, _) in TRANSITIONS.items() if status in sources]


def can(action: CaseAction, status: CaseStatus | None) -> bool:
    return status in TRANSITIONS[action][0]


def next_status(action: CaseAction, status: CaseStatus | None) -> CaseStatus:
    """The status after ``action``; raises IllegalTransition if not allowed from ``status``."""
    sources, target = TRANSITIONS[action]
    if status not in sources:
        err = IllegalTransition(action.value, None)
        err.message = f"Action '{action.value}' is not allowed on a case in status {status}."
        err.args = (err.message,)
        raise err
    if target is None:
        assert status is not None
        return status
    return target


# ---- limits: versioned, per-province data -------------------------------------------------------

STEPS = ("answer", "refuse", "request_info", "publish")
LEVELS = ("normal", "urgent", "followup")
FORMAT = "motcua.feedback_limits/1"
ANY_PROVINCE = "*"


@dataclass(frozen=True)
class Limits:
    """Working seconds allowed for each step, for one urgency level."""

    answer: int
    refuse: int
    request_info: int
    publish: int

    def of(self, step: str) -> int:
        value: int = getattr(self, step)
        return value


@dataclass(frozen=True)
class LimitsVersion:
    """The limits a decision set for a province (``*``: every province without its own) from a date."""

    version: str
    province: str
    effective_from: date
    decision: str
    levels: Mapping[str, Limits]

    def limits(self, level: str) -> Limits:
        if level not in self.levels:
            raise ValueError(f"no limits for level {level!r}")
        return self.levels[level]


def parse_limits(data: Mapping[str, Any]) -> LimitsVersion:
    """Validate a limits document (``fixtures/feedback_limits_*.json``); ValueError on any defect."""
    if data.get("format") != FORMAT:
        raise ValueError(f"format must be {FORMAT!r}")
    for key in ("version", "province", "effective_from", "decision", "unit", "levels"):
        if key not in data:
            raise ValueError(f"missing {key!r}")
    if not str(data["decision"]).strip():
        raise ValueError("the decision behind the limits is required")
    unit = str(data["unit"])
    levels_in = data["levels"]
    if not isinstance(levels_in, Mapping) or set(levels_in) != set(LEVELS):
        raise ValueError(f"levels must be exactly {', '.join(LEVELS)}")
    levels = {name: _parse_level(name, levels_in[name], unit) for name in LEVELS}
    if any(levels["urgent"].of(s) > levels["normal"].of(s) for s in STEPS):
        raise ValueError("an urgent limit cannot be longer than the normal one")
    return LimitsVersion(str(data["version"]), str(data["province"]),
                         date.fromisoformat(str(data["effective_from"])), str(data["decision"]), levels)


def _parse_level(name: str, raw: Any, unit: str) -> Limits:
    if not isinstance(raw, Mapping) or set(raw) != set(STEPS):
        raise ValueError(f"level {name!r} must give exactly {', '.join(STEPS)}")
    values = {}
    for step in STEPS:
        amount = raw[step]
        if isinstance(amount, bool) or not isinstance(amount, int | float) or amount <= 0:
            raise ValueError(f"{name}.{step} must be a positive number")
        values[step] = limit_to_seconds(float(amount), unit)
    return Limits(**values)


def version_in_force(versions: Sequence[LimitsVersion], province: str, on: date) -> LimitsVersion:
    """The province's own version in force on ``on``, else the general one (``*``)."""
    for wanted in (province, ANY_PROVINCE):
        found = [v for v in versions if v.province == wanted and v.effective_from <= on]
        if found:
            return max(found, key=lambda v: v.effective_from)
    raise ValueError(f"no feedback limits in force on {on} for province {province!r}")


# ---- deadlines and verdict ------------------------------------------------------------------------

class Verdict(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    IN_PROGRESS_ON_TIME = "in_progress_on_time"
    IN_PROGRESS_LATE = "in_progress_late"


@dataclass(frozen=True)
class CaseEvent:
    at: datetime
    action: CaseAction


@dataclass(frozen=True)
class CaseClock:
    """What the deadlines of a case depend on."""

    received_at: datetime
    limits: Limits
    events: Sequence[CaseEvent] = ()
    publish_required: bool = False


@dataclass(frozen=True)
class Deadlines:
    answer: datetime  # pauses included (an open pause: up to ``as_of``)
    refuse: datetime
    request_info: datetime
    publish: datetime | None  # once answered (and publication required)
    paused: bool
    paused_seconds: int


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    deadlines: Deadlines
    late_steps: tuple[str, ...] = ()
    late_seconds: int = 0  # the largest overrun among the late steps, in working seconds
    approaching: bool = False  # open, on time, the answer due within the approaching window
    ended_at: datetime | None = None
    facts: list[tuple[str, dict[str, object]]] = field(default_factory=list)

    @property
    def is_late(self) -> bool:
        return self.verdict in (Verdict.LATE, Verdict.IN_PROGRESS_LATE)


def pauses_of(events: Sequence[CaseEvent], as_of: datetime) -> list[tuple[int, int]]:
    """Waiting-for-information spans as (start, end) epochs; an open one ends at ``as_of``."""
    spans: list[tuple[int, int]] = []
    start: datetime | None = None
    for ev in sorted(events, key=lambda e: e.at):
        if ev.action is A.REQUEST_INFO and start is None:
            start = ev.at
        elif start is not None and ev.action in (A.PROVIDE_INFO, A.CLOSE, A.ANSWER, A.REFUSE):
            spans.append((to_epoch(start), to_epoch(ev.at)))
            start = None
    if start is not None:
        spans.append((to_epoch(start), max(to_epoch(start), to_epoch(as_of))))
    return spans


def _first(events: Sequence[CaseEvent], action: CaseAction) -> datetime | None:
    return min((e.at for e in events if e.action is action), default=None)


def deadlines(cal: WorkingCalendar, clock: CaseClock, as_of: datetime) -> Deadlines:
    received = to_epoch(clock.received_at)
    spans = pauses_of(clock.events, as_of)
    start = cal.clock_start_ordinal(received)
    paused = sum(cal.paused_seconds(start, s, e) for s, e in spans)
    is_paused = bool(spans) and _open_pause(clock.events)
    answer = from_epoch(cal.due_epoch(received, clock.limits.answer, spans))
    refuse = from_epoch(cal.due_epoch(received, clock.limits.refuse))
    info = from_epoch(cal.due_epoch(received, clock.limits.request_info))
    answered = _first(clock.events, A.ANSWER)
    publish = None
    if answered is not None and clock.publish_required:
        publish = from_epoch(cal.due_epoch(to_epoch(answered), clock.limits.publish, cutoff=None))
    return Deadlines(answer, refuse, info, publish, is_paused, paused)


def _open_pause(events: Sequence[CaseEvent]) -> bool:
    open_ = False
    for ev in sorted(events, key=lambda e: e.at):
        if ev.action is A.REQUEST_INFO:
            open_ = True
        elif ev.action in (A.PROVIDE_INFO, A.CLOSE, A.ANSWER, A.REFUSE):
            open_ = False
    return open_


def _over(cal: WorkingCalendar, done: datetime, due: datetime) -> int:
    """Working seconds ``done`` is past ``due`` (0 when not past)."""
    return max(0, cal.ordinal(done) - cal.ordinal(due))


def judge(cal: WorkingCalendar, clock: CaseClock, as_of: datetime,
          approaching_seconds: int = 8 * 3600) -> Judgement:
    """The on-time verdict of a case as of ``as_of``, with the facts it was decided from."""
    ev = [e for e in clock.events if e.at <= as_of]
    clock = CaseClock(clock.received_at, clock.limits, ev, clock.publish_required)
    dl = deadlines(cal, clock, as_of)
    answered, refused = _first(ev, A.ANSWER), _first(ev, A.REFUSE)
    requested, published = _first(ev, A.REQUEST_INFO), _first(ev, A.PUBLISH)
    closed = _first(ev, A.CLOSE)
    ended = answered or refused or closed
    checks: list[tuple[str, datetime, datetime]] = []  # (step, done or as_of, due)
    if requested is not None:
        checks.append(("request_info", requested, dl.request_info))
    if refused is not None:
        checks.append(("refuse", refused, dl.refuse))
    elif answered is not None:
        checks.append(("answer", answered, dl.answer))
        if dl.publish is not None:
            checks.append(("publish", published or as_of, dl.publish))
    elif closed is None:
        checks.append(("answer", as_of, dl.answer))
    overruns = {step: _over(cal, done, due) for step, done, due in checks}
    late = tuple(step for step, s in overruns.items() if s > 0)
    finished = ended is not None and (dl.publish is None or published is not None)
    if finished:
        verdict = Verdict.LATE if late else Verdict.ON_TIME
    else:
        verdict = Verdict.IN_PROGRESS_LATE if late else Verdict.IN_PROGRESS_ON_TIME
    approaching = (ended is None and not late and not dl.paused
                   and cal.ordinal(dl.answer) - cal.ordinal(as_of) <= approaching_seconds)
    facts: list[tuple[str, dict[str, object]]] = [("received", {"at": clock.received_at})]
    facts += [(f"{step}_due", {"due": due, "done": done, "late_seconds": overruns[step]})
              for step, done, due in checks]
    return Judgement(verdict, dl, late, max(overruns.values(), default=0), approaching, ended, facts)
