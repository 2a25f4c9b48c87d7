"""Template filters for working durations and numbers, by :mod:`motcua.core.numbers` in the page
language: ``{{ d.limit_seconds|working_time }}``, ``{{ v.processing_time|limit_text:v.time_unit }}``."""

from __future__ import annotations

from decimal import Decimal

from django import template

from motcua.core import numbers

register = template.Library()


@register.filter
def working_time(seconds: int | float | None) -> str:
    return "" if seconds is None else numbers.working_time(seconds)


@register.filter
def limit_text(amount: int | float | Decimal | None, unit: str) -> str:
    return "" if amount is None else numbers.limit_text(amount, unit)
