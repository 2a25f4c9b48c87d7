"""The rules registry without a database: which rule set judges a dossier received on a given date,
the registry's invariants, and the data it holds (form numbers, the stop notice, the default cut-off)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.domain import rules
from motcua.domain.rules_data import INDEX766, RULE_SETS

# (received on, rule set key): every boundary, its eve, and ordinary days in between
DATES = [
    (date(1, 1, 1), "pre-nd61"), (date(2010, 1, 1), "pre-nd61"), (date(2015, 3, 25), "pre-nd61"),
    (date(2018, 8, 20), "pre-nd61"), (date(2018, 8, 21), "nd61-2018"), (date(2019, 1, 8), "nd61-2018"),
    (date(2020, 2, 29), "nd61-2018"), (date(2021, 12, 5), "nd61-2018"), (date(2021, 12, 6), "nd107-2021"),
    (date(2022, 6, 23), "nd107-2021"), (date(2024, 12, 31), "nd107-2021"), (date(2025, 1, 1), "nd107-2021"),
    (date(2025, 6, 9), "nd107-2021"), (date(2025, 6, 30), "nd107-2021"), (date(2025, 7, 1), "nd118-2025"),
    (date(2025, 7, 2), "nd118-2025"), (date(2025, 9, 10), "nd118-2025"), (date(2026, 12, 3), "nd118-2025"),
    (date(2045, 12, 31), "nd118-2025"), (date(9999, 12, 31), "nd118-2025"),
]


@pytest.mark.parametrize(("day", "key"), DATES)
def test_a_dossier_is_judged_by_the_rules_of_its_receipt_date(day: date, key: str) -> None:
    assert rules.rules_for(day).key == key


def test_the_page_line_names_the_decree() -> None:
    assert rules.rules_for(date(2025, 7, 1)).judged_under_vi == "Giải quyết theo Nghị định 118/2025/NĐ-CP"
    assert rules.rules_for(date(2025, 7, 1)).judged_under_en == "Judged under Decree 118/2025/ND-CP"
    assert rules.rules_for(date(2025, 6, 30)).judged_under_vi == (
        "Giải quyết theo Nghị định 61/2018/NĐ-CP (sửa đổi, bổ sung bởi Nghị định 107/2021/NĐ-CP)")
    assert rules.rules_for(date(2019, 5, 1)).decree.vi == "Nghị định 61/2018/NĐ-CP"


def _numbers(key: str) -> dict[str, str]:
    return {role: f.number for role, f in rules.rule_set(key).forms.items()}


def test_circular_01_2018_numbers_its_six_forms() -> None:
    expected = {"receipt": "01", "supplement": "02", "refusal": "03", "book": "04", "apology": "05", "control": "06"}
    assert _numbers("nd61-2018") == _numbers("nd107-2021") == expected
    forms = rules.rule_set("nd107-2021").forms
    assert forms["receipt"].title == "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
    assert forms["book"].title == "Sổ theo dõi hồ sơ"
    assert forms["apology"].title == "Phiếu xin lỗi và hẹn lại ngày trả kết quả"
    assert forms["control"].title == "Phiếu kiểm soát quá trình giải quyết hồ sơ"
    assert {f.template for f in forms.values()} == {f"tt01-2018/mau-0{n}" for n in range(1, 7)}
    assert "01/2018/TT-VPCP" in rules.rule_set("nd61-2018").forms_basis.vi


def test_circular_03_2025_renumbers_the_forms_and_adds_the_stop_notice() -> None:
    assert _numbers("nd118-2025") == {"receipt": "01", "supplement": "02", "refusal": "03", "apology": "04",
                                      "stop": "05", "control": "06", "book": "07"}
    r = rules.rule_set("nd118-2025")
    assert r.stop_notice and r.form("stop") is not None and r.form("stop").template == "tt03-2025/mau-05"
    assert "03/2025/TT-VPCP" in r.forms_basis.vi
    # what the project's sources do not settle says so
    assert all("unverified" in f.note for f in r.forms.values())


def test_the_stop_notice_exists_only_from_1_july_2025() -> None:
    for r in RULE_SETS:
        assert r.stop_notice == (r.effective_from is not None and r.effective_from >= date(2025, 7, 1)), r.key
        assert (r.form("stop") is None) != r.stop_notice


def test_before_decree_61_no_form_number_is_known() -> None:
    r = rules.rules_for(date(2017, 5, 5))
    assert r.forms == {} and all(r.form(role) is None for role in rules.ROLES)
    with pytest.raises(KeyError):
        r.form("certificate")  # not a form role


def test_the_default_cut_off_is_15_00_in_every_regime() -> None:
    assert {(r.cutoff.enabled, r.cutoff.at) for r in RULE_SETS} == {(True, time(15, 0))}
    assert all("unverified" in r.cutoff.source for r in RULE_SETS)


def test_the_766_weights_start_with_decision_766() -> None:
    assert rules.index766_for(date(2022, 6, 22)) is None
    assert rules.index766_for(date(2022, 6, 23)) == rules.index766_for(date(2030, 1, 1)) == "2025"
    assert rules.index766_periods() == INDEX766


def test_rules_between_lists_the_regimes_of_a_period() -> None:
    assert [r.key for r in rules.rules_between(date(2025, 6, 1), date(2025, 7, 31))] == ["nd107-2021", "nd118-2025"]
    assert [r.key for r in rules.rules_between(date(2025, 6, 1), date(2025, 6, 30))] == ["nd107-2021"]
    assert [r.key for r in rules.rules_between(date(2025, 7, 1), date(2025, 7, 1))] == ["nd118-2025"]
    assert len(rules.rules_between(date(2010, 1, 1), date(2030, 1, 1))) == len(RULE_SETS)


def test_unknown_key_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        rules.rule_set("nd999-2099")


# the registry's invariants refuse a broken edit of the data

def _broken(**change: object) -> list[rules.RuleSet]:
    sets = list(RULE_SETS)
    sets[2] = replace(sets[2], **change)
    return sets


@pytest.mark.parametrize(("change", "message"), [
    ({"effective_until": date(2025, 6, 30)}, "starts on 2025-07-01"),  # a gap of one day
    ({"effective_until": date(2025, 7, 2)}, "starts on 2025-07-01"),  # an overlap of one day
    ({"effective_from": date(2025, 7, 1)}, "empty or reversed"),
    ({"effective_until": None}, "open towards the future"),
    ({"key": "nd61-2018"}, "unique"),
    ({"stop_notice": True}, "stop form"),
    ({"forms": {"receipt": rules.FormSpec("01", "x", "t"), "control": rules.FormSpec("01", "y", "t")}},
     "share a number"),
    ({"forms": {"certificate": rules.FormSpec("09", "x", "t")}}, "unknown form roles"),
])
def test_a_broken_registry_is_refused(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        rules.check_rule_sets(_broken(**change))


def test_the_timeline_must_be_open_at_both_ends_and_ordered() -> None:
    with pytest.raises(ValueError, match="open towards the past"):
        rules.check_rule_sets(list(RULE_SETS[1:]))
    with pytest.raises(ValueError, match="open towards the future"):
        rules.check_rule_sets(list(RULE_SETS[:-1]))
    with pytest.raises(ValueError):
        rules.check_rule_sets(list(reversed(RULE_SETS)))
    with pytest.raises(ValueError, match="no period"):
        rules.check_timeline([])
    rules.check_rule_sets(RULE_SETS)  # the shipped data passes


# properties over every date

@given(st.dates())
def test_every_date_maps_to_exactly_one_rule_set(day: date) -> None:
    covering = [r for r in RULE_SETS if r.covers(day)]
    assert len(covering) == 1
    assert rules.rules_for(day) is covering[0]


@given(st.dates(max_value=date(9999, 12, 30)))
def test_the_rules_change_only_where_a_rule_set_begins(day: date) -> None:
    today, tomorrow = rules.rules_for(day), rules.rules_for(day + timedelta(days=1))
    assert (today is tomorrow) == (today.effective_until != day + timedelta(days=1))


@given(st.dates(), st.dates())
def test_rule_sets_are_ordered_in_time(a: date, b: date) -> None:
    a, b = min(a, b), max(a, b)
    assert RULE_SETS.index(rules.rules_for(a)) <= RULE_SETS.index(rules.rules_for(b))
    spanned = rules.rules_between(a, b)
    assert spanned == list(RULE_SETS[RULE_SETS.index(rules.rules_for(a)):RULE_SETS.index(rules.rules_for(b)) + 1])


def test_rule_sets_are_contiguous_without_gaps_or_overlaps() -> None:
    assert RULE_SETS[0].effective_from is None and RULE_SETS[-1].effective_until is None
    for earlier, later in zip(RULE_SETS, RULE_SETS[1:], strict=False):
        assert earlier.effective_until == later.effective_from
        assert earlier.effective_until is not None
        assert rules.rules_for(later.effective_from - timedelta(days=1)) is earlier  # type: ignore[operator]
        assert rules.rules_for(later.effective_from) is later  # type: ignore[arg-type]
