"""The counter at peak hour with the keyboard only (issue 14, item 2), and the office pages at
1,366 px (item 6).

A returning applicant's intake, from the officer's queue page to the printed receipt, with
``page.keyboard`` only (no click, no ``fill``), keystrokes counted:

=====================================  ===========================  ==============================
step                                   mouse flow before issue 14   keyboard flow now
=====================================  ===========================  ==============================
go to the intake page                  1 click (header menu)        Alt+Shift+N (1)
find the procedure                     9 keys ("khai sinh")         9 keys (the box has the focus)
pick it                                1 click (result link)        Enter (1: the first is active)
reach the applicant's ID               1 click                      0 (the focus is there)
type the ID number                     12 keys                      12 keys
fill the returning applicant           1 click / Tab (change)       Enter (1)
receive                                1 click                      Alt+Shift+R (1)
print the receipt                      1 click ("Biểu mẫu in")      Enter (1: the focus is there)
**total**                              **27**                       **26**
=====================================  ===========================  ==============================

The mouse flow is the one of tests/browser/test_office_journey.py (``intake_walk_in``: header link,
typed search, result link, the applicant fields, the receive button) for an applicant whose details
the ID fills in, plus the receipt link of the dossier page. A shortcut chord counts as one
keystroke (three keys held together: 30 key presses in all counting each key).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from motcua.catalog.choices import Channel
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier
from tests.browser.pw import a11y_violations, describe, shot

pytestmark = pytest.mark.slow

MOUSE_FLOW = 1 + 9 + 1 + 1 + 12 + 1 + 1 + 1  # see the table above: 27
ID_NUMBER = "068199000111"
STAFF_SCREEN = {"width": 1366, "height": 768}


class Keys:
    """``page.keyboard`` with a count of what was pressed (a chord such as Alt+Shift+R is one)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.count = 0
        self.keys = 0  # every key, a chord's modifiers too

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.count += 1
        self.keys += len(key.split("+"))

    def type(self, text: str) -> None:
        for ch in text:
            self.page.keyboard.press(ch if ch != " " else "Space")
            self.count += 1
            self.keys += 1


def _focused(page: Page) -> str:
    return page.evaluate("() => { const e = document.activeElement;"
                         " return e ? (e.id || e.textContent.trim() || e.tagName) : ''; }")


def test_a_returning_applicant_received_with_the_keyboard_only(page_of, world, clock) -> None:  # noqa: ANN001
    clock.set("2025-09-08 09:00")
    earlier = svc.intake(world.actor("counter_a"), world.intake_request(
        "a", Channel.DIRECT, applicant=svc.Applicant(name="Phạm Thị Hoa", id_number=ID_NUMBER, phone="0987654321",
                                                      address="5 Trần Hưng Đạo, Phường 1")))
    clock.set("2025-09-10 09:00")
    counter = page_of("counter_a")
    counter.set_viewport_size(STAFF_SCREEN)
    expect(counter).to_have_url(re.compile(r"/office/queues/receive/$"))
    keys = Keys(counter)

    keys.press("Alt+Shift+KeyN")  # the header's "Tiếp nhận hồ sơ"
    expect(counter.get_by_role("heading", level=1)).to_have_text("Tiếp nhận hồ sơ trực tiếp")
    search = counter.get_by_role("combobox", name="Tên hoặc mã thủ tục")
    expect(search).to_be_focused()
    keys.type("khai sinh")
    option = counter.get_by_role("option", name=re.compile("đăng ký khai sinh"))
    expect(option).to_have_attribute("aria-selected", "true")  # the first result is the active one
    expect(search).to_have_attribute("aria-activedescendant", "proc-opt-1")
    expect(search).to_have_attribute("aria-expanded", "true")
    shot(counter, "office-intake-keyboard-search")
    keys.press("Enter")

    expect(counter.get_by_role("heading", name=re.compile("Thủ tục: Thủ tục đăng ký khai sinh"))).to_be_visible()
    id_field = counter.get_by_label("Số định danh cá nhân / mã số")
    expect(id_field).to_be_focused()
    keys.type(ID_NUMBER)
    keys.press("Enter")  # the returning applicant's details, not the form's submit
    expect(counter.get_by_role("status").filter(has_text=earlier.code)).to_be_visible()
    expect(counter.get_by_label("Họ tên người nộp / tên tổ chức")).to_have_value("Phạm Thị Hoa")
    assert Dossier.objects.count() == 1  # nothing submitted yet
    expect(counter.get_by_text("Alt+Shift+R")).to_be_visible()  # the shortcut beside the button
    shot(counter, "office-intake-keyboard-filled")
    keys.press("Alt+Shift+KeyR")

    banner = counter.locator(".received-banner")
    expect(banner).to_contain_text("Đã tiếp nhận hồ sơ")
    print_button = banner.get_by_role("link", name="In phiếu tiếp nhận")
    expect(print_button).to_be_focused()
    expect(banner.get_by_role("link", name="Tiếp nhận hồ sơ khác")).to_be_visible()
    expect(banner).to_contain_text("Alt+Shift+P")
    _no_violations(counter, "the receipt banner")
    shot(counter, "office-intake-keyboard-received")
    with counter.context.expect_page() as receipt:
        keys.press("Enter")
    assert receipt.value.url.endswith("/receipt.pdf")
    receipt.value.close()

    d = Dossier.objects.exclude(pk=earlier.pk).get()
    assert (d.applicant_name, d.applicant_id_number, d.status, d.channel) == ("Phạm Thị Hoa", ID_NUMBER, 2, 1)
    assert d.components.count() == 2
    assert keys.count == 26 and keys.keys == 30, (keys.count, keys.keys)
    assert keys.count <= MOUSE_FLOW


def test_letters_typed_before_htmx_listens_are_searched(page_of, site) -> None:  # noqa: ANN001
    """An officer under load types into the autofocused box while the page's scripts still load
    (CI saw it: the results never came). htmx is held back here until the letters are in."""
    counter = page_of("counter_a")
    held: list = []
    counter.route(re.compile(r"/static/office/vendor/htmx\.min\.js"), lambda route: held.append(route))
    counter.goto(site.url + "/office/intake/", wait_until="commit")
    search = counter.get_by_role("combobox", name="Tên hoặc mã thủ tục")
    search.focus()
    search.press_sequentially("khai sinh")
    counter.wait_for_timeout(300)  # more than the input trigger's delay: nothing listened
    assert len(held) == 1 and counter.evaluate("() => typeof window.htmx") == "undefined"
    held[0].continue_()
    option = counter.get_by_role("option", name=re.compile("đăng ký khai sinh"))
    expect(option).to_have_attribute("aria-selected", "true")
    expect(search).to_have_attribute("aria-activedescendant", "proc-opt-1")


def _no_violations(page: Page, label: str) -> None:
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")
    found = a11y_violations(page)
    assert not found, f"accessibility violations on {label} ({page.url}):\n{describe(found)}"


def _header_fits(page: Page) -> None:
    """The header is one row and its menu does not overflow."""
    fit = page.evaluate("""() => {
      const nav = document.querySelector('.mainnav'), top = document.querySelector('header.top');
      const tops = [...top.children].filter(e => e.offsetParent !== null).map(e => e.getBoundingClientRect());
      const items = [...nav.querySelectorAll(':scope > ul > li')].map(e => e.getBoundingClientRect().top);
      return {scroll: nav.scrollWidth, client: nav.clientWidth, pageScroll: document.documentElement.scrollWidth,
              width: window.innerWidth, rows: new Set(items.map(t => Math.round(t))).size,
              spread: Math.max(...tops.map(r => r.top)) - Math.min(...tops.map(r => r.top)),
              tallest: Math.max(...tops.map(r => r.height)), height: top.getBoundingClientRect().height};
    }""")
    assert fit["scroll"] <= fit["client"], fit
    assert fit["pageScroll"] <= fit["width"], fit
    assert fit["rows"] == 1, fit
    assert fit["spread"] < fit["tallest"], fit  # every part of the header on the same row


@pytest.mark.parametrize("username", ["counter_a", "leader_a", "admin"])
def test_the_header_fits_one_row_at_1366(page_of, username: str) -> None:  # noqa: ANN001
    page = page_of(username)
    page.set_viewport_size(STAFF_SCREEN)
    page.goto("/office/")
    _header_fits(page)
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    expect(nav.locator("[aria-current=page]")).to_have_text("Hàng đợi")
    more = nav.locator("details")
    if more.count():
        more.locator("summary").press("Enter")  # the "Thêm" menu opens from the keyboard
        expect(more.get_by_role("link").first).to_be_visible()
        _header_fits(page)
        _no_violations(page, f"the office menu of {username} opened")
        page.keyboard.press("Escape")  # closes it, the focus back on "Thêm"
        expect(more.locator("summary")).to_be_focused()
        expect(more.get_by_role("link").first).to_be_hidden()


def test_intake_and_queue_pages_have_no_violations_at_1366(page_of, world) -> None:  # noqa: ANN001
    svc.intake(world.actor("counter_a"), world.intake_request("a", Channel.ONLINE))  # waits for the counter
    svc.intake(world.actor("counter_a"), world.intake_request("a", Channel.DIRECT))
    counter = page_of("counter_a")
    counter.set_viewport_size(STAFF_SCREEN)
    counter.goto("/office/queues/receive/")
    expect(counter.locator(".tabs [aria-current=page] .count")).to_have_text(re.compile(r"^1"))
    _no_violations(counter, "the queue with counts")
    shot(counter, "office-queue-counts-1366")
    counter.goto("/office/intake/")
    _no_violations(counter, "the intake search")
    counter.get_by_role("combobox", name="Tên hoặc mã thủ tục").press_sequentially("chung thuc", delay=20)
    expect(counter.get_by_role("option", name=re.compile("Chứng thực bản sao"))).to_have_attribute(
        "aria-selected", "true")
    counter.keyboard.press("ArrowDown")  # one result: the arrows wrap onto it
    counter.keyboard.press("ArrowUp")
    expect(counter.get_by_role("option").first).to_have_attribute("aria-selected", "true")
    _no_violations(counter, "the intake search with results")
    counter.goto("/office/intake/?procedure=1.001193")
    counter.get_by_label("Qua bưu chính công ích").check()
    _no_violations(counter, "the intake form")
    shot(counter, "office-intake-form-1366")
    _header_fits(counter)


def test_a_dossier_by_post_recorded_at_the_counter(page_of, world, now) -> None:  # noqa: ANN001
    counter = page_of("counter_a")
    counter.goto("/office/intake/?procedure=1.001193")
    counter.get_by_label("Họ tên người nộp / tên tổ chức").fill("Trần Văn Cường")
    counter.get_by_label("Qua bưu chính công ích").check()
    counter.get_by_role("button", name="Tiếp nhận hồ sơ", exact=True).click()
    expect(counter.locator("#id_inbound_postal_code-error")).to_contain_text("Cần nhập số hiệu bưu gửi")
    counter.get_by_label("Số hiệu bưu gửi").fill("EE123456785VN")
    counter.get_by_role("button", name="Tiếp nhận hồ sơ", exact=True).click()
    expect(counter.locator("#inbound-postal-code")).to_have_text("EE123456785VN")
    d = Dossier.objects.get(applicant_name="Trần Văn Cường")
    assert (d.channel, d.status, d.inbound_postal_code) == (3, 2, "EE123456785VN")
