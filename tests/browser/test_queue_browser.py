"""The queue in a real browser: a citizen takes a number at the kiosk (a 1024x768 tablet), follows it on
a phone, the waiting-room display shows it and chimes when the counter officer calls it, the officer
serves it and receives a dossier from it through the intake page: the ticket ends linked to the
dossier with its waiting and serving times. axe checks on every page (public ones at 390 px too, the
counter panel at 1,366 px)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from motcua.dossiers.models import Dossier
from motcua.queueing.choices import TicketStatus
from motcua.queueing.models import Ticket
from tests.browser.pw import check_a11y, shot
from tests.queueing.calling_setup import build_queue

pytestmark = pytest.mark.slow
TABLET = {"width": 1024, "height": 768}
PHONE = {"width": 390, "height": 844}
STAFF = {"width": 1366, "height": 768}


def look_at(page: Page, name: str, *sizes: dict[str, int]) -> None:
    for size in sizes:
        page.set_viewport_size(size)
        check_a11y(page, f"{name} at {size['width']} px")
        shot(page, f"queue-{name}-{size['width']}")


def test_a_kiosk_ticket_called_served_and_received_as_a_dossier(site, world, page: Page, page_of, browser,
                                                                  clock, now) -> None:  # noqa: ANN001
    q = build_queue(world)
    # the kiosk
    page.set_viewport_size(TABLET)
    page.goto(f"/kiosk/?unit={q.unit.code}&paper=58")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lấy số thứ tự")
    look_at(page, "kiosk", TABLET, PHONE)
    page.set_viewport_size(TABLET)
    button = page.get_by_role("button", name=re.compile("Hộ tịch, chứng thực"))
    assert button.bounding_box()["height"] >= 64
    button.click()
    expect(page.locator("#ticket-number")).to_have_text("A001")
    expect(page.locator(".slip")).to_contain_text("Trước bạn còn 0 người")
    expect(page.locator(".slip-qr svg")).to_be_visible()
    look_at(page, "ticket", TABLET, PHONE)
    t = Ticket.objects.get()
    # the phone's follow page
    phone = browser.new_page(site.url)
    phone.set_viewport_size(PHONE)
    phone.goto(f"/queue/t/{t.token}/")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("A001")
    expect(phone.locator("#follow")).to_contain_text("Số người trước bạn")
    look_at(phone, "follow", PHONE)
    # the display
    tv = browser.new_page(site.url)
    tv.goto(f"/display/?unit={q.unit.code}")
    tv.get_by_role("button", name="Bật âm thanh").click()
    expect(tv.locator("#sound")).to_have_attribute("aria-pressed", "true")
    look_at(tv, "display", {"width": 1920, "height": 1080}, PHONE)
    # the counter officer sits at counter 1 and calls
    counter = page_of("counter_a")
    counter.set_viewport_size(STAFF)
    counter.goto("/office/queue-counter/")
    expect(counter.get_by_role("heading", level=1)).to_have_text("Quầy của tôi")
    check_a11y(counter, "choose the counter")
    counter.get_by_label("Quầy", exact=True).select_option(label=f"Quầy 1 - {q.unit.name}")
    counter.get_by_role("button", name="Ngồi quầy này").click()
    expect(counter.get_by_role("heading", level=1)).to_contain_text("Gọi số · Quầy 1")
    expect(counter.locator("#waiting-total")).to_have_text("1")
    clock.set(now + timedelta(minutes=4))
    counter.get_by_role("button", name="Gọi số tiếp theo").click()
    expect(counter.locator("#current-number")).to_have_text("A001")
    expect(counter.locator("#panel [role=status]")).to_contain_text("Mời số A001 đến Quầy 1")
    look_at(counter, "counter-panel", STAFF)
    # shown on the display, with a chime and an announcement
    expect(tv.locator("ul.rows li.latest")).to_contain_text("A001")
    expect(tv.locator("body")).to_have_attribute("data-chimes", "1")
    expect(tv.locator("#announce")).to_have_text("Mời số A001 đến Quầy 1")
    expect(phone.locator("#follow")).to_contain_text("Mời bạn đến Quầy 1", timeout=15_000)
    counter.get_by_role("button", name="Gọi lại").click()
    expect(counter.locator("#panel [role=status]")).to_contain_text("Đã gọi lại số A001")
    expect(tv.locator("body")).to_have_attribute("data-chimes", "2")  # a recall chimes again
    clock.set(now + timedelta(minutes=5))
    counter.get_by_role("button", name="Bắt đầu phục vụ").click()
    expect(counter.locator(".qcurrent")).to_contain_text("Đang phục vụ")
    # the dossier received from the number
    counter.get_by_role("link", name="Tiếp nhận hồ sơ từ số này").click()
    expect(counter).to_have_url(re.compile(rf"/office/intake/\?ticket={t.pk}"))
    counter.get_by_label("Tên hoặc mã thủ tục").press_sequentially("khai sinh", delay=30)
    result = counter.locator("#procedure-results").get_by_role("option", name=re.compile("đăng ký khai sinh"))
    result.click()
    expect(counter.locator("#queue-ticket")).to_contain_text("Số thứ tự: A001")
    counter.get_by_label("Họ tên người nộp / tên tổ chức").fill("Phạm Thị Hoa")
    counter.get_by_label("Số định danh cá nhân / mã số").fill("068199000111")
    counter.get_by_label("Điện thoại", exact=True).fill("0987654321")
    counter.get_by_label("Địa chỉ").fill("5 Trần Hưng Đạo, Phường 1")
    counter.get_by_label("Nội dung yêu cầu").fill("Đăng ký khai sinh cho con")
    check_a11y(counter, "intake from a ticket")
    clock.set(now + timedelta(minutes=12))
    counter.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect(counter).to_have_url(re.compile(r"/office/dossiers/\d+/$"))
    expect(counter.locator(".messages")).to_contain_text("Đã tiếp nhận hồ sơ")
    t.refresh_from_db()
    d = Dossier.objects.get()
    assert (t.dossier_id, t.status) == (d.pk, TicketStatus.DONE)
    assert t.first_called_at - t.issued_at == timedelta(minutes=4)  # waited
    assert (t.serving_at, t.finished_at) == (now + timedelta(minutes=5), now + timedelta(minutes=12))  # served
    # the counter is free again, the display shows nobody at counter 1, the phone says served
    counter.goto("/office/queue-counter/")
    expect(counter.locator(".qcurrent")).to_contain_text("Quầy đang trống")
    expect(tv.locator("ul.rows li").first).not_to_contain_text("A001")
    expect(phone.locator("#follow")).to_contain_text("đã được phục vụ", timeout=15_000)
    for p in (phone, tv):
        p.context.close()
