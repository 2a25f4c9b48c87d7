"""The citizen portal in a real browser: sign up, find the procedure, apply online with uploads (saving
a draft first), get a supplement request from the counter and answer it with a file, follow the
dossier to its electronic result, download it, rate the service; and anyone looks it up by code.

Every portal page visited is checked with axe-core (basic rules) and photographed into var/screenshots/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from motcua.dossiers.models import Dossier
from tests.browser.office import PDF, act, expect_status, no_look, open_from_queue, process_to_result, return_result
from tests.browser.pw import check_a11y, look, portal_login
from tests.factories import PASSWORD as STAFF_PASSWORD

pytestmark = pytest.mark.slow

CCCD = "068300123456"
NEW_PASSWORD = "Mai-khai-sinh-2025"
SCAN = {"mimeType": "application/pdf", "buffer": PDF}


def sign_up(page: Page) -> None:
    page.goto("/portal/")
    look(page, "portal-home")
    page.get_by_role("navigation", name="Tài khoản").get_by_role("link", name="Đăng ký").click()
    look(page, "portal-signup")
    page.get_by_label("Họ và tên").fill("Trần Thị Mai")
    page.get_by_label("Số định danh cá nhân (CCCD, 12 chữ số)").fill(CCCD)
    page.get_by_label("Số điện thoại").fill("0901234567")
    page.get_by_label(re.compile(r"^Mật khẩu")).fill(NEW_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(NEW_PASSWORD)
    page.locator("main form").get_by_role("button", name="Đăng ký").click()
    expect(page.locator(".messages")).to_contain_text("Đã tạo tài khoản")


def find_procedure(page: Page) -> None:
    page.get_by_label("Tìm thủ tục theo tên hoặc mã").fill("khai sinh")
    page.locator("main form[role=search]").get_by_role("button", name="Tìm").click()
    expect(page).to_have_url(re.compile(r"/portal/procedures/\?q="))
    look(page, "portal-catalog")
    page.get_by_role("link", name="Thủ tục đăng ký khai sinh").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thủ tục đăng ký khai sinh")
    look(page, "portal-procedure")


def apply_online(page: Page) -> str:
    """Fill the application, save a draft with one scan, come back from the drafts, add the other, submit."""
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nộp hồ sơ trực tuyến")
    expect(page.get_by_label("Họ tên người nộp / tên tổ chức")).to_have_value("Trần Thị Mai")
    expect(page.get_by_label("Số định danh / mã số thuế")).to_have_value(CCCD)
    page.get_by_label("Nơi nộp hồ sơ").select_option(label="TTPVHCC xã A (Xã A)")
    page.get_by_label("Nội dung yêu cầu").fill("Đăng ký khai sinh cho con gái")
    page.get_by_label(re.compile("^Tờ khai đăng ký khai sinh")).set_input_files({"name": "to-khai.pdf", **SCAN})
    look(page, "portal-apply")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu nháp")
    expect(page.get_by_text("Đã tải lên: to-khai.pdf")).to_be_visible()

    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Hồ sơ nháp").click()
    look(page, "portal-drafts")
    page.get_by_role("link", name="Thủ tục đăng ký khai sinh").click()
    page.get_by_label(re.compile("^Giấy chứng sinh")).set_input_files({"name": "giay-chung-sinh.pdf", **SCAN})
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.locator(".messages")).to_contain_text("Đã nộp hồ sơ")
    code = page.locator("dd.code").inner_text()
    expect(page.locator(".status-card .status")).to_have_text("Mới đăng ký")
    look(page, "portal-dossier-submitted")
    return code


def receive_and_ask_for_a_supplement(counter: Page, code: str) -> None:
    open_from_queue(counter, "receive", code, no_look)
    look(counter, "office-dossier-online")
    act(counter, "receive", note="Đã kiểm tra hồ sơ trực tuyến")
    expect_status(counter, "Đã tiếp nhận")
    act(counter, "request_supplement", reason="Giấy chứng sinh chụp mờ, không đọc được",
        items="Giấy chứng sinh (bản chụp rõ nét)")
    expect_status(counter, "Yêu cầu bổ sung")


def supplement(page: Page, code: str) -> None:
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Hồ sơ của tôi").click()
    look(page, "portal-my-dossiers")
    page.get_by_role("link", name="Thủ tục đăng ký khai sinh").click()
    box = page.locator("section.attention", has=page.get_by_role("heading", name="Yêu cầu bổ sung hồ sơ"))
    expect(box).to_contain_text("Giấy chứng sinh chụp mờ")
    look(page, "portal-dossier-supplement")
    box.get_by_label(re.compile("Tệp bổ sung")).set_input_files({"name": "giay-chung-sinh-ro.pdf", **SCAN})
    box.get_by_label("Ghi chú cho cán bộ").fill("Gửi lại bản chụp rõ")
    box.get_by_role("button", name="Nộp bổ sung").click()
    expect(page.locator(".messages")).to_contain_text("Đã nộp bổ sung")
    expect(page.locator(".status-card .status")).to_have_text("Đã tiếp nhận")


def download_result_and_rate(page: Page) -> None:
    page.reload()
    result = page.locator("section.attention", has=page.get_by_role("heading", name="Kết quả điện tử"))
    with page.expect_download() as info:
        result.get_by_role("link").first.click()
    assert info.value.suggested_filename.endswith(".pdf")
    assert Path(info.value.path()).read_bytes() == PDF
    look(page, "portal-dossier-result")
    rating = page.locator("form[action$='/rate/']")
    rating.get_by_label("Hài lòng", exact=True).check()
    rating.get_by_label("Góp ý (không bắt buộc)").fill("Cán bộ hướng dẫn tận tình")
    rating.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.locator(".messages")).to_contain_text("Cảm ơn bạn đã đánh giá")
    rated = page.locator("section", has=page.get_by_role("heading", name="Đánh giá mức độ hài lòng"))
    expect(rated).to_contain_text("Bạn đã đánh giá: Hài lòng")
    look(page, "portal-dossier-rated")


def test_citizen_applies_online_supplements_and_receives_the_result(page: Page, page_of, browser, site,  # noqa: ANN001
                                                                    clock) -> None:
    sign_up(page)
    find_procedure(page)
    code = apply_online(page)
    d = Dossier.objects.get(code=code)
    assert (d.status, d.channel, d.owner.username) == (1, 2, CCCD)
    assert d.files.count() == 2

    clock.set("2025-09-10 09:40")
    counter = page_of("counter_a")
    receive_and_ask_for_a_supplement(counter, code)
    clock.set("2025-09-11 08:15")
    supplement(page, code)
    clock.set("2025-09-11 09:00")
    process_to_result(page_of, code)
    clock.set("2025-09-11 15:30")
    return_result(counter, code, method="counter")  # online returns need a signed result: test_signed_result.py
    download_result_and_rate(page)
    d.refresh_from_db()
    assert d.status == 10 and d.received_at is not None and d.returned_at > d.received_at

    anonymous = browser.new_page(site.url)
    try:
        look_up(anonymous, code)
    finally:
        anonymous.context.close()


def look_up(page: Page, code: str) -> None:
    """Without signing in: the lookup page finds the dossier by code and masks the applicant."""
    page.goto("/portal/")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Tra cứu hồ sơ").click()
    page.get_by_label(re.compile("Mã hồ sơ")).fill(code)
    page.get_by_role("button", name="Tra cứu").click()
    found = page.locator("main section.card")
    expect(found).to_contain_text(code)
    expect(found).to_contain_text("Đã trả kết quả")
    assert "Trần Thị Mai" not in page.content() and CCCD not in page.content()
    look(page, "portal-lookup-found")
    page.get_by_label(re.compile("Mã hồ sơ")).fill("000.31.90.H39-250910-9999")
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_role("alert")).to_contain_text("Không tìm thấy hồ sơ")
    look(page, "portal-lookup-not-found")


def test_citizen_login_page(page: Page, browser, site) -> None:  # noqa: ANN001
    """A citizen signs in with the portal's form and sees their own menu; staff are turned away."""
    portal_login(page, "citizen", a11y=True)
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    expect(nav.get_by_role("link", name="Hồ sơ của tôi")).to_be_visible()
    staff = browser.new_page(site.url)
    try:
        staff.goto("/portal/login/")
        staff.get_by_label("Số định danh cá nhân (CCCD)").fill("counter_a")
        staff.get_by_label("Mật khẩu").fill(STAFF_PASSWORD)
        staff.locator("main form").get_by_role("button", name="Đăng nhập").click()
        expect(staff.get_by_role("alert")).to_contain_text("Tài khoản cán bộ không dùng cổng công dân")
        check_a11y(staff, "portal login refused")
    finally:
        staff.context.close()
