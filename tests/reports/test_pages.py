"""Report page, drill-down and "why" pages on the hand-built month of tests/reports/conftest.py:
every figure shown with its link, scoping (403), bad parameters (400, never 500)."""

from __future__ import annotations

import re

import pytest

from motcua.reports.figures import COUNT_FIGURES
from tests.reports.test_figures import EXPECTED_A, MEMBERS_A

MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


def page_numbers(html: str, attr: str = "data-figure") -> dict[str, int]:
    """{figure: count} from ``<a ... data-figure="key">N</a>`` in a page."""
    return {k: int(v) for k, v in re.findall(attr + r'="([a-z_]+)">(\d+)<', html)}


def page_rates(html: str) -> dict[str, float | None]:
    pairs = re.findall(r'data-rate="(\w+)" data-value="([^"]*)"', html)
    return {k: None if v == "None" else float(v) for k, v in pairs}


def _get(client, path: str = "/reports/", **params):  # noqa: ANN001, ANN202
    return client.get(path, params)


def test_the_report_shows_every_figure_with_a_link(month, client_of):
    a = month.world.communes["a"]
    r = _get(client_of("leader_a"), unit=a.code, **MARCH)
    assert r.status_code == 200
    html = r.content.decode()
    assert page_numbers(html) == EXPECTED_A
    assert set(page_numbers(html)) == set(COUNT_FIGURES)
    assert page_rates(html)["on_time_rate"] == 66.66
    assert page_rates(html)["digitization_rate"] is None and page_rates(html)["satisfaction_rate"] == 66.66
    assert 'data-figure="average_processing_hours">10,71' in html
    assert "/reports/figures/resolved_late/?unit=" in html


def test_received_by_channel_links_to_the_filtered_list(month, client_of):
    html = _get(client_of("monitor"), unit=month.world.communes["a"].code, **MARCH).content.decode()
    assert dict(re.findall(r'data-channel="(\d)">(\d+)<', html)) == {"1": "9", "2": "1", "3": "0"}
    assert "/reports/figures/received/?unit=" in html and "channel=2" in html


def test_export_buttons_carry_the_same_filters(month, client_of):
    a = month.world.communes["a"]
    html = _get(client_of("monitor"), unit=a.code, channel="2", **MARCH).content.decode()
    for path in ("export/dossiers.csv", "export/dossiers.xlsx", "export/report.xlsx"):
        assert f"/api/v1/reports/{path}?unit={a.code}&amp;start=2026-03-01&amp;end=2026-03-31&amp;channel=2" in html


@pytest.mark.parametrize("params,first,last", [
    ({"period": "month", "month": "2026-02"}, "01/02/2026", "28/02/2026"),
    ({"period": "quarter", "year": "2026", "quarter": "1"}, "01/01/2026", "31/03/2026"),
    ({"period": "year", "year": "2025"}, "01/01/2025", "31/12/2025"),
    ({"period": "custom", "start": "2026-03-02", "end": "2026-03-04"}, "02/03/2026", "04/03/2026"),
    ({}, "01/04/2026", "30/04/2026"),  # the current month (the clock is at 20 April)
])
def test_periods(month, client_of, params, first, last):
    r = _get(client_of("monitor"), unit=month.world.communes["a"].code, **params)
    assert r.status_code == 200
    assert f"từ {first} đến {last}" in r.content.decode()


def test_the_index_and_the_ranking_of_the_children(month, client_of):
    w = month.world
    html = _get(client_of("monitor"), unit=w.province.code, **MARCH).content.decode()
    api = client_of("monitor").get("/api/v1/reports/index766/ranking", {"parent": w.province.code, **MARCH}).json()
    assert "Xếp hạng các đơn vị trực thuộc" in html
    for item in api["items"]:
        assert item["unit_name"] in html
    own = client_of("monitor").get("/api/v1/reports/index766", {"unit": w.province.code, **MARCH}).json()
    points = re.search(r'data-figure="index_points">([\d,]+)<', html).group(1)
    assert float(points.replace(",", ".")) == own["points"]


def test_drill_down_lists_the_dossiers_of_a_figure(month, client_of):
    a = month.world.communes["a"]
    r = _get(client_of("leader_a"), "/reports/figures/resolved_late/", unit=a.code, **MARCH)
    assert r.status_code == 200
    ids = [int(i) for i in re.findall(r'data-dossier="(\d+)"', r.content.decode())]
    assert month.names(ids) == MEMBERS_A["resolved_late"]
    assert "export/dossiers.csv?" in r.content.decode() and "figure=resolved_late" in r.content.decode()


def test_drill_down_pages_by_keyset(month, client_of, monkeypatch):
    monkeypatch.setattr("motcua.reports.pages.PAGE_SIZE", 4)
    c, a = client_of("monitor"), month.world.communes["a"]
    first = _get(c, "/reports/figures/received/", unit=a.code, **MARCH).content.decode()
    ids = [int(i) for i in re.findall(r'data-dossier="(\d+)"', first)]
    nxt = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    second = c.get(nxt).content.decode()
    ids += [int(i) for i in re.findall(r'data-dossier="(\d+)"', second)]
    third = c.get(re.search(r'href="([^"]+)" rel="next"', second).group(1).replace("&amp;", "&")).content.decode()
    ids += [int(i) for i in re.findall(r'data-dossier="(\d+)"', third)]
    assert 'rel="next"' not in third
    assert ids == sorted(ids) and month.names(ids) == MEMBERS_A["received"]


def test_why_explains_a_dossier(month, client_of):
    a, d4 = month.world.communes["a"], month.ids["D4"]
    r = _get(client_of("leader_a"), f"/reports/dossiers/{d4}/why/", unit=a.code, **MARCH)
    assert r.status_code == 200
    html = r.content.decode()
    assert "Giải quyết quá hạn" in html and "yêu cầu bổ sung 2 lần" in html
    assert "Kết luận" in html


def test_why_of_a_dossier_outside_the_scope_is_not_found(month, client_of):
    r = _get(client_of("leader_b"), f"/reports/dossiers/{month.ids['D4']}/why/", **MARCH)
    assert r.status_code == 404
    assert "Không tìm thấy hồ sơ" in r.content.decode()


@pytest.mark.parametrize("user,unit,status", [
    ("monitor", "province", 200), ("leader_a", "a", 200), ("specialist_a", "a", 200), ("leader_a", None, 200),
    ("leader_a", "b", 403), ("leader_a", "province", 403), ("counter_a", "province", 403), ("citizen", "a", 403),
])
def test_scoping(month, client_of, user, unit, status):
    w = month.world
    params = {**MARCH}
    if unit:
        params["unit"] = w.province.code if unit == "province" else w.communes[unit].code
    for path in ("/reports/", "/reports/figures/received/"):
        r = _get(client_of(user), path, **params)
        assert r.status_code == status, (path, r.content[:300])


def test_a_leader_picks_only_units_of_the_own_subtree(month, client_of):
    html = _get(client_of("leader_a"), **MARCH).content.decode()
    options = re.findall(r'<option value="([^"]+)"[^>]*>[^<]*Xã', html)
    assert month.world.communes["a"].code in options
    assert month.world.communes["b"].code not in options


def test_anonymous_is_sent_to_login(month):
    from django.test import Client

    r = Client().get("/reports/")
    assert r.status_code == 302 and "/login/" in r["Location"]


@pytest.mark.parametrize("params,text", [
    ({"unit": "NO-SUCH-UNIT", **MARCH}, "Không có đơn vị nào"),
    ({"start": "2026-03-31", "end": "2026-03-01"}, "Ngày kết thúc không hợp lệ"),
    ({"start": "2026-02-30", "end": "2026-03-31"}, "Ngày bắt đầu không hợp lệ"),
    ({"start": "hôm qua", "end": "2026-03-31"}, "Ngày bắt đầu không hợp lệ"),
    ({"start": "1999-01-01", "end": "1999-01-31"}, "Ngày bắt đầu"),
    ({"start": "2020-01-01", "end": "2026-03-31"}, "tối đa 3 năm"),
    ({"period": "week"}, "Loại kỳ báo cáo"),
    ({"period": "month", "month": "2026-13"}, "Tháng không hợp lệ"),
    ({"period": "quarter", "quarter": "5"}, "Quý phải từ 1 đến 4"),
    ({"period": "year", "year": "20x6"}, "Năm không hợp lệ"),
    ({"channel": "9", **MARCH}, "Kênh nộp không hợp lệ"),
    ({"procedure": "9.999999", **MARCH}, "Không có thủ tục"),
    ({"field": "NOPE", **MARCH}, "Không có lĩnh vực"),
    ({"basis": "sideways", **MARCH}, "Cách tính"),
])
def test_bad_parameters_are_a_friendly_400(month, client_of, params, text):
    r = _get(client_of("monitor"), **params)
    assert r.status_code == 400, r.content[:300]
    html = r.content.decode()
    assert text in html
    assert 'name="unit"' in html  # the form is shown again to correct the query


@pytest.mark.parametrize("path,params", [
    ("/reports/figures/no_such_figure/", MARCH),
    ("/reports/figures/received/", {"after": "x", **MARCH}),
    ("/reports/figures/received/", {"start": "2026-03-01", "end": "nope"}),
    ("/reports/dossiers/1/why/", {"start": "2026-03-01", "end": "2026-02-01"}),
])
def test_bad_parameters_of_the_sub_pages(month, client_of, path, params):
    assert _get(client_of("monitor"), path, **params).status_code == 400


def test_the_report_reads_a_bounded_number_of_queries(month, client_of, django_assert_max_num_queries):
    """Queries do not grow with the dossiers (pinned: the figures are read a few times, by id chunks)."""
    c, a = client_of("monitor"), month.world.communes["a"]
    c.get("/reports/", {"unit": a.code, **MARCH})  # warm the session and reference caches
    with django_assert_max_num_queries(60):
        assert c.get("/reports/", {"unit": a.code, **MARCH}).status_code == 200
