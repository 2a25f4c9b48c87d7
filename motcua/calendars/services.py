"""Build a province's WorkingCalendar (national default + overrides) and apply changes."""

from __future__ import annotations

import threading
from datetime import date, time

import holidays
from django.db import transaction

from motcua.domain.workcal import OfficeHours, WorkingCalendar

from .models import CalendarOverride, CalendarSettings, OverrideKind, new_revision
from .signals import calendar_changed

FIRST_YEAR, LAST_YEAR = 2010, 2045
_cache: dict[int, tuple[int, WorkingCalendar]] = {}
_lock = threading.Lock()


def national_default() -> tuple[set[date], set[date]]:
    """Holidays and make-up Saturdays known to the ``holidays`` package for Vietnam."""
    vn = holidays.country_holidays("VN", years=range(FIRST_YEAR, LAST_YEAR + 1))
    days_off = set(vn.keys())
    workdays = set()
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        d = date(year, 1, 1)
        while d.year == year:
            if d.weekday() >= 5 and vn.is_working_day(d):
                workdays.add(d)
            d = date.fromordinal(d.toordinal() + 1)
    return days_off, workdays


_NATIONAL: tuple[set[date], set[date]] | None = None


def _national() -> tuple[set[date], set[date]]:
    global _NATIONAL
    if _NATIONAL is None:
        _NATIONAL = national_default()
    return _NATIONAL


def settings_for(province_id: int) -> CalendarSettings:
    obj, _ = CalendarSettings.objects.get_or_create(province_id=province_id)
    return obj


def build_calendar(cs: CalendarSettings) -> WorkingCalendar:
    days_off, workdays = (set(s) for s in _national())
    for o in CalendarOverride.objects.filter(province_id=cs.province_id):
        if o.kind == OverrideKind.HOLIDAY:
            days_off.add(o.date)
            workdays.discard(o.date)
        else:
            workdays.add(o.date)
            days_off.discard(o.date)
    return WorkingCalendar(
        holidays=frozenset(days_off),
        extra_working_days=frozenset(workdays),
        office_hours=OfficeHours(((cs.morning_start, cs.morning_end),
                                  (cs.afternoon_start, cs.afternoon_end))),
        cutoff=cs.cutoff if cs.cutoff_enabled else None,
        first_year=FIRST_YEAR,
        last_year=LAST_YEAR,
    )


REVISION_TTL = 1.0  # seconds a process trusts its last revision check


def calendar_for(province_id: int) -> WorkingCalendar:
    """The province's calendar, rebuilt only when its revision changed (one small query, at most
    once a second per process; a change made in this process applies at once)."""
    from motcua.core.refcache import cached

    rev = cached("calendar-revision", str(province_id), lambda: _revision(province_id), REVISION_TTL)
    cached_cal = _cache.get(province_id)
    if rev is not None and cached_cal and cached_cal[0] == rev:
        return cached_cal[1]
    return _rebuild(province_id, rev)


def _revision(province_id: int) -> int | None:
    return (CalendarSettings.objects.filter(province_id=province_id)
            .values_list("revision", flat=True).first())


def _rebuild(province_id: int, rev: int | None) -> WorkingCalendar:
    """Build and cache the calendar (creating the province's settings row on first use)."""
    from motcua.core.refcache import forget

    with _lock:
        cs = settings_for(province_id)
        cal = build_calendar(cs)
        _cache[province_id] = (cs.revision, cal)
    if rev is None:  # the settings row was just created: the cached "no revision" is stale
        forget("calendar-revision", str(province_id))
    return cal


def bump_revision(province_id: int) -> None:
    settings_for(province_id)
    CalendarSettings.objects.filter(province_id=province_id).update(revision=new_revision())
    from motcua.core import refcache

    refcache.clear()  # this process sees the new revision at once
    calendar_changed.send(sender=CalendarSettings, province_id=province_id)


@transaction.atomic
def declare_day(province_id: int, day: date, kind: str, name: str, decision: str,
                recompute: bool = True) -> CalendarOverride:
    """Declare a day off (or a make-up working day) and recompute open dossiers' due times."""
    from motcua.domain.errors import ValidationFailed

    if kind not in OverrideKind.values:
        raise ValidationFailed("Unknown override kind.", fields={"kind": "holiday or working_day"})
    if not decision.strip():
        raise ValidationFailed("The decision is required.", fields={"decision": "required"})
    try:
        return _declare(province_id, day, kind, name, decision, recompute)
    except BaseException:
        _cache.pop(province_id, None)  # the rolled-back revision may be reused: forget it
        from motcua.core import refcache

        refcache.clear()
        raise


def _declare(province_id: int, day: date, kind: str, name: str, decision: str, recompute: bool) -> CalendarOverride:
    obj, _ = CalendarOverride.objects.update_or_create(
        province_id=province_id, date=day,
        defaults={"kind": kind, "name": name, "decision": decision},
    )
    bump_revision(province_id)
    if recompute:
        from motcua.dossiers.recompute import recompute_open_dossiers

        recompute_open_dossiers(province_id)
    return obj


def office_time(value: str) -> time:
    hh, mm = value.split(":")
    return time(int(hh), int(mm))
