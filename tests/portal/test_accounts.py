"""Citizen accounts: sign up with a CCCD number, sign in and out, lockout, staff kept out."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from motcua.portal.models import CitizenProfile
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
GOOD_PASSWORD = "Khai-sinh-2025!"


def _signup(**over: Any) -> dict[str, Any]:  # noqa: ANN401
    data = {"full_name": "Trần Thị Bình", "id_number": "079301000123", "phone": "0903 123 456",
            "email": "binh@example.vn", "password": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    data.update(over)
    return data


def test_signup_page_has_a_label_for_every_input() -> None:
    html = Client().get("/portal/signup/").content.decode()
    for name in ("full_name", "id_number", "phone", "email", "password", "password2"):
        assert f'<label for="id_{name}">' in html, name


def test_signup_creates_a_local_citizen_account_and_signs_in(world) -> None:  # noqa: ANN001
    c = Client()
    r = c.post("/portal/signup/", _signup())
    assert r.status_code == 302 and r["Location"] == "/portal/"
    p = CitizenProfile.objects.get(id_number="079301000123")
    assert p.identity_provider == "local" and p.subject == "" and p.phone == "0903123456"
    assert (p.user.username, p.user.last_name, p.user.first_name) == ("079301000123", "Trần Thị", "Bình")
    assert "Hồ sơ của tôi" in c.get("/portal/").content.decode()


@pytest.mark.parametrize("over,field,message", [
    ({"id_number": "07930100012"}, "id_number", "đúng 12 chữ số"),
    ({"id_number": "07930100012a"}, "id_number", "đúng 12 chữ số"),
    ({"phone": "12345"}, "phone", "10 chữ số"),
    ({"email": "not-an-email"}, "email", ""),
    ({"password": "123", "password2": "123"}, "password", ""),
    ({"password": "password23", "password2": "password23"}, "password", ""),
    ({"password2": "something-else-1"}, "password2", "không giống nhau"),
    ({"full_name": ""}, "full_name", ""),
])
def test_bad_signup_shows_the_field_error_and_creates_nothing(world, over, field, message) -> None:  # noqa: ANN001
    users = get_user_model().objects.count()
    r = Client().post("/portal/signup/", _signup(**over))
    html = r.content.decode()
    assert r.status_code == 422 and f'id="id_{field}-error"' in html and message in html
    assert get_user_model().objects.count() == users and not CitizenProfile.objects.exists()


def test_a_cccd_number_opens_one_account_only(world) -> None:  # noqa: ANN001
    Client().post("/portal/signup/", _signup())
    r = Client().post("/portal/signup/", _signup(phone="0911111111"))
    assert r.status_code == 422 and "đã có tài khoản" in r.content.decode()
    assert CitizenProfile.objects.count() == 1


def test_citizen_signs_in_with_cccd_and_out(world) -> None:  # noqa: ANN001
    Client().post("/portal/signup/", _signup())
    c = Client()
    r = c.post("/portal/login/", {"username": "079301000123", "password": GOOD_PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/portal/"
    assert c.get("/portal/dossiers/").status_code == 200
    r = c.post("/portal/logout/")
    assert r.status_code == 302 and c.get("/portal/dossiers/").status_code == 302


def test_login_page_is_accessible_and_wrong_password_is_friendly(world) -> None:  # noqa: ANN001
    c = Client()
    html = c.get("/portal/login/").content.decode()
    assert "Đăng nhập công dân" in html and '<label for="id_username">' in html and '<label for="id_password">' in html
    r = c.post("/portal/login/", {"username": "citizen", "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
    assert r.status_code == 200 and "Số CCCD hoặc mật khẩu không đúng" in r.content.decode()


def test_repeated_failures_lock_the_citizen_out(world, now) -> None:  # noqa: ANN001
    c = Client()
    for _ in range(5):
        c.post("/portal/login/", {"username": "citizen", "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
    r = c.post("/portal/login/", {"username": "citizen", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert r.status_code == 429 and "tạm bị khóa" in r.content.decode()


def test_staff_cannot_sign_in_to_the_portal(world) -> None:  # noqa: ANN001
    c = Client()
    r = c.post("/portal/login/", {"username": "counter_a", "password": PASSWORD})
    assert r.status_code == 200 and "Tài khoản cán bộ không dùng cổng công dân" in r.content.decode()
    assert "_auth_user_id" not in c.session


@pytest.mark.parametrize("path", ["/portal/dossiers/", "/portal/drafts/", "/portal/procedures/1.001193/apply/"])
def test_staff_signed_in_elsewhere_are_refused_on_citizen_pages(client_of, now, path) -> None:  # noqa: ANN001
    r = client_of("counter_a").get(path)
    assert r.status_code == 403 and "Tài khoản cán bộ không dùng được cổng công dân" in r.content.decode()


@pytest.mark.parametrize("path", ["/portal/dossiers/", "/portal/drafts/", "/portal/dossiers/1/",
                                  "/portal/procedures/1.001193/apply/"])
def test_citizen_pages_ask_for_sign_in(world, path) -> None:  # noqa: ANN001
    r = Client().get(path)
    assert r.status_code == 302 and r["Location"].startswith("/portal/login/?next=")


def test_landing_page_leads_citizens_to_the_portal_and_staff_to_the_office(db) -> None:  # noqa: ANN001
    html = Client().get("/").content.decode()
    assert 'href="/portal/"' in html and 'href="/portal/lookup/"' in html and 'href="/office/"' in html
