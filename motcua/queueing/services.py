"""Queue services: issue a ticket, call the next one at a counter. Pages, API, CLI and jobs call these.

The calling functions (recall, skip, transfer, start/finish serving, link to a dossier) and the
appointment services (slots, booking, check-in) live beside these and use them.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from django.db import transaction
from django.db.models import F, Q, Value
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
        TicketSequence.objects.get_or_create(group=group, day=day)
        TicketSequence.objects.filter(group=group, day=day).update(last=F("last") + 1)  # takes the row lock
        number = TicketSequence.objects.values_list("last", flat=True).get(group=group, day=day)
        return Ticket.objects.create(
            unit_id=group.unit_id, group=group, day=day, number=number, kind=kind,
            priority_reason=priority_reason if kind == TicketKind.PRIORITY else "",
            token=secrets.token_urlsafe(16), procedure_id=procedure_id, appointment=appointment, issued_at=at)


def call_next(counter: Counter, user_id: int | None, at: datetime | None = None) -> Ticket | None:
    """Call the next waiting ticket for ``counter`` (see :mod:`motcua.domain.queueing` for the order),
    or None when nobody waits. Two counters calling at once never get the same ticket."""
    at = at or clock.now()
    groups = list(counter.groups.filter(active=True).values_list("pk", flat=True))
    base = (Ticket.objects.filter(group_id__in=groups, day=clock.local_date(at), status=TicketStatus.WAITING)
            .filter(Q(transferred_to__isnull=True) | Q(transferred_to=counter)))
    with transaction.atomic():
        waiting = [rules.Waiting(t.pk, rules.TicketKind(t.kind), t.issued_at, t.transferred_to_id,
                                 t.appointment.starts_at if t.appointment_id else None)
                   for t in base.select_related("appointment").order_by("issued_at")[:500]]
        for _attempt in range(len(waiting)):
            chosen = rules.next_ticket(waiting, counter.pk, at)
            if chosen is None:
                return None
            # claim it: only the counter whose update finds it still waiting gets it
            claimed = Ticket.objects.filter(pk=chosen.id, status=TicketStatus.WAITING).update(
                status=TicketStatus.CALLED, counter=counter, called_by_id=user_id, called_at=at,
                first_called_at=Coalesce(F("first_called_at"), Value(at)), transferred_to=None)
            if claimed:
                return Ticket.objects.select_related("group").get(pk=chosen.id)
            waiting = [w for w in waiting if w.id != chosen.id]
    return None
