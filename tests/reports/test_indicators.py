"""The pure report arithmetic: truncated rates, the provincial method, 766 scoring and weights."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from motcua.domain import indicators as ind

D = Decimal
FIXTURE = Path(__file__).parents[2] / "motcua" / "reports" / "fixtures" / "index766_v2025.json"


def test_rates_are_truncated_not_rounded():
    # 299,558 / 302,011 = 99.18778...%: rounded it would be 99.19, provinces publish 99.18
    assert ind.rate(299_558, 302_011) == D("99.18")
    assert ind.rate(2, 3) == D("66.66")
    assert ind.rate(1, 3) == D("33.33")
    assert ind.rate(0, 5) == D("0.00")
    assert ind.rate(5, 5) == D("100.00")


def test_empty_denominator_is_not_applicable():
    assert ind.rate(0, 0) is None
    assert ind.average(0, 0) is None
    assert ind.provincial_rates(0, 0, 0, 0) == ind.ProvincialRates(0, 0, None, None)


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        ind.rate(-1, 3)
    with pytest.raises(ValueError):
        ind.provincial_rates(1, 0, 1, 1)  # more late than to process


def test_published_district_figures_are_reproduced_from_counts():
    # received 302,048, resolved 302,011 of which on time 299,558 and late 2,453; the other 37 are
    # still in progress, on time; nothing carried over.
    received, resolved, on_time, late = 302_048, 302_011, 299_558, 2_453
    assert on_time + late == resolved
    # the published on-time rate: on time / resolved, truncated
    assert ind.rate(on_time, resolved) == D("99.18")
    # section 7: late rate = (0 in progress late + 2,453) / 302,048 = 0.8121..% -> 0.81;
    # on-time rate = 100 - 0.8121..% = 99.1878..% -> 99.18 (100 - 0.81 would give 99.19)
    prov = ind.provincial_rates(received, 0, 0, late)
    assert prov.to_process == 302_048
    assert prov.late_rate == D("0.81")
    assert prov.on_time_rate == D("99.18")


def test_provincial_method_counts_late_dossiers_in_progress_and_carried_over():
    # 10 received + 2 carried over = 12 to process; 1 late in progress + 3 late finished = 4 late
    prov = ind.provincial_rates(10, 2, 1, 3)
    assert (prov.to_process, prov.late) == (12, 4)
    assert prov.late_rate == D("33.33") and prov.on_time_rate == D("66.66")


def test_scoring_full_points_at_threshold():
    assert ind.score_indicator(80, 100, D(80), D(2)) == (D("80.00"), D("2.00"))
    assert ind.score_indicator(95, 100, D(80), D(2)) == (D("95.00"), D("2.00"))


def test_scoring_partial_points_below_threshold():
    # 60% of a threshold of 80% = 0.75 x 4 points = 3.00
    assert ind.score_indicator(60, 100, D(80), D(4)) == (D("60.00"), D("3.00"))
    # proportional (threshold 100): 2/3 x 20 = 13.333.. -> 13.33 (rounded, not truncated)
    assert ind.score_indicator(2, 3, D(100), D(20)) == (D("66.66"), D("13.33"))
    # 5/6 x 20 = 16.666.. -> 16.67: points are rounded half up
    assert ind.score_indicator(5, 6, D(100), D(20))[1] == D("16.67")


def test_scoring_empty_denominator_is_not_applicable():
    assert ind.score_indicator(0, 0, D(100), D(6)) == (None, None)


def _doc(**over):
    doc = json.loads(FIXTURE.read_text(encoding="utf-8"))
    doc.update(over)
    return doc


def test_shipped_weights_total_100_points_by_group():
    v = ind.parse_index(_doc())
    assert v.total_points == 100
    assert {g.key: g.points for g in v.groups} == {
        "publicity": 18, "progress": 20, "online": 12, "payment": 10, "digitization": 22, "satisfaction": 18}
    assert v.effective_from == date(2022, 6, 23)


def test_weights_are_validated():
    doc = _doc()
    doc["groups"][0]["indicators"][0]["points"] = 7  # the group no longer adds up
    with pytest.raises(ValueError, match="add up"):
        ind.parse_index(doc)
    doc = _doc()
    doc["groups"][1]["indicators"][0]["threshold"] = 0
    with pytest.raises(ValueError, match="threshold"):
        ind.parse_index(doc)
    with pytest.raises(ValueError, match="missing"):
        ind.parse_index({"version": "x"})


def test_version_in_force_is_picked_by_date():
    old = ind.parse_index(_doc())
    new = ind.parse_index(_doc(version="2026", effective_from="2026-01-01"))
    assert ind.version_in_force([old, new], date(2025, 12, 31)) is old
    assert ind.version_in_force([old, new], date(2026, 1, 1)) is new
    with pytest.raises(LookupError):
        ind.version_in_force([old, new], date(2020, 1, 1))


def test_score_index_with_missing_inputs_scores_only_what_exists():
    v = ind.parse_index(_doc())
    s = ind.score_index(v, {"resolved_on_time": ind.Measure(2, 3), "online_full": ind.Measure(0, 0)})
    groups = {g.spec.key: g for g in s.groups}
    progress = groups["progress"]
    assert progress.points == D("13.33") and progress.available_points == 20
    on_time = progress.indicators[0]
    assert (on_time.measure, on_time.ratio, on_time.points) == (ind.Measure(2, 3), D("66.66"), D("13.33"))
    assert progress.indicators[1].points is None  # reference: shown, never scored
    assert groups["online"].points == 0 and groups["online"].available_points == 0  # empty denominator: N/A
    assert groups["payment"].indicators[2].measure is None  # no system provides payments yet
    assert s.points == D("13.33") and s.available_points == 20


def test_rank_shares_places_on_ties():
    assert ind.rank({"b": D(5), "a": D(5), "c": D(9), "d": D(1)}) == [
        (1, "c", D(9)), (2, "a", D(5)), (2, "b", D(5)), (4, "d", D(1))]
