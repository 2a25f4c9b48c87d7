"""The report page, the dashboard, the figures API and the exports give the same numbers, for the
current period (judged as of now, and saying so) and for a past one (issue 8, item 8); rates show
their own numerator and denominator, units without data show N/A in the 766 ranking (item 9).

Dossiers are made through the services under a frozen clock (procedure 1.001193: 1 working day).
"""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from django.core.cache import cache

from motcua.dossiers import services as svc
from motcua.reports import periodic
from tests.reports.test_pages import page_numbers, page_rates

API = "/api/v1/reports"
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}
JUDGED = ("to_process", "in_progress_on_time", "in_progress_late", "late", "not_late", "about_to_be_late")


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def two_open(world, clock):  # noqa: ANN001, ANN201
    """Two open dossiers of commune A: one received 2 March (due 3 March 09:00), one received on
    10 March 09:00 (due 11 March 09:00)."""
    counter = world.actor("counter_a")
    out = []
    for t in ("2026-03-02 09:00", "2026-03-10 09:00"):
        clock.set(t)
        d = svc.intake(counter, world.intake_request())
        svc.start(counter, d.pk)
        out.append(d)
    return out


def _csv_count(c, unit: str, figure: str) -> int:  # noqa: ANN001
    r = c.get(f"{API}/export/dossiers.csv", {"unit": unit, "figure": figure, **MARCH})
    assert r.status_code == 200
    body = b"".join(r.streaming_content).decode("utf-8-sig")
    return len(list(csv.reader(io.StringIO(body, newline="")))) - 1


def _xlsx(r) -> openpyxl.Workbook:  # noqa: ANN001
    assert r.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content)))


def _xlsx_count(c, unit: str, figure: str) -> int:  # noqa: ANN001
    wb = _xlsx(c.get(f"{API}/export/dossiers.xlsx", {"unit": unit, "figure": figure, **MARCH}))
    return sum(1 for _ in wb["Hồ sơ"].iter_rows(min_row=2, values_only=True))


def _report_row(c, world, name: str) -> dict[str, object]:  # noqa: ANN001
    wb = _xlsx(c.get(f"{API}/export/report.xlsx", {"unit": world.province.code, "kind": "commune", **MARCH}))
    ws = wb["Báo cáo"]
    for r in ws.iter_rows(min_row=periodic.DATA_ROW + 1, values_only=True):
        if r[1] == name:
            return {col.key: r[periodic.FIRST + i] for i, col in enumerate(periodic.COLUMNS)}
    raise AssertionError(name)


def _everywhere(c, world, dashboard: bool) -> list[dict[str, object]]:  # noqa: ANN001
    """The judged figures of commune A in March from every entry point."""
    a = world.communes["a"]
    api = c.get(f"{API}/figures", {"unit": a.code, **MARCH}).json()
    page = c.get("/reports/", {"unit": a.code, "period": "month", "month": "2026-03"}).content.decode()
    out = [{k: api["counts"][k] for k in JUDGED} | {"on_time_rate": api["rates"]["on_time_rate"]["value"]},
           {k: page_numbers(page)[k] for k in JUDGED} | {"on_time_rate": page_rates(page)["on_time_rate"]},
           {k: _csv_count(c, a.code, k) for k in JUDGED} | {"on_time_rate": api["rates"]["on_time_rate"]["value"]},
           {k: _xlsx_count(c, a.code, k) for k in JUDGED} | {"on_time_rate": api["rates"]["on_time_rate"]["value"]}]
    row = _report_row(c, world, a.name)
    out.append({"to_process": row["to_process"], "in_progress_on_time": row["in_progress_on_time"],
                "in_progress_late": row["in_progress_late"], **{k: out[0][k] for k in JUDGED[3:]},
                "on_time_rate": float(row["on_time_rate"]) if row["on_time_rate"] != "N/A" else None})
    if dashboard:
        html = c.get("/reports/dashboard/", {"unit": a.code}).content.decode()
        tiles = page_numbers(html)
        out.append({k: tiles.get(k, out[0][k]) for k in JUDGED} | {"on_time_rate": page_rates(html)["on_time_rate"]})
    return out


def test_the_current_month_is_judged_as_of_now_everywhere(world, clock, client_of, two_open):  # noqa: ANN001
    clock.set("2026-03-10 15:00")  # March is still running: the second dossier has 2 h left, not late
    c = client_of("monitor")
    results = _everywhere(c, world, dashboard=True)
    expected = {"to_process": 2, "in_progress_on_time": 1, "in_progress_late": 1, "late": 1, "not_late": 1,
                "about_to_be_late": 1, "on_time_rate": 50.0}
    for r in results:
        assert r == expected
    a = world.communes["a"]
    page = c.get("/reports/", {"unit": a.code, "period": "month", "month": "2026-03"}).content.decode()
    assert "Số liệu tính đến 15:00 ngày 10/03/2026" in page
    api = c.get(f"{API}/figures", {"unit": a.code, **MARCH}).json()
    assert api["as_of"].startswith("2026-03-10T08:00:00") and api["end"].startswith("2026-03-31T17:00:00")
    dash = c.get("/reports/dashboard/", {"unit": a.code}).content.decode()
    assert "Số liệu tính đến 15:00 ngày 10/03/2026" in dash


def test_a_past_month_is_judged_at_its_end_everywhere(world, clock, client_of, two_open):  # noqa: ANN001
    clock.set("2026-04-05 10:00")  # both still open at the end of March: both late
    c = client_of("monitor")
    expected = {"to_process": 2, "in_progress_on_time": 0, "in_progress_late": 2, "late": 2, "not_late": 0,
                "about_to_be_late": 0, "on_time_rate": 0.0}
    for r in _everywhere(c, world, dashboard=False):
        assert r == expected
    page = c.get("/reports/", {"unit": world.communes["a"].code, "period": "month", "month": "2026-03"})
    assert "Số liệu tính tại thời điểm kết thúc kỳ (hết ngày 31/03/2026)" in page.content.decode()


def test_rates_show_their_own_numerator_and_denominator(month, client_of):  # noqa: ANN001
    a = month.world.communes["a"]
    html = client_of("leader_a").get("/reports/", {"unit": a.code, **MARCH}).content.decode()
    row = re.search(r'<tr>\s*<th scope="row">Tỷ lệ đúng hạn.*?</tr>', html, flags=re.S).group(0)
    # 66.66% on time: 8 not late of 12 to process (not "4 / 12", the late count)
    assert re.search(r">8</a> <span class=\"meta\">Không quá hạn", row), row
    assert re.search(r">12</a> <span class=\"meta\">Phải giải quyết", row), row
    late = re.search(r'<tr>\s*<th scope="row">Tỷ lệ quá hạn.*?</tr>', html, flags=re.S).group(0)
    assert ">4</a>" in late
    # the online row counts channel 2 only, not every channel: on the page, in the API and in the report
    assert page_numbers(html)["received_online"] == 1 and page_numbers(html)["received"] == 10
    assert dict(re.findall(r'data-channel="(\d)">(\d+)<', html)) == {"1": "9", "2": "1", "3": "0"}
    api = client_of("leader_a").get(f"{API}/figures", {"unit": a.code, **MARCH}).json()
    assert (api["counts"]["received_online"], api["rates"]["online_rate"]["numerator"]) == (1, "received_online")
    row = _report_row(client_of("monitor"), month.world, a.name)
    assert (row["received@2"], row["received@1"], row["received@3"]) == (1, 9, 0)


def test_units_without_data_show_na_in_the_ranking(month, client_of):  # noqa: ANN001
    w = month.world
    c = client_of("monitor")
    html = c.get("/reports/", {"unit": w.province.code, **MARCH}).content.decode()
    ranking = re.search(r'class="ranking".*?</table>', html, flags=re.S).group(0)
    dept = re.search(rf'<tr data-unit="{w.department.code}">.*?</tr>', ranking, flags=re.S).group(0)
    assert "N/A" in dept and "0,00</td><td" not in dept.split("</th>")[1][:40]
    assert dept.startswith(f'<tr data-unit="{w.department.code}"><td class="num">-</td>')
    api = c.get(f"{API}/index766/ranking", {"parent": w.province.code, **MARCH}).json()
    by_unit = {i["unit"]: i for i in api["items"]}
    assert by_unit[w.department.code]["points"] is None and by_unit[w.department.code]["rank"] is None
    assert api["items"][-1]["unit"] == w.department.code  # listed last
    assert by_unit[w.communes["b"].code]["points"] == 0.0  # has data: a real zero
