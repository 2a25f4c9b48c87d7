"""Queue services: issue a ticket, call the next one at a counter. Pages, API, CLI and jobs call these.

The calling functions (recall, skip, transfer, start/finish serving, link to a dossier) and the
appointment services (slots, booking, check-in) live beside these and use them.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime

from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce

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


CLAIM_WINDOW = 64  # candidates tried by one claiming query (more counters calling at the same instant: the next 64)


def call_next(counter: Counter, user_id: int | None, at: datetime | None = None) -> Ticket | None:
    """Call the next waiting ticket for ``counter`` (see :mod:`motcua.domain.queueing` for the order),
    or None when nobody waits. Two counters calling at once never get the same ticket.

    The waiting tickets are read without locks and ranked by the pure rule; then one query locks the
    best-ranked of them that is still waiting and not being claimed by another counter at this very
    moment (``FOR UPDATE SKIP LOCKED`` on PostgreSQL: counters calling at once do not queue behind one
    another's row lock), and the conditional update claims it."""
    at = at or clock.now()
    groups = counter.groups.filter(active=True).values("pk")  # a subquery: one query less per call
    base = (Ticket.objects.filter(group_id__in=groups, day=clock.local_date(at), status=TicketStatus.WAITING)
            .filter(Q(transferred_to__isnull=True) | Q(transferred_to=counter)))
    rows = base.order_by("issued_at").values_list("pk", "kind", "issued_at", "transferred_to_id",
                                                  "appointment__starts_at")[:500]
    waiting = [rules.Waiting(pk, rules.TicketKind(kind), issued_at, to, slot) for pk, kind, issued_at, to, slot in rows]
    eligible = [w for w in waiting if w.transferred_to_counter in (None, counter.pk)]
    ordered = [w.id for w in sorted(eligible, key=lambda w: rules.rank(w, counter.pk, at))]
    for start in range(0, len(ordered), CLAIM_WINDOW):
        window = ordered[start:start + CLAIM_WINDOW]
        by_rank = Case(*[When(pk=pk, then=Value(i)) for i, pk in enumerate(window)], output_field=IntegerField())
        with transaction.atomic():
            pk = (Ticket.objects.select_for_update(skip_locked=True)
                  .filter(pk__in=window, status=TicketStatus.WAITING).order_by(by_rank)
                  .values_list("pk", flat=True).first())
            if pk is None:
                continue  # all taken or being taken: the next window
            # claim it: only the counter whose update finds it still waiting gets it
            claimed = Ticket.objects.filter(pk=pk, status=TicketStatus.WAITING).update(
                status=TicketStatus.CALLED, counter=counter, called_by_id=user_id, called_at=at,
                first_called_at=Coalesce(F("first_called_at"), Value(at)), transferred_to=None)
            if claimed:
                return Ticket.objects.select_related("group").get(pk=pk)
    return None
