"""Browser fixtures: a real server (pytest-django's ``live_server``) driven by Debian's Chromium through
Playwright's sync API, a frozen working morning, signed-in pages per user, uploads in a temporary folder.

Data is created through the services before (or between) page visits; the ORM is also used in the test
thread while Playwright runs, hence DJANGO_ALLOW_ASYNC_UNSAFE while Chromium runs only (see SharedChromium).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser.pw import SharedChromium, login

HERE = Path(__file__).resolve().parent
_CHROMIUM = SharedChromium()



@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """After the fixtures are torn down: stop Chromium when the next test is not a browser test
    (Playwright's event loop would make Django refuse the ORM there)."""
    if nextitem is None or HERE not in Path(str(nextitem.path)).resolve().parents:
        _CHROMIUM.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[SharedChromium]:
    yield _CHROMIUM
    _CHROMIUM.stop()


@pytest.fixture(autouse=True)
def _no_csp_violations() -> Iterator[None]:
    """Every browser test fails on any Content Security Policy violation a page reported."""
    _CHROMIUM.csp_violations.clear()
    yield
    found, _CHROMIUM.csp_violations[:] = list(_CHROMIUM.csp_violations), []
    assert not found, "Content Security Policy violations:\n" + "\n".join(found)




@pytest.fixture
def site(transactional_db, live_server, world, now):  # noqa: ANN001, ANN201
    """The running server with the small province loaded (the root conftest empties its event log
    before the flush)."""
    return live_server


@pytest.fixture
def page(browser: SharedChromium, site) -> Iterator[Page]:  # noqa: ANN001
    """An anonymous page on the running server."""
    p = browser.new_page(site.url)
    yield p
    p.context.close()


@pytest.fixture
def page_of(browser: SharedChromium, site) -> Iterator[Callable[..., Page]]:  # noqa: ANN001
    """``page_of("counter_a")``: a page in its own browser context, signed in through /login/."""
    pages: dict[str, Page] = {}

    def make(username: str, a11y: bool = False) -> Page:
        if username not in pages:
            pages[username] = browser.new_page(site.url)
            login(pages[username], username, a11y=a11y)
        return pages[username]

    yield make
    for p in pages.values():
        p.context.close()
