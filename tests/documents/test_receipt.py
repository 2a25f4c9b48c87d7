"""The receipt and appointment slip: every field, A5, the QR code of the tracking page."""

from __future__ import annotations

import unicodedata

import pytest
from django.test import Client

from motcua.documents import services
from motcua.documents.qr import lookup_token, tracking_url
from motcua.domain.codes import mask_name
from motcua.dossiers import services as svc
from tests.documents.conftest import A5, Pdf

pytestmark = pytest.mark.django_db


def _receipt(actor: svc.Actor, d) -> Pdf:  # noqa: ANN001
    filename, content = services.render_document(actor, d.pk, "receipt")
    assert filename == f"giay-tiep-nhan-{d.code}.pdf"
    return Pdf(content)


def test_receipt_prints_every_field_on_a5(desk) -> None:  # noqa: ANN001
    d = desk.received()
    pdf = _receipt(desk.actor("counter_a"), d)
    assert pdf.pages == 2 and pdf.size(0) == pdf.size(1) == A5  # two copies for the counter
    assert not pdf.missing(
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "XÃ A", "TTPVHCC XÃ A",
        "A, ngày 10 tháng 09 năm 2025", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", f"Mã hồ sơ: {d.code}",
        "Thủ tục: Thủ tục đăng ký khai sinh", "Kênh nộp: Trực tiếp", "Ông/bà, tổ chức: Nguyễn Thị Hồng Nhung",
        "Địa chỉ: Số 12 đường Trần Hưng Đạo, phường Xuân Hương - Đà Lạt, tỉnh Lâm Đồng",
        "Số điện thoại: 0912 345 678", "Thư điện tử: nhung.nguyen@example.vn",
        "1. Thành phần hồ sơ nộp gồm", "Tờ khai đăng ký khai sinh", "Giấy chứng sinh", "Bản chính", "Bản sao",
        "2. Số lượng hồ sơ: 1 bộ", "3. Thời gian giải quyết hồ sơ theo quy định: 1 ngày làm việc",
        "4. Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 10/09/2025",
        "5. Thời gian trả kết quả giải quyết hồ sơ: 09 giờ 00 phút, ngày 11/09/2025",
        "6. Đăng ký nhận kết quả tại: Tại bộ phận một cửa", "7. Cán bộ tiếp nhận: Trần Thị Mai",
        "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", "Liên 1: giao người nộp hồ sơ",
        "Liên 2: lưu tại bộ phận tiếp nhận và trả kết quả", "Quét mã để tra cứu hồ sơ")


def test_component_counts_are_in_the_table(desk) -> None:  # noqa: ANN001
    d = desk.received()
    d.components.filter(name="Giấy chứng sinh").update(originals=2, copies=3)
    assert not _receipt(desk.actor("counter_a"), d).missing("2 Giấy chứng sinh 2 3")


def test_qr_code_decodes_to_the_token_url_of_the_lookup_page_and_carries_no_code(desk) -> None:  # noqa: ANN001
    d = desk.received()
    pdf = _receipt(desk.actor("counter_a"), d)
    for page in range(pdf.pages):
        assert pdf.barcodes(page) == [tracking_url(d.pk)]
    url = tracking_url(d.pk)
    assert url.startswith("http://127.0.0.1:8000/portal/lookup/t/") and d.code not in url
    assert d.code.split("-")[-1] not in url.split("/t/")[1].split("-")[0]  # not even the sequence number
    assert d.code in pdf.page_text(0)  # printed beside the QR code for typing in
    # the decoded URL works: the same masked data as the lookup by code
    r = Client().get(url.removeprefix("http://127.0.0.1:8000"))
    html = r.content.decode()
    assert r.status_code == 200 and d.code in html and mask_name(d.applicant_name) in html
    assert d.applicant_name not in html


def test_a_tampered_or_forged_token_is_a_404(desk) -> None:  # noqa: ANN001
    d = desk.received()
    token = tracking_url(d.pk).split("/t/")[1].rstrip("/")
    ident, mac = token.split("-", 1)
    other = desk.received()
    for bad in [f"{ident}-{mac[:-1]}{'A' if mac[-1] != 'A' else 'B'}",  # one character of the HMAC changed
                f"{int(other.pk):x}-{mac}",  # another dossier's id with this HMAC
                lookup_token(other.pk).split("-")[0] + "-" + mac,
                "1-" + "A" * 27, "garbage", token + "x"]:
        assert Client().get(f"/portal/lookup/t/{bad}/").status_code == 404, bad
    assert Client().get(f"/portal/lookup/t/{token}/").status_code == 200


def test_qr_code_still_decodes_at_print_preview_resolution(desk) -> None:  # noqa: ANN001
    d = desk.received()
    assert _receipt(desk.actor("counter_a"), d).barcodes(0, scale=1.5) == [tracking_url(d.pk)]


def test_the_owner_gets_one_copy(desk) -> None:  # noqa: ANN001
    d = desk.received()
    pdf = _receipt(desk.actor("citizen"), d)
    assert pdf.pages == 1 and "Liên 1" not in pdf.text and "Nguyễn Thị Hồng Nhung" in pdf.text


def test_decomposed_text_prints_composed_and_markup_is_escaped(desk) -> None:  # noqa: ANN001
    nfd = unicodedata.normalize("NFD", "Trương Thị Ánh Tuyết")
    applicant = svc.Applicant(name=nfd, address="Hẻm 5 <Khu B> & Lô C", phone="0900000000")
    d = desk.received(applicant=applicant)
    text = _receipt(desk.actor("counter_a"), d).text
    assert "Trương Thị Ánh Tuyết" in text and "Hẻm 5 <Khu B> & Lô C" in text
    assert unicodedata.normalize("NFC", text) == text


def test_registered_online_dossier_has_no_receipt_until_received(desk) -> None:  # noqa: ANN001
    d = desk.registered()
    assert [slug for slug, *_ in services.available_documents(desk.actor("counter_a"), d)] == []
    with pytest.raises(svc.NotFound):
        services.render_document(desk.actor("counter_a"), d.pk, "receipt")
    svc.receive(desk.actor("counter_a"), d.pk)
    assert "GIẤY TIẾP NHẬN" in _receipt(desk.actor("counter_a"), d).text
