"""The queue's contract: numbering per group and day, and the calling order."""

from datetime import UTC, datetime, timedelta

import pytest

from motcua.domain.queueing import TicketKind, Waiting, next_ticket, rank
from motcua.queueing import services
from motcua.queueing.models import Counter, ServiceGroup

T0 = datetime(2026, 12, 4, 1, 0, tzinfo=UTC)  # 08:00 in Vietnam


def test_transferred_then_appointment_then_priority_then_first_come():
    w = [Waiting(1, TicketKind.NORMAL, T0), Waiting(2, TicketKind.PRIORITY, T0 + timedelta(minutes=5)),
         Waiting(3, TicketKind.APPOINTMENT, T0 + timedelta(minutes=9), slot_starts_at=T0),
         Waiting(4, TicketKind.NORMAL, T0 + timedelta(minutes=10), transferred_to_counter=7)]
    order = sorted(w, key=lambda t: rank(t, 7, T0 + timedelta(minutes=11)))
    assert [t.id for t in order] == [4, 3, 2, 1]
    # another counter does not see ticket 4, transferred to counter 7
    assert next_ticket(w, 8, T0 + timedelta(minutes=11)).id == 3


def test_appointment_taken_long_before_its_slot_waits_like_priority():
    early = Waiting(1, TicketKind.APPOINTMENT, T0, slot_starts_at=T0 + timedelta(hours=2))
    prio = Waiting(2, TicketKind.PRIORITY, T0 - timedelta(minutes=1))
    assert next_ticket([early, prio], 1, T0).id == 2
    assert next_ticket([early, prio], 1, T0 + timedelta(hours=1, minutes=50)).id == 1


@pytest.mark.django_db
def test_numbers_restart_per_group_and_day_and_calls_never_repeat(world):
    unit = next(iter(world.commune_centres.values()))
    a = ServiceGroup.objects.create(unit=unit, letter="A", name="Hộ tịch")
    b = ServiceGroup.objects.create(unit=unit, letter="B", name="Đất đai")
    counter = Counter.objects.create(unit=unit, number=1)
    counter.groups.add(a)
    t1, t2 = services.issue_ticket(a, at=T0), services.issue_ticket(a, at=T0 + timedelta(minutes=1))
    assert (t1.code, t2.code, services.issue_ticket(b, at=T0).code) == ("A001", "A002", "B001")
    assert services.issue_ticket(a, at=T0 + timedelta(days=1)).code == "A001"
    p = services.issue_ticket(a, kind="priority", priority_reason="elderly", at=T0 + timedelta(minutes=2))
    assert services.call_next(counter, None, at=T0 + timedelta(minutes=3)).pk == p.pk
    assert services.call_next(counter, None, at=T0 + timedelta(minutes=3)).pk == t1.pk
    assert services.call_next(counter, None, at=T0 + timedelta(minutes=3)).pk == t2.pk
    assert services.call_next(counter, None, at=T0 + timedelta(minutes=3)) is None
    with pytest.raises(services.QueueError):
        services.issue_ticket(a, kind="priority", at=T0)
