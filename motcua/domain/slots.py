"""Appointment slots: a day's working time cut into bookable slots. Pure rules, no framework.

The working-time calendar (:mod:`motcua.domain.workcal`) says which days are worked (weekdays minus
holidays, plus compensatory working Saturdays) and the office periods in force on a day (morning
and afternoon). A unit may open less on one day (an afternoon-only day: an override naming that
day's periods, or none to close it), and a counter may keep shorter hours (its own periods, the
intersection is what is bookable). Each period is cut into slots of ``minutes`` from its start (a
remainder too short for a slot is not offered); a slot takes ``capacity`` bookings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone

from .workcal import WorkingCalendar

Period = tuple[time, time]
BOOKING_HORIZON_DAYS = 30  # a citizen books up to 30 days ahead
MIN_LEAD = timedelta(minutes=0)  # how long before its start a slot may still be booked


@dataclass(frozen=True)
class Slot:
    """One bookable slot: [starts_at, ends_at) in UTC, its capacity and the bookings it holds."""

    starts_at: datetime
    ends_at: datetime
    capacity: int
    booked: int = 0

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.booked)

    @property
    def full(self) -> bool:
        return self.free == 0


def _local_tz(cal: WorkingCalendar) -> timezone:
    return timezone(timedelta(seconds=cal.utc_offset))


def _intersect(a: Sequence[Period], b: Sequence[Period]) -> list[Period]:
    out = []
    for s1, e1 in a:
        for s2, e2 in b:
            s, e = max(s1, s2), min(e1, e2)
            if s < e:
                out.append((s, e))
    return sorted(out)


def day_periods(cal: WorkingCalendar, day: date, override: Sequence[Period] | None = None,
                counter_hours: Sequence[Period] | None = None) -> list[Period]:
    """The local periods of ``day`` open for appointments: none on a day off; the override's periods
    (a subset of the office periods: an afternoon-only day) when the unit declared one; within the
    counter's own hours when it keeps shorter ones."""
    try:
        if not cal.is_working_day(day):
            return []
    except ValueError:  # outside the calendar's years
        return []
    periods = list(cal.era_on(day).office_hours.periods)
    if override is not None:
        periods = _intersect(periods, override)
    if counter_hours is not None:
        periods = _intersect(periods, counter_hours)
    return periods


def working_intervals(cal: WorkingCalendar, day: date, override: Sequence[Period] | None = None,
                      counter_hours: Sequence[Period] | None = None) -> list[tuple[datetime, datetime]]:
    """:func:`day_periods` as UTC instants."""
    tz = _local_tz(cal)
    return [(datetime.combine(day, s, tz).astimezone(UTC), datetime.combine(day, e, tz).astimezone(UTC))
            for s, e in day_periods(cal, day, override, counter_hours)]


def cut(intervals: Iterable[tuple[datetime, datetime]], minutes: int) -> list[tuple[datetime, datetime]]:
    """Slots of ``minutes`` from the start of each interval; a shorter remainder is dropped."""
    if minutes <= 0:
        raise ValueError("a slot lasts at least one minute")
    step = timedelta(minutes=minutes)
    out = []
    for start, end in intervals:
        t = start
        while t + step <= end:
            out.append((t, t + step))
            t += step
    return out


def booking_days(cal: WorkingCalendar, today: date, horizon_days: int = BOOKING_HORIZON_DAYS,
                 first: date | None = None) -> list[date]:
    """The working days a citizen may book: from ``first`` (today by default, never before today)
    to today + ``horizon_days``."""
    start = max(today, first or today)
    last = today + timedelta(days=horizon_days)
    out = []
    d = start
    while d <= last:
        try:
            if cal.is_working_day(d):
                out.append(d)
        except ValueError:
            break
        d += timedelta(days=1)
    return out


def slots_of_day(cal: WorkingCalendar, day: date, minutes: int, capacity: int, now: datetime,
                 booked: Mapping[datetime, int] | None = None, override: Sequence[Period] | None = None,
                 counter_hours: Sequence[Period] | None = None, not_before: datetime | None = None,
                 horizon_days: int = BOOKING_HORIZON_DAYS) -> list[Slot]:
    """The slots of ``day`` a citizen may still book or see: never on a day off, never outside working
    time, never begun (start after ``now`` + the lead time), never past the horizon, never before
    ``not_before`` (a result is collected from its appointment time on). ``booked``: bookings held
    per slot start (cancelled ones not counted)."""
    today = cal.local_date(now)
    if day < today or day > today + timedelta(days=horizon_days):
        return []
    booked = booked or {}
    earliest = now + MIN_LEAD
    out = []
    for s, e in cut(working_intervals(cal, day, override, counter_hours), minutes):
        if s <= earliest or (not_before is not None and s < not_before):
            continue
        out.append(Slot(s, e, capacity, booked.get(s, 0)))
    return out


def find_slot(slots: Iterable[Slot], starts_at: datetime) -> Slot | None:
    return next((s for s in slots if s.starts_at == starts_at), None)


def can_book(slot: Slot | None, booked_now: int) -> bool:
    """A booking is accepted only into an offered slot with room left, counted at the moment of booking."""
    return slot is not None and booked_now < slot.capacity


# ---- arrival: the check-in window -----------------------------------------------------------------

CHECK_IN_BEFORE = timedelta(minutes=60)  # a booked citizen may take their ticket up to an hour early
CHECK_IN_AFTER = timedelta(minutes=30)  # and until half an hour after their slot ends


def check_in_window(starts_at: datetime, ends_at: datetime, before: timedelta = CHECK_IN_BEFORE,
                    after: timedelta = CHECK_IN_AFTER) -> tuple[datetime, datetime]:
    return starts_at - before, ends_at + after


def check_in_verdict(starts_at: datetime, ends_at: datetime, at: datetime, cal_offset: int = 7 * 3600,
                     before: timedelta = CHECK_IN_BEFORE, after: timedelta = CHECK_IN_AFTER) -> str:
    """"ok", "other_day" (not the appointment's local day), "early" or "late"."""
    tz = timezone(timedelta(seconds=cal_offset))
    if at.astimezone(tz).date() != starts_at.astimezone(tz).date():
        return "other_day"
    opens, closes = check_in_window(starts_at, ends_at, before, after)
    if at < opens:
        return "early"
    if at > closes:
        return "late"
    return "ok"


# ---- the appointment code ---------------------------------------------------------------------------

CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"  # no 0/O, 1/I/L... B/8, S/5, Z/2: read aloud or typed without doubt
CODE_LENGTH = 6


def normalize_code(text: str) -> str:
    """A typed code as stored: spaces and dashes dropped, upper case."""
    return "".join(ch for ch in (text or "").upper() if ch.isascii() and ch.isalnum())[:12]


def new_code(random_index: Iterable[int]) -> str:
    """A code from ``CODE_LENGTH`` random indexes (the caller draws them from a secure source)."""
    return "".join(CODE_ALPHABET[i % len(CODE_ALPHABET)] for i in random_index)
