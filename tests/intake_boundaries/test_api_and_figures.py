"""Intake regardless of administrative boundaries in the API (the three units, field-level
refusals) and in the figures: the "by receiving unit / by handling unit" switch counts a dossier
received at commune A for commune B (or for a province department) for A, respectively for B."""

from __future__ import annotations

import pytest

from motcua.catalog.choices import IntakeAnywhere
from tests.api.conftest import ApiHelper

pytestmark = pytest.mark.django_db
SEPTEMBER = {"start": "2025-09-01", "end": "2025-09-30"}


@pytest.fixture
def api(across, client_of) -> ApiHelper:  # noqa: ANN001
    return ApiHelper(across.world, client_of)


def _error(r, field: str) -> dict:  # noqa: ANN001
    assert r.status_code == 422, r.content
    err = r.json()["error"]
    assert field in err["fields"], err
    return err


def test_the_api_receives_for_another_commune_and_names_the_three_units(across, api, client_of) -> None:  # noqa: ANN001
    w = across.world
    body = api.intake("counter_a", handling_unit_code=w.communes["b"].code,
                      result_delivery="counter", return_unit_code=w.commune_centres["b"].code)
    assert (body["receiving_unit_code"], body["handling_unit_code"], body["return_unit_code"]) == (
        w.commune_centres["a"].code, w.communes["b"].code, w.commune_centres["b"].code)
    assert (body["receiving_unit_name"], body["handling_unit_name"], body["return_unit_name"]) == (
        "TTPVHCC xã A", "Xã B", "TTPVHCC xã B")
    detail = api.get(client_of("counter_b"), f"/dossiers/{body['id']}")  # the return counter sees it
    assert detail.status_code == 200 and detail.json()["return_unit_code"] == w.commune_centres["b"].code
    assert api.get(client_of("counter_c"), f"/dossiers/{body['id']}").status_code == 404
    listed = api.get(client_of("specialist_c"), "/dossiers").json()["items"]
    assert listed == []
    # no return unit: handed over at the receiving counter; by post: at no counter
    plain = api.intake("counter_a", handling_unit_code=w.communes["b"].code, result_delivery="counter")
    assert plain["return_unit_code"] == w.commune_centres["a"].code
    posted = api.intake("counter_a", handling_unit_code=w.communes["b"].code, result_delivery="post")
    assert posted["return_unit_code"] is None and posted["return_unit_name"] is None


def test_the_api_refuses_by_field(across, api, client_of) -> None:  # noqa: ANN001
    w = across.world
    c = client_of("counter_a")
    err = _error(api.post(c, "/dossiers", api.payload(handling_unit_code=w.communes["x"].code)), "handling_unit_code")
    assert "across provinces" in err["fields"]["handling_unit_code"]
    _error(api.post(c, "/dossiers", api.payload(handling_unit_code=w.communes["b"].code,
                                                 return_unit_code=w.commune_centres["c"].code)), "return_unit_code")
    across.flag(IntakeAnywhere.NONE)
    _error(api.post(c, "/dossiers", api.payload(handling_unit_code=w.communes["b"].code)), "receiving_unit_code")
    assert api.get(client_of("admin"), "/dossiers").json()["items"] == []


def _received(client, unit, basis: str) -> int:  # noqa: ANN001
    r = client.get("/api/v1/reports/figures", {"unit": unit.code, "basis": basis, **SEPTEMBER})
    assert r.status_code == 200, r.content
    assert r.json()["filters"]["basis"] == basis
    return r.json()["counts"]["received"]


def test_figures_count_for_the_receiving_or_the_handling_unit_as_switched(across, client_of) -> None:  # noqa: ANN001
    w = across.world
    across.receive("a", "b")  # commune A for commune B
    across.receive("a", "department", procedure="2.000815")  # commune A for the province department
    c = client_of("monitor")
    a, b, dept = w.communes["a"], w.communes["b"], w.department
    assert (_received(c, a, "receiving"), _received(c, b, "receiving"), _received(c, dept, "receiving")) == (2, 0, 0)
    assert (_received(c, a, "handling"), _received(c, b, "handling"), _received(c, dept, "handling")) == (0, 1, 1)
    assert _received(c, w.province, "receiving") == _received(c, w.province, "handling") == 2
    # the report page offers the switch and keeps it; the exports follow it
    html = c.get("/reports/", {"unit": a.code, "basis": "receiving", **SEPTEMBER}).content.decode()
    assert 'name="basis"' in html and '<option value="receiving" selected>' in html
    csv_a = c.get("/api/v1/reports/export/dossiers.csv", {"unit": a.code, "basis": "receiving", **SEPTEMBER})
    csv_b = c.get("/api/v1/reports/export/dossiers.csv", {"unit": b.code, "basis": "handling", **SEPTEMBER})
    text_a, text_b = b"".join(csv_a.streaming_content).decode(), b"".join(csv_b.streaming_content).decode()
    assert text_a.count(w.commune_centres["a"].code + "-") == 2, text_a[:800]  # both dossiers' codes
    assert text_b.count(w.commune_centres["a"].code + "-") == 1, text_b[:800]
