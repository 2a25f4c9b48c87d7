"""The pure fee rules: lines from catalog entries and quantities, what is due per stage, which
transition an unpaid stage blocks, and amounts read out in Vietnamese words."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.domain import fees as r
from motcua.domain.lifecycle import Action

E = r.FeeEntry


# ---- concrete cases ------------------------------------------------------------------------------

def test_each_basis_multiplies_by_its_own_quantity():
    entries = [E("Lệ phí hồ sơ", 50000), E("Phí mỗi bộ", 10000, basis="set"), E("Phí mỗi trang", 2000, basis="page"),
               E("Phí mỗi bản", 5000, r.AT_RESULT, basis="copy")]
    lines = r.lines_for(entries, 1, r.Quantities(sets=2, pages=7, copies=3))
    assert [(x.name, x.quantity, x.total, x.collected) for x in lines] == [
        ("Lệ phí hồ sơ", 1, 50000, 1), ("Phí mỗi bộ", 2, 20000, 1), ("Phí mỗi trang", 7, 14000, 1),
        ("Phí mỗi bản", 3, 15000, 4)]
    assert r.total(lines) == 99000 and r.total(lines, [r.AT_INTAKE]) == 84000


def test_entries_for_other_channels_and_free_entries_make_no_line():
    entries = [E("Lệ phí đăng ký (trực tiếp)", 100000, channels=(1, 3)), E("Lệ phí đăng ký (trực tuyến)", 50000,
                                                                           channels=(2,)), E("Miễn", 0)]
    assert [x.total for x in r.lines_for(entries, 1, r.Quantities(), 100000)] == [100000]
    assert [x.total for x in r.lines_for(entries, 2, r.Quantities(), 50000)] == [50000]


def test_a_channel_fee_that_the_entries_do_not_add_up_to_is_one_line():
    # the criminal record procedure: 200,000 or 100,000 for students (alternatives), 5,000 per extra copy
    entries = [E("Phí", 200000), E("Phí (sinh viên)", 100000), E("Từ phiếu thứ 3", 5000, r.AT_RESULT)]
    lines = r.lines_for(entries, 1, r.Quantities(), channel_fee=200000)
    assert [(x.name, x.total, x.collected) for x in lines] == [(r.CHANNEL_FEE_NAME, 200000, r.AT_INTAKE)]
    assert r.lines_for(entries, 1, r.Quantities(), channel_fee=0) == []
    # at the result only: the single line is collected at the result
    assert r.lines_for([E("a", 1, 4), E("b", 2, 4)], 1, r.Quantities(), 5)[0].collected == r.AT_RESULT


def test_zero_quantity_is_a_free_line_and_bad_quantities_are_refused():
    lines = r.lines_for([E("Phí mỗi trang", 2000, basis="page")], 1, r.Quantities(pages=0))
    assert lines[0].total == 0
    with pytest.raises(r.FeeRuleError):
        r.lines_for([E("x", 1, basis="page")], 1, r.Quantities(pages=-1))
    with pytest.raises(r.FeeRuleError):
        r.lines_for([E("x", 1, basis="copy")], 1, r.Quantities(copies=r.MAX_QUANTITY + 1))


def test_gates_intake_supplement_result():
    lines = r.lines_for([E("tiếp nhận", 100, 1), E("bổ sung", 20, 2), E("kết quả", 3, 4)], 1, r.Quantities())
    assert r.shortfall(Action.START, lines, 0, False) == 100
    assert r.shortfall(Action.START, lines, 100, False) == 0
    assert r.shortfall(Action.SUPPLEMENT, lines, 100, False) == 20
    assert r.shortfall(Action.RETURN, lines, 120, False) == 3
    assert r.shortfall(Action.RETURN, lines, 123, False, obligations=50) == 50
    assert r.shortfall(Action.FORWARD, lines, 0, False) == 0  # not a gate
    for a in (Action.START, Action.SUPPLEMENT, Action.RETURN):
        assert r.shortfall(a, lines, 0, pay_later=True) == 0


def test_due_now_follows_the_stages_reached():
    lines = r.lines_for([E("tiếp nhận", 100, 1), E("bổ sung", 20, 2), E("kết quả", 3, 4)], 1, r.Quantities())
    assert r.due_now(lines, r.reached_stages(False, False), 0) == 100
    assert r.due_now(lines, r.reached_stages(True, False), 100) == 20
    assert r.due_now(lines, r.reached_stages(False, True), 100) == 3  # no supplement: its fee is never due
    assert r.not_yet_due(lines, r.reached_stages(False, False)) == 23
    assert r.due_now(lines, r.reached_stages(False, False), 500) == 0


def test_check_entries_names_each_bad_field():
    errors = r.check_entries([{"name": "a", "amount": 1, "basis": "page"}, {"amount": -1, "basis": "tờ"},
                              {"amount": 1, "collected": 3, "channels": [4]}, "x"])
    assert errors == {"fees[1].amount": errors["fees[1].amount"], "fees[1].basis": "must be dossier, set, page or copy",
                      "fees[2].collected": errors["fees[2].collected"], "fees[2].channels": errors["fees[2].channels"],
                      "fees[3]": "must be an object"}
    assert r.check_entries([{"name": "a", "amount": 5000, "collected": 1}]) == {}
    assert r.check_entries(None) == {} and r.check_entries("x") == {"fees": "must be a list"}


def test_line_round_trips_through_its_stored_form():
    line = r.FeeLine("Phí mỗi trang", "page", 4, 2000, 8000, 1)
    assert r.FeeLine.from_dict(line.as_dict()) == line


@pytest.mark.parametrize(("n", "words"), [
    (0, "Không đồng"), (5, "Năm đồng"), (10, "Mười đồng"), (15, "Mười lăm đồng"), (21, "Hai mươi mốt đồng"),
    (24, "Hai mươi tư đồng"), (105, "Một trăm linh năm đồng"), (110, "Một trăm mười đồng"),
    (1005, "Một nghìn không trăm linh năm đồng"), (1050, "Một nghìn không trăm năm mươi đồng"),
    (200000, "Hai trăm nghìn đồng"), (305000, "Ba trăm linh năm nghìn đồng"),
    (1500000, "Một triệu năm trăm nghìn đồng"), (1000005, "Một triệu không trăm linh năm đồng"),
    (4_500_000, "Bốn triệu năm trăm nghìn đồng"), (2_500_000_000_000, "Hai nghìn năm trăm tỷ đồng"),
    (1_000_000_015, "Một tỷ không trăm mười lăm đồng"), (10**15, "Một triệu tỷ đồng"),
])
def test_amount_in_words(n: int, words: str):
    assert r.amount_in_words(n) == words


# ---- properties ----------------------------------------------------------------------------------

_VALUES = {"không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5, "sáu": 6,
           "bảy": 7, "tám": 8, "chín": 9}


def _parse(words: str) -> int:
    """Read Vietnamese number words below 10^12 back (the inverse the property checks against)."""
    billions = millions = thousands = current = 0
    tokens = words.split()
    for i, w in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if w in _VALUES:
            current += _VALUES[w] * {"mươi": 10, "trăm": 100}.get(following, 1)
        elif w == "mười":
            current += 10
        elif w == "nghìn":
            thousands, current = current, 0
        elif w == "triệu":
            millions, current = current, 0
        elif w == "tỷ":
            billions, millions, thousands, current = millions * 10**6 + thousands * 1000 + current, 0, 0, 0
    return billions * 10**9 + millions * 10**6 + thousands * 1000 + current


@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_words_read_back_to_the_number(n: int):
    words = r.number_words(n)
    assert "  " not in words and words == words.strip()
    assert _parse(words) == n


@given(st.integers(min_value=1, max_value=10**15))
def test_words_are_a_sentence_ending_in_dong(n: int):
    w = r.amount_in_words(n)
    assert w[0].isupper() and w.endswith(" đồng") and "không đồng" not in w


_entries = st.lists(st.builds(E, name=st.text(max_size=5), amount=st.integers(0, 10**7),
                              collected=st.sampled_from(r.STAGES), basis=st.sampled_from(r.BASES),
                              channels=st.sampled_from([(), (1,), (2,), (1, 3)])), max_size=6)
_quantities = st.builds(r.Quantities, sets=st.integers(0, 20), pages=st.integers(0, 500), copies=st.integers(0, 50))


@given(_entries, st.sampled_from([1, 2, 3]), _quantities)
def test_lines_add_up_and_stages_partition_the_total(entries: list[r.FeeEntry], channel: int, q: r.Quantities):
    lines = r.lines_for(entries, channel, q)
    assert all(x.total == x.quantity * x.unit_amount and x.total >= 0 for x in lines)
    assert sum(r.total(lines, [s]) for s in r.STAGES) == r.total(lines)
    assert len(lines) == sum(1 for e in entries if e.applies_to(channel) and e.amount > 0)


@given(_entries, _quantities, st.integers(0, 10**8), st.booleans(), st.booleans())
def test_due_now_and_not_yet_due_split_what_is_unpaid(entries: list[r.FeeEntry], q: r.Quantities, paid: int,
                                                     supp: bool, result: bool):
    lines = r.lines_for(entries, 1, q)
    reached = r.reached_stages(supp, result)
    assert r.due_now(lines, reached, paid) == max(0, r.total(lines) - r.not_yet_due(lines, reached) - paid)
    assert r.due_now(lines, reached, paid) <= r.total(lines)


@given(_entries, _quantities, st.integers(0, 10**8), st.integers(0, 10**6))
def test_gates_are_cumulative_and_pay_later_blocks_nothing(entries: list[r.FeeEntry], q: r.Quantities, paid: int,
                                                          obligations: int):
    lines = r.lines_for(entries, 1, q)
    start, supp, ret = (r.shortfall(a, lines, paid, False, obligations)
                        for a in (Action.START, Action.SUPPLEMENT, Action.RETURN))
    assert start <= supp <= ret
    assert (ret == 0) == (paid >= r.total(lines) + obligations)
    assert all(r.shortfall(a, lines, paid, True, obligations) == 0 for a in r.GATES)
