"""The VNeID sign-in in a real browser (Chromium through Playwright) against the provider simulator as a
real HTTP server: the citizen presses the VNeID button on the portal's sign-in page, picks an identity
on the provider's page, and lands back on the portal signed in, greeted by name; a citizen who already
had a local account confirms the link with its password; signing out revokes the token."""

from __future__ import annotations

import dataclasses
import re
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.integrations.conftest import Sim, start_simulator

pytestmark = pytest.mark.slow
BUTTON = "Đăng nhập bằng tài khoản định danh điện tử VNeID"


@pytest.fixture(scope="module")
def vneid_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sim]:
    sim = start_simulator([sys.executable, "-m", "motcua.integrations.vneid.simulator"],
                          tmp_path_factory.mktemp("vneid") / "unused")
    yield sim
    sim.http.close()
    sim.process.terminate()
    sim.process.wait(10)


@pytest.fixture
def idp(vneid_server: Sim, site: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sim]:
    from motcua.integrations.vneid import client

    vneid_server.reset()
    monkeypatch.setattr(client, "SETTINGS", dataclasses.replace(
        client.SETTINGS, url=vneid_server.url, redirect_url=f"{site.url}/portal/vneid/callback/", timeout=5.0))
    client.forget()
    yield vneid_server
    client.forget()


def _to_provider(page: Page, idp: Sim) -> None:
    page.goto("/portal/login/")
    page.get_by_role("button", name=BUTTON).click()
    expect(page).to_have_url(re.compile("^" + re.escape(idp.url) + "/oauth2/authorize"))


def test_a_citizen_signs_in_with_vneid_and_is_greeted_by_name(page: Page, idp: Sim) -> None:
    from motcua.portal.models import CitizenProfile, EidSignIn

    started = time.perf_counter()
    _to_provider(page, idp)
    page.get_by_label("Trần Thị Bình (001090000001)").check()
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(page.get_by_text("Xin chào Trần Thị Bình")).to_be_visible()
    elapsed = time.perf_counter() - started
    assert page.url.endswith("/portal/")
    expect(page.get_by_role("link", name="Hồ sơ của tôi", exact=True)).to_be_visible()
    assert CitizenProfile.objects.get(id_number="001090000001").identity_provider == "vneid"
    assert EidSignIn.objects.count() == 1
    print(f"\nVNeID sign-in in the browser (button to greeting): {elapsed * 1000:.0f} ms")
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_text("Bạn đã đăng xuất")).to_be_visible()
    assert [t["revoked"] for t in idp.state()["tokens"]] == [True]


def test_a_local_account_is_linked_after_its_password(page: Page, idp: Sim) -> None:
    from motcua.portal import accounts
    from motcua.portal.models import CitizenProfile

    user = accounts.register(accounts.Registration("Nguyễn Văn An", "068090001234", "0912345678",
                                                   "Mat-khau-rat-dai-2026"))
    _to_provider(page, idp)
    page.get_by_label("Nguyễn Văn An (068090001234)").check()
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(page.get_by_role("heading", name="Liên kết tài khoản với VNeID")).to_be_visible()
    page.get_by_label("Mật khẩu tài khoản của cổng").fill("sai-mat-khau")
    page.get_by_role("button", name="Xác nhận liên kết").click()
    expect(page.get_by_text("Mật khẩu không đúng")).to_be_visible()
    page.get_by_label("Mật khẩu tài khoản của cổng").fill("Mat-khau-rat-dai-2026")
    page.get_by_role("button", name="Xác nhận liên kết").click()
    expect(page.get_by_text("Xin chào Nguyễn Văn An. Tài khoản của bạn đã được liên kết với VNeID.")).to_be_visible()
    p = CitizenProfile.objects.get(user=user)
    assert (p.identity_provider, p.subject) == ("vneid", "vneid-068090001234")


def test_cancelling_on_the_provider_page_signs_nobody_in(page: Page, idp: Sim) -> None:
    _to_provider(page, idp)
    page.get_by_role("button", name="Hủy").click()
    expect(page.get_by_text("Bạn đã hủy đăng nhập bằng VNeID")).to_be_visible()
    expect(page.get_by_role("link", name="Đăng nhập", exact=True)).to_be_visible()
