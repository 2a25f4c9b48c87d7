"""Remote hash signing against the simulator server (a subprocess): waiting for confirmation, the
result by callback or by polling, and every fault switch."""

from __future__ import annotations

import time

import pytest

from motcua.integrations.remote_signer import mapping
from motcua.signing import remote, verify
from motcua.signing.backends import RemoteHashSigner
from motcua.signing.errors import CertificateProblem, RemoteSigningFailed, RemoteSigningRefused, SignatureMismatch
from motcua.signing.pades import PendingSignature, finish_remote_signature, start_remote_signature

from .conftest import LEADER_BOX, WEBHOOK_SECRET
from .test_pades import pdfsig_signatures


def leader(pki, client) -> RemoteHashSigner:  # noqa: ANN001
    return RemoteHashSigner(client, user_id=pki.signers["leader"].id_number, ca_name="motcua-test-ca")


def wait_until(check, timeout: float = 10.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_signed_by_callback_after_the_user_confirms(pki, settings, remote_sim, remote_client, receiver,  # noqa: ANN001
                                                    result_pdf, tmp_path) -> None:
    remote_sim.faults(manual_confirm=True)
    record = remote.request_signature(result_pdf, leader(pki, remote_client), LEADER_BOX, settings, receiver.store,
                                      doc_id="000.00.11.H39-261201-0001-KQ1", callback_url=receiver.url)
    assert record.state == remote.WAITING and "Đang chờ" in record.message
    assert remote.poll(receiver.store, remote_client, record.transaction_id, settings).state == remote.WAITING
    remote_sim.confirm(record.transaction_id)
    wait_until(receiver.done.is_set)
    code, outcome = receiver.answers[0]
    assert code == 200 and outcome.state == remote.SIGNED and outcome.changed
    data = receiver.store.signed_pdf(record.transaction_id)
    report = verify.verify_pdf(data, pki.trust_roots())
    assert report.valid and report.signatures[0].signer == "Nguyễn Văn Lãnh Đạo", report.summary
    assert report.document_timestamps == 1  # B-LTA
    assert all(s.valid for s in pdfsig_signatures(pki, data, tmp_path))


def test_the_pending_handle_is_serialisable_and_finishes_elsewhere(pki, settings, remote_sim,  # noqa: ANN001
                                                                   remote_client, result_pdf) -> None:
    remote_sim.faults(manual_confirm=True)
    pending = start_remote_signature(result_pdf, leader(pki, remote_client), LEADER_BOX, settings, doc_id="KQ2")
    kept = pending.to_json()  # what the approval page stores while the leader confirms on their phone
    remote_sim.confirm(pending.transaction_id)
    status = remote_client.status(pending.transaction_id)
    assert status.state == mapping.SIGNED
    signed = finish_remote_signature(PendingSignature.from_json(kept), status.signature, settings)
    assert verify.verify_pdf(signed.data, pki.trust_roots()).valid


def test_a_callback_twice_is_a_no_op(pki, settings, remote_sim, remote_client, receiver, result_pdf) -> None:  # noqa: ANN001
    remote_sim.faults(webhook_twice=True)
    record = remote.request_signature(result_pdf, leader(pki, remote_client), LEADER_BOX, settings, receiver.store,
                                      doc_id="KQ3", callback_url=receiver.url)
    wait_until(lambda: len(receiver.answers) == 2)
    # the two deliveries may be handled at once (a threaded receiver): exactly one changes the record
    assert sorted((code, o.changed) for code, o in receiver.answers) == [(200, False), (200, True)]
    assert receiver.store.load(record.transaction_id).state == remote.SIGNED
    sent = remote_sim.state()["transactions"][record.transaction_id]["callbacks_sent"]
    assert sent == 2
    again = remote.poll(receiver.store, remote_client, record.transaction_id, settings)
    assert again.state == remote.SIGNED and not again.changed


def test_no_callback_polling_finishes_it(pki, settings, remote_sim, remote_client, receiver, result_pdf) -> None:  # noqa: ANN001
    remote_sim.faults(webhook_never=True, confirm_after=0.1)
    record = remote.request_signature(result_pdf, leader(pki, remote_client), LEADER_BOX, settings, receiver.store,
                                      doc_id="KQ4", callback_url=receiver.url)
    outcome = remote.wait_for_signature(receiver.store, remote_client, record.transaction_id, settings, timeout=10)
    assert outcome.state == remote.SIGNED and outcome.signed is not None
    assert verify.verify_pdf(outcome.signed.data, pki.trust_roots()).valid
    assert receiver.answers == [] and remote_sim.state()["callbacks"] == []


def test_a_forged_callback_is_rejected(pki, settings, remote_sim, remote_client, receiver, result_pdf) -> None:  # noqa: ANN001
    remote_sim.faults(manual_confirm=True)
    record = remote.request_signature(result_pdf, leader(pki, remote_client), LEADER_BOX, settings, receiver.store,
                                      doc_id="KQ5")
    body = mapping.encode_body({"transaction_id": record.transaction_id, "state": "REFUSED"})
    with pytest.raises(remote.CallbackRejected):
        remote.handle_callback(receiver.store, body, mapping.callback_signature("wrong-secret", body), WEBHOOK_SECRET,
                               settings)
    with pytest.raises(remote.CallbackRejected):
        remote.handle_callback(receiver.store, body, None, WEBHOOK_SECRET, settings)
    assert receiver.store.load(record.transaction_id).state == remote.WAITING


def test_the_user_refuses(pki, settings, remote_sim, remote_client, receiver, result_pdf) -> None:  # noqa: ANN001
    remote_sim.faults(refuse=True, confirm_after=0.05)
    record = remote.request_signature(result_pdf, leader(pki, remote_client), LEADER_BOX, settings, receiver.store,
                                      doc_id="KQ6")
    with pytest.raises(RemoteSigningRefused, match="từ chối"):
        remote.wait_for_signature(receiver.store, remote_client, record.transaction_id, settings, timeout=10)
    assert receiver.store.signed_pdf(record.transaction_id) is None


def test_a_signature_over_the_wrong_hash(pki, settings, remote_sim, remote_client, receiver, result_pdf) -> None:  # noqa: ANN001
    remote_sim.faults(wrong_hash=True, confirm_after=0.05)
    record = remote.request_signature(result_pdf, leader(pki, remote_client), LEADER_BOX, settings, receiver.store,
                                      doc_id="KQ7")
    with pytest.raises(RemoteSigningFailed, match="ký sai mã băm"):
        remote.wait_for_signature(receiver.store, remote_client, record.transaction_id, settings, timeout=10)
    status = remote_client.status(record.transaction_id)
    with pytest.raises(SignatureMismatch):
        finish_remote_signature(record.pending, status.signature, settings)
    # embedded anyway, the validator reports it: the bytes are intact, the signature does not match them
    signed = finish_remote_signature(record.pending, status.signature, settings.__class__(
        trust_roots=settings.trust_roots, other_certs=settings.other_certs, tsa_url=settings.tsa_url,
        embed_validation=False), check_signature=False)
    (s,) = verify.verify_pdf(signed.data, pki.trust_roots()).signatures
    assert s.intact and not s.valid and not s.ok
    assert "không khớp với nội dung đã ký" in s.summary


@pytest.mark.parametrize("which, words", [("revoked", "đã bị thu hồi"), ("expired", "đã hết hạn")],
                         ids=["revoked", "expired"])
def test_a_revoked_or_expired_certificate_from_the_service(pki, settings, remote_sim, remote_client, receiver,  # noqa: ANN001
                                                           result_pdf, which, words) -> None:
    remote_sim.faults(certificate=which)
    with pytest.raises(CertificateProblem, match=words) as e:
        remote.request_signature(result_pdf, leader(pki, remote_client), LEADER_BOX, settings, receiver.store,
                                 doc_id="KQ8")
    assert e.value.status == which
    assert remote_sim.state()["transactions"] == {}  # refused before any hash was sent


def test_a_slow_service_still_signs(pki, settings, remote_sim, remote_client, receiver, result_pdf) -> None:  # noqa: ANN001
    remote_sim.faults(slow=0.5, confirm_after=0.05)
    record = remote.request_signature(result_pdf, leader(pki, remote_client), LEADER_BOX, settings, receiver.store,
                                      doc_id="KQ9")
    outcome = remote.wait_for_signature(receiver.store, remote_client, record.transaction_id, settings, timeout=10)
    assert outcome.state == remote.SIGNED


def test_a_silent_service_is_a_retryable_error(pki, remote_sim) -> None:  # noqa: ANN001
    from motcua.integrations.remote_signer.client import HttpRemoteSigner

    remote_sim.faults(timeout=1)
    client = HttpRemoteSigner(remote_sim.url, connect_timeout=0.5, read_timeout=0.5)
    try:
        with pytest.raises(RemoteSigningFailed, match="không trả lời kịp") as e:
            client.get_certificate(pki.signers["leader"].id_number)
        assert e.value.retry
        assert client.get_certificate(pki.signers["leader"].id_number).certificate.dump() == pki.cert("leader").dump()
    finally:
        client.close()


def test_an_unknown_user(remote_client) -> None:  # noqa: ANN001
    with pytest.raises(RemoteSigningFailed, match="Không tìm thấy thuê bao"):
        remote_client.get_certificate("999999999999")
