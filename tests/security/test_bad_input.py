"""Item 12: a NUL byte (or another control character, or invalid UTF-8) in any input answers a friendly
400, never a 500: an HTML page for the web pages, the JSON error envelope for /api/."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

NUL = "\x00"

# (signed-in user or None, path, query parameter that a search box or filter sends)
SEARCH_BOXES = [
    ("counter_a", "/office/queues/receive/", "q"),
    ("counter_a", "/office/queues/receive/", "after"),
    ("counter_a", "/office/intake/", "q"),
    ("counter_a", "/office/intake/", "procedure"),
    ("counter_a", "/office/intake/procedures/", "q"),
    ("counter_a", "/office/intake/applicant/", "applicant_id_number"),
    ("counter_a", "/documents/book/", "q"),
    ("leader_a", "/reports/", "unit"),
    ("leader_a", "/reports/", "start"),
    ("leader_a", "/reports/dashboard/", "unit"),
    ("leader_a", "/reports/figures/received/", "unit"),
    (None, "/portal/procedures/", "q"),
    (None, "/portal/lookup/", "code"),
]

API_FILTERS = [
    (None, "/api/v1/catalog/procedures", "q"),
    (None, "/api/v1/catalog/procedures", "field"),
    (None, "/api/v1/units", "kind"),
    ("counter_a", "/api/v1/dossiers", "q"),
    ("counter_a", "/api/v1/dossiers", "code"),
    ("leader_a", "/api/v1/reports/figures", "unit"),
]


def _client(client_of, username: str | None) -> Client:  # noqa: ANN001
    return client_of(username) if username else Client()


@pytest.mark.parametrize(("username", "path", "param"), SEARCH_BOXES)
@pytest.mark.parametrize("bad", [NUL, "\x1b", "abc\x00def"])
def test_control_characters_in_a_search_box_answer_a_friendly_400(client_of, now, username, path, param, bad) -> None:  # noqa: ANN001, E501
    r = _client(client_of, username).get(path, {param: bad})
    assert r.status_code == 400, (path, param, r.status_code)
    assert r["Content-Type"].startswith("text/html")
    html = r.content.decode()
    assert "Dữ liệu không hợp lệ" in html and '<html lang="vi"' in html


@pytest.mark.parametrize(("username", "path", "param"), API_FILTERS)
def test_a_nul_byte_in_an_api_filter_answers_the_validation_envelope(client_of, now, username, path, param) -> None:  # noqa: ANN001, E501
    r = _client(client_of, username).get(path, {param: NUL})
    assert r.status_code == 400, (path, param, r.status_code)
    err = r.json()["error"]
    assert err["code"] == "validation_error" and param in err["fields"]


def test_invalid_utf8_in_the_query_string_and_the_path(client_of, now) -> None:  # noqa: ANN001
    c = client_of("counter_a")
    assert c.get("/office/queues/receive/?q=%C3%28").status_code == 400
    assert c.get("/portal/procedures/%FF/").status_code == 400
    assert c.get("/portal/procedures/a%00b/").status_code == 400
    r = Client().get("/api/v1/lookup/%00")
    assert r.status_code == 400 and r.json()["error"]["code"] == "validation_error"


def test_control_characters_in_form_fields_and_json_bodies(client_of, world, now) -> None:  # noqa: ANN001
    r = Client().post("/login/", {"username": "counter_a\x00", "password": "x"})
    assert r.status_code == 400 and "username" in r.content.decode()
    r = client_of("counter_a").post("/api/v1/dossiers", data='{"note": "a\\u0000b"}', content_type="application/json")
    assert r.status_code == 400 and r.json()["error"]["fields"] == {"note": "control characters are not allowed"}


def test_ordinary_text_passes(client_of, now) -> None:  # noqa: ANN001
    c = client_of("counter_a")
    assert c.get("/office/queues/receive/", {"q": "Nguyễn Văn\tAn"}).status_code == 200
    assert Client().get("/portal/procedures/", {"q": "khai sinh"}).status_code == 200
    r = Client().post("/login/", {"username": "counter_a", "password": "dòng 1\r\ndòng 2"})
    assert r.status_code == 200


def test_the_office_search_form_refuses_control_characters_on_its_own(world) -> None:  # noqa: ANN001
    from motcua.office.forms import FilterForm

    def form(q: str) -> FilterForm:
        return FilterForm({"q": q}, procedures=[], fields=[], statuses=(1, 2))

    assert form("Nguyễn Văn An").is_valid()
    bad = form("An\x1b[31m")
    assert not bad.is_valid() and "q" in bad.errors
