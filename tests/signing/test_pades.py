"""PAdES signing with a software key, and validation by pyHanko and by poppler's pdfsig: valid files,
a byte changed after signing, a revoked and an expired certificate, production refusing the key."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from motcua.signing import certs, verify
from motcua.signing.errors import CertificateProblem, SoftwareKeyRefused
from motcua.signing.pades import SignatureBox, sign_pdf

from .conftest import LEADER_BOX, SPECIALIST_BOX, software


@pytest.fixture(scope="session")
def signed_twice(pki, settings, result_pdf):  # noqa: ANN001, ANN201
    """The specialist's initials, then the leader's signature, both B-LTA."""
    first = sign_pdf(result_pdf, software(pki, "specialist"), SPECIALIST_BOX, settings)
    second = sign_pdf(first.data, software(pki, "leader"), LEADER_BOX, settings)
    return first, second


def pdfsig_signatures(pki, data: bytes, tmp_path: Path) -> list[verify.PdfsigSignature]:  # noqa: ANN001
    path = tmp_path / "checked.pdf"
    path.write_bytes(data)
    found = verify.pdfsig_check(path)
    assert found and all(not s.certificate_validation for s in found)  # -nocert: pyHanko judges the trust
    return [s for s in found if not s.is_timestamp]


def test_the_test_pki_knows_good_revoked_and_expired_certificates(pki, settings) -> None:  # noqa: ANN001
    assert certs.certificate_status(pki.cert("leader"), settings) == "good"
    assert certs.certificate_status(pki.cert("revoked"), settings) == "revoked"  # by its OCSP responder
    assert certs.certificate_status(pki.cert("expired"), settings) == "expired"
    assert pki.signers["leader"].id_number == "001085000001"


def test_specialist_then_leader_both_valid_for_pyhanko_and_pdfsig(pki, signed_twice, tmp_path) -> None:  # noqa: ANN001
    first, second = signed_twice
    report = verify.verify_pdf(second.data, pki.trust_roots())
    assert report.valid, [s.summary for s in report.signatures]
    assert [s.signer for s in report.signatures] == ["Trần Thị Chuyên Viên", "Nguyễn Văn Lãnh Đạo"]
    assert report.document_timestamps == 2 and report.document_timestamps_ok  # B-LTA after each signature
    for s in report.signatures:
        assert s.certificate_status == "good" and s.timestamped and not s.modified_after_signing
        assert "hợp lệ" in s.summary and "không bị thay đổi" in s.summary
    found = pdfsig_signatures(pki, second.data, tmp_path)
    assert [s.field_name for s in found] == [first.field_name, second.field_name] == ["ChuKy1", "ChuKy2"]
    assert all(s.valid for s in found), found


def test_signing_returns_what_the_approval_slot_records(pki, signed_twice) -> None:  # noqa: ANN001
    _, leader = signed_twice
    assert leader.signer_name == "Nguyễn Văn Lãnh Đạo"
    assert leader.certificate_serial == format(pki.cert("leader").serial_number, "X")
    assert leader.issuer == "motcua Test Issuing CA"
    assert abs(leader.signing_time - datetime.now(UTC)) < timedelta(minutes=5)
    assert leader.sha256 == hashlib.sha256(leader.data).hexdigest()
    assert leader.level == "B-LTA"
    reader = PdfFileReader(BytesIO(leader.data))
    assert "/DSS" in reader.root  # the validation data is in the file (B-LT)


def test_visible_block_at_the_box_the_form_gives(signed_twice) -> None:  # noqa: ANN001
    _, leader = signed_twice
    reader = PdfFileReader(BytesIO(leader.data))
    sig = next(s for s in reader.embedded_signatures if s.field_name == "ChuKy2")
    widget = sig.sig_field
    rect = [float(x) for x in widget["/Rect"]]
    assert rect == list(LEADER_BOX.box)
    assert widget["/P"] == reader.root["/Pages"]["/Kids"][0]  # on page 1
    assert "/AP" in widget  # an appearance: the block is visible


def test_a_byte_changed_after_signing_is_reported(pki, signed_twice, tmp_path) -> None:  # noqa: ANN001
    data = bytearray(signed_twice[1].data)
    at = data.index(b"KET QUA DA DUOC PHE DUYET")
    data[at] = ord("X")
    report = verify.verify_pdf(bytes(data), pki.trust_roots())
    assert not report.valid
    for s in report.signatures:
        assert not s.intact and not s.ok
        assert "đã bị thay đổi sau khi ký" in s.summary
    assert not any(s.valid for s in pdfsig_signatures(pki, bytes(data), tmp_path))


def test_content_added_after_signing_is_found_by_difference_analysis(pki, signed_twice) -> None:  # noqa: ANN001
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(BytesIO(signed_twice[1].data))
    stream = writer.add_object(generic.StreamObject(stream_data=b"0 0 1 rg 72 600 200 40 re f"))
    writer.add_stream_to_page(0, stream)  # a blue box drawn over the signed page, in a later revision
    out = BytesIO()
    writer.write(out)
    report = verify.verify_pdf(out.getvalue(), pki.trust_roots())
    assert not report.valid
    for s in report.signatures:
        assert s.intact and s.valid and s.certificate_status == "good"  # each signed revision is untouched
        assert s.modified_after_signing and not s.ok
        assert "đã bị sửa đổi sau khi ký" in s.summary


def test_a_revoked_certificate_is_refused_when_signing(pki, settings, result_pdf) -> None:  # noqa: ANN001
    with pytest.raises(CertificateProblem, match="đã bị thu hồi") as e:
        sign_pdf(result_pdf, software(pki, "revoked"), LEADER_BOX, settings)
    assert e.value.status == "revoked"


def test_a_revoked_certificate_is_reported(pki, bt_settings, result_pdf, tmp_path) -> None:  # noqa: ANN001
    signed = sign_pdf(result_pdf, software(pki, "revoked"), LEADER_BOX, bt_settings, check_certificate=False)
    report = verify.verify_pdf(signed.data, pki.trust_roots())
    (s,) = report.signatures
    assert s.intact and s.valid and s.certificate_status == "revoked" and not s.ok
    assert "đã bị thu hồi tại thời điểm ký" in s.summary
    assert all(p.valid for p in pdfsig_signatures(pki, signed.data, tmp_path))  # the bytes themselves are intact


def test_an_expired_certificate_is_refused_and_reported(pki, settings, bt_settings, result_pdf) -> None:  # noqa: ANN001
    with pytest.raises(CertificateProblem, match="đã hết hạn"):
        sign_pdf(result_pdf, software(pki, "expired"), LEADER_BOX, settings)
    signed = sign_pdf(result_pdf, software(pki, "expired"), LEADER_BOX, bt_settings, check_certificate=False)
    (s,) = verify.verify_pdf(signed.data, pki.trust_roots()).signatures
    assert s.certificate_status == "expired" and not s.ok
    assert "đã hết hạn" in s.summary


def test_a_file_from_another_ca_is_not_trusted(pki, signed_twice) -> None:  # noqa: ANN001
    report = verify.verify_pdf(signed_twice[1].data, [pki.cert("tsa")])  # a trust root that did not issue it
    assert not report.valid
    assert {s.certificate_status for s in report.signatures} <= {"untrusted", "unknown"}


def test_an_unsigned_or_broken_file_says_so(pki, result_pdf) -> None:  # noqa: ANN001
    assert verify.verify_pdf(result_pdf, pki.trust_roots()).summary == "Tệp không có chữ ký số nào."
    assert "Không đọc được tệp PDF" in verify.verify_pdf(b"not a pdf", pki.trust_roots()).summary


def test_production_refuses_the_software_key(pki, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("MOTCUA_ENV", "production")
    with pytest.raises(SoftwareKeyRefused, match="không cho phép ký bằng khóa phần mềm"):
        software(pki, "leader")


def test_a_named_field_on_another_page_box(pki, settings) -> None:  # noqa: ANN001
    from motcua.signing.sample import make_result_pdf

    box = SignatureBox(page=0, box=(100, 300, 300, 360), field_name="LanhDao")
    signed = sign_pdf(make_result_pdf("THÔNG BÁO"), software(pki, "leader"), box, settings)
    assert signed.field_name == "LanhDao"
    assert verify.verify_pdf(signed.data, pki.trust_roots()).valid


def test_pdfsig_with_trust_roots_checks_in_its_own_nss_database(pki, signed_twice, tmp_path) -> None:  # noqa: ANN001
    import shutil

    if shutil.which("certutil") is None:
        pytest.skip("certutil (libnss3-tools) is not installed")
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed_twice[1].data)
    found = [s for s in verify.pdfsig_check(path, pki.trust_roots(), pki.intermediates()) if not s.is_timestamp]
    assert len(found) == 2 and all(s.valid and s.certificate_validation for s in found)


def test_the_visible_block_shows_its_text_inside_the_box(signed_twice) -> None:  # noqa: ANN001
    """Rendered as a reader shows it: ink inside the box, and the text lines end before its right border
    (a stamp font in the wrong units spread the letters and cut the lines)."""
    import pypdfium2 as pdfium

    scale = 2.0
    pdf = pdfium.PdfDocument(signed_twice[1].data)
    pdf.init_forms()  # signature widgets are form fields: drawn only with the form environment
    page = pdf[0]
    image = page.render(scale=scale, may_draw_forms=True).to_pil().convert("L")
    height = page.get_height()
    page.close()
    pdf.close()
    x1, y1, x2, y2 = LEADER_BOX.box
    left, top, right, bottom = (int(v * scale) for v in (x1, height - y2, x2, height - y1))
    inner = image.crop((left + 6, top + 6, right - 6, bottom - 6))  # inside the border
    ink = [x for x in range(inner.width) for y in range(inner.height) if inner.getpixel((x, y)) < 128]
    assert ink, "the signature block is empty"
    assert max(ink) < inner.width - 4, "the text runs into the right border"
