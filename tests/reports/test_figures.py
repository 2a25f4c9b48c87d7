"""Figures of the hand-built month (tests/reports/conftest.py has the histories and the answers)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from motcua.domain.verdict import Category
from motcua.dossiers.models import Dossier
from motcua.reports import services as rs
from motcua.reports.facts import Filters
from motcua.reports.figures import COUNT_FIGURES
from motcua.reports.services import compute_figures, dossiers_for, period_of, verdict_at

D = Decimal
EXPECTED_A = {
    "received": 10, "carried_over": 2, "to_process": 12, "resolved": 9, "resolved_early": 4,
    "resolved_on_time": 2, "resolved_late": 3, "resolved_in_time": 6, "processed": 7, "in_progress_on_time": 2,
    "in_progress_late": 1, "late": 4, "not_late": 8, "about_to_be_late": 1, "supplement_requested": 2, "withdrawn": 1,
    "refused": 1, "stopped": 1, "not_collected": 3, "received_online": 1, "online_full_eligible": 10,
    "online_full": 1, "digitizable": 0, "digitized": 0, "digitized_any": 0, "digitized_all": 0,
    "e_result": 0,  # D6 (through the services) has its result file, not signed
    "result_digitized": 1,  # ... returned through the services: its result is digitized on return
    "rated": 3, "rated_satisfied": 2, "rated_dissatisfied": 1,
}
MEMBERS_A = {
    "received": {"D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8", "D9", "D15"},
    "carried_over": {"D10", "D11"},
    "resolved_early": {"D1", "D7", "D10", "D15"},
    "resolved_on_time": {"D2", "D5"},
    "resolved_late": {"D3", "D4", "D6"},
    "processed": {"D1", "D2", "D3", "D4", "D5", "D6", "D10"},
    "in_progress_on_time": {"D9", "D11"},
    "in_progress_late": {"D8"},
    "about_to_be_late": {"D9"},
    "supplement_requested": {"D4", "D5"},
    "withdrawn": {"D7"}, "refused": {"D14"}, "stopped": {"D15"},
    "not_collected": {"D3", "D4", "D13"},
    "received_online": {"D15"},
    "rated": {"D1", "D2", "D17"}, "rated_satisfied": {"D1", "D17"}, "rated_dissatisfied": {"D2"},
}


def _figures(month, unit, **filters):  # noqa: ANN001, ANN202
    return compute_figures(unit, month.period.start, month.period.end, Filters(**filters), keep_members=True)


def test_commune_counts_match_the_hand_computed_answers(month):
    figs = _figures(month, month.world.communes["a"])
    assert figs.counts == EXPECTED_A
    for key, names in MEMBERS_A.items():
        assert month.names(figs.members.get(key, [])) == names, key
    assert "D12" not in month.names(i for ids in figs.members.values() for i in ids)  # ended before March
    # D17 ended before March too, but its applicant rated it in March
    assert {k for k, ids in figs.members.items() if month.ids["D17"] in ids} == {"rated", "rated_satisfied"}


def test_commune_rates_by_the_provincial_method(month):
    figs = _figures(month, month.world.communes["a"])
    r = figs.rates
    assert r["late_rate"].value == D("33.33")  # 4 / 12
    assert r["on_time_rate"].value == D("66.66")  # 100 - 33.333..: truncated, not 66.67
    assert r["resolved_on_time_rate"].value == D("66.66")  # 6 / 9
    assert r["online_rate"].value == D("10.00")  # 1 / 10
    assert r["online_full_rate"].value == D("10.00")
    assert figs.average_processing_hours == D("10.71")  # 75 h / 7
    assert r["satisfaction_rate"].value == D("66.66")  # 2 / 3: D1 satisfied, D17 acceptable, D2 not
    for key in ("digitization_rate", "online_payment_rate"):
        assert r[key].value is None and r[key].note == "no_data", key  # never invented
    assert r["e_result_rate"].value == D("0.00")  # D6's result file (the services require one) is not signed
    assert r["result_digitized_rate"].value == D("14.28")  # ... but digitized when returned: 1 of 7 processed


def test_balance_to_process_equals_resolved_plus_in_progress(month):
    c = _figures(month, month.world.communes["a"]).counts
    assert c["to_process"] == c["received"] + c["carried_over"]
    assert c["to_process"] == c["resolved"] + c["in_progress_on_time"] + c["in_progress_late"]
    assert c["resolved"] == c["resolved_early"] + c["resolved_on_time"] + c["resolved_late"]


def test_every_category_agrees_with_the_verdict_explained_from_the_event_log(month):
    from motcua.calendars.services import calendar_for
    from motcua.reports.facts import load_facts

    p = month.period
    facts = load_facts(month.world.province.path, p.start, p.end, Filters(), calendar_for(month.world.province.pk))
    assert len(facts) == 16  # every dossier but D12 (D17 only for its rating in March)
    for f in facts:
        v = verdict_at(Dossier.objects.select_related("version").get(pk=f.id), p.end)
        expected = None if v.category is Category.NOT_STARTED else v.category
        assert f.category == expected, month.name_of(f.id)


def test_province_totals_are_the_sum_of_its_communes(month):
    w = month.world
    prov = _figures(month, w.province).counts
    a, b = _figures(month, w.communes["a"]).counts, _figures(month, w.communes["b"]).counts
    assert b["received"] == b["resolved"] == b["resolved_late"] == b["processed"] == 1  # D16, 1 h late
    assert b["rated"] == b["rated_dissatisfied"] == 1 and b["rated_satisfied"] == 0
    assert {k: a[k] + b[k] for k in COUNT_FIGURES} == prov


def test_unit_with_no_dossiers_has_zeros_and_not_applicable_rates(month):
    figs = _figures(month, month.world.department)
    assert set(figs.counts.values()) == {0}
    assert all(r.value is None for r in figs.rates.values())
    assert figs.average_processing_hours is None


def test_filters_by_channel_procedure_and_field(month):
    a = month.world.communes["a"]
    online = _figures(month, a, channel=2).counts
    assert (online["received"], online["refused"], online["stopped"]) == (1, 1, 1)  # D15, D14
    assert _figures(month, a, procedure="1.001193").counts == EXPECTED_A
    assert _figures(month, a, field="HT").counts == EXPECTED_A
    assert set(_figures(month, a, procedure="2.000815").counts.values()) == {0}


def test_receiving_basis_rolls_up_on_the_receiving_path(month):
    # commune A's service centre received all of commune A's dossiers
    centre = month.world.commune_centres["a"]
    assert _figures(month, centre, basis="receiving").counts == EXPECTED_A
    assert _figures(month, centre).counts["received"] == 0  # it handles none


def test_open_dossier_across_the_period_end_is_carried_over_into_april(month):
    a = month.world.communes["a"]
    april = period_of(date(2026, 4, 1), date(2026, 4, 30))
    figs = compute_figures(a, april.start, april.end, keep_members=True)
    assert {"D8", "D9", "D11"} <= month.names(figs.members["carried_over"])
    assert "D8" in month.names(figs.members["resolved_late"])  # finished 2 April, due 31 March
    assert figs.counts["received"] == 0
    # a finished but uncollected dossier stays "not collected" in every later period
    assert {"D3", "D4", "D13"} <= month.names(figs.members["not_collected"])


def test_drill_down_returns_exactly_the_dossiers_behind_each_figure(month):
    a, p = month.world.communes["a"], month.period
    figs = _figures(month, a)
    for key in COUNT_FIGURES:
        rows = dossiers_for(key, a, p.start, p.end)
        assert len(rows) == figs.counts[key], key
        assert [i for i, _ in rows] == sorted(figs.members.get(key, [])), key
    page1 = dossiers_for("received", a, p.start, p.end, limit=4)
    page2 = dossiers_for("received", a, p.start, p.end, after=page1[-1][0], limit=100)
    assert len(page1) == 4 and len(page1) + len(page2) == 10


def test_why_lists_the_figures_and_the_verdict(month):
    d = Dossier.objects.get(pk=month.ids["D4"])
    out = rs.why(d, month.period.start, month.period.end)
    keys = [r["figure"] for r in out["figures"]]
    assert keys == ["received", "to_process", "resolved", "resolved_late", "processed", "late",
                    "supplement_requested", "not_collected", "online_full_eligible"]
    late = next(r for r in out["figures"] if r["figure"] == "resolved_late")
    assert "2" in late["because"] and "bổ sung" in late["because"]
    assert out["verdict"].category is Category.LATE
    assert [f for f, _ in out["verdict"].explanation].count("pause") == 2


def test_why_for_a_dossier_outside_the_period(month):
    d = Dossier.objects.get(pk=month.ids["D12"])
    out = rs.why(d, month.period.start, month.period.end)
    assert out["figures"] == [] and out["facts"] is None
