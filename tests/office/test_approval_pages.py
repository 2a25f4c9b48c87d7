"""Leader approval, send-back, uploads, downloads and returning the result on the office pages."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers.models import Approval, DossierFile
from tests.factories import PDF
from tests.office.conftest import snapshot

pytestmark = pytest.mark.django_db



def _post(client, d, action: str, **data):  # noqa: ANN001, ANN003, ANN202
    payload = {f"{action}-{k}": v for k, v in {"version": d.row_version, **data}.items()}
    return client.post(f"/office/dossiers/{d.pk}/{action}/", payload)


def _upload(client, d, kind: str = "result", name: str = "ket-qua.pdf", body: bytes = PDF, **extra):  # noqa: ANN001, ANN003, ANN202
    return client.post(f"/office/dossiers/{d.pk}/files/",
                       {"kind": kind, "file": SimpleUploadedFile(name, body), **extra})


def test_specialist_uploads_the_result_and_the_leader_approves_it(client_of, desk) -> None:  # noqa: ANN001
    d = desk.at_step(3)
    r = _upload(client_of("specialist_a"), d)
    assert r.status_code == 302
    f = DossierFile.objects.get(dossier=d, kind="result")
    html = client_of("leader_a").get(f"/office/dossiers/{d.pk}/").content.decode()
    assert f'<option value="{f.pk}" selected>ket-qua.pdf</option>' in html
    d.refresh_from_db()
    r = _post(client_of("leader_a"), d, "approve", document=f.pk, note="Đồng ý ban hành")
    assert r.status_code == 302
    a = Approval.objects.get(dossier=d)
    assert a.document_id == f.pk and a.signature_status == "pending"
    html = client_of("leader_a").get(f"/office/dossiers/{d.pk}/").content.decode()
    assert "Phê duyệt kết quả" in html and "Chờ ký số" in html and f.sha256[:12] in html


def test_the_approval_form_refuses_a_file_that_is_not_a_result(client_of, desk) -> None:  # noqa: ANN001
    d = desk.at_step(3)
    _upload(client_of("counter_a"), d, kind="attachment", name="cong-van.pdf")
    other = DossierFile.objects.get(dossier=d)
    before = snapshot(d)
    r = _post(client_of("leader_a"), d, "approve", document=other.pk)
    assert r.status_code == 422 and snapshot(d) == before and Approval.objects.count() == 0


def test_leader_sends_back_with_a_note(client_of, desk) -> None:  # noqa: ANN001
    d = desk.at_step(3)
    r = _post(client_of("leader_a"), d, "send_back", to_step=2, note="Thẩm định lại giấy chứng sinh")
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.current_step.order == 2
    html = client_of("leader_a").get(f"/office/dossiers/{d.pk}/").content.decode()
    assert "Trả lại để xử lý lại" in html and "Thẩm định lại giấy chứng sinh" in html


def test_send_back_without_a_note_changes_nothing(client_of, desk) -> None:  # noqa: ANN001
    d = desk.at_step(3)
    before = snapshot(d)
    r = _post(client_of("leader_a"), d, "send_back", to_step=2, note="")
    assert r.status_code == 422 and snapshot(d) == before


def test_return_by_post_needs_the_postal_code(client_of, desk) -> None:  # noqa: ANN001
    d = desk.processed()
    before = snapshot(d)
    r = _post(client_of("counter_a"), d, "return", method="post", postal_code="")
    assert r.status_code == 422 and snapshot(d) == before
    assert "Cần nhập số hiệu bưu gửi" in r.content.decode()
    r = _post(client_of("counter_a"), d, "return", method="post", postal_code="EB123456789VN")
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.status == 10 and d.events.order_by("-seq").first().data["postal_code"] == "EB123456789VN"


def test_upload_is_checked_and_scoped(client_of, desk) -> None:  # noqa: ANN001
    d = desk.at_step(2)
    r = _upload(client_of("specialist_a"), d, name="virus.exe", body=b"MZ\x90\x00" + b"\x00" * 64)
    assert r.status_code in (400, 415, 422) and not DossierFile.objects.exists()
    assert _upload(client_of("specialist_b"), d).status_code == 404
    r = client_of("monitor").get(f"/office/dossiers/{d.pk}/")
    assert "Tải lên tệp" not in r.content.decode()
    assert _upload(client_of("monitor"), d).status_code == 403 and not DossierFile.objects.exists()


def test_download_streams_the_file_to_those_who_may_see_the_dossier(client_of, desk) -> None:  # noqa: ANN001
    d = desk.at_step(2)
    _upload(client_of("specialist_a"), d)
    f = DossierFile.objects.get(dossier=d)
    r = client_of("leader_a").get(f"/office/dossiers/{d.pk}/files/{f.pk}/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    assert r["Content-Type"] == "application/pdf" and r["X-Content-Type-Options"] == "nosniff"
    assert client_of("counter_b").get(f"/office/dossiers/{d.pk}/files/{f.pk}/").status_code == 404
    assert client_of("leader_a").get(f"/office/dossiers/{d.pk}/files/999999/").status_code == 404


def test_header_links_to_reports_for_staff_and_to_the_dashboard_for_leaders(client_of, desk) -> None:  # noqa: ANN001
    d = desk.at_step(2)
    counter = client_of("counter_a").get(f"/office/dossiers/{d.pk}/").content.decode()
    leader = client_of("leader_a").get(f"/office/dossiers/{d.pk}/").content.decode()
    assert 'href="/reports/"' in counter and 'href="/reports/dashboard/"' not in counter
    assert 'href="/reports/"' in leader and 'href="/reports/dashboard/"' in leader
