"""Item 13: one sign-in policy for every entrance. A username locked out from an address at one sign-in
page (office /login/, portal /portal/login/, admin /admin/login/) is locked out at all of them, and the
client address is REMOTE_ADDR unless a trusted reverse proxy is configured."""

from __future__ import annotations

import dataclasses

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory

from motcua.core import net
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ENTRANCES = {"office": "/login/", "portal": "/portal/login/", "admin": "/admin/login/"}


@pytest.fixture
def boss(world):  # noqa: ANN001, ANN201
    """A superuser, who may sign in at every entrance but the portal."""
    return get_user_model().objects.create_superuser("boss", "boss@example.vn", PASSWORD)


def _post(entrance: str, username: str, password: str, client: Client | None = None, **extra: str):  # noqa: ANN202
    extra.setdefault("REMOTE_ADDR", "10.0.0.1")
    return (client or Client()).post(ENTRANCES[entrance], {"username": username, "password": password}, **extra)


def _fail_five_times(entrance: str, username: str, **extra: str) -> None:
    codes = [_post(entrance, username, "wrong", **extra).status_code for _ in range(5)]
    assert codes[-1] == 429, codes


@pytest.mark.parametrize(("locked_at", "tried_at", "username"), [
    ("office", "admin", "boss"), ("admin", "office", "boss"), ("portal", "admin", "boss"),
    ("portal", "office", "citizen"), ("office", "portal", "citizen")])
def test_a_lockout_at_one_entrance_refuses_the_right_password_at_another(boss, locked_at, tried_at, username) -> None:  # noqa: ANN001, E501
    _fail_five_times(locked_at, username)
    c = Client()
    r = _post(tried_at, username, PASSWORD, client=c)
    assert r.status_code == 429, (locked_at, tried_at)
    assert "tạm bị khóa" in r.content.decode() and r["Retry-After"] == "900"
    assert "_auth_user_id" not in c.session
    # the same password from another address signs in
    r = _post(tried_at, username, PASSWORD, REMOTE_ADDR="10.0.0.2")
    assert r.status_code == 302, r.content.decode()[:500]


def test_the_admin_login_has_a_lockout_of_its_own(boss) -> None:  # noqa: ANN001
    _fail_five_times("admin", "boss")
    c = Client()
    assert _post("admin", "boss", PASSWORD, client=c).status_code == 429
    assert c.get("/admin/").status_code == 302  # not signed in


def test_a_forwarded_header_is_ignored_unless_a_proxy_is_configured(world) -> None:  # noqa: ANN001
    # an attacker rotating X-Forwarded-For from one address is still one address
    for i in range(5):
        _post("office", "counter_a", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    assert _post("office", "counter_a", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 429


def test_behind_a_trusted_proxy_the_client_address_comes_from_its_header(world, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(net, "CONFIG", dataclasses.replace(net.CONFIG, trusted_proxies=("10.0.0.0/24",),
                                                           proxy_header="X-Forwarded-For"))
    via_proxy = {"REMOTE_ADDR": "10.0.0.5"}
    for _ in range(5):
        _post("office", "counter_a", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.7", **via_proxy)
    assert _post("office", "counter_a", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7", **via_proxy).status_code == 429
    # another client behind the same proxy is not locked; a prefix the client wrote itself is ignored
    r = _post("office", "counter_a", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7, 198.51.100.2", **via_proxy)
    assert r.status_code == 302


def test_client_ip_rules() -> None:
    rf = RequestFactory()

    def ip(remote: str, xff: str | None, proxies: tuple[str, ...] = ("10.0.0.0/8",),
           header: str = "X-Real-Chain") -> str:
        meta = {"REMOTE_ADDR": remote}
        if xff is not None:
            meta["HTTP_X_REAL_CHAIN"] = xff
        return net.client_ip(rf.get("/", **meta), proxies=proxies, header=header)  # type: ignore[arg-type]

    assert ip("10.1.1.1", "1.2.3.4") == "1.2.3.4"
    assert ip("10.1.1.1", "6.6.6.6, 1.2.3.4, 10.2.2.2") == "1.2.3.4"  # our own proxies are skipped
    assert ip("8.8.8.8", "1.2.3.4") == "8.8.8.8"  # not from a trusted proxy: the header is ignored
    assert ip("10.1.1.1", None) == "10.1.1.1"
    assert ip("10.1.1.1", "garbage, 1.2.3.4") == "1.2.3.4"
    assert ip("10.1.1.1", "1.2.3.4, garbage") == "10.1.1.1"  # a malformed hop next to us: do not guess
    assert ip("10.1.1.1", "1.2.3.4", proxies=()) == "10.1.1.1"  # unconfigured: REMOTE_ADDR only
    assert net.client_ip(rf.get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="1.2.3.4")) == "10.1.1.1"
