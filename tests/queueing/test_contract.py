"""The queue's contract: numbering per group and day, and the calling order."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


_ticket_spec = st.tuples(st.sampled_from(["normal", "priority", "appointment"]),
                         st.integers(0, 120),  # issued, minutes after 08:00
                         st.sampled_from([None, "here", "there"]),  # transferred to
                         st.one_of(st.none(), st.integers(-60, 180)))  # an appointment's slot, minutes after 08:00


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(_ticket_spec, max_size=12), now_minute=st.integers(0, 200))
def test_the_claiming_statement_calls_in_the_pure_rules_order(world, specs, now_minute):
    """call_next's SQL and motcua.domain.queueing.next_ticket choose the same ticket, call after call."""
    from motcua.queueing.models import Appointment, Ticket

    unit = next(iter(world.commune_centres.values()))
    g, _ = ServiceGroup.objects.get_or_create(unit=unit, letter="H", defaults={"name": "Hộ tịch"})
    here, _ = Counter.objects.get_or_create(unit=unit, number=11)
    there, _ = Counter.objects.get_or_create(unit=unit, number=12)
    here.groups.add(g)
    Ticket.objects.all().delete()
    Appointment.objects.all().delete()
    at = T0 + timedelta(minutes=now_minute)
    for i, (kind, minute, moved, slot) in enumerate(specs):
        appointment = None
        if kind == "appointment" and slot is not None:
            starts = T0 + timedelta(minutes=slot)
            appointment = Appointment.objects.create(unit=unit, group=g, name="X", code=f"C{i}", starts_at=starts,
                                                     ends_at=starts + timedelta(minutes=30))
        t = services.issue_ticket(g, kind=kind, priority_reason="elderly" if kind == "priority" else "",
                                  appointment=appointment, at=T0 + timedelta(minutes=minute))
        if moved:
            Ticket.objects.filter(pk=t.pk).update(transferred_to=here if moved == "here" else there)
    while True:
        waiting = [Waiting(t.pk, TicketKind(t.kind), t.issued_at, t.transferred_to_id,
                           t.appointment.starts_at if t.appointment_id else None)
                   for t in Ticket.objects.filter(status="waiting").select_related("appointment")]
        expected = next_ticket(waiting, here.pk, at)
        got = services.call_next(here, None, at=at)
        assert (got.pk if got else None) == (expected.id if expected else None)
        if got is None:
            break
