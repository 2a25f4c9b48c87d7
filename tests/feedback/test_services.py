"""Sending a feedback case through every rule of submit, and its handling steps with their events."""

from __future__ import annotations

import pytest

from motcua.domain.errors import IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from motcua.dossiers import services as dsvc
from motcua.feedback import handling as h
from motcua.feedback import services as fsvc
from motcua.feedback.models import Case, CaseEvent
from tests.factories import PNG

pytestmark = pytest.mark.django_db


def sub(**over):  # noqa: ANN003, ANN201
    data = dict(category_code="PA-TTHC", description="Thủ tục rườm rà", sender_name="Trần Thị B",
                sender_phone="0912345678")
    data.update(over)
    return fsvc.Submission(**data)


def test_a_portal_feedback_is_routed_and_gets_its_deadlines(world, now, clock):  # noqa: ANN001
    c = fsvc.submit(world.actor("citizen"), sub(procedure_code="1.001193", unit_id=world.communes["a"].pk,
                                                photos=[("anh.png", PNG, "image/png")]))
    assert c.code.startswith("PA-250910-")
    assert c.unit == world.communes["a"] and c.owner == world.users["citizen"]
    assert c.status == "new" and c.is_open
    # Wednesday 10/09/2025 09:00 + 15 working days = Wednesday 01/10/2025 09:00 (local)
    assert clock_local(c.due_at) == "2025-10-01 09:00"
    assert clock_local(c.refuse_due_at) == "2025-09-12 09:00"
    assert c.files.count() == 1 and c.files.get().content_type == "image/png"
    ev = CaseEvent.objects.get(case=c)
    assert (ev.action, ev.from_status, ev.to_status, ev.role) == ("submit", "", "new", "sender")


def clock_local(at):  # noqa: ANN001, ANN201
    from motcua.core.clock import local

    return local(at).strftime("%Y-%m-%d %H:%M")


def test_anonymous_feedback_is_allowed_but_not_an_anonymous_dossier_complaint(world, now):  # noqa: ANN001
    c = fsvc.submit(None, sub(anonymous=True, sender_name="", sender_phone=""))
    assert c.anonymous and c.sender_name == "" and c.owner_id is None
    with pytest.raises(ValidationFailed) as e:
        fsvc.submit(None, sub(category_code="KN-HOSO", anonymous=True, attributes={"issue": "late"}))
    assert "anonymous" in e.value.fields and "dossier_code" in e.value.fields


def test_a_dossier_complaint_must_be_the_senders_own_dossier(world, now):  # noqa: ANN001
    d = dsvc.intake(world.actor("counter_a"), world.intake_request())
    with pytest.raises(ValidationFailed) as e:
        fsvc.submit(world.actor("citizen2"), sub(category_code="KN-HOSO", dossier_code=d.code,
                                                 attributes={"issue": "late"}))
    assert e.value.fields == {"dossier_code": "not the sender's own dossier"}
    # at the counter on the applicant's behalf: their identity number matches the dossier's
    c = fsvc.submit(world.actor("counter_a"), sub(category_code="KN-HOSO", dossier_code=d.code, channel="counter",
                                                  sender_id_number="068123456789", attributes={"issue": "late"}))
    assert c.unit == world.communes["a"] and c.dossier == d and c.kind == "complaint"


def test_field_errors_are_reported_together(world, now):  # noqa: ANN001
    with pytest.raises(ValidationFailed) as e:
        fsvc.submit(None, sub(category_code="NOPE", description=" ", sender_name="", sender_phone="abc",
                              lat=91.0, lon=0.0, channel="box", photos=[("x.pdf", b"%PDF-1.4", "application/pdf")]))
    assert set(e.value.fields) == {"category_code", "description", "sender_name", "sender_phone", "lat", "channel",
                                   "photos"}
    assert Case.objects.count() == 0


def test_the_handling_steps_are_guarded_and_scoped(world, now):  # noqa: ANN001
    c = fsvc.submit(world.actor("citizen"), sub(unit_id=world.communes["a"].pk))
    with pytest.raises(NotFound):
        h.acknowledge(world.actor("specialist_b"), c.pk)
    with pytest.raises(PermissionDenied):
        h.refuse(world.actor("specialist_a"), c.pk, "Không thuộc thẩm quyền")
    h.acknowledge(world.actor("specialist_a"), c.pk)
    with pytest.raises(IllegalTransition):
        h.acknowledge(world.actor("specialist_a"), c.pk)
    h.request_info(world.actor("specialist_a"), c.pk, "Xin ghi rõ địa chỉ")
    h.provide_info(world.actor("citizen"), c.pk, "Thôn 3")
    c = h.answer(world.actor("specialist_a"), c.pk, "Đã chấn chỉnh")
    c = h.publish(world.actor("leader_a"), c.pk)
    c = h.rate(world.actor("citizen"), c.pk, True, {"clear": True, "timely": True})
    assert c.status == "published" and c.satisfied is True and c.verdict == "on_time"
    assert list(c.events.values_list("action", flat=True)) == [
        "submit", "acknowledge", "request_info", "provide_info", "answer", "publish", "rate"]
    assert list(fsvc.visible_cases(world.actor("citizen2"))) == []
    assert list(fsvc.visible_cases(world.actor("citizen"))) == [c]
