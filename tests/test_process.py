"""The internal process is the path: required steps, the leader's approval step, documents a step
must produce, the result before finishing, and who holds each step (assign, claim, hand over)."""

from __future__ import annotations

import pytest

from motcua.domain.errors import IllegalTransition, ValidationFailed
from motcua.domain.process import DocumentMissing, Step, StepForbidden, StepRefused, check_finish, check_forward
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier
from motcua.units.choices import Role
from motcua.units.models import StaffRole
from tests.factories import _user, attach_result, through_process, to_approval


def started(world, clock) -> Dossier:
    clock.set("2026-03-10 09:00")
    d = svc.intake(world.actor("counter_a"), world.intake_request())
    return svc.start(world.actor("counter_a"), d.pk)


def unchanged(d: Dossier) -> tuple:
    fresh = Dossier.objects.get(pk=d.pk)
    return fresh.status, fresh.current_step_id, fresh.holder_id, fresh.row_version, fresh.events.count()


def test_a_specialist_cannot_finish_before_the_leaders_approval_step(world, clock):
    d = started(world, clock)
    d = svc.forward(world.actor("specialist_a"), d.pk)  # step 2 of 3
    attach_result(world, d.pk)
    before = unchanged(d)
    with pytest.raises(StepRefused) as exc:
        svc.finish(world.actor("specialist_a"), d.pk)
    assert exc.value.reason == "steps_remaining" and "3. Phê duyệt" in exc.value.params["steps"]
    assert exc.value.http_status == 409
    assert unchanged(d) == before


def test_finishing_at_the_approval_step_without_approving_is_refused(world, clock):
    d = to_approval(world, started(world, clock).pk)
    attach_result(world, d.pk)
    with pytest.raises(StepRefused) as exc:
        svc.finish(world.actor("leader_a"), d.pk)
    assert exc.value.reason == "steps_remaining"


def test_a_leader_cannot_approve_at_the_specialists_step(world, clock):
    d = svc.forward(world.actor("specialist_a"), started(world, clock).pk)
    before = unchanged(d)
    with pytest.raises(StepRefused) as exc:
        svc.approve(world.actor("leader_a"), d.pk)
    assert exc.value.reason == "not_approval_step" and exc.value.params["step"] == "Thẩm định"
    assert unchanged(d) == before


def test_the_approval_step_is_left_only_by_approving_which_moves_the_dossier_on(world, clock):
    from motcua.catalog.models import ProcessStep

    last = ProcessStep.objects.get(unit=world.communes["a"], procedure__code="1.001193", order=3)
    ProcessStep.objects.create(procedure=last.procedure, unit=last.unit, order=4, name="Vào sổ, trả kết quả",
                               role=Role.COUNTER_OFFICER, quota_hours=1)
    d = to_approval(world, started(world, clock).pk)
    with pytest.raises(StepRefused) as exc:
        svc.forward(world.actor("leader_a"), d.pk)
    assert exc.value.reason == "needs_approval" and exc.value.params["step"] == "Phê duyệt"
    attach_result(world, d.pk)
    d = svc.approve(world.actor("leader_a"), d.pk).dossier
    assert d.current_step.order == 4 and d.status == 4
    ev = d.events.order_by("-seq").first()
    assert (ev.action, ev.data["from_step"], ev.step_id, ev.data["process_done"]) == ("approve", 3, d.current_step_id,
                                                                                      False)
    assert svc.finish(world.actor("specialist_a"), d.pk).status == 9


def test_finishing_needs_the_result_file(world, clock):
    d = to_approval(world, started(world, clock).pk)
    svc.approve(world.actor("leader_a"), d.pk)  # approved without a result file
    with pytest.raises(DocumentMissing) as exc:
        svc.finish(world.actor("leader_a"), d.pk)
    assert exc.value.http_status == 422 and exc.value.fields == {"result": "result_missing"}
    attach_result(world, d.pk)
    assert svc.finish(world.actor("leader_a"), d.pk).status == 9


def test_the_whole_path_then_finish(world, clock):
    d = through_process(world, started(world, clock).pk)
    d = svc.finish(world.actor("specialist_a"), d.pk)
    assert d.status == 9
    assert list(d.events.values_list("action", flat=True)) == [
        "intake", "start", "forward", "forward", "approve", "finish"]


def province_dossier(world, clock) -> Dossier:
    """A provincial dossier (process: 1. Xử lý, which produces a document; 2. Ký, the approval)."""
    from motcua.catalog.models import Component

    clock.set("2026-03-10 09:00")
    comps = [svc.ComponentInput(component_id=c.pk, originals=1, copies=1)
             for c in Component.objects.filter(version__procedure__code="2.000815", required=True)]
    req = svc.IntakeRequest(procedure_code="2.000815", receiving_unit_code=world.centre.code,
                            handling_unit_code=world.department.code, channel=1,
                            applicant=svc.Applicant(name="Trần Thị Bình"), components=comps)
    d = svc.intake(world.actor("counter_p"), req)
    from motcua.fees import services as fees

    fees.collect_cash(world.actor("counter_p"), d.pk, 2000, "Trần Thị Bình")  # the copy fee, paid at the counter
    return svc.start(world.actor("counter_p"), d.pk)


def test_a_step_that_produces_a_document_is_not_handed_on_without_it(world, clock):
    d = province_dossier(world, clock)
    assert d.current_step.name == "Xử lý" and d.current_step.produces_document
    before = unchanged(d)
    with pytest.raises(DocumentMissing) as exc:
        svc.forward(world.actor("specialist_p"), d.pk)
    assert exc.value.reason == "step_document_missing" and exc.value.params["step"] == "Xử lý"
    assert unchanged(d) == before
    clock.set("2026-03-10 09:30")
    attach_result(world, d.pk, "specialist_p")
    assert svc.forward(world.actor("specialist_p"), d.pk).current_step.name == "Ký"


def test_required_steps_cannot_be_skipped():
    steps = [Step(1, "Tiếp nhận", "counter_officer"), Step(2, "Thẩm định", "specialist"),
             Step(3, "Xác minh", "specialist", required=False), Step(4, "Ký", "leader", approval=True)]
    with pytest.raises(StepRefused):
        check_forward(steps, 1, 3, False)
    check_forward(steps, 2, 4, False)  # the optional step may be skipped
    check_forward(steps, 4 - 1, 1, False)  # going back is always allowed by forward
    with pytest.raises(StepRefused):
        check_finish(steps, 2, False, True, True)
    check_finish(steps, None, True, False, True)
    with pytest.raises(StepRefused):
        check_finish(steps, None, False, False, True)  # never entered the process


# ---- holders ----------------------------------------------------------------------------------

@pytest.fixture
def colleague(world):
    return _user("specialist_a2", world.communes["a"], Role.SPECIALIST)


def test_claim_then_hand_over_then_assign_each_an_event(world, clock, colleague):
    d = svc.forward(world.actor("specialist_a"), started(world, clock).pk)
    assert d.holder_id is None
    d = svc.claim(world.actor("specialist_a"), d.pk)
    assert d.holder_id == world.users["specialist_a"].pk
    with pytest.raises(StepRefused) as exc:
        svc.claim(svc.Actor.of(colleague), d.pk)
    assert exc.value.reason == "already_held"
    d = svc.hand_over(world.actor("specialist_a"), d.pk, colleague.pk, note="Đồng chí xử lý giúp")
    assert d.holder_id == colleague.pk and d.current_step.order == 2
    d = svc.assign(world.actor("leader_a"), d.pk, world.users["specialist_a"].pk)
    assert d.holder_id == world.users["specialist_a"].pk
    evs = list(d.events.order_by("seq"))[-3:]
    assert [(e.action, e.data["holder_change"], e.step_id) for e in evs] == [
        ("forward", "claim", d.current_step_id), ("forward", "hand_over", d.current_step_id),
        ("forward", "assign", d.current_step_id)]
    assert evs[1].data["from_holder"] == world.users["specialist_a"].pk and evs[1].note == "Đồng chí xử lý giúp"


def test_holders_are_enforced(world, clock, colleague):
    d = svc.forward(world.actor("specialist_a"), started(world, clock).pk)
    d = svc.claim(world.actor("specialist_a"), d.pk)
    before = unchanged(d)
    with pytest.raises(StepForbidden):  # not the holder
        svc.hand_over(svc.Actor.of(colleague), d.pk, colleague.pk)
    with pytest.raises(StepForbidden) as exc:  # a held step is moved on by its holder
        svc.forward(svc.Actor.of(colleague), d.pk)
    assert exc.value.reason == "held_by_other" and exc.value.http_status == 403
    with pytest.raises(StepForbidden):  # only the leader assigns
        svc.assign(world.actor("specialist_a"), d.pk, colleague.pk)
    with pytest.raises(ValidationFailed):  # a counter officer cannot hold the specialist's step
        svc.hand_over(world.actor("specialist_a"), d.pk, world.users["counter_a"].pk)
    assert unchanged(d) == before
    assert svc.forward(world.actor("leader_a"), d.pk).current_step.order == 3  # the leader may


def test_a_leader_holding_the_approval_step_is_the_one_who_approves(world, clock):
    other = _user("leader_a2", world.communes["a"], Role.LEADER)
    d = to_approval(world, started(world, clock).pk)
    d = svc.assign(world.actor("leader_a"), d.pk, other.pk)
    with pytest.raises(StepForbidden):
        svc.approve(world.actor("leader_a"), d.pk)
    assert svc.approve(svc.Actor.of(other), d.pk).dossier.current_step is None
    assert StaffRole.objects.filter(user=other).exists()


def test_holder_changes_need_a_dossier_at_a_step(world, clock):
    clock.set("2026-03-10 09:00")
    d = svc.intake(world.actor("counter_a"), world.intake_request())
    with pytest.raises(IllegalTransition):
        svc.claim(world.actor("specialist_a"), d.pk)
