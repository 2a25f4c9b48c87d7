"""The counter's "Điền từ CSDL dân cư" in a real browser (Chromium through Playwright, htmx, the page's
Content Security Policy) against the simulator over HTTP: the officer types the ID number, the name and the
birth year, the applicant fields come back filled, and the dossier received is linked to the look-up."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from motcua.dossiers.models import Dossier
from motcua.integrations.population.models import LookupUse
from tests.browser.conftest import _no_csp_violations, browser, page_of, site  # noqa: F401 - the browser fixtures
from tests.integrations.conftest import Sim

from .conftest import CITIZEN_ID

pytestmark = pytest.mark.slow


def test_the_counter_fills_the_applicant_in_a_browser_and_the_dossier_uses_it(page_of, site, pop: Sim) -> None:  # noqa: ANN001, F811
    page = page_of("counter_a")
    page.goto(f"{site.url}/office/intake/?procedure=1.001193")
    page.get_by_label("Họ tên người nộp / tên tổ chức").fill("nguyen van an")
    with page.expect_response(re.compile(r"/office/intake/applicant/")):
        page.get_by_label("Số định danh cá nhân / mã số").fill(CITIZEN_ID)
        page.get_by_label("Số định danh cá nhân / mã số").press("Tab")
    page.get_by_label("Năm sinh").fill("1991")  # a wrong year first: nothing is filled, and why
    page.get_by_role("button", name="Điền từ CSDL dân cư").click()
    expect(page.locator("#population-message")).to_contain_text("không khớp")
    expect(page.get_by_label("Họ tên người nộp / tên tổ chức")).to_have_value("nguyen van an")
    page.get_by_label("Năm sinh").fill("1990")
    page.get_by_role("button", name="Điền từ CSDL dân cư").click()
    expect(page.locator("#population-message")).to_contain_text("Đã điền họ tên, ngày sinh và địa chỉ")
    expect(page.locator("#population-birth")).to_have_text("01/01/1990")
    expect(page.get_by_label("Họ tên người nộp / tên tổ chức")).to_have_value("Nguyễn Văn An")
    expect(page.locator("#id_applicant_address")).to_have_value("12 Trần Hưng Đạo, phường Xuân Hương, Lâm Đồng")
    page.get_by_label("Điện thoại", exact=True).fill("0912345678")
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect(page).to_have_url(re.compile(r"/office/dossiers/\d+/$"))
    d = Dossier.objects.get(applicant_id_number=CITIZEN_ID)
    assert d.applicant_name == "Nguyễn Văn An" and LookupUse.objects.get().dossier == d


@pytest.fixture(scope="module", autouse=True)
def _chromium_stopped_after_this_module():
    """tests/browser's hook stops the shared Chromium only after tests of that folder: stop it here, or
    Playwright's event loop stays in this worker for the tests that follow (asyncio.run, another Playwright)."""
    yield
    from tests.browser.conftest import _CHROMIUM

    _CHROMIUM.stop()
