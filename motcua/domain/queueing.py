"""The order in which a counter calls waiting tickets: pure rules, no framework.

A counter calls, among the waiting tickets of the service groups it serves:
1. a ticket transferred to this very counter, first;
2. then a booked citizen's ticket (appointment) whose slot has begun, or begins within the grace window;
3. then priority tickets (the elderly, people with disabilities, pregnant women, the province's card);
4. then everybody else, in the order the tickets were issued.
Within a rank, the earlier ticket first (first come, first served).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class TicketKind(StrEnum):
    NORMAL = "normal"
    PRIORITY = "priority"
    APPOINTMENT = "appointment"


class TicketStatus(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"


OPEN_STATUSES = frozenset({TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING})
APPOINTMENT_GRACE = timedelta(minutes=15)  # a booked citizen arriving up to 15 minutes early is served on time


@dataclass(frozen=True)
class Waiting:
    """What the ordering needs to know of one waiting ticket."""
    id: int
    kind: TicketKind
    issued_at: datetime
    transferred_to_counter: int | None = None
    slot_starts_at: datetime | None = None


def rank(ticket: Waiting, counter_id: int, at: datetime) -> tuple[int, datetime, int]:
    """The sort key of ``ticket`` for ``counter_id`` at ``at``: lower is called first."""
    if ticket.transferred_to_counter == counter_id:
        level = 0
    elif ticket.kind == TicketKind.APPOINTMENT and (
            ticket.slot_starts_at is None or ticket.slot_starts_at - APPOINTMENT_GRACE <= at):
        level = 1
    elif ticket.kind in (TicketKind.PRIORITY, TicketKind.APPOINTMENT):
        level = 2  # an appointment ticket taken long before its slot waits like a priority one
    else:
        level = 3
    return (level, ticket.issued_at, ticket.id)


def next_ticket(waiting: list[Waiting], counter_id: int, at: datetime) -> Waiting | None:
    """The ticket ``counter_id`` calls next, or None when nobody waits."""
    eligible = [t for t in waiting if t.transferred_to_counter in (None, counter_id)]
    return min(eligible, key=lambda t: rank(t, counter_id, at), default=None)


def ticket_code(letter: str, number: int) -> str:
    """The number shown and called: the group's letter and three digits ("A007"), more past 999."""
    return f"{letter}{number:03d}"
