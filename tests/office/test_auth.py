"""Staff sign-in: the Vietnamese login page, the office behind it, and the lockout (django-axes)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(clock, monkeypatch):  # noqa: ANN001, ANN201
    """The frozen clock drives django-axes' attempt times too (the lockout is axes')."""
    monkeypatch.setattr("axes.handlers.proxy.now", clock._now)
    return clock


def _login(client: Client, username: str, password: str, ip: str = "10.0.0.1"):  # noqa: ANN202
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_login_page_is_vietnamese_with_labels() -> None:
    html = Client().get("/login/").content.decode()
    assert "Đăng nhập cán bộ" in html
    assert '<label for="id_username">' in html and '<label for="id_password">' in html


def test_office_requires_login() -> None:
    r = Client().get("/office/queues/receive/")
    assert r.status_code == 302 and r["Location"].startswith("/login/?next=")


def test_staff_sign_in_lands_on_their_first_queue(world, now) -> None:  # noqa: ANN001
    c = Client()
    r = _login(c, "counter_a", PASSWORD)
    assert r.status_code == 302 and r["Location"] == "/office/"
    assert c.get("/office/")["Location"] == "/office/queues/receive/"


def test_citizen_account_cannot_use_the_office(world, now) -> None:  # noqa: ANN001
    c = Client()
    _login(c, "citizen", PASSWORD)
    r = c.get("/office/queues/receive/")
    assert r.status_code == 403
    assert "Không có quyền truy cập" in r.content.decode()


def test_logout_is_a_post(world, now) -> None:  # noqa: ANN001
    c = Client()
    _login(c, "counter_a", PASSWORD)
    r = c.post("/logout/")
    assert r.status_code == 302
    assert c.get("/office/")["Location"].startswith("/login/")


def test_five_failures_lock_the_username_from_that_address_for_15_minutes(world, clock) -> None:  # noqa: ANN001
    start = clock.set("2025-09-10 09:00")
    c = Client()
    for i in range(5):
        clock.set(start + timedelta(minutes=2 * i))
        assert _login(c, "counter_a", "wrong").status_code == (429 if i == 4 else 200)  # the fifth locks
    clock.set(start + timedelta(minutes=9))
    r = _login(c, "Counter_A", PASSWORD)  # even the right password, in any case
    assert r.status_code == 429
    assert "tạm bị khóa" in r.content.decode()
    assert "_auth_user_id" not in c.session
    # another address is not locked
    assert _login(Client(), "counter_a", PASSWORD, ip="10.0.0.2").status_code == 302
    # attempts while locked are not recorded: the lock lifts 15 minutes after the fifth failure
    clock.set(start + timedelta(minutes=8 + 14))
    assert _login(c, "counter_a", PASSWORD).status_code == 429
    clock.set(start + timedelta(minutes=8 + 15, seconds=1))
    assert _login(c, "counter_a", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="counter_a", ip_address="10.0.0.1").exists()


def test_failures_with_a_pause_of_more_than_15_minutes_start_counting_again(world, clock) -> None:  # noqa: ANN001
    start = clock.set("2025-09-10 09:00")
    c = Client()
    for i in range(4):
        clock.set(start + timedelta(minutes=2 * i))
        _login(c, "counter_a", "wrong")
    clock.set(start + timedelta(minutes=6 + 16))  # the fifth failure comes after a 16-minute pause
    _login(c, "counter_a", "wrong")
    assert _login(c, "counter_a", PASSWORD).status_code == 302


def test_a_successful_sign_in_resets_the_count(world, clock) -> None:  # noqa: ANN001
    clock.set("2025-09-10 09:00")
    c = Client()
    for _ in range(4):
        _login(c, "counter_a", "wrong")
    assert _login(c, "counter_a", PASSWORD).status_code == 302
    c = Client()
    for _ in range(4):
        assert _login(c, "counter_a", "wrong").status_code == 200
    assert _login(c, "counter_a", PASSWORD).status_code == 302
