"""Keep a dossier's due time and verdict in step with the domain core, and explain them."""

from __future__ import annotations

from datetime import datetime

from motcua.calendars.services import calendar_for
from motcua.domain.lifecycle import Action, Status
from motcua.domain.verdict import ClockEvent, ClockInput, Verdict, judge
from motcua.domain.workcal import WorkingCalendar, from_epoch, to_epoch

from .models import Dossier

_END_ACTION = {
    Status.PROCESSED: Action.FINISH, Status.RETURNED: Action.FINISH, Status.STOPPED: Action.STOP,
    Status.NOT_RECEIVED: Action.REFUSE, Status.WITHDRAWN: Action.WITHDRAW,
}


def cutoff_of(d: Dossier) -> object:
    """The cut-off to apply: the procedure version's own, else the calendar's."""
    return d.version.cutoff_time or True


def clock_input(d: Dossier) -> ClockInput:
    """The clock facts held on the dossier row (a projection of its events)."""
    events: list[ClockEvent] = []
    for start, end in d.pauses:
        events.append(ClockEvent(from_epoch(start), Action.REQUEST_SUPPLEMENT))
        if end is not None:
            events.append(ClockEvent(from_epoch(end), Action.SUPPLEMENT))
    if d.received_at and d.supplement_requests > len(d.pauses):
        # requests beyond the recorded pauses (never the case through the services) still count
        events.extend(ClockEvent(d.received_at, Action.REQUEST_SUPPLEMENT)
                      for _ in range(d.supplement_requests - len(d.pauses)))
    if d.extended_to is not None:
        events.append(ClockEvent(d.received_at or d.submitted_at, Action.EXTEND, d.extended_to))
    if d.ended_at:
        events.append(ClockEvent(d.ended_at, _END_ACTION.get(Status(d.status), Action.FINISH)))
    return ClockInput(d.received_at, d.limit_seconds, sorted(events, key=lambda e: e.at), cutoff_of(d))


def refresh(d: Dossier, cal: WorkingCalendar | None = None, as_of: datetime | None = None) -> Verdict | None:
    """Recompute ``due_at``, ``verdict`` and ``late_seconds`` from the dossier's clock facts."""
    if d.received_at is None:
        d.due_at = None
        d.verdict = ""
        return None
    cal = cal or calendar_for(d.province_id)
    inp = clock_input(d)
    closed = [(s, e) for s, e in d.pauses if e is not None]
    from motcua.domain.workcal import _cutoff_arg

    due = from_epoch(cal.due_epoch(to_epoch(d.received_at), d.limit_seconds, closed,
                                   _cutoff_arg(inp.cutoff)))  # type: ignore[arg-type]
    d.due_at = due
    d.appointment_at = d.extended_to or due
    if d.ended_at is None:
        d.verdict = ""
        d.late_seconds = 0
        return None
    v = judge(cal, inp, as_of or d.ended_at)
    d.verdict = v.category.value
    d.late_seconds = v.late_seconds
    return v


def events_clock_input(d: Dossier) -> ClockInput:
    """The clock facts rebuilt from the event log (the source of truth)."""
    events = []
    for ev in d.events.order_by("seq").only("at", "action", "data"):
        appt = ev.data.get("new_appointment") if ev.data else None
        events.append(ClockEvent(ev.at, Action(ev.action),
                                 datetime.fromisoformat(appt) if appt else None))
    received = next((e.at for e in events if e.action in (Action.INTAKE, Action.RECEIVE)), None)
    return ClockInput(received, d.limit_seconds, events, cutoff_of(d))


def explain(d: Dossier, as_of: datetime) -> Verdict:
    """The verdict as of ``as_of`` with the facts it was computed from, from the event log."""
    cal = calendar_for(d.province_id)
    return judge(cal, events_clock_input(d), as_of)
