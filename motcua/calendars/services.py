"""Build a province's WorkingCalendar (national default + overrides) and apply changes."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from django.db import transaction

from motcua.domain.rules import rules_between
from motcua.domain.workcal import Era, OfficeHours, WorkingCalendar

from . import national
from .models import (
    CalendarOverride,
    CalendarSettings,
    CalendarSettingsVersion,
    NationalEntry,
    NationalEntryStatus,
    OverrideKind,
    new_revision,
)
from .signals import calendar_changed

FIRST_YEAR, LAST_YEAR = 2010, 2045
_cache: dict[int, tuple[int, WorkingCalendar]] = {}
_lock = threading.Lock()


def national_default() -> tuple[set[date], set[date]]:
    """Days off and make-up Saturdays of the national calendar (official schedules over the
    ``holidays`` package), before any administrator's decision on unconfirmed entries."""
    return national.national_days(FIRST_YEAR, LAST_YEAR)


def _national() -> tuple[set[date], set[date]]:
    decided = dict(NationalEntry.objects.exclude(status=NationalEntryStatus.PENDING)
                   .values_list("date", "status"))
    return national.national_days(
        FIRST_YEAR, LAST_YEAR,
        confirmed=frozenset(d for d, s in decided.items() if s == NationalEntryStatus.CONFIRMED),
        rejected=frozenset(d for d, s in decided.items() if s == NationalEntryStatus.REJECTED))


def settings_for(province_id: int) -> CalendarSettings:
    obj, _ = CalendarSettings.objects.get_or_create(province_id=province_id)
    return obj


def default_versions(province_id: int, before: date | None = None) -> list[CalendarSettingsVersion]:
    """The rules in force when a province has declared none: the model's office hours and the default
    cut-off of the rules in force (motcua.domain.rules_data), from the calendar's first year; one version
    per change of that default, those starting before ``before``."""
    first, out = date(FIRST_YEAR, 1, 1), []
    for r in rules_between(first, before or date(LAST_YEAR, 12, 31)):
        start = max(first, r.effective_from or first)
        if (before is None or start < before) and (not out or (out[-1].cutoff_enabled, out[-1].cutoff)
                                                   != (r.cutoff.enabled, r.cutoff.at)):
            out.append(CalendarSettingsVersion(province_id=province_id, effective_from=start, decision="Mặc định",
                                               cutoff_enabled=r.cutoff.enabled, cutoff=r.cutoff.at))
    return out


def versions_of(province_id: int) -> list[CalendarSettingsVersion]:
    """The province's settings versions in date order (the default ones before its first)."""
    rows = list(CalendarSettingsVersion.objects.filter(province_id=province_id).order_by("effective_from"))
    return default_versions(province_id, rows[0].effective_from if rows else None) + rows


def version_in_force(province_id: int, on: date) -> CalendarSettingsVersion:
    current = None
    for v in versions_of(province_id):
        if v.effective_from <= on:
            current = v
    assert current is not None
    return current


def _era(v: CalendarSettingsVersion) -> Era:
    return Era(v.effective_from, OfficeHours(((v.morning_start, v.morning_end), (v.afternoon_start, v.afternoon_end))),
               v.cutoff if v.cutoff_enabled else None)


def build_calendar(cs: CalendarSettings) -> WorkingCalendar:
    days_off, workdays = _national()
    for o in CalendarOverride.objects.filter(province_id=cs.province_id):
        if o.kind == OverrideKind.HOLIDAY:
            days_off.add(o.date)
            workdays.discard(o.date)
        else:
            workdays.add(o.date)
            days_off.discard(o.date)
    first, *later = [_era(v) for v in versions_of(cs.province_id)]
    return WorkingCalendar(
        holidays=frozenset(days_off),
        extra_working_days=frozenset(workdays),
        office_hours=first.office_hours,
        cutoff=first.cutoff,
        first_year=FIRST_YEAR,
        last_year=LAST_YEAR,
        eras=tuple(later),
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


def today() -> date:
    """The local date now (the service layer's clock)."""
    from motcua.core import clock

    return clock.local_date(clock.now())


def check_future(day: date, field: str = "date") -> None:
    """A calendar change applies from tomorrow at the earliest: the days already begun hold
    dossiers judged on them (a dossier finished this morning keeps its verdict)."""
    from motcua.domain.errors import ValidationFailed

    if day <= today():
        raise ValidationFailed(
            f"A calendar change applies from tomorrow at the earliest; {day:%d/%m/%Y} has begun or passed.",
            fields={field: f"Chỉ khai báo cho ngày từ ngày mai trở đi ({day:%d/%m/%Y} đã bắt đầu hoặc đã qua)."})


def _require_decision(decision: str) -> None:
    from motcua.domain.errors import ValidationFailed

    if not (decision or "").strip():
        raise ValidationFailed("The decision is required.", fields={"decision": "required"})


@dataclass
class Change:
    """What a calendar change did: the object saved and the open dossiers recomputed."""

    obj: Any
    scanned: int = 0  # open dossiers of the province
    changed: int = 0  # whose due time moved
    recomputed: bool = False


def _after_change(province_id: int, obj: Any, recompute: bool) -> Change:
    bump_revision(province_id)
    change = Change(obj)
    if recompute:
        from motcua.dossiers.recompute import recompute_open_dossiers

        r = recompute_open_dossiers(province_id)
        change.scanned, change.changed, change.recomputed = r.scanned, r.changed, True
    return change


def _guarded(province_id: int, fn: Any) -> Change:
    """Run a change; on failure forget the calendar cached during it (its revision rolls back)."""
    try:
        with transaction.atomic():
            return fn()
    except BaseException:
        _cache.pop(province_id, None)
        from motcua.core import refcache

        refcache.clear()
        raise


def declare_day(province_id: int, day: date, kind: str, name: str, decision: str,
                recompute: bool = True, by: Any = None) -> CalendarOverride:
    """Declare a day off (or a make-up working day) from tomorrow on and recompute open
    dossiers' due times. Returns the override; :func:`declare` also returns the counts."""
    return declare(province_id, day, kind, name, decision, recompute, by).obj


def declare(province_id: int, day: date, kind: str, name: str, decision: str,
            recompute: bool = True, by: Any = None) -> Change:
    from motcua.domain.errors import ValidationFailed

    if kind not in OverrideKind.values:
        raise ValidationFailed("Unknown override kind.", fields={"kind": "holiday or working_day"})
    _require_decision(decision)
    check_future(day)

    def run() -> Change:
        existing = CalendarOverride.objects.select_for_update().filter(province_id=province_id, date=day).first()
        if existing is None:
            obj = CalendarOverride.objects.create(province_id=province_id, date=day, kind=kind, name=name,
                                                  decision=decision, created_by=_user(by))
        else:
            existing.kind, existing.name, existing.decision = kind, name, decision
            existing.created_by = _user(by) or existing.created_by
            existing.save(update_fields=["kind", "name", "decision", "created_by"])
            obj = existing
        return _after_change(province_id, obj, recompute)

    return _guarded(province_id, run)


def withdraw_day(override: CalendarOverride, recompute: bool = True) -> Change:
    """Delete a future override (a past one is history and stays)."""
    check_future(override.date)
    pid = override.province_id

    def run() -> Change:
        override.delete()
        return _after_change(pid, override, recompute)

    return _guarded(pid, run)


SETTINGS_FIELDS = ("morning_start", "morning_end", "afternoon_start", "afternoon_end", "cutoff_enabled", "cutoff")


def change_settings(province_id: int, effective_from: date, decision: str, recompute: bool = True,
                    by: Any = None, **values: Any) -> Change:
    """New office hours / cut-off from ``effective_from`` (tomorrow or later). Fields not given
    keep the values in force the day before. Saving again for the same date edits that
    future version."""
    from django.core.exceptions import ValidationError

    from motcua.domain.errors import ValidationFailed

    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationFailed("Unknown settings.", fields={k: "unknown field" for k in sorted(unknown)})
    _require_decision(decision)
    check_future(effective_from, "effective_from")

    def run() -> Change:
        settings_for(province_id)
        CalendarSettings.objects.select_for_update().filter(province_id=province_id).first()
        base = version_in_force(province_id, effective_from)
        v = CalendarSettingsVersion.objects.filter(province_id=province_id, effective_from=effective_from).first()
        if v is None:
            v = CalendarSettingsVersion(province_id=province_id, effective_from=effective_from,
                                        **{f: getattr(base, f) for f in SETTINGS_FIELDS})
        for f, value in values.items():
            setattr(v, f, value)
        v.decision, v.created_by = decision, _user(by)
        try:
            v.full_clean(exclude=["province", "created_by"])
        except ValidationError as e:
            raise ValidationFailed("Invalid office hours.",
                                   fields={k: " ".join(str(m) for m in msgs)
                                           for k, msgs in e.message_dict.items()}) from None
        v.save()
        return _after_change(province_id, v, recompute)

    return _guarded(province_id, run)


def withdraw_version(v: CalendarSettingsVersion, recompute: bool = True) -> Change:
    """Delete a version not yet in force."""
    check_future(v.effective_from, "effective_from")
    pid = v.province_id

    def run() -> Change:
        v.delete()
        return _after_change(pid, v, recompute)

    return _guarded(pid, run)


def _user(by: Any) -> Any:
    return by if getattr(by, "pk", None) else None


# ---- national entries awaiting confirmation -------------------------------------------------

def sync_national_entries() -> int:
    """Make sure every unconfirmed national entry has a row an administrator can decide on;
    returns how many were added."""
    existing = set(NationalEntry.objects.values_list("date", flat=True))
    new = [NationalEntry(date=e.date, kind=e.kind, name=e.name[:200], source=e.source, basis=e.basis[:255])
           for e in national.candidates(FIRST_YEAR, LAST_YEAR) if e.date not in existing]
    NationalEntry.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def decide_national(entry: NationalEntry, confirm: bool, decision: str, by: Any = None,
                    recompute: bool = True) -> list[Change]:
    """Confirm (then it applies) or reject a national entry, for a day from tomorrow on; every
    province's calendar follows. Returns the change per province."""
    from motcua.core import clock

    _require_decision(decision)
    check_future(entry.date)
    with transaction.atomic():
        entry.status = NationalEntryStatus.CONFIRMED if confirm else NationalEntryStatus.REJECTED
        entry.decision, entry.decided_by, entry.decided_at = decision, _user(by), clock.now()
        entry.save(update_fields=["status", "decision", "decided_by", "decided_at"])
        changes = [_after_change(pid, entry, recompute)
                   for pid in CalendarSettings.objects.values_list("province_id", flat=True)]
    _cache.clear()
    return changes


def office_time(value: str) -> time:
    hh, mm = value.split(":")
    return time(int(hh), int(mm))
