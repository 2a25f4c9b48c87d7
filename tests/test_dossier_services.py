"""Service-layer tests: the dossier lifecycle read as sentences."""

from __future__ import annotations

import pytest

from motcua.domain.errors import Conflict, IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier, DossierEvent
from tests.factories import finished


def test_counter_intake_receives_codes_and_due_time(world, clock):
    clock.set("2026-03-10 09:00")  # Tuesday
    d = svc.intake(world.actor("counter_a"), world.intake_request())
    assert d.status == 2
    assert d.code == "000.31.90.H39-260310-0001"
    assert d.due_at.isoformat() == "2026-03-11T02:00:00+00:00"  # Wed 09:00 local (+1 working day)
    ev = DossierEvent.objects.get(dossier=d)
    assert (ev.action, ev.from_status, ev.to_status, ev.role) == ("intake", None, 2, "counter_officer")


def test_full_lifecycle_with_supplement_pause(world, clock):
    clock.set("2026-03-10 09:00")
    d = svc.intake(world.actor("counter_a"), world.intake_request())
    svc.start(world.actor("counter_a"), d.pk)
    clock.set("2026-03-10 10:00")
    svc.request_supplement(world.actor("specialist_a"), d.pk, "Thiếu giấy chứng sinh")
    clock.set("2026-03-12 10:00")  # two working days later the applicant brings it
    d = svc.supplement(world.actor("counter_a"), d.pk)
    assert d.status == 4
    # one working hour was used before the pause; the remaining 7 hours run from Thu 10:00
    assert d.due_at.isoformat() == "2026-03-13T02:00:00+00:00"  # Fri 09:00 local
    clock.set("2026-03-13 08:30")
    d = finished(world, d.pk)
    assert d.status == 9 and d.verdict == "on_time"
    d = svc.return_result(world.actor("counter_a"), d.pk)
    assert d.status == 10
    assert list(d.events.values_list("action", flat=True)) == [
        "intake", "start", "request_supplement", "supplement", "forward", "forward", "approve", "finish", "return"]


def test_officer_of_another_commune_sees_nothing(world, clock):
    d = svc.intake(world.actor("counter_a"), world.intake_request())
    assert not svc.visible_dossiers(world.actor("counter_b")).filter(pk=d.pk).exists()
    with pytest.raises(NotFound):
        svc.start(world.actor("counter_b"), d.pk)
    assert svc.visible_dossiers(world.actor("monitor")).filter(pk=d.pk).exists()


def test_specialist_cannot_receive(world):
    d = svc.intake(world.actor("counter_a"), world.intake_request(channel=2))
    with pytest.raises(PermissionDenied):
        svc.receive(world.actor("specialist_a"), d.pk)
    assert Dossier.objects.get(pk=d.pk).status == 1


def test_illegal_transition_changes_nothing(world):
    d = svc.intake(world.actor("counter_a"), world.intake_request())
    with pytest.raises(IllegalTransition):
        svc.finish(world.actor("leader_a"), d.pk)
    d.refresh_from_db()
    assert d.status == 2 and d.row_version == 1 and d.events.count() == 1


def test_stale_version_is_a_conflict(world):
    d = svc.intake(world.actor("counter_a"), world.intake_request())
    svc.start(world.actor("counter_a"), d.pk, expected_version=1)
    with pytest.raises(Conflict):
        svc.stop(world.actor("leader_a"), d.pk, "Hồ sơ giả mạo", expected_version=1)
    assert Dossier.objects.get(pk=d.pk).status == 4


def test_missing_required_component_at_counter(world):
    req = world.intake_request(components=[])
    with pytest.raises(ValidationFailed) as exc:
        svc.intake(world.actor("counter_a"), req)
    assert "components" in exc.value.fields
    assert Dossier.objects.count() == 0


def test_codes_are_sequential_per_agency_and_day(world, clock):
    clock.set("2026-03-10 09:00")
    codes = [svc.intake(world.actor("counter_a"), world.intake_request()).code for _ in range(3)]
    codes.append(svc.intake(world.actor("counter_b"), world.intake_request("b")).code)
    clock.set("2026-03-11 09:00")
    codes.append(svc.intake(world.actor("counter_a"), world.intake_request()).code)
    assert codes == ["000.31.90.H39-260310-0001", "000.31.90.H39-260310-0002", "000.31.90.H39-260310-0003",
                     "000.32.90.H39-260310-0001", "000.31.90.H39-260311-0001"]


def test_version_in_force_at_receipt(world, clock):
    clock.set("2025-06-30 09:00")
    old = svc.intake(world.actor("counter_a"), world.intake_request())
    clock.set("2025-07-01 09:00")
    new = svc.intake(world.actor("counter_a"), world.intake_request())
    assert old.version.decision_number == "1872/QĐ-BTP" and old.limit_seconds == 3 * 8 * 3600
    assert new.version.decision_number == "1726/QĐ-BTP" and new.limit_seconds == 8 * 3600


# ---- which catalog version an online dossier keeps ---------------------------------------------

def _amend_birth_registration(effective_from: str):  # noqa: ANN202
    """An amendment of the birth registration procedure: 3 working days and a new required component."""
    from motcua.catalog.models import Procedure
    from motcua.catalog.services import amend

    names = ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh", "Giấy xác nhận cư trú"]
    return amend(Procedure.objects.get(code="1.001193"), {
        "decision_number": "2000/QĐ-BTP", "decision_date": "2026-03-01", "effective_from": effective_from,
        "name": "Thủ tục đăng ký khai sinh", "applicant_types": [0], "online_level": "full",
        "processing_time": 3, "time_unit": "day",
        "components": [{"name": n, "originals": 1, "copies": 0, "required": True} for n in names]})


def test_an_online_dossier_is_judged_by_the_version_in_force_when_the_counter_receives_it(world, clock):
    from tests.factories import through_process

    clock.set("2026-03-10 10:00")  # submitted under 1726/QĐ-BTP: 1 working day
    citizen = world.actor("citizen")
    req = world.intake_request(channel=2, owner_id=world.users["citizen"].pk)
    complete = svc.intake(citizen, world.intake_request(
        channel=2, owner_id=world.users["citizen"].pk,
        components=[*req.components, svc.ComponentInput(name="Giấy xác nhận cư trú", originals=1)]))
    incomplete = svc.intake(citizen, req)
    assert complete.version.decision_number == "1726/QĐ-BTP"
    new = _amend_birth_registration("2026-03-11")  # takes effect between submission and acceptance

    clock.set("2026-03-11 09:00")  # Wednesday: the counter accepts
    d = svc.receive(world.actor("counter_a"), complete.pk, note="Đủ thành phần")
    assert d.version_id == new.pk and d.limit_seconds == 3 * 8 * 3600
    assert d.due_at.isoformat() == "2026-03-16T02:00:00+00:00"  # Mon 16/03 09:00 local, not Thu 12/03 09:00
    ev = d.events.order_by("-seq").first()
    assert ev.data["version"] == "2000/QĐ-BTP" and ev.data["version_from"] == "1726/QĐ-BTP"
    assert ev.note.startswith("Đủ thành phần\nÁp dụng thủ tục theo 2000/QĐ-BTP (hiệu lực từ 11/03/2026)")
    assert set(d.components.values_list("component__version", flat=True)) == {new.pk}  # checked against it

    with pytest.raises(ValidationFailed) as exc:  # the new version's required component is missing
        svc.receive(world.actor("counter_a"), incomplete.pk)
    assert "Giấy xác nhận cư trú" in exc.value.fields["components"]
    fresh = Dossier.objects.get(pk=incomplete.pk)
    assert (fresh.status, fresh.version.decision_number, fresh.events.count()) == (1, "1726/QĐ-BTP", 1)

    svc.start(world.actor("counter_a"), d.pk)
    clock.set("2026-03-13 10:00")  # Friday: late by the old 1-day limit, early by the version in force
    through_process(world, d.pk)
    d = svc.finish(world.actor("leader_a"), d.pk)
    assert (d.verdict, d.late_seconds) == ("early", 0)


def test_a_dossier_received_at_the_counter_keeps_the_version_of_that_moment(world, clock):
    clock.set("2026-03-10 10:00")
    d = svc.intake(world.actor("counter_a"), world.intake_request())
    _amend_birth_registration("2026-03-11")
    clock.set("2026-03-11 09:00")
    assert Dossier.objects.get(pk=d.pk).version.decision_number == "1726/QĐ-BTP"
    assert d.limit_seconds == 8 * 3600
