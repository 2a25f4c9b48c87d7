"""Public lookup by dossier code, as printed on the receipt's QR: masked name, no other personal data."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_lookup_shows_masked_name_status_and_times_only(portal) -> None:  # noqa: ANN001
    d = portal.at(2)
    html = Client().get("/portal/lookup/", {"code": d.code}).content.decode()
    for text in ("N***** V** An", "Thủ tục đăng ký khai sinh", "Đã tiếp nhận", "09:00 10/09/2025", "09:00 11/09/2025"):
        assert text in html, text
    for secret in ("Nguyễn Văn An", "068123456789", "0912345678", "Đăng ký khai sinh cho con"):
        assert secret not in html, secret


def test_lookup_without_a_code_shows_the_form(db) -> None:  # noqa: ANN001
    html = Client().get("/portal/lookup/").content.decode()
    assert '<label for="id_code">' in html and "Không tìm thấy" not in html


@pytest.mark.parametrize("code", ["000.31.90.H39-250910-9999", "abc-def"])
def test_unknown_code_is_a_friendly_not_found(db, code) -> None:  # noqa: ANN001
    r = Client().get("/portal/lookup/", {"code": code})
    assert r.status_code == 200 and "Không tìm thấy hồ sơ có mã này" in r.content.decode()


@pytest.mark.parametrize("code", ["", " ", "<script>", "a" * 300, "'; DROP TABLE x;--", "ab"])
def test_malformed_code_is_a_friendly_message(db, code) -> None:  # noqa: ANN001
    r = Client().get("/portal/lookup/", {"code": code})
    assert r.status_code == 200 and "chưa đúng định dạng" in r.content.decode()
    assert "<script>" not in r.content.decode().split("</form>")[1]


def test_a_nul_byte_is_refused_by_the_input_validation_with_a_friendly_400(db) -> None:  # noqa: ANN001
    r = Client().get("/portal/lookup/", {"code": "x\x00y"})
    assert r.status_code == 400 and "Dữ liệu không hợp lệ" in r.content.decode()


def test_lowercase_code_still_finds_the_dossier(portal) -> None:  # noqa: ANN001
    d = portal.submitted()
    html = Client().get("/portal/lookup/", {"code": d.code.lower()}).content.decode()
    assert d.code in html and "Chưa tiếp nhận" in html
