"""One formatter for numbers and working durations per language (issue 8, item 5): concrete cases
in Vietnamese and English, and properties for any number of seconds."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.core import numbers

H = 3600


@pytest.mark.parametrize("seconds,vi,en", [
    (0, "0 giờ làm việc", "0 working hours"),
    (8 * H, "1 ngày làm việc", "1 working day"),
    (16 * H, "2 ngày làm việc", "2 working days"),
    (H // 2, "0,5 giờ làm việc", "0.5 working hours"),
    (H, "1 giờ làm việc", "1 working hour"),
    (37800, "1 ngày 2,5 giờ làm việc", "1 day 2.5 working hours"),
    (2 * 8 * H + H, "2 ngày 1 giờ làm việc", "2 days 1 working hour"),
    (7 * H + 59 * 60, "7,98 giờ làm việc", "7.98 working hours"),  # 7 h 59 min
    (8 * H - 1, "1 ngày làm việc", "1 working day"),  # rounds to 8.00 h: carried into a day
    (-37800, "1 ngày 2,5 giờ làm việc", "1 day 2.5 working hours"),  # a magnitude: the sentence has the sign
    (10, "dưới 0,01 giờ làm việc", "less than 0.01 working hours"),
    (-10, "dưới 0,01 giờ làm việc", "less than 0.01 working hours"),
    (1250 * 8 * H, "1250 ngày làm việc", "1250 working days"),
])
def test_working_time_in_both_languages(seconds, vi, en):
    assert numbers.working_time(seconds, "vi") == vi
    assert numbers.working_time(seconds, "en") == en


@pytest.mark.parametrize("value,decimals,vi,en", [
    (1234.5, 2, "1.234,5", "1,234.5"),
    (1234567, 0, "1.234.567", "1,234,567"),
    (Decimal("-0.001"), 2, "0", "0"),  # never a negative zero
    (-0.004, 2, "0", "0"),
    (Decimal("-2.5"), 2, "-2,5", "-2.5"),
    (0.125, 2, "0,13", "0.13"),  # half up
    (7.98, 2, "7,98", "7.98"),
])
def test_numbers_use_the_language_separators(value, decimals, vi, en):
    assert numbers.number(value, decimals, "vi") == vi
    assert numbers.number(value, decimals, "en") == en


def test_percent_keeps_two_decimals_and_na():
    assert numbers.percent(Decimal("66.66"), "vi") == "66,66%"
    assert numbers.percent(Decimal("100"), "en") == "100.00%"
    assert numbers.percent(None, "vi") == "N/A"
    assert numbers.percent(Decimal("-0.00"), "vi") == "0,00%"


@pytest.mark.parametrize("amount,unit,vi", [
    (1, "day", "1 ngày làm việc"), (8, "hour", "1 ngày làm việc"), (4, "hour", "4 giờ làm việc"),
    (1.5, "day", "1 ngày 4 giờ làm việc"), (Decimal("0.5"), "day", "4 giờ làm việc"),
])
def test_a_legal_limit_reads_as_the_same_working_time(amount, unit, vi):
    assert numbers.limit_text(amount, unit, "vi") == vi


# ---- properties -------------------------------------------------------------------------------

_VI = re.compile(r"^(?:(\d+) ngày(?: làm việc)?)? ?(?:(\d+(?:,\d{1,2})?) giờ)?(?: làm việc)?$")
_EN = re.compile(r"^(?:(\d+) (?:working )?days?)? ?(?:(\d+(?:\.\d{1,2})?) working hours?)?$")


def parse(text: str, lang: str) -> Decimal:
    """The hours a working-time text states (the inverse of the formatter)."""
    if text.startswith(("dưới ", "less than ")):
        return Decimal("0")
    m = (_VI if lang == "vi" else _EN).match(text)
    assert m and (m.group(1) or m.group(2)), text
    days = int(m.group(1) or 0)
    hours = Decimal((m.group(2) or "0").replace(",", "."))
    assert hours < 8, text  # whole days are carried
    return days * 8 + hours


@settings(deadline=None)  # a loaded machine must not fail a pure property
@given(st.integers(min_value=-10**9, max_value=10**9), st.sampled_from(["vi", "en"]))
def test_any_seconds_round_trip_and_never_show_a_minus(seconds, lang):
    text = numbers.working_time(seconds, lang)
    assert "-" not in text
    assert parse(text, lang) == numbers.hours(seconds)
    assert abs(numbers.hours(seconds) * H - abs(seconds)) <= 18  # within half a hundredth of an hour
    other = "." if lang == "vi" else ","
    assert other not in text  # one decimal mark per language (and no thousands in durations)


@settings(deadline=None)
@given(st.decimals(min_value=-10**6, max_value=10**6, allow_nan=False, places=4), st.sampled_from(["vi", "en"]))
def test_numbers_never_print_minus_zero_and_round_trip(value, lang):
    text = numbers.number(value, 2, lang)
    assert not re.match(r"^-0(?:[.,]0*)?$", text)
    dec, group = (",", ".") if lang == "vi" else (".", ",")
    back = Decimal(text.replace(group, "").replace(dec, "."))
    assert back == numbers.rounded(value, 2)
