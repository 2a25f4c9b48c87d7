"""Signing wired into the product: the leader's approval signs the result (software key), stamps its
QR code and result code, fills the approval's slot; a failure writes nothing; an electronic return
needs a signed result."""

from __future__ import annotations

import io
import subprocess

import pytest

from motcua.dossiers import services as svc
from motcua.dossiers.models import Approval, Dossier, DossierFile
from motcua.dossiers.results import SigningFailed, UnsignedResult
from motcua.signing import services as signing
from motcua.signing import verify
from motcua.signing.sample import make_result_pdf

from .test_pades import pdfsig_signatures


@pytest.fixture
def signing_on(pki, monkeypatch):  # noqa: ANN001, ANN201
    """The approval signs with the test PKI's software key (as in development and the demo)."""
    monkeypatch.setenv("MOTCUA_SIGNING_PKI_DIR", str(pki.dir))
    monkeypatch.setenv("MOTCUA_SIGNING_ON_APPROVAL", "1")
    monkeypatch.setenv("MOTCUA_SIGNING_BACKEND", "software")
    return pki


def at_leader_step(world, clock) -> Dossier:  # noqa: ANN001
    clock.set("2026-03-10 09:00")
    d = svc.intake(world.actor("counter_a"), world.intake_request())
    svc.start(world.actor("counter_a"), d.pk)
    svc.forward(world.actor("specialist_a"), d.pk)  # -> 2 appraisal
    return svc.forward(world.actor("specialist_a"), d.pk)  # -> 3 approval


def attach_pdf(world, d: Dossier, data: bytes | None = None, name: str = "ket-qua.pdf") -> DossierFile:  # noqa: ANN001
    return svc.attach_file(world.actor("specialist_a"), d.pk, io.BytesIO(data or make_result_pdf()), name,
                           kind="result")


def signed_approval(world, clock) -> Approval:  # noqa: ANN001
    d = at_leader_step(world, clock)
    attach_pdf(world, d)
    return svc.approve(world.actor("leader_a"), d.pk, "Đồng ý")


def test_the_approval_signs_the_result_and_fills_its_slot(world, clock, signing_on, tmp_path) -> None:  # noqa: ANN001
    d = at_leader_step(world, clock)
    draft = attach_pdf(world, d)
    a = svc.approve(world.actor("leader_a"), d.pk, "Đồng ý")
    a.refresh_from_db()
    assert a.document_id == draft.pk and a.signature_status == "signed"
    assert a.result_code == f"{d.code}-KQ1" and a.event.data["result_code"] == a.result_code
    assert a.event.data["signature"] == "signed"
    assert a.signer == "Nguyễn Văn Lãnh Đạo" and a.certificate_serial and a.issuer and a.signed_at is not None
    assert len(a.signature_sha256) == 64 and a.signature_level == "B-LTA"
    f = a.signed_document
    assert (f.kind, f.name, f.content_type, f.uploaded_by_id) == ("result", f"{a.result_code}.pdf", "application/pdf",
                                                                 world.users["leader_a"].pk)
    data = signing.read_file(f)
    assert f.sha256 != draft.sha256 and len(data) == f.size
    report = verify.verify_pdf(data, signing_on.trust_roots(), allow_fetching=False)
    assert report.valid, report.summary
    assert report.signatures[0].signer == a.signer and report.document_timestamps == 1
    assert all(s.valid for s in pdfsig_signatures(signing_on, data, tmp_path))
    # the QR code on the document points to the public verification page
    path = tmp_path / "signed.pdf"
    path.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(path), str(tmp_path / "page")], check=True)
    scanned = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "page.png")], capture_output=True, text=True)
    assert scanned.stdout.strip() == signing.result_url(a.result_code)
    assert scanned.stdout.strip().endswith(f"/results/{a.result_code}/")


def test_a_second_signed_result_gets_the_next_code(world, clock, signing_on) -> None:  # noqa: ANN001
    a = signed_approval(world, clock)
    assert signing.next_result_code(a.dossier) == f"{a.dossier.code}-KQ2"


def test_a_signing_failure_changes_nothing(world, clock, signing_on, monkeypatch) -> None:  # noqa: ANN001
    d = at_leader_step(world, clock)
    attach_pdf(world, d)
    before = (d.row_version, d.events.count(), d.files.count())
    monkeypatch.setenv("MOTCUA_SIGNING_TSA_URL", "http://127.0.0.1:9/tsa")  # nobody answers there
    with pytest.raises(SigningFailed) as err:
        svc.approve(world.actor("leader_a"), d.pk, "Đồng ý")
    assert "Không ký được tài liệu" in str(err.value)
    d.refresh_from_db()
    assert (d.row_version, d.events.count(), d.files.count()) == before and not d.approvals.exists()
    assert d.current_step.order == 3


def test_a_revoked_signer_is_refused_before_anything_is_written(world, clock, signing_on, monkeypatch) -> None:  # noqa: ANN001
    d = at_leader_step(world, clock)
    attach_pdf(world, d)
    from motcua.signing import config

    real = config.signer
    monkeypatch.setattr(config, "signer", lambda *a, **kw: real(*a, **{**kw, "label": "revoked"}))
    with pytest.raises(SigningFailed) as err:
        svc.approve(world.actor("leader_a"), d.pk)
    assert "thu hồi" in str(err.value)
    assert not d.approvals.exists() and d.files.count() == 1


def test_a_non_pdf_result_cannot_be_signed(world, clock, signing_on) -> None:  # noqa: ANN001
    d = at_leader_step(world, clock)
    svc.attach_file(world.actor("specialist_a"), d.pk, io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"0" * 64), "anh.png",
                    kind="result")
    with pytest.raises(SigningFailed, match="PDF"):
        svc.approve(world.actor("leader_a"), d.pk)
    assert not d.approvals.exists()


def test_signing_is_off_by_default_in_the_test_environment(world, clock) -> None:  # noqa: ANN001
    d = at_leader_step(world, clock)
    attach_pdf(world, d)
    a = svc.approve(world.actor("leader_a"), d.pk)
    assert a.signature_status == "pending" and a.result_code is None and a.event.data["signature"] == "pending"


def finish(world, d: Dossier) -> None:  # noqa: ANN001
    svc.finish(world.actor("leader_a"), d.pk)


def test_an_online_return_needs_a_signed_result(world, clock, signing_on, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("MOTCUA_SIGNING_ON_APPROVAL", "0")
    d = at_leader_step(world, clock)
    attach_pdf(world, d)
    svc.approve(world.actor("leader_a"), d.pk)
    finish(world, d)
    with pytest.raises(UnsignedResult):
        svc.return_result(world.actor("counter_a"), d.pk, method="online")
    d.refresh_from_db()
    assert d.status != 10
    assert svc.return_result(world.actor("counter_a"), d.pk, method="counter").status == 10


def test_a_signed_result_is_returned_online(world, clock, signing_on) -> None:  # noqa: ANN001
    a = signed_approval(world, clock)
    finish(world, a.dossier)
    d = svc.return_result(world.actor("counter_a"), a.dossier_id, method="online")
    assert d.status == 10 and d.events.order_by("-seq").first().data["method"] == "online"


def test_return_at_is_honoured_for_the_system_actor_only(world, clock, signing_on) -> None:  # noqa: ANN001
    from datetime import datetime, timedelta

    from motcua.core.clock import aware

    a = signed_approval(world, clock)
    finish(world, a.dossier)
    delivered = aware(datetime(2026, 3, 10, 8, 0)) + timedelta(hours=1)
    d = svc.return_result(svc.Actor.system_actor("post"), a.dossier_id, method="post", postal_code="EB123",
                          at=delivered)
    assert d.returned_at == delivered


def test_the_office_page_says_why_the_approval_was_not_signed(world, clock, signing_on, monkeypatch,  # noqa: ANN001
                                                                client_of) -> None:
    d = at_leader_step(world, clock)
    f = attach_pdf(world, d)
    d.refresh_from_db()
    monkeypatch.setenv("MOTCUA_SIGNING_TSA_URL", "http://127.0.0.1:9/tsa")
    page = client_of("leader_a").post(f"/office/dossiers/{d.pk}/approve/", {
        "approve-version": d.row_version, "approve-document": f.pk, "approve-note": "Đồng ý"})
    assert page.status_code == 422
    html = page.content.decode()
    assert "Chưa ký số được kết quả: Không ký được tài liệu" in html
    assert not d.approvals.exists()


def test_specialist_initials_then_the_leader_signs_the_same_file(world, clock, signing_on, tmp_path) -> None:  # noqa: ANN001
    clock.set("2026-03-10 09:00")
    d = svc.intake(world.actor("counter_a"), world.intake_request())
    svc.start(world.actor("counter_a"), d.pk)
    svc.forward(world.actor("specialist_a"), d.pk)  # -> 2 appraisal
    attach_pdf(world, d)
    initialled = svc.initial_result(world.actor("specialist_a"), d.pk)
    code = f"{d.code}-KQ1"
    assert initialled.name == f"{code}-ky-nhay.pdf" and initialled.kind == "result"
    first = verify.verify_pdf(signing.read_file(initialled), signing_on.trust_roots(), allow_fetching=False)
    assert first.valid and [s.signer for s in first.signatures] == ["Trần Thị Chuyên Viên"], first.summary
    with pytest.raises(SigningFailed, match="đã được ký"):
        svc.initial_result(world.actor("specialist_a"), d.pk)
    svc.forward(world.actor("specialist_a"), d.pk)  # -> 3 approval
    a = svc.approve(world.actor("leader_a"), d.pk, "Đồng ý")
    assert a.document_id == initialled.pk and a.result_code == code  # the code stamped at the initials
    data = signing.read_file(a.signed_document)
    report = verify.verify_pdf(data, signing_on.trust_roots(), allow_fetching=False)
    assert report.valid, report.summary
    assert [s.signer for s in report.signatures] == ["Trần Thị Chuyên Viên", "Nguyễn Văn Lãnh Đạo"]
    assert not any(s.modified_after_signing for s in report.signatures)
    assert all(s.valid for s in pdfsig_signatures(signing_on, data, tmp_path))
    path = tmp_path / "signed.pdf"
    path.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(path), str(tmp_path / "page")], check=True)
    scanned = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "page.png")], capture_output=True, text=True)
    assert scanned.stdout.strip() == signing.result_url(code)  # one QR code, stamped once


def test_the_initials_view(world, clock, signing_on, client_of) -> None:  # noqa: ANN001
    clock.set("2026-03-10 09:00")
    d = svc.intake(world.actor("counter_a"), world.intake_request())
    svc.start(world.actor("counter_a"), d.pk)
    svc.forward(world.actor("specialist_a"), d.pk)
    url = f"/results/dossiers/{d.pk}/initial/"
    specialist = client_of("specialist_a")
    r = specialist.post(url, follow=True)
    assert "Bạn không ký nháy được" in r.content.decode()  # no result file yet
    attach_pdf(world, d)
    r = specialist.post(url, follow=True)
    assert r.status_code == 200 and f"Đã ký nháy kết quả: {d.code}-KQ1-ky-nhay.pdf" in r.content.decode()
    assert client_of("citizen").post(url).status_code in (302, 404)
    assert d.files.filter(name__endswith="-ky-nhay.pdf").count() == 1
