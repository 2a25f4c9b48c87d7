"""The July 2025 reform replayed on the test province, through motcua.units.reorganize.apply().

Before: district "Huyện Cũ" holds communes A and B (and their receiving centres). June 2025:

====  ========  ==============================================================  =================
id    commune   history (local time)                                            on 1 July
====  ========  ==============================================================  =================
R1    A         intake Mon 2 June 09:00, finish Tue 3 10:00, return 14:00        finished (stays)
R2    A         intake Tue 10 June 09:00, started                                open: moved
R3    A         intake Fri 20 June 09:00, supplement requested 10:00             open: moved
R4    B         intake Thu 5 June 09:00, finish Fri 6 10:00, return 11:00        finished (stays)
R5    B         intake Wed 25 June 09:00, started                                open: moved
R6    B         intake Thu 26 June 09:00, withdrawn 10:00                        finished (stays)
====  ========  ==============================================================  =================

On 1 July 2025 (Resolution 1656/NQ-UBTVQH15): the district is dissolved (its communes move up to
the province), then A and B merge into the new commune "Xã Hợp Nhất". Then, in July, the new
commune's staff ask a supplement on R2.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from motcua.core.clock import LOCAL_TZ
from motcua.dossiers import services as dsvc
from motcua.dossiers.bulk import import_history
from motcua.dossiers.models import Dossier
from motcua.reports import services as svc
from motcua.reports.facts import Filters
from motcua.reports.figures import COUNT_FIGURES
from motcua.units import reorganize
from motcua.units.models import Reorganization, Unit, UnitVersion

from .conftest import record

NEW = {"code": "000.33.10.H39", "name": "Xã Hợp Nhất", "kind": "commune", "parent_code": "68"}
DECISION = dict(decision_number="1656/NQ-UBTVQH15", decision_date=date(2025, 6, 16),
                issuer="Ủy ban Thường vụ Quốc hội", effective_on=date(2025, 7, 1))
AT = datetime(2025, 7, 1, 0, 0, tzinfo=LOCAL_TZ)
HISTORY = {
    "R1": ([("2025-06-02 09:00", "intake"), ("2025-06-02 09:10", "start"), ("2025-06-03 10:00", "finish"),
            ("2025-06-03 14:00", "return")], "a"),
    "R2": ([("2025-06-10 09:00", "intake"), ("2025-06-10 09:10", "start")], "a"),
    "R3": ([("2025-06-20 09:00", "intake"), ("2025-06-20 10:00", "request_supplement")], "a"),
    "R4": ([("2025-06-05 09:00", "intake"), ("2025-06-05 09:10", "start"), ("2025-06-06 10:00", "finish"),
            ("2025-06-06 11:00", "return")], "b"),
    "R5": ([("2025-06-25 09:00", "intake"), ("2025-06-25 09:10", "start")], "b"),
    "R6": ([("2025-06-26 09:00", "intake"), ("2025-06-26 10:00", "withdraw")], "b"),
}
OPEN = {"R2", "R3", "R5"}
STAFF = ("counter_a", "specialist_a", "leader_a", "counter_b", "specialist_b", "leader_b", "monitor")


def _in_a_district(world) -> Unit:  # noqa: ANN001
    """Communes A and B under a district, as they always were (their first versions say so)."""
    d = Unit.objects.create(code="000.30.00.H39", name="Huyện Cũ", kind="district", parent=world.province)
    for key in ("a", "b"):
        c = world.communes[key]
        c.parent = d
        c.save()
    for u in Unit.objects.filter(path__startswith=d.path):
        UnitVersion.objects.filter(unit=u).update(path=u.path, parent_id=u.parent_id)
    for u in (*world.communes.values(), *world.commune_centres.values()):
        u.refresh_from_db()
    return d


def _fresh(code: str) -> Unit:
    return Unit.objects.get(code=code)


def _counts(unit: Unit, period: svc.Period, boundaries: str = "", events: bool = False) -> dict[str, int]:
    compute = svc.compute_figures_from_events if events else svc.compute_figures
    return compute(_fresh(unit.code), period.start, period.end, Filters(boundaries=boundaries)).counts


def _visible(world, username: str) -> set[int]:  # noqa: ANN001
    return set(dsvc.visible_dossiers(world.actor(username)).values_list("pk", flat=True))


@pytest.fixture
def replay(world, clock):  # noqa: ANN001, ANN201
    district = _in_a_district(world)
    import_history([record(world, f"H39-2506-{code}", events, commune=c) for code, (events, c) in HISTORY.items()],
                   world.province.pk)
    ids = {code.removeprefix("H39-2506-"): pk
           for code, pk in Dossier.objects.filter(code__startswith="H39-2506-").values_list("code", "pk")}
    clock.set("2025-07-01 07:00")
    june = svc.period_of(date(2025, 6, 1), date(2025, 6, 30))
    units = {"a": world.communes["a"], "b": world.communes["b"], "d": district, "p": world.province}
    before = {k: {e: _counts(u, june, events=e) for e in (False, True)} for k, u in units.items()}
    seen = {name: _visible(world, name) for name in STAFF}
    dissolve = Reorganization.objects.create(kind="dissolve", spec={"unit": district.code}, **DECISION)
    merge = Reorganization.objects.create(
        kind="merge", spec={"sources": [world.communes["a"].code, world.communes["b"].code], "target": NEW}, **DECISION)
    reorganize.apply(dissolve, at=AT)
    reorganize.apply(merge, at=AT)
    clock.set("2025-07-02 09:00")
    dsvc.request_supplement(world.actor("specialist_a"), ids["R2"], "Thiếu giấy xác nhận cư trú")
    return {"world": world, "ids": ids, "june": june, "units": units, "before": before, "seen": seen}


def test_the_reform_moved_the_open_dossiers(replay) -> None:  # noqa: ANN001
    new = _fresh(NEW["code"])
    ids = replay["ids"]
    for code, pk in ids.items():
        d = Dossier.objects.get(pk=pk)
        moved = d.events.filter(action="transfer").exists()
        assert moved == (code in OPEN), code
        assert (d.handling_unit_id == new.pk) == (code in OPEN), code


def test_every_open_dossier_stays_visible_to_the_right_staff(replay) -> None:  # noqa: ANN001
    w, ids, seen = replay["world"], replay["ids"], replay["seen"]
    opened_a = {ids["R2"], ids["R3"]}
    opened_b = {ids["R5"]}
    assert opened_a <= seen["specialist_a"] and opened_b <= seen["specialist_b"]  # before
    for name in ("specialist_a", "leader_a", "specialist_b", "leader_b", "monitor"):  # after: the new commune's
        assert opened_a | opened_b <= _visible(w, name), name
    for name in ("counter_a", "counter_b"):  # the centres moved under the new commune with their dossiers
        assert seen[name] <= _visible(w, name), name


@pytest.mark.parametrize("events", [False, True], ids=["read model", "event log"])
def test_june_by_the_old_boundaries_does_not_change(replay, events) -> None:  # noqa: ANN001
    june, before = replay["june"], replay["before"]
    for key, unit in replay["units"].items():
        assert _counts(unit, june, "then", events) == before[key][events], key
    a = before["a"][events]
    assert (a["received"], a["resolved"], a["in_progress_on_time"] + a["in_progress_late"]) == (3, 1, 2)
    assert before["d"][events]["received"] == 6  # the district: both communes


@pytest.mark.parametrize("events", [False, True], ids=["read model", "event log"])
def test_the_new_commune_inherits_its_predecessors_history(replay, events) -> None:  # noqa: ANN001
    june, before = replay["june"], replay["before"]
    new = _fresh(NEW["code"])
    now = _counts(new, june, "now", events)
    assert now == {k: before["a"][events][k] + before["b"][events][k] for k in COUNT_FIGURES}
    assert _counts(new, june, "then", events) == dict.fromkeys(COUNT_FIGURES, 0)  # it did not exist in June
    assert _counts(replay["units"]["p"], june, "now", events) == before["p"][events]


def test_july_counts_the_moved_dossiers_once_for_the_new_commune(replay) -> None:  # noqa: ANN001
    july = svc.period_of(date(2025, 7, 1), date(2025, 7, 31))
    new = _fresh(NEW["code"])
    for boundaries in ("then", "now"):
        c = _counts(new, july, boundaries)
        assert c["carried_over"] == 3 and c["supplement_requested"] == 1, boundaries
        assert c == _counts(new, july, boundaries, events=True)
    assert _counts(replay["units"]["a"], july, "then")["carried_over"] == 0  # A ended on 1 July


def test_rankings_stay_continuous(replay, client_of) -> None:  # noqa: ANN001
    w = replay["world"]
    c = client_of("monitor")
    url = f"/api/v1/reports/index766/ranking?parent={w.province.code}&start=2025-06-01&end=2025-06-30"
    now = {r["unit"] for r in c.get(url).json()["items"]}
    then = {r["unit"] for r in c.get(url + "&boundaries=then").json()["items"]}
    assert NEW["code"] in now and "000.30.00.H39" not in now and w.communes["a"].code not in now
    assert "000.30.00.H39" in then and NEW["code"] not in then  # June's tree: the district ranked


def test_the_codes_still_find_the_moved_dossiers(replay, client_of) -> None:  # noqa: ANN001
    d = Dossier.objects.get(pk=replay["ids"]["R3"])
    assert dsvc.public_lookup(d.code)["code"] == d.code
    assert client_of("citizen").get(f"/api/v1/lookup/{d.code}").json()["code"] == d.code
    assert d.code in client_of("citizen").get(f"/portal/lookup/?code={d.code}").content.decode()
    page = client_of("specialist_a").get(f"/office/queues/supplement/?q={d.code}").content.decode()
    assert d.code in page  # the new commune's specialist finds it in the office search


def test_the_why_names_both_units(replay, client_of) -> None:  # noqa: ANN001
    r3 = replay["ids"]["R3"]
    out = client_of("monitor").get(f"/api/v1/reports/dossiers/{r3}/why?start=2025-06-01&end=2025-06-30").json()
    assert out["units"] == "Tiếp nhận tại Xã A; chuyển sang Xã Hợp Nhất ngày 01/07/2025 theo 1656/NQ-UBTVQH15."
