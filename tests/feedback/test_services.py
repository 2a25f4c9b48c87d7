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


def test_a_transfer_moves_the_case_to_the_other_units_staff(world, now):  # noqa: ANN001
    c = fsvc.submit(None, sub(unit_id=world.communes["a"].pk))
    due = c.due_at
    with pytest.raises(ValidationFailed):
        h.transfer(world.actor("specialist_a"), c.pk, world.communes["b"].pk, " ")  # the reason is required
    c = h.transfer(world.actor("specialist_a"), c.pk, world.communes["b"].pk, "Thuộc thẩm quyền xã B")
    assert (c.unit, c.status, c.due_at) == (world.communes["b"], "transferred", due)  # the clock runs on
    assert c not in fsvc.visible_cases(world.actor("specialist_a"))
    h.acknowledge(world.actor("specialist_b"), c.pk)
    ev = c.events.get(action="transfer")
    assert ev.data == {"from_unit": world.communes["a"].pk, "to_unit": world.communes["b"].pk}
    assert ev.unit == world.communes["a"] and ev.role == "specialist"


def test_refusal_needs_a_reason_and_a_leader(world, now):  # noqa: ANN001
    c = fsvc.submit(None, sub(unit_id=world.communes["a"].pk))
    with pytest.raises(ValidationFailed) as e:
        h.refuse(world.actor("leader_a"), c.pk, "")
    assert e.value.fields == {"reason": "required"}
    c = h.refuse(world.actor("leader_a"), c.pk, "Đã được trả lời tại phản ánh trước")
    assert (c.status, c.refusal_reason, c.verdict) == ("refused", "Đã được trả lời tại phản ánh trước", "on_time")
    assert "Đã được trả lời tại phản ánh trước" in c.public_status_note()


def test_an_anonymous_sender_cannot_be_asked_and_an_answer_is_rated_once(world, now):  # noqa: ANN001
    from motcua.domain.errors import Conflict

    anon = fsvc.submit(None, sub(anonymous=True, sender_name="", sender_phone="", unit_id=world.communes["a"].pk))
    with pytest.raises(ValidationFailed):
        h.request_info(world.actor("specialist_a"), anon.pk, "Ở đâu?")
    assert CaseEvent.objects.filter(case=anon).count() == 1  # nothing written
    c = fsvc.submit(world.actor("citizen"), sub(unit_id=world.communes["a"].pk))
    h.answer(world.actor("specialist_a"), c.pk, "Đã xử lý")
    with pytest.raises(PermissionDenied):
        h.rate(world.actor("specialist_a"), c.pk, True)  # only the sender rates
    h.rate(world.actor("citizen"), c.pk, False, {"attitude": True}, "Chưa thỏa đáng")
    with pytest.raises(Conflict):
        h.rate(world.actor("citizen"), c.pk, True)
    with pytest.raises(ValidationFailed):
        h.rate(world.actor("citizen"), c.pk, True, {"nonsense": True})


def test_staff_may_mark_a_case_urgent_with_the_shorter_limit(world, now):  # noqa: ANN001
    from motcua.core.clock import local

    c = fsvc.submit(world.actor("specialist_a"),
                    sub(urgency="urgent", channel="counter", unit_id=world.communes["a"].pk))
    # Wed 10/09/2025 09:00 + 5 working days = Wed 17/09/2025 09:00
    assert (c.urgency, f"{local(c.due_at):%d/%m/%Y %H:%M}") == ("urgent", "17/09/2025 09:00")
    with pytest.raises(ValidationFailed) as e:
        fsvc.submit(world.actor("citizen"), sub(urgency="urgent"))
    assert e.value.fields == {"urgency": "staff only"}


def test_public_cases_hide_complaints_and_get_public_finds_by_code_or_id(world, now):  # noqa: ANN001
    d = dsvc.intake(world.actor("counter_a"), world.intake_request())
    pub = fsvc.submit(None, sub(category_code="PA-DONVI", unit_id=world.communes["a"].pk))
    complaint = fsvc.submit(world.actor("counter_a"), sub(category_code="KN-HOSO", dossier_code=d.code,
                                                          channel="counter", sender_id_number="068123456789",
                                                          attributes={"issue": "late"}))
    assert list(fsvc.public_cases()) == [pub]
    assert list(fsvc.public_cases(status="closed")) == [] and list(fsvc.public_cases(status="open")) == [pub]
    assert fsvc.get_public(pub.code) == pub == fsvc.get_public(str(pub.pk))
    with pytest.raises(NotFound):
        fsvc.get_public(complaint.code)


def test_a_new_provincial_holiday_moves_the_open_cases_due_times(world, clock):  # noqa: ANN001
    from datetime import date

    from motcua.calendars import services as cals
    from motcua.core.clock import local

    clock.set("2026-03-02 09:00")  # Monday
    open_ = fsvc.submit(None, sub(unit_id=world.communes["a"].pk))
    done = fsvc.submit(None, sub(category_code="PA-CANBO", unit_id=world.communes["a"].pk))  # not published
    h.answer(world.actor("specialist_a"), done.pk, "Đã xử lý")
    # 15 working days from Mon 02/03/2026 09:00: 03-06 (4), 09-13 (9), 16-20 (14), Mon 23/03 (15)
    assert f"{local(open_.due_at):%d/%m %H:%M}" == "23/03 09:00"
    cals.declare_day(world.province.pk, date(2026, 3, 11), "holiday", "Nghỉ lễ của tỉnh", "QĐ 01/QĐ-UBND")
    open_.refresh_from_db()
    done_before = done.due_at
    done.refresh_from_db()
    assert f"{local(open_.due_at):%d/%m %H:%M}" == "24/03 09:00"  # one working day later
    assert done.due_at == done_before  # a case already handled keeps the due time it was judged by
