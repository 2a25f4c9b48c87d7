"""The letters motcua prints, signed with the unit's seal certificate (PAdES B-LTA, test PKI): each
validates with pyHanko and with poppler's pdfsig, the visible block sits in the form's signature room, the
signed file is made once per event and kept, its verification code and QR lead to the public page, and a
byte changed after signing is reported."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from motcua.core.clock import aware
from motcua.documents import services, signed
from motcua.dossiers import services as svc
from motcua.signing import verify
from motcua.signing.models import SignedLetter
from motcua.signing.services import result_url
from tests.documents.conftest import Pdf
from tests.signing.conftest import pki  # noqa: F401 - the session's test PKI (served OCSP, CRL, TSA)
from tests.test_concurrency import shared_db  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db
SEAL = "UBND xã Thử Nghiệm"


@pytest.fixture
def letters_signed(pki, monkeypatch):  # noqa: ANN001, ANN201, F811
    """Letters signed with the test PKI's seal key, as in development and the demo."""
    monkeypatch.setenv("MOTCUA_SIGNING_PKI_DIR", str(pki.dir))
    monkeypatch.setenv("MOTCUA_SIGNING_LETTERS", "1")
    monkeypatch.setenv("MOTCUA_SIGNING_BACKEND", "software")
    return pki


def _dossier_for(desk, slug: str):  # noqa: ANN001, ANN202
    """(dossier, the user who prints) with the event letter ``slug`` is based on."""
    if slug == "receipt":
        return desk.received(), "counter_a"
    if slug == "refusal":
        d = desk.registered()
        svc.refuse(desk.actor("counter_a"), d.pk, "Thủ tục không thuộc thẩm quyền giải quyết của xã")
        return d, "counter_a"
    if slug == "supplement":
        d = desk.at_step(2)
        svc.request_supplement(desk.actor("specialist_a"), d.pk, "Thiếu giấy tờ", items=["Bản sao Giấy chứng sinh"])
        return d, "specialist_a"
    if slug == "apology":
        d = desk.at_step(2)
        svc.extend(desk.actor("specialist_a"), d.pk, "Cần xác minh thêm", aware(datetime(2025, 9, 15, 16, 0)))
        return d, "specialist_a"
    d = desk.at_step(3)
    svc.stop(desk.actor("leader_a"), d.pk, "Người nộp đề nghị dừng")
    return d, "leader_a"


def _checked_by_pdfsig(data: bytes, tmp_path: Path) -> list[verify.PdfsigSignature]:
    path = tmp_path / "letter.pdf"
    path.write_bytes(data)
    return verify.pdfsig_check(path)


@pytest.mark.parametrize("slug", ["receipt", "supplement", "refusal", "apology", "stop"])
def test_each_letter_is_signed_valid_for_pyhanko_and_pdfsig(desk, letters_signed, slug, tmp_path) -> None:  # noqa: ANN001
    d, user = _dossier_for(desk, slug)
    _, data = services.render_document(desk.actor(user), d.pk, slug)
    report = verify.verify_pdf(data, letters_signed.trust_roots(), other_certs=letters_signed.intermediates(),
                               allow_fetching=False)  # offline: the validation data is in the file (B-LT)
    assert report.valid, report.summary
    [sig] = report.signatures
    assert sig.signer == SEAL and sig.timestamped and sig.certificate_status == "good"
    assert report.document_timestamps == 1  # B-LTA
    found = _checked_by_pdfsig(data, tmp_path)
    assert [s.valid for s in found if not s.is_timestamp] == [True]
    assert [s.signer for s in found if not s.is_timestamp] == [SEAL]
    assert len(found) == 2  # pdfsig sees the document timestamp too (B-LTA)
    kept = SignedLetter.objects.get(dossier=d, slug=slug)
    assert kept.code.startswith(f"{d.code}-{signed.PREFIX[slug]}") and kept.signature_level == "B-LTA"
    assert kept.signer == SEAL and kept.sha256 and kept.size == len(data)


@pytest.mark.parametrize("slug", ["receipt", "refusal"])
def test_a_changed_byte_is_reported_by_both_checkers(desk, letters_signed, slug, tmp_path) -> None:  # noqa: ANN001
    d, user = _dossier_for(desk, slug)
    _, data = services.render_document(desk.actor(user), d.pk, slug)
    changed = bytearray(data)
    at = changed.index(b"/Title")  # in the signed revision's document information
    changed[at + 2] ^= 0x01
    report = verify.verify_pdf(bytes(changed), letters_signed.trust_roots(), allow_fetching=False)
    assert not report.valid
    assert all(not s.intact and not s.ok for s in report.signatures)
    assert not any(s.valid for s in _checked_by_pdfsig(bytes(changed), tmp_path) if not s.is_timestamp)


def _widget(data: bytes) -> tuple[list[float], int]:
    reader = PdfFileReader(BytesIO(data))
    [sig] = [s for s in reader.embedded_signatures if s.sig_object_type == "/Sig"]
    widget = sig.sig_field
    pages = [p.get_object() for p in reader.root["/Pages"]["/Kids"]]
    return [float(x) for x in widget["/Rect"]], pages.index(widget["/P"].get_object())


def test_the_visible_block_is_in_the_signers_room_of_the_form(desk, letters_signed) -> None:  # noqa: ANN001
    d, user = _dossier_for(desk, "stop")
    _, data = services.render_document(desk.actor(user), d.pk, "stop")
    (x1, y1, x2, y2), page = _widget(data)
    width = float(PdfFileReader(BytesIO(data)).root["/Pages"]["/Kids"][0]["/MediaBox"][2])
    assert page == 0 and x1 >= width / 2 - 10 and x2 <= width  # the right column: "Thủ trưởng cơ quan"
    assert 30 < y2 - y1 < 45  # the 14 mm room between the capacity and the printed name
    text = Pdf(data)
    assert not text.missing("THỦ TRƯỞNG CƠ QUAN", "Phạm Quốc Hùng", "Văn bản được ký số. Mã kiểm tra:")
    # the receipt: the receiving officer's block (right) on the first copy of the staff's two
    d, _user = _dossier_for(desk, "receipt")
    _, data = services.render_document(desk.actor("counter_a"), d.pk, "receipt")
    assert Pdf(data).pages == 2
    (x1, _y1, _x2, _y2), page = _widget(data)
    assert page == 0 and x1 >= width / 2 - 10


def test_signed_once_per_event_and_kept(desk, letters_signed) -> None:  # noqa: ANN001
    d, user = _dossier_for(desk, "supplement")
    _, first = services.render_document(desk.actor(user), d.pk, "supplement")
    _, again = services.render_document(desk.actor("citizen"), d.pk, "supplement")
    assert again == first  # the same file, not signed again
    assert SignedLetter.objects.filter(dossier=d).count() == 1
    # a new request for supplements is a new event: a new letter, with its own code
    svc.supplement(desk.actor("counter_a"), d.pk)
    svc.request_supplement(desk.actor("specialist_a"), d.pk, "Thiếu giấy ủy quyền", items=["Giấy ủy quyền"])
    _, second = services.render_document(desk.actor(user), d.pk, "supplement")
    assert second != first and "Thiếu giấy ủy quyền" in Pdf(second).text
    codes = sorted(SignedLetter.objects.filter(dossier=d).values_list("code", flat=True))
    assert len(codes) == 2 and len(set(codes)) == 2


def test_the_receipt_copies_staff_two_owner_one(desk, letters_signed) -> None:  # noqa: ANN001
    d = desk.received()
    _, staff = services.render_document(desk.actor("counter_a"), d.pk, "receipt")
    _, owner = services.render_document(desk.actor("citizen"), d.pk, "receipt")
    assert (Pdf(staff).pages, Pdf(owner).pages) == (2, 1)
    codes = dict(SignedLetter.objects.filter(dossier=d).values_list("copies", "code"))
    assert codes[2] == codes[1] + "-L2"


def test_the_qr_and_code_lead_to_the_public_verification_page(desk, letters_signed, client) -> None:  # noqa: ANN001
    d, user = _dossier_for(desk, "refusal")
    _, data = services.render_document(desk.actor(user), d.pk, "refusal")
    code = SignedLetter.objects.get(dossier=d).code
    pdf = Pdf(data)
    assert code in pdf.text.replace(" ", "") or not pdf.missing(code)
    assert result_url(code) in pdf.barcodes(0)
    page = client.get(f"/results/{code}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Phiếu từ chối tiếp nhận giải quyết hồ sơ" in html and SEAL in html and d.code in html
    assert "hợp lệ" in html
    api = client.get(f"/api/v1/results/{code}/verification").json()
    assert api["valid"] is True and api["signatures"][0]["signer"] == SEAL


def test_signing_off_prints_unsigned_and_keeps_nothing(desk, letters_signed, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("MOTCUA_SIGNING_LETTERS", "0")
    d = desk.received()
    _, data = services.render_document(desk.actor("counter_a"), d.pk, "receipt")
    assert not list(PdfFileReader(BytesIO(data)).embedded_signatures)
    assert not SignedLetter.objects.exists()


def test_production_refuses_the_software_seal_key_and_prints_unsigned(desk, letters_signed, monkeypatch) -> None:  # noqa: ANN001
    from motcua.signing import config
    from motcua.signing.errors import SoftwareKeyRefused

    monkeypatch.setenv("MOTCUA_ENV", "production")
    with pytest.raises(SoftwareKeyRefused):
        config.seal_signer("A")
    d = desk.received()
    _, data = services.render_document(desk.actor("counter_a"), d.pk, "receipt")
    assert not list(PdfFileReader(BytesIO(data)).embedded_signatures)
    assert not SignedLetter.objects.exists()


def test_a_tsa_down_prints_unsigned_then_signs_when_it_is_back(desk, letters_signed, monkeypatch) -> None:  # noqa: ANN001
    d = desk.received()
    monkeypatch.setenv("MOTCUA_SIGNING_TSA_URL", "http://127.0.0.1:9/tsa")  # nobody answers there
    _, data = services.render_document(desk.actor("citizen"), d.pk, "receipt")
    assert not list(PdfFileReader(BytesIO(data)).embedded_signatures) and not SignedLetter.objects.exists()
    monkeypatch.delenv("MOTCUA_SIGNING_TSA_URL")
    _, data = services.render_document(desk.actor("citizen"), d.pk, "receipt")
    assert len(list(PdfFileReader(BytesIO(data)).embedded_signatures)) == 2  # signature + document timestamp


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("shared_db")
def test_downloads_at_the_same_instant_keep_one_signed_letter(desk, letters_signed) -> None:  # noqa: ANN001
    from tests.test_concurrency import run_together

    d = desk.received()
    results = run_together([lambda: services.render_document(desk.actor("citizen"), d.pk, "receipt")[1]] * 3)
    assert all(kind == "ok" for kind, _ in results), results
    kept = SignedLetter.objects.get(dossier=d)
    served = {data for _, data in results}
    assert len(served) == 1 and len(next(iter(served))) == kept.size  # every answer is the kept file
