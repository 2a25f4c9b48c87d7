"""The public verification of an electronic result: the page by code (no login), the upload form and the
API, for a valid result, a file changed after signing, a revoked signer and an unknown code; nothing
personal beyond the applicant's masked name."""

from __future__ import annotations

import io

import pytest

from motcua.dossiers.models import Approval
from motcua.dossiers.storage import store_upload
from motcua.signing import services as signing
from motcua.signing.pades import sign_pdf
from motcua.signing.sample import make_result_pdf

from .conftest import LEADER_BOX, software
from .test_wiring import signed_approval, signing_on  # noqa: F401 - the fixture


@pytest.fixture
def result(world, clock, signing_on) -> Approval:  # noqa: ANN001, F811
    return signed_approval(world, clock)


def replace_stored(a: Approval, data: bytes) -> None:
    obj = store_upload(io.BytesIO(data), "x.pdf")
    f = a.signed_document
    f.storage_key, f.sha256, f.size = obj.key, obj.sha256, obj.size
    f.save()


def test_the_page_says_a_signed_result_is_valid(result, client) -> None:  # noqa: ANN001
    d = result.dossier
    page = client.get(f"/results/{result.result_code}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Chữ ký số hợp lệ" in html and "Nguyễn Văn Lãnh Đạo" in html
    assert "còn hiệu lực" in html and "không bị thay đổi" in html and "theo dấu thời gian tin cậy" in html
    assert d.get_status_display() in html and d.code in html
    # the applicant: masked name only, nothing else personal
    from motcua.domain.codes import mask_name

    assert mask_name(d.applicant_name) in html and d.applicant_name not in html
    for personal in (d.applicant_id_number, d.applicant_phone, d.applicant_address):
        if personal:
            assert personal not in html
    assert 'action="/results/check/"' in html


def test_a_file_changed_after_signing_is_reported(result, client) -> None:  # noqa: ANN001
    data = bytearray(signing.read_file(result.signed_document))
    at = data.index(b"KET QUA DA DUOC PHE DUYET")
    data[at] = ord("X")
    replace_stored(result, bytes(data))
    html = client.get(f"/results/{result.result_code}/").content.decode()
    assert "Chữ ký số không hợp lệ" in html and "đã bị thay đổi" in html
    api = client.get(f"/api/v1/results/{result.result_code}/verification").json()
    assert api["valid"] is False and api["signatures"][0]["intact"] is False


def test_a_revoked_signer_is_reported(result, client, pki, monkeypatch) -> None:  # noqa: ANN001
    from motcua.signing.pades import SigningSettings

    bt = SigningSettings.from_pki(pki, embed_validation=False)
    signed = sign_pdf(make_result_pdf(), software(pki, "revoked"), LEADER_BOX, bt, check_certificate=False)
    replace_stored(result, signed.data)
    html = client.get(f"/results/{result.result_code}/").content.decode()
    assert "Chữ ký số không hợp lệ" in html and "đã bị thu hồi" in html
    api = client.get(f"/api/v1/results/{result.result_code}/verification").json()
    assert api["signatures"][0]["certificate_status"] == "revoked" and not api["valid"]


def test_an_unknown_code_is_404(db, client, signing_on) -> None:  # noqa: ANN001, F811
    assert client.get("/results/000.31.90.H39-260310-0001-KQ9/").status_code == 404
    r = client.get("/api/v1/results/000.31.90.H39-260310-0001-KQ9/verification")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_an_unsigned_approval_has_no_public_page(world, clock, client) -> None:  # noqa: ANN001
    from .test_wiring import at_leader_step, attach_pdf

    d = at_leader_step(world, clock)
    attach_pdf(world, d)
    from motcua.dossiers import services as svc

    a = svc.approve(world.actor("leader_a"), d.pk)
    Approval.objects.filter(pk=a.pk).update(result_code=f"{d.code}-KQ1")  # a code, but nothing signed
    assert client.get(f"/results/{d.code}-KQ1/").status_code == 404


def test_the_api_says_it_in_plain_vietnamese(result, client) -> None:  # noqa: ANN001
    r = client.get(f"/api/v1/results/{result.result_code}/verification")
    assert r.status_code == 200
    body = r.json()
    d = result.dossier
    assert body["valid"] is True and body["code"] == result.result_code and body["dossier_code"] == d.code
    assert body["document_timestamps"] == 1 and "hợp lệ" in body["summary"]
    (s,) = body["signatures"]
    assert s["signer"] == "Nguyễn Văn Lãnh Đạo" and s["certificate_status"] == "good" and s["timestamped"]
    assert s["modified_after_signing"] is False and "hợp lệ" in s["summary"] and s["signing_time"]
    assert set(body) == {"code", "valid", "summary", "signatures", "document_timestamps", "dossier_code",
                         "dossier_status", "applicant", "procedure"}
    assert d.applicant_name not in r.content.decode()


def test_anyone_checks_an_uploaded_pdf(result, client) -> None:  # noqa: ANN001
    data = signing.read_file(result.signed_document)
    ok = client.post("/results/check/", {"file": io.BytesIO(data)}, format="multipart")
    assert ok.status_code == 200 and "Chữ ký số hợp lệ" in ok.content.decode()
    unsigned = client.post("/results/check/", {"file": _named(make_result_pdf(), "a.pdf")})
    assert "Tệp không có chữ ký số nào" in unsigned.content.decode()
    not_pdf = client.post("/results/check/", {"file": _named(b"hello", "a.pdf")})
    assert not_pdf.status_code == 422 and "không phải là tệp PDF" in not_pdf.content.decode()
    assert client.get("/results/check/").status_code == 200


def test_the_upload_is_size_capped(db, client, signing_on, monkeypatch) -> None:  # noqa: ANN001, F811
    from motcua.signing import views

    monkeypatch.setattr(views, "MAX_CHECK_BYTES", 100)
    r = client.post("/results/check/", {"file": _named(b"%PDF-" + b"0" * 200, "big.pdf")})
    assert r.status_code == 422 and "20 MB" in r.content.decode()


def test_the_pages_are_rate_limited_like_the_lookup(result, client, monkeypatch) -> None:  # noqa: ANN001
    from motcua.signing import views

    monkeypatch.setattr(views, "CONFIG", type("C", (), {"rate_lookup": "2/m"})())
    codes = [client.get(f"/results/{result.result_code}/").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert client.post("/results/check/", {"file": _named(b"%PDF-1", "a.pdf")}).status_code == 429


def _named(data: bytes, name: str) -> io.BytesIO:
    f = io.BytesIO(data)
    f.name = name
    return f
