"""The approval signed by a remote service (the simulator server): the leader's page waits for the
phone's confirmation and updates itself, the result comes by callback (once or twice) or, when no
callback comes, by the worker's polling job; a forged callback is refused."""

from __future__ import annotations

import json
import time

import pytest

from motcua.dossiers import services as svc
from motcua.dossiers.models import Approval
from motcua.integrations.remote_signer import mapping
from motcua.signing import services as signing
from motcua.signing import verify
from motcua.signing.models import RemoteSignature

from .conftest import WEBHOOK_SECRET
from .test_wiring import at_leader_step, attach_pdf

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def remote_on(pki, remote_sim, live_server, monkeypatch):  # noqa: ANN001, ANN201
    for name, value in {"MOTCUA_SIGNING_PKI_DIR": str(pki.dir), "MOTCUA_SIGNING_ON_APPROVAL": "1",
                        "MOTCUA_SIGNING_BACKEND": "remote", "MOTCUA_REMOTE_SIGNER_URL": remote_sim.url,
                        "MOTCUA_REMOTE_SIGNER_CA_NAME": "motcua-test-ca", "MOTCUA_REMOTE_SIGNER_TIMEOUT": "3",
                        "MOTCUA_REMOTE_SIGNER_WEBHOOK_SECRET": WEBHOOK_SECRET,
                        "MOTCUA_REMOTE_SIGNER_CALLBACK_URL": f"{live_server.url}/results/callbacks/remote-signer/"
                        }.items():
        monkeypatch.setenv(name, value)
    yield remote_sim
    RemoteSignature.objects.all().delete()  # they point at approvals, which the event-log purge deletes in SQL


def wait_until(check, timeout: float = 15.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def approved(world, clock) -> Approval:  # noqa: ANN001
    d = at_leader_step(world, clock)
    attach_pdf(world, d)
    return svc.approve(world.actor("leader_a"), d.pk, "Đồng ý")


def signed(a: Approval) -> bool:
    a.refresh_from_db()
    return a.signature_status == "signed"


def test_the_leader_waits_for_the_phone_then_the_callback_signs(world, clock, remote_on, client_of, pki,  # noqa: ANN001
                                                                 caplog) -> None:
    caplog.set_level("INFO", logger="motcua.signing.audit")
    remote_on.faults(manual_confirm=True)
    a = approved(world, clock)
    rs = a.remote
    assert rs is not None and rs.state == "waiting" and a.signature_status == "pending"
    assert a.event.data["signature"] == "requested" and a.result_code == f"{a.dossier.code}-KQ1"
    leader = client_of("leader_a")
    page = leader.get(f"/office/dossiers/{a.dossier_id}/").content.decode()
    assert "Đang chờ xác nhận trên điện thoại" in page and f'hx-get="/results/remote/{rs.pk}/"' in page
    fragment = leader.get(f"/results/remote/{rs.pk}/").content.decode()
    assert "Đang chờ xác nhận trên điện thoại" in fragment and 'hx-trigger="every 3s"' in fragment
    events = list(a.dossier.events.values_list("seq", "hash"))
    remote_on.confirm(rs.transaction_id)
    wait_until(lambda: signed(a))
    rs.refresh_from_db()
    assert rs.state == "signed" and rs.finished_at is not None and rs.signed_sha256 == a.signed_document.sha256
    # the audit trail: the APPROVE event's Approval row and the transaction's row, and one log line; the
    # append-only event log is left as it was
    assert a.signed_at is not None and a.signature_sha256 and a.event.data["signature"] == "requested"
    assert list(a.dossier.events.values_list("seq", "hash")) == events
    lines = [r.getMessage() for r in caplog.records if r.name == "motcua.signing.audit"]
    assert len(lines) == 1 and f"transaction={rs.transaction_id}" in lines[0] and a.result_code in lines[0]
    assert a.signer == "Nguyễn Văn Lãnh Đạo" and a.signature_level == "B-LTA"
    report = verify.verify_pdf(signing.read_file(a.signed_document), pki.trust_roots(), allow_fetching=False)
    assert report.valid, report.summary
    fragment = leader.get(f"/results/remote/{rs.pk}/").content.decode()
    assert "Đã ký số" in fragment and "hx-get" not in fragment and a.result_code in fragment


def test_a_callback_twice_signs_once(world, clock, remote_on) -> None:  # noqa: ANN001
    remote_on.faults(webhook_twice=True, confirm_after=0.5)
    a = approved(world, clock)
    tid = a.remote.transaction_id
    wait_until(lambda: remote_on.state()["transactions"][tid]["callbacks_sent"] == 2)
    wait_until(lambda: signed(a))
    assert a.dossier.files.filter(kind="result").count() == 2  # the draft and one signed file
    assert RemoteSignature.objects.get(transaction_id=tid).state == "signed"


def test_no_callback_the_polling_job_finishes_it(world, clock, remote_on) -> None:  # noqa: ANN001
    from motcua.jobs import periodic

    assert "signing.remote-poll" in periodic.jobs()
    remote_on.faults(webhook_never=True, confirm_after=0.1)
    a = approved(world, clock)
    tid = a.remote.transaction_id
    wait_until(lambda: remote_on.state()["transactions"][tid]["state"] == mapping.SIGNED)
    assert signing.poll_waiting() == 0  # less than a minute: the callback may still come
    assert not signed(a)
    assert signing.poll_waiting(older_than=signing.WAIT_BEFORE_POLLING * 0) == 1
    assert signed(a) and signing.poll_waiting(older_than=signing.WAIT_BEFORE_POLLING * 0) == 0


def test_the_signer_refuses_on_the_phone(world, clock, remote_on, client_of) -> None:  # noqa: ANN001
    remote_on.faults(refuse=True, confirm_after=0.1)
    a = approved(world, clock)
    rs = a.remote
    wait_until(lambda: RemoteSignature.objects.get(pk=rs.pk).state != "waiting")
    rs.refresh_from_db()
    assert rs.state == "refused" and "từ chối" in rs.message
    assert not signed(a) and a.signed_document_id is None
    leader = client_of("leader_a")
    page = leader.get(f"/office/dossiers/{a.dossier_id}/").content.decode()
    assert "Người ký từ chối" in page and f'action="/results/approvals/{a.pk}/sign-again/"' in page
    # the leader asks again; this time the signer confirms
    remote_on.faults(refuse=False, manual_confirm=True)
    assert client_of("counter_a").post(f"/results/approvals/{a.pk}/sign-again/").status_code == 404  # not a leader
    again = leader.post(f"/results/approvals/{a.pk}/sign-again/")
    assert again.status_code == 302 and again.url == f"/office/dossiers/{a.dossier_id}/"
    retry = a.remote
    assert retry.pk != rs.pk and retry.state == "waiting"
    remote_on.confirm(retry.transaction_id)
    wait_until(lambda: signed(a))


def test_the_service_down_is_a_failed_request_not_an_error_page(world, clock, remote_on, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("MOTCUA_REMOTE_SIGNER_URL", "http://127.0.0.1:9")
    a = approved(world, clock)
    assert a.signature_status == "pending" and a.remote.state == "failed" and a.remote.message


def test_a_forged_callback_is_refused(world, clock, remote_on, client) -> None:  # noqa: ANN001
    remote_on.faults(manual_confirm=True)
    a = approved(world, clock)
    body = mapping.encode_body({"transaction_id": a.remote.transaction_id, "status": mapping.SIGNED,
                                "signature": mapping.b64(b"x" * 256)})
    url = "/results/callbacks/remote-signer/"
    forged = client.post(url, body, content_type="application/json", headers={"X-Signature": "0" * 64})
    assert forged.status_code == 403
    unsigned = client.post(url, json.dumps({"transaction_id": "x"}), content_type="application/json")
    assert unsigned.status_code == 403
    assert not signed(a) and a.remote.state == "waiting"
