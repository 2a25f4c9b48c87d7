"""Reports API: happy paths, scoping (403), bad input (4xx envelope), drill-down consistency."""

from __future__ import annotations

import pytest
from django.test import Client

from motcua.reports.figures import COUNT_FIGURES
from tests.reports.test_figures import EXPECTED_A

API = "/api/v1/reports"
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


def _get(client: Client, path: str, **params):  # noqa: ANN003, ANN202
    return client.get(API + path, params)


def api_error(resp, status: int, fields: tuple[str, ...] = ()) -> dict:  # noqa: ANN001
    assert resp.status_code == status, resp.content[:500]
    err = resp.json()["error"]
    assert set(err) == {"code", "message", "fields"}
    for f in fields:
        assert f in err["fields"], err
    return err


def test_figures_of_a_commune(month, client_of):
    a = month.world.communes["a"]
    r = _get(client_of("monitor"), "/figures", unit=a.code, **MARCH)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["counts"] == EXPECTED_A
    # the on-time rate's own numerator: the dossiers not late (8 of 12), not the late ones (issue 8, item 9)
    assert body["rates"]["on_time_rate"] == {"value": 66.66, "numerator": "not_late", "denominator": "to_process",
                                             "note": "100% - late rate"}
    assert body["rates"]["digitization_rate"]["value"] is None
    assert body["rates"]["digitization_rate"]["note"] == "no_data"
    assert body["average_processing_hours"] == 10.71
    assert body["start"].startswith("2026-02-28T17:00:00")  # 1 March 00:00 local, in UTC
    online = _get(client_of("monitor"), "/figures", unit=a.code, channel=2, **MARCH).json()
    assert online["counts"]["received"] == 1


def test_the_same_figure_everywhere(month, client_of):
    """Province figure = sum of communes; ranking figures = unit figures."""
    c = client_of("monitor")
    w = month.world
    prov = _get(c, "/figures", unit=w.province.code, **MARCH).json()["counts"]
    a = _get(c, "/figures", unit=w.communes["a"].code, **MARCH).json()["counts"]
    b = _get(c, "/figures", unit=w.communes["b"].code, **MARCH).json()["counts"]
    assert prov == {k: a[k] + b[k] for k in prov}


@pytest.mark.parametrize("user,unit,status", [
    ("monitor", "province", 200), ("monitor", "a", 200), ("leader_a", "a", 200), ("specialist_a", "a", 200),
    ("leader_a", "b", 403), ("leader_a", "province", 403), ("counter_a", "province", 403), ("citizen", "a", 403),
])
def test_scoping(month, client_of, user, unit, status):
    w = month.world
    code = w.province.code if unit == "province" else w.communes[unit].code
    for path, params in (("/figures", {"unit": code}), ("/figures/received/dossiers", {"unit": code}),
                         ("/index766", {"unit": code}), ("/index766/ranking", {"parent": code})):
        r = _get(client_of(user), path, **params, **MARCH)
        if status == 200:
            assert r.status_code == 200, (path, r.content)
        else:
            assert api_error(r, 403)["code"] == "forbidden", path


def test_anonymous_is_refused(month):
    r = _get(Client(), "/figures", unit=month.world.communes["a"].code, **MARCH)
    assert api_error(r, 401)["code"] == "unauthorized"


@pytest.mark.parametrize("params,fields", [
    ({"unit": "NO-SUCH-UNIT", **MARCH}, ("unit",)),
    ({"unit": "A", "start": "2026-03-31", "end": "2026-03-01"}, ("end",)),
    ({"unit": "A", "start": "2026-02-30", "end": "2026-03-31"}, ("start",)),
    ({"unit": "A", "start": "1999-01-01", "end": "1999-01-31"}, ("start", "end")),
    ({"unit": "A", "start": "2020-01-01", "end": "2026-03-31"}, ("end",)),
    ({"unit": "A", "channel": 7, **MARCH}, ("channel",)),
    ({"unit": "A", "basis": "owner", **MARCH}, ("basis",)),
    ({"unit": "A"}, ("start", "end")),
])
def test_bad_input_on_figures(month, client_of, params, fields):
    if params.get("unit") == "A":
        params = {**params, "unit": month.world.communes["a"].code}
    api_error(_get(client_of("monitor"), "/figures", **params), 422, fields)


def test_bad_input_on_drill_down_why_and_ranking(month, client_of):
    c, a = client_of("monitor"), month.world.communes["a"].code
    api_error(_get(c, "/figures/nonsense/dossiers", unit=a, **MARCH), 422, ("figure",))
    api_error(_get(c, "/figures/received/dossiers", unit=a, limit=0, **MARCH), 422, ("limit",))
    api_error(_get(c, "/figures/received/dossiers", unit=a, after="x", **MARCH), 422, ("after",))
    api_error(_get(c, "/dossiers/999999/why", **MARCH), 404)
    api_error(_get(c, "/index766/ranking", parent=a, kind="planet", **MARCH), 422, ("kind",))
    api_error(_get(c, "/index766/ranking", parent="NO-SUCH-UNIT", **MARCH), 422, ("parent",))


def test_drill_down_pages_add_up_to_every_figure(month, client_of):
    c, a = client_of("leader_a"), month.world.communes["a"].code
    counts = _get(c, "/figures", unit=a, **MARCH).json()["counts"]
    for figure in COUNT_FIGURES:
        seen: list[int] = []
        after = None
        while True:
            params = {"unit": a, "limit": 3, **MARCH, **({"after": after} if after else {})}
            page = _get(c, f"/figures/{figure}/dossiers", **params).json()
            seen += [item["id"] for item in page["items"]]
            after = page["next_after"]
            if after is None:
                break
        assert len(seen) == len(set(seen)) == counts[figure], figure


def test_why_explains_a_dossier(month, client_of):
    d4 = month.ids["D4"]
    r = _get(client_of("leader_a"), f"/dossiers/{d4}/why", **MARCH)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["category"] == "late"
    figures = [f["figure"] for f in body["figures"]]
    assert "resolved_late" in figures and "supplement_requested" in figures
    assert any(e["fact"] == "second_supplement" for e in body["explanation"])
    # a leader of commune B cannot see commune A's dossier
    api_error(_get(client_of("leader_b"), f"/dossiers/{d4}/why", **MARCH), 404)


def test_index766_and_ranking(month, client_of):
    c, w = client_of("monitor"), month.world
    r = _get(c, "/index766", unit=w.communes["a"].code, **MARCH)
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["points"], body["available_points"], body["version"]) == (18.42, 44.0, "2025")
    progress = next(g for g in body["groups"] if g["key"] == "progress")
    on_time = progress["indicators"][0]
    assert (on_time["numerator"], on_time["denominator"], on_time["ratio"], on_time["points"]) == (6, 9, 66.66, 13.33)
    assert progress["indicators"][1]["value"] == 10.71  # average processing time, for reference
    payment = next(g for g in body["groups"] if g["key"] == "payment")
    assert all(not i["available"] and i["points"] is None for i in payment["indicators"])
    ranking = _get(c, "/index766/ranking", parent=w.province.code, kind="commune", **MARCH).json()
    assert [(i["rank"], i["unit"], i["points"]) for i in ranking["items"]] == [
        (1, w.communes["a"].code, 18.42), (2, w.communes["b"].code, 0.0)]
