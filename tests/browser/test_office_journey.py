"""The office in a real browser: a walk-in dossier received at the counter, carried through the
process by the specialist and the leader, returned at the counter, then looked up by its code.

Every page visited is checked with axe-core (basic rules) and the main pages are photographed into
var/screenshots/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier
from tests.browser.office import expect_status, process_to_result, return_result
from tests.browser.pw import check_a11y, look

pytestmark = pytest.mark.slow


def test_login_page_and_a_wrong_password(page: Page) -> None:
    page.goto("/login/")
    expect(page).to_have_title(re.compile("Đăng nhập"))
    look(page, "office-login")
    page.get_by_label("Tên đăng nhập").fill("counter_a")
    page.get_by_label("Mật khẩu").fill("not-the-password")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("alert")).to_be_visible()
    check_a11y(page, "office login with an error")
    page.goto("/office/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/office/"))


def intake_walk_in(page: Page) -> str:
    """The counter officer finds the procedure by typing, fills the applicant and the checklist."""
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Tiếp nhận hồ sơ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tiếp nhận hồ sơ trực tiếp")
    check_a11y(page, "intake, procedure search")
    page.get_by_label("Tên hoặc mã thủ tục").press_sequentially("khai sinh", delay=30)
    # the results are the options of the search box's listbox (still links to click)
    result = page.locator("#procedure-results").get_by_role("option", name=re.compile("đăng ký khai sinh"))
    expect(result).to_be_visible()
    look(page, "office-intake-search")
    result.click()
    expect(page.get_by_role("heading", name=re.compile("Thủ tục: Thủ tục đăng ký khai sinh"))).to_be_visible()
    page.get_by_label("Họ tên người nộp / tên tổ chức").fill("Phạm Thị Hoa")
    page.get_by_label("Số định danh cá nhân / mã số").fill("068199000111")
    page.get_by_label("Điện thoại", exact=True).fill("0987654321")
    page.get_by_label("Địa chỉ").fill("5 Trần Hưng Đạo, Phường 1")
    page.get_by_label("Nội dung yêu cầu").fill("Đăng ký khai sinh cho con")
    checklist = page.locator("table.checklist")
    expect(checklist.get_by_role("checkbox", name="Tờ khai đăng ký khai sinh")).to_be_checked()
    expect(checklist.get_by_role("checkbox", name="Giấy chứng sinh")).to_be_checked()
    expect(checklist.get_by_role("checkbox", name="Giấy ủy quyền")).not_to_be_checked()
    expect(page.locator("#preview")).to_contain_text("Hạn giải quyết: 09:00 11/09/2025")
    look(page, "office-intake-form")
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect(page).to_have_url(re.compile(r"/office/dossiers/\d+/$"))
    expect(page.locator(".messages")).to_contain_text("Đã tiếp nhận hồ sơ")
    code = page.locator("h1 .code").inner_text()
    expect_status(page, "Đã tiếp nhận")
    look(page, "office-dossier-received")
    return code


def test_walk_in_dossier_from_intake_to_return(page_of, page: Page, clock) -> None:  # noqa: ANN001
    counter = page_of("counter_a", a11y=True)
    expect(counter).to_have_url(re.compile(r"/office/queues/receive/"))
    check_a11y(counter, "queue receive (empty)")
    code = intake_walk_in(counter)
    d = Dossier.objects.get(code=code)
    assert (d.status, d.channel, d.applicant_name, d.components.count()) == (2, 1, "Phạm Thị Hoa", 2)

    clock.set("2025-09-10 10:15")
    process_to_result(page_of, code, look)
    clock.set("2025-09-10 16:20")
    return_result(counter, code, look)
    timeline = counter.locator("ol.timeline > li")
    expect(timeline.first).to_contain_text("Tiếp nhận")
    expect(timeline.last).to_contain_text("Trả kết quả")
    look(counter, "office-dossier-returned")
    d.refresh_from_db()
    assert d.status == 10 and d.returned_at is not None
    assert [e.action for e in d.events.order_by("seq")][-1] == "return"

    look_up_without_signing_in(page, code)
    leader_reports(page_of("leader_a"))


def leader_reports(leader: Page) -> None:
    """The leader's dashboard and the report page, reached from the office header."""
    nav = leader.get_by_role("navigation", name="Điều hướng chính")
    nav.get_by_role("link", name="Điều hành").click()
    expect(leader.get_by_role("heading", level=1)).to_contain_text("Trung tâm điều hành")
    look(leader, "reports-dashboard")
    nav.get_by_role("link", name="Báo cáo thống kê").click()
    expect(leader).to_have_url(re.compile(r"/reports/"))
    look(leader, "reports-report")


def test_flags_errors_stale_pages_and_english_are_accessible(page_of, world, clock) -> None:  # noqa: ANN001
    """The states the happy path does not show: overdue and approaching badges, a form with errors,
    a stale action refused, and the pages in English."""
    counter_actor = world.actor("counter_a")
    clock.set("2025-09-08 09:00")  # Monday: due Tuesday 09:00, overdue by Wednesday
    late = svc.intake(counter_actor, world.intake_request("a", 1))
    clock.set("2025-09-10 08:00")  # due Thursday 08:00, within a working day of Wednesday 09:00
    svc.intake(counter_actor, world.intake_request("a", 1))
    clock.set("2025-09-10 09:00")
    counter = page_of("counter_a")
    counter.goto("/office/queues/start/")
    expect(counter.locator("#queue-table .badge.late")).to_have_count(1)
    expect(counter.locator("#queue-table .badge.soon")).to_have_count(1)
    look(counter, "office-queue-flags")
    counter.set_viewport_size({"width": 390, "height": 844})  # a phone: the table turns into cards
    look(counter, "office-queue-phone")
    counter.set_viewport_size({"width": 1280, "height": 900})

    counter.goto("/office/intake/?procedure=1.001193")
    counter.get_by_label("Họ tên người nộp / tên tổ chức").fill("Lê Văn Bình")
    counter.locator("table.checklist").get_by_role("checkbox", name="Giấy chứng sinh").uncheck()
    counter.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect(counter.get_by_role("alert")).to_contain_text("Còn thiếu thành phần hồ sơ bắt buộc")
    look(counter, "office-intake-errors")

    counter.goto(f"/office/dossiers/{late.pk}/")
    svc.start(counter_actor, late.pk)  # someone else moves it first
    counter.locator("details.action", has=counter.locator("form[action$='/start/']")).locator("summary").click()
    counter.locator("form[action$='/start/'] button[type=submit]").click()
    expect(counter.get_by_role("alert")).to_contain_text("Tải lại hồ sơ")
    check_a11y(counter, "dossier page, stale action refused")

    counter.get_by_role("button", name="English").click()
    expect(counter.locator("html")).to_have_attribute("lang", "en")
    look(counter, "office-dossier-english")
    counter.goto("/office/queues/start/")
    check_a11y(counter, "queue in English")


def look_up_without_signing_in(page: Page, code: str) -> None:
    """Anyone may look a dossier up by its code, on the portal page and through the public API;
    personal data is masked in both."""
    page.goto(f"/portal/lookup/?code={code}")
    expect(page.locator("main")).to_contain_text("Đã trả kết quả")
    look(page, "portal-lookup")
    body = page.request.get(f"/api/v1/lookup/{code}").json()
    assert body["status"] == 10 and body["code"] == code and body["applicant"] != "Phạm Thị Hoa"
    for text in (page.content(), str(body)):
        assert "068199000111" not in text and "0987654321" not in text and "Phạm Thị Hoa" not in text


def test_the_accessibility_check_reports_what_it_finds(browser) -> None:  # noqa: ANN001
    """A page breaking the basic rules fails the check with every rule and element named."""
    page = browser.new_page("http://127.0.0.1")
    try:
        page.set_content('<html><head><title>x</title></head><body><h1>Trang</h1><h3>Bỏ cấp</h3>'
                         '<input id="a"><button></button><img src="data:,">'
                         '<p style="color:#bbb;background:#fff">Chữ mờ</p></body></html>')
        with pytest.raises(AssertionError) as err:
            check_a11y(page, "a bad page")
    finally:
        page.context.close()
    for rule in ("html-has-lang", "heading-order", "label", "button-name", "image-alt", "color-contrast"):
        assert f"- {rule} (" in str(err.value), rule
