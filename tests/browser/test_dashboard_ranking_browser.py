"""The province dashboard paints first, then loads its ranking panel (htmx) into the page: the ranking
chart and the overdue dossiers by unit appear, accessible, at 1,366 px."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.pw import check_a11y, shot


def test_the_ranking_panel_loads_after_the_page(page_of, site, world) -> None:  # noqa: ANN001
    page = page_of("monitor")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/reports/dashboard/")
    expect(page.locator("#ranking")).to_be_visible()  # the fragment replaced its placeholder
    expect(page.locator("#hot-units")).to_be_visible()
    expect(page.locator("#dash-ranking[aria-busy]")).to_have_count(0)
    expect(page.locator("#ranking table")).to_contain_text(world.communes["a"].name)
    check_a11y(page, "dashboard with its ranking panel")
    shot(page, "dashboard-ranking-panel")
