"""Numbers and working durations as people read them: one formatter per language.

Vietnamese writes ``1.234,5`` (dot thousands, decimal comma), English ``1,234.5``. Working time
is shown in working days of 8 hours and working hours with at most two decimals, the same way
everywhere (the page header, the explanation, the reports, the documents)::

    >>> working_time(37800, "vi")
    '1 ngày 2,5 giờ làm việc'
    >>> working_time(37800, "en")
    '1 day 2.5 working hours'

Rules: figures are rounded half up to the shown precision (hundredths of an hour for working
time), a value that rounds to zero is printed without a sign (never "-0"), a duration is always
printed as a magnitude (the sentence around it says "late by" or "left" from its sign), and a
non-zero duration too small to show says so ("dưới 0,01 giờ làm việc") instead of "0".

The functions take the language explicitly (``"vi"`` or ``"en"``); ``None`` means the active
Django language. Nothing here imports Django at module level.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

SECONDS_PER_HOUR = 3600
HOURS_PER_DAY = 8  # a working day (motcua.domain.workcal.HOURS_PER_WORKING_DAY)
_CENTI = SECONDS_PER_HOUR // 100  # seconds in a hundredth of an hour
_CENTI_PER_DAY = HOURS_PER_DAY * 100

_SEPARATORS = {"vi": (",", "."), "en": (".", ",")}  # (decimal, thousands)


def lang_of(lang: str | None = None) -> str:
    """``"en"`` for any English language code, else ``"vi"`` (the source language)."""
    if lang is None:
        from django.utils.translation import get_language

        lang = get_language() or "vi"
    return "en" if lang.lower().startswith("en") else "vi"


def rounded(value: float | int | Decimal, decimals: int = 2) -> Decimal:
    """``value`` rounded half up to ``decimals`` places, zero without a sign."""
    q = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return q if q != 0 else abs(q)  # Decimal("-0.00") -> Decimal("0.00")


def number(value: float | int | Decimal, decimals: int = 2, lang: str | None = None, trim: bool = True) -> str:
    """A number with the language's separators, rounded to ``decimals`` places; trailing zeros
    dropped when ``trim`` (``2,5`` not ``2,50``; ``3`` not ``3,00``)."""
    dec, group = _SEPARATORS[lang_of(lang)]
    q = rounded(value, decimals)
    sign = "-" if q < 0 else ""
    text = f"{abs(q):,.{decimals}f}"  # "1,234.50"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    text = text.replace(",", "\0").replace(".", dec).replace("\0", group)
    return sign + text


def percent(value: float | int | Decimal | None, lang: str | None = None) -> str:
    """``66,66%`` (two decimals always, as rates are published); ``N/A`` for no value."""
    if value is None:
        return "N/A"
    return number(value, 2, lang, trim=False) + "%"


def centi_hours(seconds: int | float) -> int:
    """The magnitude of ``seconds`` in hundredths of an hour, rounded half up."""
    return int((Decimal(str(abs(seconds))) / _CENTI).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def hours(seconds: int | float) -> Decimal:
    """The magnitude of ``seconds`` in hours, to two decimals (the figure :func:`working_time`
    prints)."""
    return Decimal(centi_hours(seconds)) / 100


def working_time(seconds: int | float, lang: str | None = None) -> str:
    """A working duration's magnitude in working days (8 h) and hours: "1 ngày 2,5 giờ làm
    việc", "1 ngày làm việc", "0,5 giờ làm việc" / "1 day 2.5 working hours", "2 working days",
    "0.5 working hours"."""
    lg = lang_of(lang)
    centi = centi_hours(seconds)
    if centi == 0:
        if seconds:
            return "dưới 0,01 giờ làm việc" if lg == "vi" else "less than 0.01 working hours"
        return "0 giờ làm việc" if lg == "vi" else "0 working hours"
    days, rest = divmod(centi, _CENTI_PER_DAY)
    h = number(Decimal(rest) / 100, 2, lg)
    if lg == "vi":
        if not rest:
            return f"{days} ngày làm việc"
        return f"{days} ngày {h} giờ làm việc" if days else f"{h} giờ làm việc"
    hour_word = "hour" if rest == 100 else "hours"
    if not rest:
        return f"{days} working {'day' if days == 1 else 'days'}"
    if not days:
        return f"{h} working {hour_word}"
    return f"{days} {'day' if days == 1 else 'days'} {h} working {hour_word}"


def limit_text(amount: float | int | Decimal, unit: str, lang: str | None = None) -> str:
    """A legal time limit ("day" or "hour" units), as :func:`working_time` shows the same
    number of working seconds (so the header and the explanation agree)."""
    factor = HOURS_PER_DAY * SECONDS_PER_HOUR if unit == "day" else SECONDS_PER_HOUR
    return working_time(round(float(amount) * factor), lang)
