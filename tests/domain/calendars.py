"""Shared by the domain tests: the national calendar (the `holidays` default, no overrides) and
local Vietnamese wall time."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

from motcua.calendars.services import national_default
from motcua.domain.workcal import WorkingCalendar

VN = ZoneInfo("Asia/Ho_Chi_Minh")
H = 3600
DAY = 8 * H


@cache
def national() -> WorkingCalendar:
    days_off, workdays = national_default()
    return WorkingCalendar(holidays=frozenset(days_off), extra_working_days=frozenset(workdays))


def at(value: str) -> datetime:
    """Local Vietnamese wall time, e.g. at("2026-03-10 09:00")."""
    return datetime.fromisoformat(value).replace(tzinfo=VN)
