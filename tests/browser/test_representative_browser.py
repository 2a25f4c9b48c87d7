"""A representative applying for a family member, in a real browser at phone width (390 px): the citizen
signs in with their ID number (their user name is another), finds the apply button near the top of the
procedure page, chooses "Người khác (thành viên gia đình)", meets the error summary (focused, its link
moves to the field), fixes it and submits; the portal and then the counter see the representative on the
dossier page. Every portal page touched is checked with axe-core at 390 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from motcua.dossiers.models import Dossier
from motcua.portal.models import CitizenProfile
from tests.browser.office import PDF
from tests.browser.pw import a11y_violations, describe, portal_login, shot

pytestmark = pytest.mark.slow
PHONE = {"width": 390, "height": 844}
SCAN = {"mimeType": "application/pdf", "buffer": PDF}
OWN_ID = "068123456789"


def _axe(page: Page, name: str) -> None:
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")
    found = a11y_violations(page)
    assert not found, f"accessibility violations on {name} ({page.url}):\n{describe(found)}"
    shot(page, name)


def _scans(page: Page) -> None:
    page.get_by_label(re.compile("^Tờ khai đăng ký khai sinh")).set_input_files({"name": "to-khai.pdf", **SCAN})
    page.get_by_label(re.compile("^Giấy chứng sinh")).set_input_files({"name": "chung-sinh.pdf", **SCAN})


def test_a_representative_applies_for_a_family_member(page: Page, page_of, world) -> None:  # noqa: ANN001
    CitizenProfile.objects.create(user=world.users["citizen"], id_number=OWN_ID, phone="0912345678",
                                  address="12 Trần Phú")
    page.set_viewport_size(PHONE)
    page.goto("/portal/")
    expect(page.locator("#served-province")).to_contain_text(world.province.name)
    _axe(page, "rep-portal-home-390")
    portal_login(page, OWN_ID)  # the user name is "citizen": the ID number signs in all the same

    page.goto("/portal/procedures/1.001193/")
    button = page.get_by_role("link", name="Nộp hồ sơ trực tuyến")
    box = button.bounding_box()
    assert box is not None and box["y"] < 600, box  # near the top, not after the legal basis
    _axe(page, "rep-portal-procedure-390")
    button.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Nộp hồ sơ trực tuyến")
    part = page.locator("#representative-part")
    expect(part).to_be_hidden()
    expect(page.get_by_label("Số định danh / mã số thuế")).to_have_value(OWN_ID)
    page.get_by_label("Người khác (thành viên gia đình)").check()
    expect(part).to_be_visible()
    expect(page.get_by_label("Số định danh / mã số thuế")).to_have_value("")  # the citizen's own data cleared
    expect(page.get_by_label("Họ tên người nộp / tên tổ chức")).to_have_value("")
    _axe(page, "rep-portal-apply-390")
    page.get_by_label("Họ tên người nộp / tên tổ chức").fill("Nguyễn Thị Bé Na")
    page.get_by_label("Số định danh / mã số thuế").fill("068225000999")
    page.get_by_label("Nơi nộp hồ sơ").select_option(label="TTPVHCC xã A (Xã A)")
    _scans(page)
    page.get_by_role("button", name="Nộp hồ sơ").click()  # the relationship is missing

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text("Có lỗi cần sửa")
    expect(summary).to_be_focused()
    _axe(page, "rep-portal-apply-errors-390")
    summary.get_by_role("link", name=re.compile("^Quan hệ của tôi với người nộp")).click()
    expect(page.locator("#id_representative_relationship")).to_be_focused()

    page.locator("#id_representative_relationship").select_option("parent")
    page.get_by_label("Giấy tờ ủy quyền / chứng minh quan hệ").fill("Giấy khai sinh của bé Na")
    _scans(page)  # files are chosen again after a refused submission
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.locator(".messages")).to_contain_text("Đã nộp hồ sơ")
    expect(page.locator("#representative")).to_contain_text("Cha, mẹ / người giám hộ")
    _axe(page, "rep-portal-dossier-390")

    d = Dossier.objects.get()
    assert (d.owner_id, d.applicant_name, d.representative_id_number) == (
        world.users["citizen"].pk, "Nguyễn Thị Bé Na", OWN_ID)
    counter = page_of("counter_a")
    counter.goto(f"/office/dossiers/{d.pk}/")
    rep = counter.locator("#representative")
    expect(rep).to_contain_text(d.representative_name)
    expect(rep).to_contain_text("Cha, mẹ / người giám hộ")
    expect(rep).to_contain_text(OWN_ID)
    expect(counter.get_by_text("Giấy khai sinh của bé Na")).to_be_visible()
    shot(counter, "rep-office-dossier")
