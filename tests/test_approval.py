"""Leader approval (an event with a slot for a digital signature), send-back, and the ways a result
is returned: service layer and API."""

from __future__ import annotations

import io
import json

import pytest

from motcua.domain.errors import IllegalTransition, PermissionDenied, ValidationFailed
from motcua.domain.process import StepRefused
from motcua.dossiers import services as svc
from motcua.dossiers.models import Approval, Dossier
from tests.factories import PDF


def at_leader_step(world, clock) -> Dossier:
    """A walk-in dossier handed through reception (step 1) and appraisal (2) to the leader (3)."""
    clock.set("2026-03-10 09:00")
    d = svc.intake(world.actor("counter_a"), world.intake_request())
    svc.start(world.actor("counter_a"), d.pk)
    svc.forward(world.actor("specialist_a"), d.pk)  # -> 2 appraisal
    return svc.forward(world.actor("specialist_a"), d.pk)  # -> 3 approval


def result_file(world, d: Dossier, name: str = "ket-qua.pdf"):
    return svc.attach_file(world.actor("specialist_a"), d.pk, io.BytesIO(PDF + name.encode()), name, kind="result")


def test_leader_approves_the_latest_result_and_the_signature_stays_pending(world, clock):
    d = at_leader_step(world, clock)
    result_file(world, d, "du-thao-1.pdf")
    latest = result_file(world, d, "du-thao-2.pdf")
    a = svc.approve(world.actor("leader_a"), d.pk, "Đồng ý")
    assert a.document_id == latest.pk and a.document_sha256 == latest.sha256
    assert a.signature_status == "pending" and a.signed_document_id is None and a.signed_at is None
    ev = a.event
    assert (ev.action, ev.from_status, ev.to_status, ev.role, ev.note) == ("approve", 4, 4, "leader", "Đồng ý")
    assert ev.data["document"]["sha256"] == latest.sha256 and ev.data["signature"] == "pending"
    d.refresh_from_db()
    assert d.status == 4 and d.row_version == 5
    # approving moves the dossier on: past the last step, it waits to be finished (no second approval)
    assert d.current_step is None and ev.data["from_step"] == 3 and ev.data["process_done"] is True
    with pytest.raises(StepRefused):
        svc.approve(world.actor("leader_a"), d.pk)


def test_approval_of_a_chosen_result_file(world, clock):
    d = at_leader_step(world, clock)
    first = result_file(world, d, "du-thao-1.pdf")
    result_file(world, d, "du-thao-2.pdf")
    assert svc.approve(world.actor("leader_a"), d.pk, document_id=first.pk).document_id == first.pk


def test_approval_without_a_result_file_records_no_document(world, clock):
    d = at_leader_step(world, clock)
    a = svc.approve(world.actor("leader_a"), d.pk)
    assert a.document_id is None and a.document_sha256 == "" and a.event.data["document"] is None


def test_approval_of_a_component_file_is_refused_and_changes_nothing(world, clock):
    d = at_leader_step(world, clock)
    scan = svc.attach_file(world.actor("counter_a"), d.pk, io.BytesIO(PDF), "cccd.pdf")
    with pytest.raises(ValidationFailed) as exc:
        svc.approve(world.actor("leader_a"), d.pk, document_id=scan.pk)
    assert "document_id" in exc.value.fields
    assert Approval.objects.count() == 0 and Dossier.objects.get(pk=d.pk).row_version == 4


@pytest.mark.parametrize("user", ["specialist_a", "counter_a", "leader_b", "monitor"])
def test_only_the_handling_leader_approves(world, clock, user):
    d = at_leader_step(world, clock)
    with pytest.raises((PermissionDenied, svc.NotFound)):
        svc.approve(world.actor(user), d.pk)
    assert Approval.objects.count() == 0 and d.events.count() == 4


def test_approve_is_only_legal_while_processing(world, clock):
    clock.set("2026-03-10 09:00")
    d = svc.intake(world.actor("counter_a"), world.intake_request())
    with pytest.raises(IllegalTransition):
        svc.approve(world.actor("leader_a"), d.pk)
    assert Approval.objects.count() == 0


def test_send_back_to_the_previous_step_with_a_note(world, clock):
    d = at_leader_step(world, clock)
    d = svc.send_back(world.actor("leader_a"), d.pk, "Bổ sung ý kiến thẩm định")
    assert d.status == 4 and d.current_step.order == 2 and d.holder_id is None
    ev = d.events.order_by("-seq").first()
    assert (ev.action, ev.note, ev.data["from_step"]) == ("send_back", "Bổ sung ý kiến thẩm định", 3)


def test_send_back_to_a_chosen_earlier_step(world, clock):
    d = at_leader_step(world, clock)
    assert svc.send_back(world.actor("leader_a"), d.pk, "Làm lại", to_step=1).current_step.order == 1


@pytest.mark.parametrize(("note", "to_step", "field"), [("", None, "note"), ("  ", None, "note"),
                                                        ("Làm lại", 3, "to_step"), ("Làm lại", 9, "to_step")])
def test_send_back_needs_a_note_and_an_earlier_step(world, clock, note, to_step, field):
    d = at_leader_step(world, clock)
    with pytest.raises(ValidationFailed) as exc:
        svc.send_back(world.actor("leader_a"), d.pk, note, to_step=to_step)
    assert field in exc.value.fields
    d.refresh_from_db()
    assert d.current_step.order == 3 and d.row_version == 4


def finished(world, clock) -> Dossier:
    d = at_leader_step(world, clock)
    result_file(world, d)
    svc.approve(world.actor("leader_a"), d.pk)
    return svc.finish(world.actor("leader_a"), d.pk)


def test_result_returned_by_post_records_the_postal_code(world, clock):
    d = finished(world, clock)
    d = svc.return_result(world.actor("counter_a"), d.pk, method="post", postal_code=" EB123456789VN ")
    ev = d.events.order_by("-seq").first()
    assert d.status == 10 and ev.data == {"method": "post", "postal_code": "EB123456789VN"}


@pytest.mark.parametrize(("method", "postal", "field"), [("post", "", "postal_code"), ("fax", "", "method")])
def test_bad_return_changes_nothing(world, clock, method, postal, field):
    d = finished(world, clock)
    with pytest.raises(ValidationFailed) as exc:
        svc.return_result(world.actor("counter_a"), d.pk, method=method, postal_code=postal)
    assert field in exc.value.fields
    assert Dossier.objects.get(pk=d.pk).status == 9


# ---- API ------------------------------------------------------------------------------------

def post(client, url: str, body: dict):
    return client.post("/api/v1" + url, data=json.dumps(body), content_type="application/json")


def test_api_approve_send_back_and_return(world, clock, client_of):
    d = at_leader_step(world, clock)
    doc = result_file(world, d)
    r = post(client_of("leader_a"), f"/dossiers/{d.pk}/approve", {"note": "Duyệt", "version": 4})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["document_id"] == doc.pk and body["signature_status"] == "pending" and body["event_seq"] == 5
    r = post(client_of("leader_a"), f"/dossiers/{d.pk}/send-back", {"note": "Sửa lại", "version": 5})
    assert r.status_code == 200 and r.json()["status"] == 4
    assert Dossier.objects.get(pk=d.pk).current_step.order == 3  # back to the approval step
    svc.approve(world.actor("leader_a"), d.pk)
    svc.finish(world.actor("leader_a"), d.pk)
    r = post(client_of("counter_a"), f"/dossiers/{d.pk}/return", {"method": "post", "postal_code": "EB1VN"})
    assert r.status_code == 200 and r.json()["status"] == 10


@pytest.mark.parametrize(("url", "body", "field"), [
    ("approve", {"document_id": 0}, "document_id"),
    ("approve", {"document_id": 999999}, "document_id"),
    ("send-back", {"note": " "}, "note"),
    ("send-back", {"note": "x", "to_step": 0}, "to_step"),
])
def test_api_bad_approval_input_is_a_field_error(world, clock, client_of, url, body, field):
    d = at_leader_step(world, clock)
    r = post(client_of("leader_a"), f"/dossiers/{d.pk}/{url}", body)
    assert r.status_code in (400, 422) and field in r.json()["error"]["fields"], r.content
    assert Approval.objects.count() == 0 and Dossier.objects.get(pk=d.pk).row_version == 4


def test_api_specialist_cannot_approve(world, clock, client_of):
    d = at_leader_step(world, clock)
    r = post(client_of("specialist_a"), f"/dossiers/{d.pk}/approve", {})
    assert r.status_code == 403 and Approval.objects.count() == 0
