"""The letters to the applicant: each based on its event, on A5, absent when it does not apply."""

from __future__ import annotations

from datetime import datetime

import pytest

from motcua.core.clock import aware
from motcua.documents import services
from motcua.dossiers import services as svc
from tests.documents.conftest import A5, Pdf

pytestmark = pytest.mark.django_db

COMMON = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Kính gửi: Nguyễn Thị Hồng Nhung",
          "Địa chỉ: Số 12 đường Trần Hưng Đạo, phường Xuân Hương - Đà Lạt, tỉnh Lâm Đồng",
          "đề nghị giải quyết thủ tục hành chính: Thủ tục đăng ký khai sinh", "Nơi nhận:")


def _letter(desk, d, slug: str, user: str = "counter_a") -> Pdf:  # noqa: ANN001
    filename, content = services.render_document(desk.actor(user), d.pk, slug)
    assert filename.endswith(f"-{d.code}.pdf")
    pdf = Pdf(content)
    assert pdf.size() == A5
    assert not pdf.missing(*COMMON, f"Mã hồ sơ: {d.code}")
    return pdf


def test_supplement_request_lists_the_latest_reason_and_items(desk, clock) -> None:  # noqa: ANN001
    d = desk.at_step(2)
    first = svc.request_supplement(desk.actor("specialist_a"), d.pk, "Thiếu giấy tờ", items=["Giấy cũ"])
    svc.supplement(desk.actor("counter_a"), first.pk)
    clock.set("2025-09-11 14:30")
    svc.request_supplement(desk.actor("specialist_a"), d.pk, "Bản sao chưa được chứng thực hợp lệ",
                           items=["Bản sao Giấy chứng sinh có chứng thực", "Giấy ủy quyền của người đi đăng ký"])
    pdf = _letter(desk, d, "supplement")
    assert not pdf.missing("PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "A, ngày 11 tháng 09 năm 2025",
                           "1. Bản sao Giấy chứng sinh có chứng thực", "2. Giấy ủy quyền của người đi đăng ký",
                           "Lý do: Bản sao chưa được chứng thực hợp lệ", "NGƯỜI HƯỚNG DẪN", "Lê Văn Bình",
                           "Vào lúc 09 giờ 00 phút, ngày 10/09/2025, TTPVHCC xã A tiếp nhận hồ sơ")
    assert "Giấy cũ" not in pdf.text


def test_refusal_letter_gives_the_reason(desk) -> None:  # noqa: ANN001
    d = desk.registered()
    svc.refuse(desk.actor("counter_a"), d.pk, "Thủ tục không thuộc thẩm quyền giải quyết của xã")
    pdf = _letter(desk, d, "refusal")
    assert not pdf.missing("PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "TTPVHCC XÃ A",
                           "không đủ điều kiện tiếp nhận, giải quyết với lý do: Thủ tục không thuộc thẩm quyền "
                           "giải quyết của xã", "NGƯỜI TIẾP NHẬN HỒ SƠ", "Trần Thị Mai")


def test_apology_letter_gives_reason_and_new_appointment(desk) -> None:  # noqa: ANN001
    d = desk.at_step(2)
    new = aware(datetime(2025, 9, 15, 16, 0))
    svc.extend(desk.actor("specialist_a"), d.pk, "Cần xác minh thông tin với cơ quan khác", new)
    pdf = _letter(desk, d, "apology", user="specialist_a")
    assert not pdf.missing("PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", "XÃ A",
                           "Thời gian hẹn trả kết quả giải quyết hồ sơ: 09 giờ 00 phút, ngày 11/09/2025",
                           "Lý do: Cần xác minh thông tin với cơ quan khác",
                           "Xã A xin lỗi ông/bà, tổ chức và sẽ trả kết quả giải quyết hồ sơ vào: "
                           "16 giờ 00 phút, ngày 15/09/2025", "THỦ TRƯỞNG CƠ QUAN", "Lê Văn Bình")


def test_stop_notice_gives_the_reason(desk) -> None:  # noqa: ANN001
    d = desk.at_step(3)
    svc.stop(desk.actor("leader_a"), d.pk, "Người nộp đã chết trước khi có kết quả")
    pdf = _letter(desk, d, "stop", user="leader_a")
    assert not pdf.missing("THÔNG BÁO VỀ VIỆC DỪNG XỬ LÝ HỒ SƠ", "Lý do: Người nộp đã chết trước khi có kết quả",
                           "Phạm Quốc Hùng")


@pytest.mark.parametrize("slug", ["supplement", "refusal", "apology", "stop"])
def test_a_letter_that_does_not_apply_is_a_friendly_404(desk, client_of, slug: str) -> None:  # noqa: ANN001
    d = desk.received()
    with pytest.raises(svc.NotFound):
        services.render_document(desk.actor("counter_a"), d.pk, slug)
    for user in ("counter_a", "citizen"):
        r = client_of(user).get(f"/documents/dossiers/{d.pk}/{slug}.pdf")
        assert r.status_code == 404 and r["Content-Type"].startswith("text/html")
        assert "Biểu mẫu này không áp dụng cho hồ sơ" in r.content.decode()


def test_available_documents_follow_the_event_log(desk) -> None:  # noqa: ANN001
    d = desk.at_step(2)
    staff = desk.actor("specialist_a")
    assert [s for s, *_ in services.available_documents(staff, d)] == ["receipt", "control"]
    svc.request_supplement(staff, d.pk, "Thiếu giấy tờ")
    listed = services.available_documents(staff, d)
    assert [s for s, *_ in listed] == ["receipt", "supplement", "control"]
    assert listed[1] == ("supplement", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
                         f"/documents/dossiers/{d.pk}/supplement.pdf")
    assert [s for s, *_ in services.available_documents(desk.actor("citizen"), d)] == ["receipt", "supplement"]
    assert services.available_documents(desk.actor("citizen2"), d) == []


def test_extreme_lengths_flow_onto_more_pages_instead_of_failing(desk) -> None:  # noqa: ANN001
    long_name = "Nguyễn " * 36
    applicant = svc.Applicant(name=long_name, address="Thôn Đồng Tâm " * 35, phone="0900000000")
    extra = [svc.ComponentInput(name=f"Giấy tờ {i} " + "rất dài " * 120, originals=1, copies=1) for i in range(30)]
    components = desk.world.intake_request("a").components + extra
    d = desk.received(applicant=applicant, components=components, request_summary="Nội dung " * 110)
    d = svc.start(desk.actor("counter_a"), d.pk)
    svc.request_supplement(desk.actor("specialist_a"), d.pk, "Lý do rất dài. " * 400,
                           items=[f"Mục {i}" for i in range(80)])
    for slug in ("receipt", "supplement", "control"):
        _, content = services.render_document(desk.actor("counter_a"), d.pk, slug)
        pdf = Pdf(content)
        assert pdf.pages > 1 or slug == "control"
        assert "Mục 79" in pdf.text or slug != "supplement"
