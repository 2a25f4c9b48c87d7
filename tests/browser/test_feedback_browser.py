"""A citizen sends a feedback with a photo from a phone-sized page (390 x 844), an officer of the
chosen commune answers it from the office, the citizen reads the answer and rates it."""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path

from playwright.sync_api import Page, expect

from motcua.feedback.models import Case
from tests.browser.pw import check_a11y, portal_login, shot

PHONE = {"width": 390, "height": 844}


def tiny_png(path: Path) -> Path:
    """A real 2x2 PNG (the browser shows it back on the case page)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xcc\x22\x22" * 2 for _ in range(2))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return path


def send_from_a_phone(page: Page, photo: Path) -> str:
    page.set_viewport_size(PHONE)
    portal_login(page, "citizen")
    page.goto("/feedback/")
    expect(page.get_by_role("heading", name="Gửi phản ánh, kiến nghị")).to_be_visible()
    check_a11y(page, "feedback form (phone)")
    # one column: the form fits the phone's width, nothing scrolls sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    photos = page.get_by_label("Ảnh chụp (không bắt buộc, tối đa 5 ảnh)")
    assert photos.get_attribute("accept") == "image/*" and photos.get_attribute("capture") == "environment"
    page.get_by_label("Bạn muốn phản ánh, kiến nghị về").select_option("PA-DONVI")
    page.get_by_label("Nội dung phản ánh, kiến nghị").fill("Máy lấy số thứ tự hỏng từ tuần trước.")
    photos.set_input_files(str(photo))
    page.get_by_label("Cơ quan, đơn vị (không bắt buộc)").select_option(label="Xã A")
    page.get_by_label("Địa điểm (không bắt buộc)").fill("Bộ phận một cửa xã A")
    expect(page.get_by_label("Họ và tên")).to_have_value("Nguyễn Văn An")  # from the account
    page.get_by_label("Điện thoại").fill("0912345678")
    shot(page, "feedback-send-phone")
    page.get_by_role("button", name="Gửi phản ánh").click()
    expect(page.get_by_role("heading", name="Đã gửi phản ánh, kiến nghị")).to_be_visible()
    return page.locator("#fb-code").inner_text()


def answer_in_the_office(officer: Page, code: str) -> None:
    officer.goto("/feedback/office/")
    officer.get_by_role("link", name=code).click()
    expect(officer.locator("#fb-description")).to_contain_text("Máy lấy số thứ tự hỏng")
    expect(officer.locator(".fb-photos img")).to_have_count(1)
    # the photo itself (a 2-pixel PNG), once the browser has loaded it (a busy machine may take a while)
    officer.wait_for_function("() => { const i = document.querySelector('.fb-photos img');"
                              " return i && i.complete && i.naturalWidth > 0; }", timeout=15000)
    assert officer.locator(".fb-photos img").evaluate("img => img.naturalWidth") == 2
    officer.locator("#fb-action-answer summary").click()
    officer.locator("#fb-action-answer textarea").fill("Đã thay máy lấy số mới ngày 11/09/2025. Cảm ơn ông.")
    officer.locator("#fb-action-answer").get_by_role("button", name="Trả lời", exact=True).click()
    expect(officer.locator("#fb-status")).to_have_text("Đã trả lời")
    check_a11y(officer, "feedback case (office)")


def read_and_rate(page: Page, code: str) -> None:
    page.goto("/feedback/mine/")
    page.get_by_role("link", name=code).click()
    expect(page.locator("#fb-answer")).to_have_text("Đã thay máy lấy số mới ngày 11/09/2025. Cảm ơn ông.")
    check_a11y(page, "feedback case (phone)")
    page.get_by_label("Hài lòng", exact=True).check()
    page.get_by_label("Vấn đề được giải quyết").check()
    page.get_by_label("Được trả lời đúng hạn").check()
    page.get_by_label("Góp ý thêm").fill("Xử lý nhanh")
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.locator("#fb-rated")).to_contain_text(re.compile("Hài lòng — Xử lý nhanh"))
    shot(page, "feedback-rated-phone")


def test_citizen_sends_with_a_photo_officer_answers_citizen_rates(page: Page, page_of, clock, tmp_path) -> None:  # noqa: ANN001
    code = send_from_a_phone(page, tiny_png(tmp_path / "may-lay-so.png"))
    c = Case.objects.get(code=code)
    assert (c.channel, c.unit.name, c.owner.username, c.files.count()) == ("portal", "Xã A", "citizen", 1)
    clock.set("2025-09-11 10:00")
    answer_in_the_office(page_of("specialist_a"), code)
    read_and_rate(page, code)
    c.refresh_from_db()
    assert (c.status, c.satisfied, c.rating_criteria) == ("answered", True, {"resolved": True, "timely": True})
    assert list(c.events.values_list("action", flat=True)) == ["submit", "answer", "rate"]
