"""Queue services: issue a ticket, call the next one at a counter. Pages, API, CLI and jobs call these.

The calling functions (recall, skip, transfer, start/finish serving, link to a dossier) and the
appointment services (slots, booking, check-in) live beside these and use them.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime

from django.db import connection, transaction

from motcua.core import clock
from motcua.domain import queueing as rules

from .choices import TicketKind, TicketStatus
from .models import Appointment, Counter, ServiceGroup, Ticket, TicketSequence


class QueueError(Exception):
    """A queue operation that cannot be done; its message is shown to the user as it is."""


def issue_ticket(group: ServiceGroup, *, kind: str = TicketKind.NORMAL, priority_reason: str = "",
                 procedure_id: int | None = None, appointment: Appointment | None = None,
                 at: datetime | None = None) -> Ticket:
    """Issue today's next number of ``group``: one short transaction, the day's sequence row locked."""
    at = at or clock.now()
    if not group.active:
        raise QueueError("Nhóm dịch vụ này đang tạm ngừng cấp số.")
    if kind == TicketKind.PRIORITY and not priority_reason:
        raise QueueError("Số ưu tiên cần chọn đối tượng ưu tiên.")
    day = clock.local_date(at)
    with transaction.atomic():
        number = _next_number(group.pk, day)  # the day's sequence row stays locked until the ticket is written
        return Ticket.objects.create(
            unit_id=group.unit_id, group=group, day=day, number=number, kind=kind,
            priority_reason=priority_reason if kind == TicketKind.PRIORITY else "",
            token=secrets.token_urlsafe(16), procedure_id=procedure_id, appointment=appointment, issued_at=at)


def _next_number(group_id: int, day: date) -> int:
    """Today's next number of the group in one statement (an upsert returning the new value; PostgreSQL
    and SQLite >= 3.35 alike), which locks the sequence row until the caller's transaction ends."""
    table = connection.ops.quote_name(TicketSequence._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {table} (group_id, day, last) VALUES (%s, %s, 1) "  # noqa: S608 (our table)
                    f"ON CONFLICT (group_id, day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
                    [group_id, day])
        return int(cur.fetchone()[0])


def call_next(counter: Counter, user_id: int | None, at: datetime | None = None) -> Ticket | None:
    """Call the next waiting ticket for ``counter``, or None when nobody waits. Two counters calling at
    once never get the same ticket.

    One statement finds and claims it: the waiting tickets of the counter's groups ordered by the
    calling rule of :mod:`motcua.domain.queueing` (written as SQL in :data:`_CLAIM`; a test holds the two
    to the same choice), the first of them locked with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL (so
    counters calling at the same instant do not queue behind one another's lock, each takes the next
    free one) and updated in the same statement. SQLite serializes writers, so it needs no lock clause."""
    at = at or clock.now()
    lock = " FOR UPDATE OF t SKIP LOCKED" if connection.vendor == "postgresql" else ""
    ops = connection.ops
    params = {"counter": counter.pk, "day": ops.adapt_datefield_value(clock.local_date(at)),
              "waiting": TicketStatus.WAITING, "called": TicketStatus.CALLED, "user": user_id,
              "at": ops.adapt_datetimefield_value(at),
              "slot_by": ops.adapt_datetimefield_value(at + rules.APPOINTMENT_GRACE),
              "appointment": TicketKind.APPOINTMENT, "priority": TicketKind.PRIORITY}
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(_CLAIM.format(lock=lock), params)
        row = cur.fetchone()
    return None if row is None else Ticket.objects.select_related("group").get(pk=row[0])


# the calling order of motcua.domain.queueing.rank: transferred here, booked and due, priority (or booked
# early), everybody else; then first come, first served
_CLAIM = """
UPDATE queueing_ticket SET status = %(called)s, counter_id = %(counter)s, called_by_id = %(user)s,
       called_at = %(at)s, first_called_at = COALESCE(first_called_at, %(at)s), transferred_to_id = NULL
WHERE status = %(waiting)s AND id = (
  SELECT t.id FROM queueing_ticket t LEFT JOIN queueing_appointment a ON a.id = t.appointment_id
  WHERE t.day = %(day)s AND t.status = %(waiting)s
    AND (t.transferred_to_id IS NULL OR t.transferred_to_id = %(counter)s)
    AND t.group_id IN (SELECT cg.servicegroup_id FROM queueing_counter_groups cg
                       JOIN queueing_servicegroup g ON g.id = cg.servicegroup_id
                       WHERE cg.counter_id = %(counter)s AND g.active)
  ORDER BY CASE WHEN t.transferred_to_id = %(counter)s THEN 0
                WHEN t.kind = %(appointment)s AND (a.starts_at IS NULL OR a.starts_at <= %(slot_by)s) THEN 1
                WHEN t.kind IN (%(priority)s, %(appointment)s) THEN 2
                ELSE 3 END, t.issued_at, t.id
  LIMIT 1{lock})
RETURNING id"""
