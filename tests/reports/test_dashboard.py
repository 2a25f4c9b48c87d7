"""The leaders' operations dashboard: roles, charts (valid SVG with a title and a data table), the
auto-refresh fragment, the per-minute cache, and one number everywhere: the report page, the
dashboard, the API JSON and the CSV export agree on the hand-built month."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache

from motcua.reports import charts
from motcua.reports.figures import COUNT_FIGURES
from tests.reports.test_figures import EXPECTED_A
from tests.reports.test_pages import page_numbers, page_rates

DASH = "/reports/dashboard/"
BODY = "/reports/dashboard/body/"
RANKING = "/reports/dashboard/ranking/"
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def march(month, clock):  # noqa: ANN001, ANN201
    """The hand-built month, seen on its last day: the dashboard's month to date is March."""
    clock.set("2026-03-31 16:00")
    return month


def svgs(html: str) -> list[ET.Element]:
    return [ET.fromstring(s) for s in re.findall(r"<svg.*?</svg>", html, flags=re.S)]


def check_svg(root: ET.Element) -> None:
    assert root.tag == SVG + "svg" and root.get("role") == "img"
    title = root.find(SVG + "title")
    assert title is not None and title.text
    assert root.get("aria-labelledby") == title.get("id")


# ---- who may see it -------------------------------------------------------------------------------

@pytest.mark.parametrize("user,unit,status", [
    ("leader_a", None, 200), ("leader_a", "a", 200), ("monitor", "province", 200), ("admin", "b", 200),
    ("leader_p", None, 200), ("leader_a", "b", 403), ("leader_a", "province", 403),
    ("counter_a", None, 403), ("specialist_a", "a", 403), ("citizen", None, 403),
])
def test_roles_and_scope(march, client_of, user, unit, status):
    w = march.world
    params = {"unit": w.province.code if unit == "province" else w.communes[unit].code} if unit else {}
    for path in (DASH, BODY, RANKING):
        r = client_of(user).get(path, params)
        assert r.status_code == status, (path, r.content[:300])
        if status == 403:
            assert "không có quyền" in r.content.decode().lower()


def test_an_unknown_unit_is_a_friendly_400(march, client_of):
    r = client_of("monitor").get(DASH, {"unit": "NO-SUCH"})
    assert r.status_code == 400 and "Không có đơn vị nào" in r.content.decode()


# ---- what it shows --------------------------------------------------------------------------------

def test_the_dashboard_of_a_commune(march, client_of):
    r = client_of("leader_a").get(DASH)
    assert r.status_code == 200
    html = r.content.decode()
    assert "Số liệu tính đến 16:00 ngày 31/03/2026" in html
    nums = page_numbers(html)
    assert nums["in_progress_late"] == 1 and nums["about_to_be_late"] == EXPECTED_A["about_to_be_late"]
    assert page_rates(html)["on_time_rate"] == 66.66
    assert "Hồ sơ đang quá hạn theo thủ tục" in html and "1.001193 - Thủ tục đăng ký khai sinh" in html
    assert "Tiếp nhận hôm nay: 1 hồ sơ" in html  # D9, received 31 March 14:00


def test_every_chart_is_valid_svg_with_a_title_and_a_data_table(march, client_of):
    html = client_of("monitor").get(DASH).content.decode()
    assert f'hx-get="{RANKING}?unit=' in html and 'hx-trigger="load"' in html  # the ranking comes after
    html += client_of("monitor").get(RANKING).content.decode()
    roots = svgs(html)
    assert len(roots) == 6  # rates trend, intake trend, hot procedures, today by hour; ranking, hot units
    for root in roots:
        check_svg(root)
    assert html.count('<details class="chart-data">') == len(roots)
    assert "03/26" in html and "04/25" in html  # twelve months, March 2026 back to April 2025


def test_the_page_refreshes_its_body_every_minute(march, client_of):
    w = march.world
    html = client_of("monitor").get(DASH, {"unit": w.communes["a"].code}).content.decode()
    assert 'hx-trigger="every 60s"' in html
    assert f'hx-get="{BODY}?unit={w.communes["a"].code}"' in html
    assert "office/vendor/htmx.min.js" in html and "X-CSRFToken" in html
    body = client_of("monitor").get(BODY, {"unit": w.communes["a"].code}, HTTP_HX_REQUEST="true")
    fragment = body.content.decode()
    assert body.status_code == 200 and "<html" not in fragment and 'class="asof"' in fragment
    assert page_numbers(fragment) == page_numbers(html)


def test_the_dashboard_is_computed_once_a_minute(march, client_of, clock, monkeypatch,
                                                 django_assert_max_num_queries):
    from motcua.reports import dashboard as pages

    calls = []
    real = pages.build_dashboard
    monkeypatch.setattr(pages, "build_dashboard", lambda q, now: calls.append(now) or real(q, now))
    c = client_of("monitor")
    # cold, 106 measured on 2026-12-08 (30 of them bring the read model up to date): the headline, 11 past
    # months from one read, hot spots, today, late steps. The current month is the read model up to today's
    # midnight corrected by the dossiers changed since: each section that asks finds them (4 queries) and
    # reads their facts at midnight and now (2 x 7 queries); a fixed cost, whatever the volume
    with django_assert_max_num_queries(110):
        c.get(DASH)
    # 54 measured: the ranking, after the page: the unit's and its subordinate units' figures from one read
    # (the month to midnight, corrected by the dossiers changed since, as above);
    # each unit's index adds its measures from feedback (the other providers' measures are asked of the
    # parent first: a measure without data there has none in any unit)
    with django_assert_max_num_queries(60):
        c.get(RANKING)
    with django_assert_max_num_queries(10):  # the same minute: sessions and units only
        c.get(BODY)
        c.get(RANKING)
    assert len(calls) == 1
    clock.set("2026-03-31 16:01")
    assert "Số liệu tính đến 16:01" in c.get(BODY).content.decode()
    assert len(calls) == 2


# ---- the same number everywhere -------------------------------------------------------------------

def _csv_rows(client, figure: str, unit: str) -> int:  # noqa: ANN001
    r = client.get("/api/v1/reports/export/dossiers.csv", {"unit": unit, "figure": figure, **MARCH})
    assert r.status_code == 200
    body = b"".join(r.streaming_content).decode("utf-8-sig")
    return len(list(csv.reader(io.StringIO(body, newline="")))) - 1


@pytest.mark.parametrize("commune", ["a", "b"])
def test_page_dashboard_api_and_csv_agree(march, client_of, commune):
    c, unit = client_of("monitor"), march.world.communes[commune].code
    api = c.get("/api/v1/reports/figures", {"unit": unit, **MARCH}).json()
    page = c.get("/reports/", {"unit": unit, **MARCH}).content.decode()
    dash = c.get(DASH, {"unit": unit}).content.decode()
    assert page_numbers(page) == api["counts"]
    if commune == "a":
        assert api["counts"] == EXPECTED_A
    for key, n in page_numbers(dash).items():
        assert n == api["counts"][key], key
    for key, value in page_rates(page).items():
        assert value == api["rates"][key]["value"], key
    for key, value in page_rates(dash).items():
        assert value == api["rates"][key]["value"], key
    for figure in COUNT_FIGURES:
        assert _csv_rows(c, figure, unit) == api["counts"][figure], figure


def test_ranking_chart_agrees_with_the_api(march, client_of):
    w = march.world
    c = client_of("monitor")
    api = c.get("/api/v1/reports/index766/ranking", {"parent": w.province.code, **MARCH}).json()
    html = c.get(RANKING).content.decode()
    assert "<html" not in html
    table = re.search(r'id="ranking".*?</table>', html, flags=re.S).group(0)
    for item in api["items"]:
        points = charts.fmt_number(item["points"])  # N/A for a unit without data, listed unranked
        label = f'{item["rank"]}. {item["unit_name"]}' if item["rank"] else item["unit_name"]
        assert f'{label}</th><td class="num">{points}<' in table


# ---- the chart builders ---------------------------------------------------------------------------

def test_chart_builders_escape_text_and_handle_gaps():
    nasty = 'Xã <A> & "B"'
    built = [
        charts.line_chart("l", nasty, ["01/26", "02/26", "03/26"],
                          [charts.Series(nasty, [None, 50.0, 75.5]), charts.Series("x", [None, None, None])],
                          y_max=100),
        charts.bar_chart("b", nasty, [(nasty, 3), ("y", None)]),
        charts.bar_chart("e", "empty", []),
        charts.column_chart("c", "cols", ["7h", "8h"], [0, 12]),
        charts.column_chart("z", "zeros", [], []),
    ]
    for chart in built:
        check_svg(ET.fromstring(str(chart.svg)))
    assert built[0].rows[0] == ("01/26", "N/A", "N/A")
    assert built[0].rows[2][1] == "75,50%"
    assert charts.fmt_number(1234567) == "1.234.567"
