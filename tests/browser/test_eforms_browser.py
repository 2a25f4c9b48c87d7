"""E-forms in a real browser: a citizen on a phone (360 px) declares a birth online, saves a draft,
resumes it and submits; an officer at the counter fills the same form for a walk-in citizen with the
keyboard only; the printed declaration shows the declared values in correct Vietnamese (read back
from the PDF). The birth procedure's version in force carries the shipped form (khai-sinh)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from motcua.catalog.models import Procedure
from motcua.catalog.services import version_in_force
from motcua.dossiers.models import Dossier
from motcua.eforms import services, shipped
from motcua.eforms.render import input_id
from motcua.portal.models import CitizenProfile
from tests.browser.office import PDF
from tests.browser.pw import TIMEOUT_MS, portal_login, watch_csp
from tests.documents.conftest import Pdf

pytestmark = pytest.mark.slow
SCAN = {"mimeType": "application/pdf", "buffer": PDF}


def el(page: Page, path: str):  # noqa: ANN201
    """The input of a declared value, by its data path (the renderer's stable ids)."""
    return page.locator(f"#{input_id(path)}")


def settle(page: Page) -> None:
    """Wait for the form's live redraw (htmx, on change) to land: a redraw swaps the whole form, so
    what is typed while one is in flight would be replaced by the values it was sent with."""
    page.wait_for_load_state("networkidle")
    expect(page.locator(".htmx-request")).to_have_count(0)


def put(page: Page, path: str, value: str) -> None:
    """Type a value and leave the field (its change redraws the form), then let the redraw land."""
    el(page, path).fill(value)
    el(page, path).blur()
    settle(page)


def pick(page: Page, path: str, **option: str) -> None:
    el(page, path).select_option(**option)
    settle(page)


@pytest.fixture
def birth(site, world, now):  # noqa: ANN001, ANN201
    version = version_in_force(Procedure.objects.get(code="1.001193"), now.date())
    CitizenProfile.objects.create(user=world.users["citizen"], id_number="068123456789", phone="0912345678",
                                  address="12 Trần Phú, Xã A")
    return services.set_form(version, shipped.load("khai-sinh"))


@pytest.fixture
def phone(browser, site) -> Iterator[Page]:  # noqa: ANN001
    """A page the size of a phone (360 x 740, touch)."""
    context = browser.browser.new_context(base_url=site.url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                          viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    context.set_default_timeout(TIMEOUT_MS)
    watch_csp(context, browser.csp_violations)
    page = context.new_page()
    yield page
    context.close()


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width} px wide on a 360 px phone"


def declared_pdf(page: Page, dossier: Dossier) -> Pdf:
    link = page.locator("#eform-pdf")
    expect(link).to_be_visible()
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    return Pdf(response.body())


def test_citizen_on_a_phone_declares_a_birth_saves_resumes_and_submits(phone: Page, world, birth) -> None:  # noqa: ANN001
    portal_login(phone, "citizen")
    phone.goto("/portal/procedures/1.001193/apply/")
    expect(phone.locator("#eform-portal")).to_be_visible()
    # proposed from the account, marked, for the citizen to confirm
    expect(el(phone, "requester.full_name")).to_have_value("Nguyễn Văn An")
    expect(phone.locator("#eform-portal")).to_contain_text("đã điền sẵn từ tài khoản cổng dịch vụ công")
    phone.get_by_label("Nơi nộp hồ sơ").select_option(label="TTPVHCC xã A (Xã A)")
    phone.get_by_label("Nội dung yêu cầu").fill("Đăng ký khai sinh cho con trai")
    phone.get_by_label(re.compile("^Tờ khai đăng ký khai sinh")).set_input_files({"name": "to-khai.pdf", **SCAN})
    phone.get_by_label(re.compile("^Giấy chứng sinh")).set_input_files({"name": "giay-chung-sinh.pdf", **SCAN})
    put(phone, "requester.relation", "Cha")
    put(phone, "child.full_name", "Nguyễn Minh Khôi")
    put(phone, "child.birth_date", "01/09/2025")
    no_sideways_scroll(phone)
    phone.get_by_role("button", name="Lưu nháp").click()
    expect(phone.locator(".messages")).to_contain_text("Đã lưu nháp")

    phone.goto("/portal/drafts/")
    phone.get_by_role("link", name="Thủ tục đăng ký khai sinh").first.click()
    expect(el(phone, "child.full_name")).to_have_value("Nguyễn Minh Khôi")  # resumed as typed
    expect(el(phone, "child.birth_date")).to_have_value("01/09/2025")
    phone.get_by_label(re.compile("^Tờ khai đăng ký khai sinh")).set_input_files({"name": "to-khai.pdf", **SCAN})
    phone.get_by_label(re.compile("^Giấy chứng sinh")).set_input_files({"name": "giay-chung-sinh.pdf", **SCAN})
    put(phone, "requester.id_document", "Thẻ Căn cước số 068123456789")
    pick(phone, "requester.residence.province", value=world.province.code)
    pick(phone, "requester.residence.commune", value=world.communes["a"].code)
    phone.locator(f"#{input_id('child.sex')}-1").check()
    settle(phone)
    pick(phone, "child.ethnicity", label="Kinh")
    put(phone, "child.nationality", "Việt Nam")
    pick(phone, "child.birth_place.province", value=world.province.code)
    pick(phone, "child.birth_place.commune", value=world.communes["a"].code)
    put(phone, "child.birth_place.detail", "Trạm y tế xã A")
    put(phone, "mother.full_name", "Lê Thị Thu Hằng")
    put(phone, "father.full_name", "Nguyễn Văn An")
    no_sideways_scroll(phone)
    phone.get_by_role("button", name="Nộp hồ sơ").click()
    expect(phone.locator(".messages")).to_contain_text("Đã nộp hồ sơ")
    no_sideways_scroll(phone)

    d = Dossier.objects.get(code=phone.locator("dd.code").inner_text())
    assert d.declaration.data["child"]["full_name"] == "Nguyễn Minh Khôi"
    pdf = declared_pdf(phone, d)
    assert pdf.missing("TỜ KHAI ĐĂNG KÝ KHAI SINH", "Kính gửi: Xã A", "Họ, chữ đệm, tên người yêu cầu: Nguyễn Văn An",
                       "Họ, chữ đệm, tên: Nguyễn Minh Khôi", "Ngày, tháng, năm sinh: 01/09/2025", "Giới tính: Nam",
                       "Dân tộc: Kinh", "Nơi sinh: Trạm y tế xã A, Xã A, Tỉnh Lâm Đồng",
                       "Họ, chữ đệm, tên người mẹ: Lê Thị Thu Hằng", f"Mã hồ sơ: {d.code}") == []


# ---- the counter, keyboard only ---------------------------------------------------------------

def tab_to(page: Page, selector: str, limit: int = 400) -> None:
    """Press Tab until the element has the focus (it must be reachable by the keyboard)."""
    target = page.locator(selector)
    for _ in range(limit):
        if target.evaluate("e => e === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with Tab")


def type_into(page: Page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    page.keyboard.press("Tab")  # leaving the field redraws the form (its conditions): let it land
    settle(page)


def choose(page: Page, selector: str, presses: int = 1) -> None:
    """A closed select moved with the arrow keys."""
    tab_to(page, selector)
    for _ in range(presses):
        page.keyboard.press("ArrowDown")
    settle(page)


def test_officer_fills_the_form_for_a_walk_in_with_the_keyboard_only(page_of, world, birth) -> None:  # noqa: ANN001
    counter = page_of("counter_a")
    counter.goto("/office/intake/")
    expect(counter.get_by_label("Tên hoặc mã thủ tục")).to_be_focused()
    counter.keyboard.type("1.001193")
    # the results are a listbox: the first is the active option, Enter picks it (the focus stays in the box)
    expect(counter.get_by_role("option").first).to_have_attribute("aria-selected", "true")
    counter.keyboard.press("Enter")
    expect(counter.locator("#eform-intake")).to_be_visible()
    ids = {name: f"#{input_id(path)}" for name, path in (
        ("name", "requester.full_name"), ("province", "requester.residence.province"),
        ("commune", "requester.residence.commune"), ("doc", "requester.id_document"),
        ("relation", "requester.relation"), ("child", "child.full_name"), ("born", "child.birth_date"),
        ("ethnicity", "child.ethnicity"), ("nationality", "child.nationality"),
        ("bp_province", "child.birth_place.province"), ("bp_commune", "child.birth_place.commune"),
        ("bp_detail", "child.birth_place.detail"), ("mother", "mother.full_name"))}
    type_into(counter, "#id_applicant_name", "Phạm Thị Hoa")
    type_into(counter, "#id_applicant_id_number", "068199000111")
    type_into(counter, "#id_applicant_phone", "0987654321")
    type_into(counter, "#id_request_summary", "Đăng ký khai sinh cho con gái")
    type_into(counter, ids["name"], "Phạm Thị Hoa")
    choose(counter, ids["province"])
    choose(counter, ids["commune"])
    type_into(counter, ids["doc"], "Thẻ Căn cước số 068199000111")
    type_into(counter, ids["relation"], "Mẹ")
    type_into(counter, ids["child"], "Đặng Ngọc Diệp")
    type_into(counter, ids["born"], "05/09/2025")
    tab_to(counter, f"#{input_id('child.sex')}-1")  # a radio group is one Tab stop: its first radio (Nam)
    counter.keyboard.press("ArrowDown")  # the next radio (Nữ), checked as it gets the focus
    settle(counter)
    choose(counter, ids["ethnicity"])
    type_into(counter, ids["nationality"], "Việt Nam")
    choose(counter, ids["bp_province"])
    choose(counter, ids["bp_commune"])
    type_into(counter, ids["bp_detail"], "Bệnh viện Đa khoa tỉnh")
    type_into(counter, ids["mother"], "Phạm Thị Hoa")
    tab_to(counter, "form.intake button[type=submit]:has-text('Tiếp nhận hồ sơ')")
    counter.keyboard.press("Enter")
    expect(counter).to_have_url(re.compile(r"/office/dossiers/\d+/$"))
    expect(counter.locator(".messages")).to_contain_text("Đã tiếp nhận hồ sơ")

    d = Dossier.objects.get(code=counter.locator("h1 .code").inner_text())
    child = d.declaration.data["child"]
    assert (child["full_name"], child["birth_date"], child["sex"]) == ("Đặng Ngọc Diệp", "2025-09-05", "nu")
    pdf = declared_pdf(counter, d)
    assert pdf.missing("Họ, chữ đệm, tên người yêu cầu: Phạm Thị Hoa", "Quan hệ với người được khai sinh: Mẹ",
                       "Họ, chữ đệm, tên: Đặng Ngọc Diệp", "Ngày, tháng, năm sinh: 05/09/2025", "Giới tính: Nữ",
                       "Nơi sinh: Bệnh viện Đa khoa tỉnh, Xã A, Tỉnh Lâm Đồng",
                       "Làm tại:", "ngày 10 tháng 09 năm 2025") == []
