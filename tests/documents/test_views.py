"""Who may download which document, and what the responses look like."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.documents.conftest import Pdf

pytestmark = pytest.mark.django_db


def _url(d, slug: str) -> str:  # noqa: ANN001
    return f"/documents/dossiers/{d.pk}/{slug}.pdf"


def test_staff_download_inline_pdf_named_after_the_code(desk, client_of) -> None:  # noqa: ANN001
    d = desk.at_step(2)
    for user in ("counter_a", "specialist_a", "leader_a", "monitor", "admin"):
        for slug, name in (("receipt", "giay-tiep-nhan"), ("control", "phieu-kiem-soat")):
            r = client_of(user).get(_url(d, slug))
            assert r.status_code == 200, (user, slug)
            assert r["Content-Type"] == "application/pdf"
            assert r["Content-Disposition"] == f'inline; filename="{name}-{d.code}.pdf"'
            assert Pdf(r.content).pages >= 1


def test_officer_of_another_commune_gets_404(desk, client_of) -> None:  # noqa: ANN001
    d = desk.received("a")
    for slug in ("receipt", "control", "refusal"):
        r = client_of("counter_b").get(_url(d, slug))
        assert r.status_code == 404 and "Không tìm thấy hồ sơ." in r.content.decode()


def test_owner_may_print_the_receipt_but_not_the_control_slip(desk, client_of) -> None:  # noqa: ANN001
    d = desk.received()
    c = client_of("citizen")
    assert c.get(_url(d, "receipt")).status_code == 200
    r = c.get(_url(d, "control"))
    assert r.status_code == 403 and "Bạn không có quyền in biểu mẫu này." in r.content.decode()


def test_another_citizen_sees_nothing(desk, client_of) -> None:  # noqa: ANN001
    d = desk.received()
    assert client_of("citizen2").get(_url(d, "receipt")).status_code == 404


def test_anonymous_is_sent_to_sign_in(desk) -> None:  # noqa: ANN001
    d = desk.received()
    r = Client().get(_url(d, "receipt"))
    assert r.status_code == 302 and r["Location"].startswith("/login/?next=/documents/")


def test_unknown_document_or_dossier_is_404(desk, client_of) -> None:  # noqa: ANN001
    d = desk.received()
    assert client_of("counter_a").get(_url(d, "nonsense")).status_code == 404
    assert client_of("counter_a").get("/documents/dossiers/999999/receipt.pdf").status_code == 404


def test_only_get_is_allowed(desk, client_of) -> None:  # noqa: ANN001
    d = desk.received()
    assert client_of("counter_a").post(_url(d, "receipt")).status_code == 405
