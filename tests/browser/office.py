"""Page steps of the office pages (counter, specialist, leader), shared by the journeys."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.factories import PDF

Look = Callable[[Page, str], None]  # called on each page worth checking: (page, screenshot name)


def no_look(page: Page, name: str) -> None:
    """For journeys that already checked and photographed these pages."""


def action_form(page: Page, action: str):  # noqa: ANN201
    return page.locator(f"form[action$='/{action}/']")


def offers(page: Page, action: str) -> bool:
    return action_form(page, action).count() > 0


def act(page: Page, action: str, **fields: str) -> None:
    """Open the action on the dossier page, fill its fields (by name, without the prefix) and submit."""
    form = action_form(page, action)
    details = page.locator("details.action").filter(has=form)
    if not details.evaluate("e => e.open"):
        details.locator("summary").click()
    for name, value in fields.items():
        control = form.locator(f"[name='{action}-{name}']")
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    form.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Đã thực hiện")


def expect_status(page: Page, label: str) -> None:
    expect(page.locator(".lead .status")).to_have_text(label)


def open_queue(page: Page, slug: str, code: str) -> None:
    """Open a queue, see the dossier in it, then filter the queue by its code."""
    page.goto(f"/office/queues/{slug}/")
    row_link = page.locator("#queue-table").get_by_role("link", name=code)
    expect(row_link).to_be_visible()
    page.get_by_label("Mã hồ sơ hoặc tên người nộp").fill(code)
    page.get_by_role("button", name="Lọc").click()
    expect(page).to_have_url(re.compile(r"[?&]q="))
    expect(page.locator("#queue-table tbody tr")).to_have_count(1)
    # The search box also filters as one types (after a 400 ms pause); let that request land before
    # the next click, as a person would see the list settle.
    page.wait_for_load_state("networkidle")


def upload_result_if_offered(page: Page, name: str = "ket-qua.pdf") -> bool:
    """Upload a result file through the dossier page's upload form, when the page has one."""
    form = page.locator("form[action$='/files/']")
    if form.count() == 0:
        return False
    details = page.locator("details").filter(has=form)
    if details.count() and not details.first.evaluate("e => e.open"):
        details.first.locator("summary").click()
    kind = form.locator("select[name=kind]")
    if kind.count():
        kind.select_option("result")
    form.locator("input[type=file]").set_input_files({"name": name, "mimeType": "application/pdf", "buffer": PDF})
    form.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text(name)
    return True


def open_from_queue(page: Page, slug: str, code: str, look: Look) -> None:
    open_queue(page, slug, code)
    look(page, f"office-queue-{slug}")
    page.locator("#queue-table").get_by_role("link", name=code).click()
    expect(page.locator("h1 .code")).to_have_text(code)


def process_to_result(page_of: Callable[[str], Page], code: str, look: Look = no_look) -> None:
    """Counter starts, specialist examines (uploads the result) and forwards, leader approves and finishes."""
    counter = page_of("counter_a")
    open_from_queue(counter, "start", code, look)
    act(counter, "start", note="Chuyển bộ phận chuyên môn")
    expect_status(counter, "Đang xử lý")

    specialist = page_of("specialist_a")
    open_from_queue(specialist, "process", code, look)
    act(specialist, "forward", note="Đã nhận hồ sơ, thẩm định")
    expect(specialist.locator(".steps [aria-current=step]")).to_contain_text("Thẩm định")
    upload_result_if_offered(specialist)
    act(specialist, "forward", note="Đủ điều kiện, trình lãnh đạo")
    expect(specialist.locator(".steps [aria-current=step]")).to_contain_text("Phê duyệt")

    leader = page_of("leader_a")
    open_from_queue(leader, "approve", code, look)
    look(leader, "office-dossier-approval")
    if offers(leader, "approve"):
        act(leader, "approve", note="Đồng ý")
    act(leader, "finish", note="Đã ký kết quả")
    expect_status(leader, "Đã xử lý xong")


def return_result(page: Page, code: str, look: Look = no_look, **fields: str) -> None:
    """The counter hands the result over (the return form's fields, e.g. ``method="online"``)."""
    open_from_queue(page, "return", code, look)
    act(page, "return", note="Đã trả kết quả", **fields)
    expect_status(page, "Đã trả kết quả")
