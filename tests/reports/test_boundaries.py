"""Figures across a reorganization, on rows made by hand (the reorganization service makes the same).

The hand-built month of March 2026 (tests/reports/conftest.py), then commune A merged into commune
B on 20 April 2026: A ends (dissolved, successor B, its version closed), its open dossiers (D3, D4, D8, D13 not
collected, D9 in progress, D11 waiting for a supplement) get a TRANSFER event and B as their
handling unit. March asked by the boundaries of the time must not change; asked by today's units,
B's March is A's plus B's.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from motcua.core import refcache
from motcua.core.clock import LOCAL_TZ
from motcua.domain.errors import ValidationFailed
from motcua.domain.lifecycle import Action
from motcua.dossiers import services as dsvc
from motcua.dossiers.models import Dossier
from motcua.reports import boundaries as bd
from motcua.reports import services as svc
from motcua.reports.facts import Filters
from motcua.reports.figures import COUNT_FIGURES
from motcua.units.models import Unit, UnitSuccession, UnitVersion

REFORM = date(2026, 4, 20)
AT = datetime(2026, 4, 20, 0, 0, tzinfo=LOCAL_TZ)
THEN, NOW, DEFAULT = Filters(boundaries="then"), Filters(boundaries="now"), Filters()


def merge_a_into_b(world) -> list[int]:  # noqa: ANN001
    """What a merge writes, by hand: the successor, the succession, the closed version, and one
    TRANSFER event per open dossier through the dossier services' event writer."""
    a, b = world.communes["a"], world.communes["b"]
    UnitVersion.objects.filter(unit=a, valid_until__isnull=True).update(valid_until=REFORM)
    UnitSuccession.objects.create(predecessor=a, successor=b, effective_on=REFORM, primary=True)
    Unit.objects.filter(pk=a.pk).update(dissolved_on=REFORM, successor=b)
    moved = list(Dossier.objects.filter(handling_unit=a, status__in=(1, 2, 4, 5, 6, 9)).order_by("pk"))
    who = dsvc.Actor.system_actor("Nghị quyết 1234/NQ-UBTVQH15")
    for d in moved:
        Dossier.objects.filter(pk=d.pk).update(handling_unit=b, handling_path=b.path)
        d.refresh_from_db()
        data = {"from_unit": a.pk, "to_unit": b.pk, "from_code": a.code, "to_code": b.code, "which": "handling",
                "reorganization": None}
        dsvc._event(d, who, dsvc.R.ADMIN, Action.TRANSFER, d.status, d.status, AT,
                    "Chuyển theo Nghị quyết 1234/NQ-UBTVQH15", data)
    refcache.clear()  # as the reorganization service does: the unit tables changed
    return [d.pk for d in moved]


def counts(unit: Unit, period: svc.Period, filters: Filters = DEFAULT, events: bool = False) -> dict[str, int]:
    unit = Unit.objects.get(pk=unit.pk)
    compute = svc.compute_figures_from_events if events else svc.compute_figures
    return compute(unit, period.start, period.end, filters).counts


@pytest.fixture
def merged(month):  # noqa: ANN001, ANN201
    w, p = month.world, month.period
    before = {k: counts(u, p) for k, u in (("a", w.communes["a"]), ("b", w.communes["b"]), ("p", w.province))}
    moved = merge_a_into_b(w)
    return month, before, moved


def test_the_merge_moved_the_open_dossiers(merged) -> None:  # noqa: ANN001
    month, _before, moved = merged
    assert month.names(moved) == {"D3", "D4", "D8", "D9", "D11", "D13"}  # open or not collected


@pytest.mark.parametrize("events", [False, True], ids=["read model", "event log"])
def test_march_by_the_old_boundaries_does_not_change(merged, events) -> None:  # noqa: ANN001
    month, before, _moved = merged
    w = month.world
    assert counts(w.communes["a"], month.period, THEN, events) == before["a"]
    assert counts(w.communes["b"], month.period, THEN, events) == before["b"]
    assert counts(w.province, month.period, THEN, events) == before["p"]
    assert before["a"]["received"] == 10 and before["a"]["in_progress_late"] == 1  # the hand-worked month


@pytest.mark.parametrize("events", [False, True], ids=["read model", "event log"])
def test_the_successor_now_is_the_sum_of_its_predecessors(merged, events) -> None:  # noqa: ANN001
    month, before, _moved = merged
    w = month.world
    now_b = counts(w.communes["b"], month.period, NOW, events)
    assert now_b == {k: before["a"][k] + before["b"][k] for k in COUNT_FIGURES}
    assert counts(w.province, month.period, NOW, events) == before["p"]
    assert counts(w.communes["b"], month.period, Filters(), events) == now_b  # today's units by default


def test_an_ended_unit_is_asked_by_the_old_boundaries(merged) -> None:  # noqa: ANN001
    month, before, _moved = merged
    a = Unit.objects.get(pk=month.world.communes["a"].pk)
    assert counts(a, month.period) == before["a"]  # the default for an ended unit: then
    with pytest.raises(ValidationFailed) as e:
        counts(a, month.period, NOW)
    assert "boundaries" in e.value.fields


def test_after_the_reform_the_moved_dossiers_count_for_the_successor(merged) -> None:  # noqa: ANN001
    month, _before, _moved = merged
    w = month.world
    april = svc.period_of(date(2026, 4, 1), date(2026, 4, 30))  # the clock is 20 April: running
    a = Unit.objects.get(pk=w.communes["a"].pk)
    assert counts(a, april, THEN)["carried_over"] == 0  # A no longer exists at the period end
    then_b, now_b = counts(w.communes["b"], april, THEN), counts(w.communes["b"], april, NOW)
    assert then_b["carried_over"] == 3 == now_b["carried_over"]  # D8, D9, D11 (B had none open)
    assert then_b == counts(w.communes["b"], april, THEN, events=True)


def test_drill_down_follows_the_boundaries(merged) -> None:  # noqa: ANN001
    month, _before, _moved = merged
    w, p = month.world, month.period
    b = Unit.objects.get(pk=w.communes["b"].pk)
    then = month.names(i for i, _c in svc.dossiers_for("received", b, p.start, p.end, THEN))
    now = month.names(i for i, _c in svc.dossiers_for("received", b, p.start, p.end, NOW))
    assert then == {"D16"}
    assert now == {"D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8", "D9", "D15", "D16"}


def test_unit_maps(merged) -> None:  # noqa: ANN001
    month, _before, _moved = merged
    w = month.world
    a, b = w.communes["a"], w.communes["b"]
    m = bd.load_map()
    assert m.reorganized and m.today_of(a.pk) == b.pk and m.today_of(b.pk) == b.pk
    assert m.path_on(a.pk, date(2026, 3, 31)) == a.path and m.path_on(a.pk, REFORM) is None
    assert m.units_now(b) == {a.pk, b.pk, w.commune_centres["b"].pk}  # A's centre was not moved by hand
    assert a.pk not in m.units_then(b, date(2026, 3, 31))
    assert bd.last_id("/1/7/42/") == 42


def test_nothing_reorganized_is_the_path_prefix(month) -> None:  # noqa: ANN001
    scope = bd.scope_of(month.world.communes["a"], "", month.period.end)
    assert scope.trivial and scope.boundaries == bd.NOW


def test_unknown_boundaries_are_refused(month) -> None:  # noqa: ANN001
    with pytest.raises(ValidationFailed) as e:
        bd.scope_of(month.world.communes["a"], "yesterday", month.period.end)
    assert e.value.fields == {"boundaries": "then or now"}


def test_the_api_takes_the_boundaries(merged, client_of) -> None:  # noqa: ANN001
    month, before, _moved = merged
    b = month.world.communes["b"].code
    c = client_of("monitor")
    url = f"/api/v1/reports/figures?unit={b}&start=2026-03-01&end=2026-03-31"
    then, now = c.get(url + "&boundaries=then").json(), c.get(url + "&boundaries=now").json()
    default = c.get(url).json()
    assert then["counts"] == before["b"] and then["filters"]["boundaries"] == "then"
    assert now["counts"]["received"] == before["a"]["received"] + before["b"]["received"]
    assert default["filters"]["boundaries"] == "now" and default["counts"] == now["counts"]
    assert c.get(url + "&boundaries=yesterday").status_code == 422
    a = month.world.communes["a"].code
    ended = c.get(f"/api/v1/reports/figures?unit={a}&start=2026-03-01&end=2026-03-31&boundaries=now")
    assert ended.status_code == 422 and "boundaries" in ended.json()["error"]["fields"]
    rank = c.get(f"/api/v1/reports/index766/ranking?parent={month.world.province.code}&start=2026-03-01&end=2026-03-31")
    assert a not in {r["unit"] for r in rank.json()["items"]}  # ended: no longer ranked today
    old = c.get(f"/api/v1/reports/index766/ranking?parent={month.world.province.code}&start=2026-03-01"
                "&end=2026-03-31&boundaries=then").json()
    assert {a, b} <= {r["unit"] for r in old["items"]}  # March's ranking as it was


def test_the_report_page_shows_the_boundaries(merged, client_of) -> None:  # noqa: ANN001
    month, _before, _moved = merged
    b = month.world.communes["b"].code
    c = client_of("monitor")
    page = c.get(f"/reports/?unit={b}&period=month&month=2026-03").content.decode()
    assert 'data-boundaries="now"' in page and "Theo đơn vị hiện nay" in page
    page = c.get(f"/reports/?unit={b}&period=month&month=2026-03&boundaries=then").content.decode()
    assert "Theo địa giới tại thời điểm báo cáo" in page
    a = month.world.communes["a"].code
    bad = c.get(f"/reports/?unit={a}&period=month&month=2026-03&boundaries=now")
    assert bad.status_code == 400 and "đơn vị kế thừa" in bad.content.decode()


def test_why_names_both_units(merged, client_of) -> None:  # noqa: ANN001
    month, _before, _moved = merged
    d9 = month.ids["D9"]
    c = client_of("monitor")
    out = c.get(f"/api/v1/reports/dossiers/{d9}/why?start=2026-03-01&end=2026-03-31").json()
    assert out["units"] == ("Tiếp nhận tại Xã A; chuyển sang Xã B ngày 20/04/2026 theo "
                            "Chuyển theo Nghị quyết 1234/NQ-UBTVQH15.")
    assert out["moves"][0]["from_code"] == month.world.communes["a"].code
    page = c.get(f"/reports/dossiers/{d9}/why/?period=month&month=2026-03").content.decode()
    assert "chuyển sang Xã B ngày 20/04/2026" in page
