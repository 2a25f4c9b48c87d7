"""Helpers for the browser journeys: Debian's Chromium, sign-in, screenshots and the axe checks.

Kept out of conftest.py so that test modules import them by name (``from tests.browser.pw import shot``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Playwright, expect, sync_playwright

from motcua.conf import BASE_DIR
from tests.factories import PASSWORD

ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = BASE_DIR / "var" / "screenshots"
TIMEOUT_MS = 15_000  # two shared cores: a page under load can take a few seconds

expect.set_options(timeout=TIMEOUT_MS)

# the basics we hold every page to: labels and names, contrast, headings, language and title
A11Y_RULES = ["label", "form-field-multiple-labels", "button-name", "link-name", "image-alt", "select-name",
              "color-contrast", "heading-order", "page-has-heading-one", "empty-heading", "html-has-lang",
              "document-title"]


class SharedChromium:
    """One Chromium for a run of consecutive browser tests, started on first use.

    Playwright's sync API leaves an asyncio loop marked as running in the main thread for as long as
    it is started, and Django then refuses ORM calls from that thread (SynchronousOnlyOperation). So
    DJANGO_ALLOW_ASYNC_UNSAFE is set exactly while Playwright runs, and the browser does not outlive
    the browser tests: ``stop()`` is called (by the conftest hook) as soon as the next test is
    elsewhere, and the next browser test starts a fresh one.
    """

    def __init__(self) -> None:
        self._pw: Playwright | None = None
        self._browser: Browser | None = None
        self._saved_env: str | None = None
        self.csp_violations: list[str] = []  # every page's, checked after each browser test (conftest)

    @property
    def browser(self) -> Browser:
        if self._browser is None:
            self._saved_env = os.environ.get(ASYNC_UNSAFE)
            os.environ[ASYNC_UNSAFE] = "true"
            self._pw = sync_playwright().start()
            self._browser = self._pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        return self._browser

    def new_page(self, base_url: str) -> Page:
        context = self.browser.new_context(base_url=base_url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                           viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        watch_csp(context, self.csp_violations)
        return context.new_page()

    def stop(self) -> None:
        try:
            if self._browser is not None:
                self._browser.close()
        finally:
            if self._pw is not None:
                self._pw.stop()
                self._restore_env()
            self._pw = self._browser = None

    def _restore_env(self) -> None:
        if self._saved_env is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = self._saved_env


CSP_MARK = "Content Security Policy"
# Chromium logs a refused inline script/style or foreign resource to the console; the DOM event also
# catches what it reports without a console line
_CSP_EVENT = """document.addEventListener("securitypolicyviolation", (e) => console.error(
  "Content Security Policy violation: " + e.violatedDirective + " blocked " + e.blockedURI +
  " at " + e.sourceFile + ":" + e.lineNumber));"""


def watch_csp(context: BrowserContext, into: list[str]) -> None:
    """Collect every Content Security Policy violation any page of ``context`` reports."""
    context.add_init_script(_CSP_EVENT)

    def on_console(msg: ConsoleMessage) -> None:
        if CSP_MARK in msg.text:
            into.append(f"{msg.page.url if msg.page else '?'}: {msg.text}")

    context.on("console", on_console)


def shot(page: Page, name: str) -> Path:
    """A full-page PNG of the current page in ``var/screenshots/<name>.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def a11y_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations of :data:`A11Y_RULES` on the page as it is now (axe is bundled, no network)."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "rule", "values": A11Y_RULES}, "resultTypes": ["violations"]}
    return Axe().run(page, options=options).response["violations"]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"]:
            summary = re.sub(r"\s+", " ", node.get("failureSummary") or "").strip()
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:160]}")
            if summary:
                lines.append(f"       {summary[:300]}")
    return "\n".join(lines)


def check_a11y(page: Page, label: str) -> None:
    """Fail with a readable list when the page breaks any of the basic rules.

    Closed ``<details>`` (the dossier actions) are opened first so that their forms are checked too.
    The check waits until no htmx request is in flight and no transition runs: a table dimmed while it
    reloads (``.htmx-request``) would otherwise be measured half-faded.
    """
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
                           " && document.getAnimations().length === 0")
    page.eval_on_selector_all("details", "els => els.forEach(e => e.open = true)")
    found = a11y_violations(page)
    assert not found, f"accessibility violations on {label} ({page.url}):\n{describe(found)}"


def look(page: Page, name: str) -> None:
    """Check the page's accessibility, then photograph it as ``name``."""
    check_a11y(page, name)
    shot(page, name)


def _sign_in(page: Page, path: str, name_label: str, username: str, password: str,
             check: Callable[[Page], None] | None) -> None:
    page.goto(path)
    if check:
        check(page)
    page.get_by_label(name_label).fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.locator("main form").get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile(re.escape(path)))


def login(page: Page, username: str, password: str = PASSWORD, a11y: bool = False) -> None:
    """Sign a member of staff in through /login/ and land on their first queue."""
    _sign_in(page, "/login/", "Tên đăng nhập", username, password,
             (lambda p: check_a11y(p, "office login")) if a11y else None)


def portal_login(page: Page, username: str, password: str = PASSWORD, a11y: bool = False) -> None:
    """Sign a citizen in through /portal/login/ (the user name is the CCCD number)."""
    _sign_in(page, "/portal/login/", "Số định danh cá nhân (CCCD)", username, password,
             (lambda p: look(p, "portal-login")) if a11y else None)
