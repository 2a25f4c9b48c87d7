"""More lifecycle operations, the event log's immutability, and projection == event log."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from motcua.core.clock import LOCAL_TZ
from motcua.domain.errors import IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from motcua.domain.process import StepRefused
from motcua.dossiers import services as svc
from motcua.dossiers.deadlines import explain
from motcua.dossiers.models import Dossier, DossierEvent, ImmutableError
from tests.factories import finished


def _received(world, clock, at="2026-03-10 09:00"):
    clock.set(at)
    d = svc.intake(world.actor("counter_a"), world.intake_request())
    return svc.start(world.actor("counter_a"), d.pk)


def test_online_dossier_is_checked_then_received_or_refused(world, clock):
    clock.set("2026-03-10 08:00")
    d = svc.intake(world.actor("counter_a"), world.intake_request(channel=2, owner_id=world.users["citizen"].pk))
    assert d.status == 1 and d.due_at is None
    clock.set("2026-03-10 10:00")
    d = svc.receive(world.actor("counter_a"), d.pk)
    assert d.status == 2 and d.received_at.isoformat() == "2026-03-10T03:00:00+00:00"
    other = svc.intake(world.actor("counter_a"), world.intake_request(channel=2))
    with pytest.raises(ValidationFailed):
        svc.refuse(world.actor("counter_a"), other.pk, "   ")
    other = svc.refuse(world.actor("counter_a"), other.pk, "Không thuộc thẩm quyền")
    assert other.status == 3 and other.ended_at is not None


def test_citizen_may_withdraw_own_dossier_only(world, clock):
    clock.set("2026-03-10 08:00")
    mine = svc.intake(world.actor("citizen"), world.intake_request(channel=2, owner_id=world.users["citizen"].pk))
    with pytest.raises(NotFound):  # another citizen does not even see it
        svc.withdraw(world.actor("citizen2"), mine.pk, "không cần nữa")
    with pytest.raises(PermissionDenied):  # the owner cannot receive their own dossier
        svc.receive(world.actor("citizen"), mine.pk)
    d = svc.withdraw(world.actor("citizen"), mine.pk, "Tôi không cần nữa")
    assert d.status == 7


def test_financial_obligation_and_stop(world, clock):
    d = _received(world, clock)
    d = svc.request_payment(world.actor("specialist_a"), d.pk, 500_000, "Lệ phí trước bạ")
    assert d.status == 6 and d.fees_due == 500_000
    d = svc.payment(world.actor("counter_a"), d.pk, 500_000, "BL-001")
    assert d.status == 4 and d.fees_paid == 500_000
    with pytest.raises(PermissionDenied):
        svc.stop(world.actor("specialist_a"), d.pk, "Giả mạo")
    d = svc.stop(world.actor("leader_a"), d.pk, "Phát hiện giấy tờ giả mạo")
    assert d.status == 8 and d.verdict in {"early", "on_time"}


def test_extension_keeps_the_legal_due_for_the_verdict(world, clock):
    d = _received(world, clock)  # due Wed 2026-03-11 09:00 local
    new = datetime(2026, 3, 13, 16, 0, tzinfo=LOCAL_TZ)
    with pytest.raises(ValidationFailed):
        svc.extend(world.actor("leader_a"), d.pk, "Chờ xác minh", datetime(2026, 3, 10, 11, tzinfo=LOCAL_TZ))
    d = svc.extend(world.actor("leader_a"), d.pk, "Chờ xác minh của cơ quan công an", new)
    assert d.appointment_at == new and d.due_at.isoformat() == "2026-03-11T02:00:00+00:00"
    clock.set("2026-03-12 10:00")
    d = finished(world, d.pk)
    assert d.verdict == "late" and d.late_seconds == 9 * 3600  # Wed 09:00 -> Thu 10:00 = 9 working hours


def test_second_supplement_request_makes_the_dossier_late(world, clock):
    d = _received(world, clock)
    for day in ("10", "11"):
        clock.set(f"2026-03-{day} 09:30")
        svc.request_supplement(world.actor("specialist_a"), d.pk, "Bổ sung")
        clock.set(f"2026-03-{day} 09:45")
        d = svc.supplement(world.actor("counter_a"), d.pk)
    clock.set("2026-03-11 10:00")
    d = finished(world, d.pk)
    assert d.verdict == "late" and d.supplement_requests == 2


def test_terminal_dossier_accepts_nothing(world, clock):
    d = _received(world, clock)
    d = svc.withdraw(world.actor("counter_a"), d.pk, "Công dân rút")
    for op in (lambda: svc.start(world.actor("counter_a"), d.pk),
               lambda: svc.finish(world.actor("leader_a"), d.pk),
               lambda: svc.request_supplement(world.actor("specialist_a"), d.pk, "x")):
        with pytest.raises(IllegalTransition):
            op()
    assert d.events.count() == 3


def test_forward_moves_between_steps_with_quotas(world, clock):
    d = _received(world, clock)
    assert d.current_step.order == 1
    assert d.step_due_at.isoformat() == "2026-03-10T03:00:00+00:00"  # 1 working hour
    with pytest.raises(StepRefused):  # step 2 is required: it cannot be skipped
        svc.forward(world.actor("specialist_a"), d.pk, holder_id=world.users["leader_a"].pk, to_step=3)
    with pytest.raises(ValidationFailed):
        svc.forward(world.actor("specialist_a"), d.pk, to_step=9)
    with pytest.raises(ValidationFailed):
        svc.forward(world.actor("specialist_a"), d.pk, to_step=2, holder_id=world.users["counter_b"].pk)
    d = svc.forward(world.actor("specialist_a"), d.pk, to_step=2)
    d = svc.forward(world.actor("specialist_a"), d.pk, holder_id=world.users["leader_a"].pk, to_step=3)
    assert d.current_step.order == 3 and d.holder_id == world.users["leader_a"].pk
    d = svc.forward(world.actor("leader_a"), d.pk, to_step=2)  # sent back
    assert d.current_step.order == 2


def test_events_are_append_only(world, clock):
    d = _received(world, clock)
    ev = DossierEvent.objects.filter(dossier=d).first()
    with pytest.raises(ImmutableError):
        ev.save()
    with pytest.raises(ImmutableError):
        ev.delete()
    with pytest.raises(Exception), transaction.atomic(), connection.cursor() as cur:  # noqa: B017, PT011
        cur.execute("UPDATE dossiers_dossierevent SET note = 'x' WHERE id = %s", [ev.pk])
    with pytest.raises(Exception), transaction.atomic(), connection.cursor() as cur:  # noqa: B017, PT011
        cur.execute("DELETE FROM dossiers_dossierevent WHERE id = %s", [ev.pk])
    assert DossierEvent.objects.get(pk=ev.pk).note == ""


def test_projection_agrees_with_the_event_log(world, clock):
    d = _received(world, clock)
    clock.set("2026-03-10 14:00")
    svc.request_supplement(world.actor("specialist_a"), d.pk, "Thiếu giấy chứng sinh")
    clock.set("2026-03-16 08:00")
    svc.supplement(world.actor("counter_a"), d.pk)
    clock.set("2026-03-16 15:00")
    d = finished(world, d.pk)
    v = explain(Dossier.objects.get(pk=d.pk), d.ended_at)
    assert v.deadline.due == d.due_at
    assert v.category.value == d.verdict
    assert v.late_seconds == d.late_seconds
    facts = [f for f, _ in v.explanation]
    assert facts[:3] == ["received", "limit", "pause"] and facts[-1] == "verdict"


def test_dossier_code_is_unique_in_the_database(world, clock):
    d = _received(world, clock)
    with pytest.raises(IntegrityError), transaction.atomic():
        Dossier.objects.create(**{f.attname: getattr(d, f.attname) for f in Dossier._meta.concrete_fields
                                  if f.attname != "id"})
