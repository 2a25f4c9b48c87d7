"""Generated histories follow each procedure's internal process: every step entered in order (the
event names it), holders from the unit's staff of the step's role, the approval at the approval
step, and a dossier still being processed left at the step it reached, so that it can be carried
to the end through the real services."""

from __future__ import annotations

from datetime import date

import pytest

from motcua.calendars.services import calendar_for
from motcua.catalog.models import ProcessStep
from motcua.dossiers import services as svc
from motcua.dossiers.generator import generate
from motcua.dossiers.models import Approval, Dossier, DossierEvent
from motcua.dossiers.process import step_due
from motcua.dossiers.verify import verify
from motcua.units.models import StaffRole
from tests.factories import attach_result

ENTERING = ("start", "forward", "approve", "send_back")


@pytest.fixture
def generated(world):  # noqa: ANN001, ANN201
    generate(300, world.province, date(2026, 6, 15), date(2026, 6, 30), seed=5)  # recent: some still open
    return world


def _suffix(world, d: Dossier) -> str:  # noqa: ANN001
    if d.handling_unit_id == world.department.pk:
        return "p"
    return next(k for k, u in world.communes.items() if u.pk == d.handling_unit_id)


def _process(d: Dossier) -> list[ProcessStep]:
    return list(ProcessStep.objects.filter(procedure_id=d.procedure_id, unit_id=d.handling_unit_id).order_by("order"))


def test_histories_enter_each_step_in_order_with_its_due_time_and_holder(generated):  # noqa: ANN001
    cal = calendar_for(generated.province.pk)
    checked = 0
    for d in Dossier.objects.filter(status__in=(4, 9, 10)).select_related("current_step")[:150]:
        steps = _process(d)
        entered = [(e.action, e.data, e.step_id, e.at) for e in d.events.order_by("seq")
                   if e.action in ENTERING]
        assert entered and entered[0][0] == "start"
        # every step in order; past an approval last step, the dossier is at none
        full = [s.pk for s in steps] + ([None] if steps[-1].approval else [])
        assert [data["step"] for _, data, _, _ in entered] == full[:len(entered)]
        for i, (action, data, step_id, at) in enumerate(entered):
            assert step_id == data["step"]  # the event carries the step it entered
            if i:  # the approval step is left by an approval only, any other by a forward
                assert action == ("approve" if steps[i - 1].approval else "forward")
            if data["step"] is not None:
                s = steps[i]
                assert data["step_due_at"] == step_due(cal, at, s).isoformat()
                if data["holder"] is not None:
                    assert StaffRole.objects.filter(user_id=data["holder"], role=s.role).exists()
        approvals = [a for a, *_ in entered if a == "approve"]
        if d.status in (9, 10):
            assert approvals and d.current_step_id is None
            assert Approval.objects.filter(dossier=d).count() == len(approvals)
        else:  # still being processed: at the step its last move entered
            last = entered[-1]
            assert d.current_step_id == last[1]["step"] and d.step_started_at == last[3]
            assert d.holder_id == last[1]["holder"]
            if d.current_step is not None:
                assert d.step_due_at == step_due(cal, d.step_started_at, d.current_step)
        checked += 1
    assert checked > 50
    assert DossierEvent.objects.filter(action="approve").exists()
    assert Dossier.objects.filter(status=4, current_step__isnull=False, holder__isnull=False).exists()


def test_an_open_generated_dossier_is_carried_to_the_end_through_the_services(generated):  # noqa: ANN001
    w = generated
    open_ = list(Dossier.objects.filter(status=4, current_step__isnull=False).select_related("current_step"))
    assert open_, "the generator left no dossier at a step"
    # one at a step before the approval, one per handling unit where there is one
    picked: dict[int, Dossier] = {}
    for d in sorted(open_, key=lambda d: d.current_step.order):
        picked.setdefault(d.handling_unit_id, d)
    for d in picked.values():
        who = _suffix(w, d)
        leader, specialist = w.actor(f"leader_{who}"), f"specialist_{who}"
        while True:
            d = Dossier.objects.select_related("current_step", "holder").get(pk=d.pk)
            step = d.current_step
            if step is None:
                break
            if step.produces_document or step.approval:
                attach_result(w, d.pk, specialist)
            if step.approval:
                svc.approve(svc.Actor.of(d.holder) if d.holder_id else leader, d.pk, "Đồng ý")
            elif any(s.order > step.order for s in _process(d)):
                svc.forward(leader, d.pk)
            else:
                break
        if not d.files.filter(kind="result").exists():
            attach_result(w, d.pk, specialist)
        done = svc.finish(leader, d.pk)
        assert done.status == 9 and done.current_step_id is None
    assert verify(checkpoint=False).ok
