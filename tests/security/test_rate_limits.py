"""Item 14: the public lookup, the sign-in pages and the API are rate limited per client through the
shared cache (django-ratelimit), with the real default limits: 30 lookups, 20 sign-in attempts and
600 API calls a minute. Over the limit: a friendly 429 page or the JSON envelope, with Retry-After."""

from __future__ import annotations

import time
import types

import pytest
from django.test import Client

from motcua.conf import CONFIG

pytestmark = pytest.mark.django_db


class Clock:
    """django-ratelimit's windows follow time.time(): move its clock instead of waiting a minute."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.start = time.time()  # frozen: a slow test run must not cross a window's end by itself
        self.offset = 0.0
        monkeypatch.setattr("django_ratelimit.core.time", types.SimpleNamespace(time=self.time))

    def time(self) -> float:
        return self.start + self.offset


@pytest.fixture
def rl_clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


def _limit(rate: str) -> int:
    return int(rate.split("/")[0])


def test_the_defaults_are_the_documented_ones() -> None:
    assert (CONFIG.rate_lookup, CONFIG.rate_login, CONFIG.rate_api) == ("30/m", "20/m", "600/m")


def test_the_lookup_limit_trips_after_30_lookups_from_one_address_and_resets(world, rl_clock) -> None:  # noqa: ANN001
    c = Client(REMOTE_ADDR="198.51.100.7")
    n = _limit(CONFIG.rate_lookup)
    for i in range(n):
        r = c.get("/portal/lookup/", {"code": f"000.31.90.H39-250910-{i:04d}"})
        assert r.status_code == 200, i
    r = c.get("/portal/lookup/", {"code": "000.31.90.H39-250910-9999"})
    assert r.status_code == 429 and 1 <= int(r["Retry-After"]) <= 60
    html = r.content.decode()
    assert "Quá nhiều yêu cầu" in html and "Vui lòng thử lại sau" in html
    # the API lookup and the QR token page share the count; another address does not
    r = c.get("/api/v1/lookup/000.31.90.H39-250910-0001")
    assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limited" and r["Retry-After"]
    assert c.get("/portal/lookup/t/1-" + "A" * 27 + "/").status_code == 429
    assert Client(REMOTE_ADDR="198.51.100.8").get("/portal/lookup/", {"code": "x-1"}).status_code == 200
    # a forwarded header does not make a new client unless a trusted proxy is configured
    r = c.get("/portal/lookup/", {"code": "x-1"}, HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert r.status_code == 429
    # the lookup page without a code (the empty form) is not counted
    assert c.get("/portal/lookup/").status_code == 200
    rl_clock.offset = 61
    assert c.get("/portal/lookup/", {"code": "000.31.90.H39-250910-0001"}).status_code == 200


def test_sign_in_attempts_are_limited_per_address_across_every_entrance(world, rl_clock) -> None:  # noqa: ANN001
    c = Client(REMOTE_ADDR="198.51.100.9")
    n = _limit(CONFIG.rate_login)
    paths = ["/login/", "/portal/login/", "/admin/login/"]
    for i in range(n):  # a different username each time: the per-username lockout never trips
        r = c.post(paths[i % 3], {"username": f"guess{i}", "password": "wrong"})
        assert r.status_code == 200, (i, r.status_code)
    r = c.post("/admin/login/", {"username": "counter_a", "password": "test-password-123"})
    assert r.status_code == 429 and int(r["Retry-After"]) >= 1
    assert "_auth_user_id" not in c.session
    assert c.get("/login/").status_code == 200  # showing the page is not an attempt
    rl_clock.offset = 61
    assert c.post("/login/", {"username": "counter_a", "password": "test-password-123"}).status_code == 302


def test_the_api_is_limited_per_client(world, rl_clock) -> None:  # noqa: ANN001
    c = Client(REMOTE_ADDR="198.51.100.10")
    n = _limit(CONFIG.rate_api)
    for i in range(n):
        assert c.get("/api/v1/no-such-route").status_code == 404, i  # cheap, and counted like any call
    r = c.get("/api/v1/units")
    assert r.status_code == 429 and r.json()["error"] == {
        "code": "rate_limited", "message": r.json()["error"]["message"], "fields": {}}
    # a signed-in user or a token is its own client, whatever the address
    other = Client(REMOTE_ADDR="198.51.100.10")
    other.force_login(world.users["counter_a"])
    assert other.get("/api/v1/units").status_code == 200
    rl_clock.offset = 61
    assert c.get("/api/v1/units").status_code == 200
