"""The renderer in a real browser (Chromium): the counter intake's form passes the axe checks
(labels, headings, contrast) as drawn, after the live redraw (htmx shows the spouse field when
"married" is ticked, without a Content Security Policy violation), and with its error summary;
the summary's links move to the fields."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from motcua.catalog.models import Procedure
from motcua.catalog.services import version_in_force
from motcua.eforms import services
from tests.browser.conftest import _no_csp_violations, browser, page_of, site  # noqa: F401 - fixtures
from tests.browser.pw import check_a11y
from tests.eforms.forms import birth

pytestmark = pytest.mark.slow


@pytest.fixture
def form(site, world, now):  # noqa: ANN001, ANN201, F811
    version = version_in_force(Procedure.objects.get(code="1.001193"), now.date())
    return services.set_form(version, birth())


def test_counter_form_is_accessible_live_and_with_its_error_summary(page_of, form) -> None:  # noqa: ANN001, F811
    page = page_of("counter_a")
    page.goto("/office/intake/?procedure=1.001193")
    expect(page.locator("#ef-child-full_name")).to_be_visible()
    check_a11y(page, "intake with the e-form")
    assert page.locator("#ef-applicant-spouse_name").count() == 0
    page.locator("#ef-applicant-married").check()
    expect(page.locator("#ef-applicant-spouse_name")).to_be_visible()  # the htmx redraw
    page.locator("#ef-applicant-phone").fill("12")
    page.locator("#ef-applicant-phone").press("Tab")
    expect(page.locator("#ef-applicant-phone-error")).to_contain_text("0912345678")
    check_a11y(page, "intake e-form after a live redraw")
    # the server decides: the browser's own checks of the page's other fields are skipped
    page.eval_on_selector_all("form", "forms => forms.forEach(f => f.noValidate = true)")
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect(page.locator("#eform-errors")).to_be_visible()
    check_a11y(page, "intake e-form with its error summary")
    page.locator('#eform-errors a[href="#ef-child-full_name"]').click()
    expect(page).to_have_url(re.compile(r"#ef-child-full_name$"))


def test_typing_during_a_live_redraw_is_kept(page_of, form) -> None:  # noqa: ANN001, F811
    """An officer keeps typing while the redraw is on its way (held back here for a second): what
    was typed into the next field is still there once the form is redrawn."""
    import time

    page = page_of("counter_a")
    page.goto("/office/intake/?procedure=1.001193")
    expect(page.locator("#ef-child-full_name")).to_be_visible()

    def slow(route):  # noqa: ANN001, ANN202
        time.sleep(1.0)
        route.continue_()

    page.route(re.compile(r"/eforms/live/"), slow)
    page.locator("#ef-applicant-married").check()  # a condition: the form is redrawn
    page.locator("#ef-child-full_name").fill("Nguyễn Văn An")  # typed while the request is held
    expect(page.locator("#ef-applicant-spouse_name")).to_be_visible()  # the redraw landed
    expect(page.locator("#ef-child-full_name")).to_have_value("Nguyễn Văn An")
    expect(page.locator("#ef-applicant-married")).to_be_checked()


@pytest.fixture(scope="module", autouse=True)
def _chromium_stopped_after_this_module():
    """tests/browser's hook stops the shared Chromium only after tests of that folder: stop it here, or
    Playwright's event loop stays in this worker for the tests that follow (asyncio.run, another Playwright)."""
    yield
    from tests.browser.conftest import _CHROMIUM

    _CHROMIUM.stop()
