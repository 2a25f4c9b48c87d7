"""Working-time arithmetic, checked against hand-worked Vietnamese calendars (no database).

Every expected value below was worked out by hand from the published calendar: office hours
07:30-11:30 and 13:00-17:00 (8 working hours a day), the 15:00 afternoon cut-off, weekends and
the national holidays as the ``holidays`` package knows them (the national default of
motcua.calendars.services).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from motcua.calendars.services import national_default
from motcua.domain.workcal import (
    OfficeHours,
    Pause,
    WorkingCalendar,
    from_epoch,
    limit_to_seconds,
    to_epoch,
)
from tests.domain.calendars import DAY, VN, H, at, national


def d(value: str) -> date:
    return date.fromisoformat(value)


# ---- which days are worked ------------------------------------------------------------------

@pytest.mark.parametrize(("day", "working"), [
    # Tết 2025: Mon 27/01 .. Fri 31/01 off, plus the weekends around it
    ("2025-01-24", True), ("2025-01-25", False), ("2025-01-26", False),
    ("2025-01-27", False), ("2025-01-28", False), ("2025-01-29", False), ("2025-01-30", False),
    ("2025-01-31", False), ("2025-02-01", False), ("2025-02-02", False), ("2025-02-03", True),
    # Tết 2026: Mon 16/02 .. Fri 20/02 off, back on Mon 23/02
    ("2026-02-13", True), ("2026-02-16", False), ("2026-02-17", False), ("2026-02-18", False),
    ("2026-02-19", False), ("2026-02-20", False), ("2026-02-21", False), ("2026-02-23", True),
    # 30/4 - 1/5 2025: Fri 02/05 substituted for the make-up Saturday 26/04
    ("2025-04-26", True), ("2025-04-27", False), ("2025-04-28", True), ("2025-04-29", True),
    ("2025-04-30", False), ("2025-05-01", False), ("2025-05-02", False), ("2025-05-05", True),
    # Hung Kings 2025 (Mon 07/04)
    ("2025-04-07", False),
    # 2026: Hung Kings on Sun 26/04 observed on Mon 27/04; 30/4 and 1/5 on Thu/Fri
    ("2026-04-26", False), ("2026-04-27", False), ("2026-04-28", True),
    ("2026-04-30", False), ("2026-05-01", False), ("2026-05-04", True),
    # 2026: make-up Saturday 22/08 for the day off Mon 31/08, then 1/9 and 2/9
    ("2026-08-22", True), ("2026-08-23", False), ("2026-08-28", True), ("2026-08-31", False),
    ("2026-09-01", False), ("2026-09-02", False), ("2026-09-03", True),
    # 2026: New Year 1-4/1 with Fri 2/1 moved to Sat 10/1 (12729/VPCP-KGVX), which the library lacks
    ("2026-01-02", False), ("2026-01-05", True), ("2026-01-10", True), ("2026-01-11", False),
    # 2026: Vietnam Cultural Day (Tue 24/11): listed by the library with no confirmed legal basis,
    # so a working day until an administrator confirms it (tests/test_calendar_official.py)
    ("2026-11-23", True), ("2026-11-24", True), ("2026-11-25", True),
    # plain weeks
    ("2026-03-10", True), ("2026-03-14", False), ("2026-03-15", False),
])
def test_working_days_of_the_national_calendar(cal, day, working):
    assert cal.is_working_day(d(day)) is working


@pytest.mark.parametrize(("day", "expected"), [
    ("2025-01-24", "2025-02-03"),  # Friday before Tết 2025 -> first day back
    ("2025-01-29", "2025-02-03"),  # from inside Tết
    ("2026-02-13", "2026-02-23"),  # Friday before Tết 2026
    ("2025-04-25", "2025-04-26"),  # Friday -> the make-up Saturday
    ("2025-04-26", "2025-04-28"),  # make-up Saturday -> Monday
    ("2025-04-29", "2025-05-05"),  # over 30/4, 1/5, 2/5 and the weekend
    ("2026-04-24", "2026-04-28"),  # over Hung Kings observed on Monday
    ("2026-04-29", "2026-05-04"),
    ("2026-08-21", "2026-08-22"),  # Friday -> make-up Saturday 2026
    ("2026-08-28", "2026-09-03"),  # over 31/8, 1/9, 2/9
    ("2026-11-23", "2026-11-24"),
    ("2026-01-01", "2026-01-05"),  # over the 2026 New Year days off
    ("2026-01-09", "2026-01-10"),  # Friday -> the make-up Saturday 10/01/2026
    ("2026-03-13", "2026-03-16"),  # a plain weekend
])
def test_next_working_day(cal, day, expected):
    assert cal.next_working_day(d(day)) == d(expected)


@pytest.mark.parametrize(("day", "n", "expected"), [
    ("2025-01-24", 0, "2025-01-24"),
    ("2025-01-24", 1, "2025-02-03"),
    ("2025-01-24", 3, "2025-02-05"),
    ("2025-01-29", 0, "2025-01-29"),  # n == 0 returns the day itself, even a holiday
    ("2025-04-24", 2, "2025-04-26"),  # Thu -> Fri -> make-up Sat
    ("2025-04-24", 5, "2025-05-05"),  # Fri, Sat 26, Mon 28, Tue 29, Mon 5/5
    ("2026-02-12", 2, "2026-02-23"),
    ("2026-08-20", 4, "2026-08-25"),  # Fri 21, Sat 22 (make-up), Mon 24, Tue 25
])
def test_add_working_days(cal, day, n, expected):
    assert cal.add_working_days(d(day), n) == d(expected)


def test_add_working_days_over_the_2026_national_day_break(cal):
    # Thu 27/08: Fri 28 (1), Thu 03/09 (2), Fri 04/09 (3)
    assert cal.add_working_days(d("2026-08-27"), 3) == d("2026-09-04")


# ---- due times: working days ----------------------------------------------------------------

@pytest.mark.parametrize(("received", "limit", "expected"), [
    # plain week (Tue 10/03/2026)
    ("2026-03-10 09:00", DAY, "2026-03-11 09:00"),
    ("2026-03-10 09:00", 3 * DAY, "2026-03-13 09:00"),
    ("2026-03-12 09:00", 2 * DAY, "2026-03-16 09:00"),  # over the weekend
    # Tết 2025
    ("2025-01-24 09:00", DAY, "2025-02-03 09:00"),
    ("2025-01-23 10:00", 2 * DAY, "2025-02-03 10:00"),
    ("2025-01-28 09:00", DAY, "2025-02-03 17:00"),  # received during Tết: counts from 03/02
    # Tết 2026: Fri 10:00 -> 5.5 h Fri, 8 h Mon 23, 8 h Tue 24, 2.5 h Wed 25
    ("2026-02-13 10:00", 3 * DAY, "2026-02-25 10:00"),
    # 30/4 - 1/5 2025 with the make-up Saturday
    ("2025-04-25 09:00", DAY, "2025-04-26 09:00"),
    ("2025-04-29 09:00", DAY, "2025-05-05 09:00"),
    ("2025-04-28 09:00", 2 * DAY, "2025-05-05 09:00"),
    # 2026
    ("2026-04-24 09:00", DAY, "2026-04-28 09:00"),  # Hung Kings observed Mon 27/04
    ("2026-04-29 09:00", DAY, "2026-05-04 09:00"),  # 30/4, 1/5
    ("2026-08-21 09:00", DAY, "2026-08-22 09:00"),  # to the make-up Saturday
    ("2026-08-28 09:00", DAY, "2026-09-03 09:00"),  # over 31/8, 1/9, 2/9
    ("2026-11-23 09:00", DAY, "2026-11-24 09:00"),  # 24/11 unconfirmed: a working day
    ("2025-12-31 09:00", DAY, "2026-01-05 09:00"),  # over 1-4/01/2026
    ("2026-01-09 09:00", DAY, "2026-01-10 09:00"),  # to the make-up Saturday 10/01/2026
])
def test_due_in_working_days(cal, received, limit, expected):
    assert cal.due(at(received), limit) == at(expected)


# ---- due times: the afternoon cut-off and office hours ---------------------------------------

@pytest.mark.parametrize(("received", "limit", "expected"), [
    ("2026-03-10 14:59", DAY, "2026-03-11 14:59"),  # before the cut-off: counts at once
    ("2026-03-10 15:00", DAY, "2026-03-11 15:00"),  # at the cut-off: still counts that day
    ("2026-03-10 15:00:01", DAY, "2026-03-11 17:00"),  # strictly after it: from Wed morning
    ("2026-03-10 16:30", DAY, "2026-03-11 17:00"),
    ("2026-03-10 18:00", DAY, "2026-03-11 17:00"),  # after closing
    ("2026-03-10 15:00", 4 * H, "2026-03-11 09:30"),  # 2 h Tue + 2 h Wed
    ("2026-03-10 15:00:01", 4 * H, "2026-03-11 11:30"),
    ("2026-03-13 15:10", DAY, "2026-03-16 17:00"),  # Friday after cut-off -> Monday
    ("2026-03-14 10:00", DAY, "2026-03-16 17:00"),  # Saturday: counts from Monday
    ("2026-03-14 16:00", DAY, "2026-03-16 17:00"),  # Saturday afternoon: same
    ("2026-04-30 16:00", DAY, "2026-05-04 17:00"),  # holiday afternoon: from Mon 04/05
    ("2026-03-10 06:45", DAY, "2026-03-10 17:00"),  # before opening: the whole Tuesday
    ("2026-03-10 06:45", 4 * H, "2026-03-10 11:30"),
    ("2026-03-10 12:00", 4 * H, "2026-03-10 17:00"),  # lunch break: the afternoon
    ("2026-03-10 12:00", 2 * H, "2026-03-10 15:00"),
    ("2026-03-10 10:00", 4 * H, "2026-03-10 15:30"),  # 1.5 h morning + 2.5 h afternoon
    ("2026-03-10 09:30", 4 * H, "2026-03-10 15:00"),  # 2 h + 2 h, lunch excluded
    ("2026-03-10 10:00", 2 * H, "2026-03-10 13:30"),
    ("2026-03-10 07:30", DAY, "2026-03-10 17:00"),  # due at the end of the day, not next morning
    ("2026-03-10 13:00", 4 * H, "2026-03-10 17:00"),
    ("2026-03-10 11:30", 4 * H, "2026-03-10 17:00"),
    ("2026-03-10 14:00", 3 * H, "2026-03-10 17:00"),
    ("2026-03-09 07:30", 2 * DAY, "2026-03-10 17:00"),
    # make-up Saturday 26/04/2025 is a working day, so the cut-off applies there too
    ("2025-04-26 14:59", 4 * H, "2025-04-28 09:29"),  # 2 h 01 on Sat, 1 h 59 on Mon
    ("2025-04-26 15:00", 4 * H, "2025-04-28 09:30"),
    ("2025-04-26 15:00:01", 4 * H, "2025-04-28 11:30"),
    ("2025-04-25 16:00", DAY, "2025-04-26 17:00"),  # Friday after cut-off -> the make-up Saturday
    ("2025-01-24 15:30", DAY, "2025-02-03 17:00"),  # Friday before Tết after cut-off
    ("2025-01-24 14:00", 4 * H, "2025-02-03 08:30"),  # 3 h Fri + 1 h Mon
])
def test_due_with_cutoff_and_office_hours(cal, received, limit, expected):
    assert cal.due(at(received), limit) == at(expected)


def test_due_exactly_at_the_end_of_the_day_is_17h_not_next_morning(cal):
    due = cal.due(at("2026-03-10 07:00"), DAY)
    assert due == at("2026-03-10 17:00")
    assert due.astimezone(VN).time() == time(17, 0)
    assert cal.working_seconds_between(due, at("2026-03-11 07:30")) == 0


@pytest.mark.parametrize(("received", "cutoff", "limit", "expected"), [
    ("2026-03-10 15:30", None, DAY, "2026-03-11 15:30"),  # cut-off disabled
    ("2026-03-10 15:30", False, DAY, "2026-03-11 15:30"),
    ("2026-03-10 15:30", True, DAY, "2026-03-11 17:00"),  # the calendar's own (15:00)
    ("2026-03-10 15:30", time(16, 0), DAY, "2026-03-11 15:30"),  # a procedure's later cut-off
    ("2026-03-10 16:00", time(16, 0), DAY, "2026-03-11 16:00"),
    ("2026-03-10 16:00:01", time(16, 0), DAY, "2026-03-11 17:00"),
    ("2026-03-10 14:30", time(14, 0), 4 * H, "2026-03-11 11:30"),
])
def test_cutoff_argument(cal, received, cutoff, limit, expected):
    assert cal.due(at(received), limit, cutoff=cutoff) == at(expected)


def test_calendar_without_cutoff():
    cal = WorkingCalendar(cutoff=None, first_year=2026, last_year=2026)
    assert cal.due(at("2026-03-10 16:30"), 4 * H) == at("2026-03-11 11:00")


def test_clock_start_after_cutoff_is_the_next_working_morning(cal):
    start = cal.clock_start(at("2026-03-13 15:30"))  # Friday
    assert cal.ordinal(start) == cal.ordinal(at("2026-03-16 07:30"))
    assert cal.clock_start(at("2026-03-10 10:00")) == at("2026-03-10 10:00")
    assert cal.clock_start(at("2026-03-10 15:30"), cutoff=None) == at("2026-03-10 15:30")


def test_epoch_fast_path_matches_datetime_api(cal):
    received = at("2026-03-10 15:30")
    assert cal.due_epoch(to_epoch(received), DAY) == to_epoch(cal.due(received, DAY))
    assert cal.clock_start_ordinal(to_epoch(received)) == cal.ordinal(at("2026-03-11 07:30"))
    assert cal.clock_start_ordinal(to_epoch(received), None) == cal.ordinal(received)


# ---- pauses ----------------------------------------------------------------------------------

def test_finished_pause_moves_due_by_the_working_time_paused(cal):
    # 1 day from Tue 09:00 = Wed 09:00; paused Tue 10:00 -> Thu 10:00 = 5.5 + 8 + 2.5 = 16 h
    pause = Pause(at("2026-03-10 10:00"), at("2026-03-12 10:00"))
    assert cal.working_seconds_between(pause.start, pause.end) == 16 * H
    assert cal.due(at("2026-03-10 09:00"), DAY, [pause]) == at("2026-03-13 09:00")


def test_open_pause_does_not_move_due(cal):
    pause = Pause(at("2026-03-10 10:00"), None)
    assert cal.due(at("2026-03-10 09:00"), DAY, [pause]) == at("2026-03-11 09:00")


def test_pause_over_a_weekend_counts_only_working_time(cal):
    # Fri 16:00 -> Mon 08:30: 1 h Fri + 1 h Mon
    pause = Pause(at("2026-03-13 16:00"), at("2026-03-16 08:30"))
    assert cal.due(at("2026-03-13 09:00"), DAY, [pause]) == at("2026-03-16 11:00")


def test_pause_before_the_clock_starts_does_not_move_due(cal):
    # received after the cut-off: the clock starts Wed 07:30; the supplement asked for and
    # brought on Tuesday evening took no counted time
    received = at("2026-03-10 15:30")
    pause = Pause(at("2026-03-10 15:45"), at("2026-03-10 16:30"))
    assert cal.due(received, DAY, [pause]) == at("2026-03-11 17:00")
    # a pause straddling the clock start counts only from the clock start (Wed 07:30 -> 10:00)
    pause = Pause(at("2026-03-10 16:00"), at("2026-03-11 10:00"))
    assert cal.due(received, DAY, [pause]) == at("2026-03-12 10:00")
    epoch = cal.due_epoch(to_epoch(received), DAY, [(to_epoch(pause.start), to_epoch(pause.end))])
    assert from_epoch(epoch) == at("2026-03-12 10:00")


# ---- working time between instants -----------------------------------------------------------

@pytest.mark.parametrize(("start", "end", "seconds"), [
    ("2026-03-10 09:00", "2026-03-10 10:00", H),
    ("2026-03-10 11:00", "2026-03-10 13:30", H),  # lunch excluded
    ("2026-03-10 12:00", "2026-03-10 12:45", 0),
    ("2026-03-10 16:30", "2026-03-11 08:00", H),
    ("2026-03-13 16:00", "2026-03-16 08:30", 2 * H),  # weekend excluded
    ("2026-03-14 09:00", "2026-03-15 16:00", 0),
    # across Tết 2025
    ("2025-01-24 09:00", "2025-02-03 09:00", DAY),
    ("2025-01-24 07:30", "2025-02-03 17:00", 2 * DAY),
    ("2025-01-23 12:00", "2025-02-04 12:00", 3 * DAY),  # Thu pm, Fri, Mon, Tue am
    ("2025-01-27 08:00", "2025-01-31 16:00", 0),
    ("2025-01-22 07:30", "2025-02-05 17:00", 6 * DAY),  # Wed, Thu, Fri, Mon, Tue, Wed
    # across Tết 2026
    ("2026-02-13 07:30", "2026-02-23 17:00", 2 * DAY),
    # the make-up Saturday counts
    ("2025-04-25 07:30", "2025-04-28 07:30", 2 * DAY),
    ("2025-04-29 17:00", "2025-05-05 07:30", 0),
])
def test_working_seconds_between(cal, start, end, seconds):
    assert cal.working_seconds_between(at(start), at(end)) == seconds
    assert cal.working_seconds_between(at(end), at(start)) == -seconds


def test_add_working_seconds(cal):
    assert cal.add_working_seconds(at("2026-03-10 10:00"), 2 * H) == at("2026-03-10 13:30")
    assert cal.add_working_seconds(at("2025-01-24 16:00"), 2 * H) == at("2025-02-03 08:30")
    assert cal.add_working_seconds(at("2026-03-10 10:00"), 0) == at("2026-03-10 10:00")


def test_local_date(cal):
    assert cal.local_date(at("2026-03-10 23:59")) == d("2026-03-10")
    assert cal.local_date(datetime(2026, 3, 10, 17, 30, tzinfo=UTC)) == d("2026-03-11")
    assert cal.local_date(at("2026-03-11 00:00")) == d("2026-03-11")


def test_instants_in_other_timezones_are_the_same_instant(cal):
    local = at("2026-03-10 09:00")
    assert cal.due(local.astimezone(UTC), DAY) == cal.due(local, DAY)
    assert cal.ordinal(local.astimezone(ZoneInfo("Europe/Paris"))) == cal.ordinal(local)


# ---- provincial overrides --------------------------------------------------------------------

def test_provincial_extra_holiday_and_extra_working_day():
    days_off, workdays = national_default()
    cal = WorkingCalendar(holidays=frozenset(days_off | {d("2026-03-11")}),
                          extra_working_days=frozenset(workdays | {d("2026-03-14")}))
    assert not cal.is_working_day(d("2026-03-11"))
    assert cal.is_working_day(d("2026-03-14"))
    assert cal.due(at("2026-03-10 09:00"), DAY) == at("2026-03-12 09:00")  # skips Wed 11
    assert cal.due(at("2026-03-13 09:00"), DAY) == at("2026-03-14 09:00")  # works Sat 14
    assert cal.due(at("2026-03-13 15:30"), DAY) == at("2026-03-14 17:00")  # cut-off -> Sat
    assert cal.next_working_day(d("2026-03-10")) == d("2026-03-12")
    # the national calendar is unaffected
    assert national().due(at("2026-03-10 09:00"), DAY) == at("2026-03-11 09:00")


def test_small_explicit_calendar():
    cal = WorkingCalendar(holidays=frozenset({d("2026-03-11")}), extra_working_days=frozenset({d("2026-03-14")}),
                          first_year=2026, last_year=2026)
    assert [cal.is_working_day(d(f"2026-03-{n:02d}")) for n in range(9, 17)] == [
        True, True, False, True, True, True, False, True]
    # an extra working day wins over a holiday on the same date
    both = WorkingCalendar(holidays=frozenset({d("2026-03-14")}), extra_working_days=frozenset({d("2026-03-14")}),
                           first_year=2026, last_year=2026)
    assert both.is_working_day(d("2026-03-14"))


def test_other_office_hours():
    hours = OfficeHours(((time(7, 0), time(11, 0)), (time(13, 30), time(17, 0))))
    assert hours.seconds_per_day == 7.5 * H
    assert (hours.opening, hours.closing) == (time(7, 0), time(17, 0))
    cal = WorkingCalendar(office_hours=hours, first_year=2026, last_year=2026)
    assert cal.due(at("2026-03-10 07:00"), 4 * H) == at("2026-03-10 11:00")
    assert cal.due(at("2026-03-10 10:00"), 2 * H) == at("2026-03-10 14:30")
    assert cal.working_seconds_between(at("2026-03-10 06:00"), at("2026-03-10 18:00")) == 7.5 * H


@pytest.mark.parametrize("periods", [
    ((time(7, 30), time(11, 30)), (time(11, 0), time(17, 0))),  # overlapping
    ((time(13, 0), time(17, 0)), (time(7, 30), time(11, 30))),  # out of order
    ((time(11, 30), time(7, 30)),),  # ends before it starts
    (),
])
def test_invalid_office_hours(periods):
    with pytest.raises(ValueError):
        OfficeHours(periods)


# ---- limits ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("amount", "unit", "seconds"), [
    (1, "day", DAY), (3, "day", 3 * DAY), (0.5, "day", 4 * H), (0, "day", 0), (15, "day", 120 * H),
    (4, "hour", 4 * H), (1.5, "hour", 5400), (0, "hour", 0), (8, "hour", DAY),
])
def test_limit_to_seconds(amount, unit, seconds):
    assert limit_to_seconds(amount, unit) == seconds


@pytest.mark.parametrize(("amount", "unit"), [(-1, "day"), (-0.5, "hour"), (1, "week"), (1, "ngày"), (1, "")])
def test_limit_to_seconds_rejects(amount, unit):
    with pytest.raises(ValueError):
        limit_to_seconds(amount, unit)


# ---- refusals --------------------------------------------------------------------------------

def test_naive_datetimes_are_refused(cal):
    naive = datetime(2026, 3, 10, 9, 0)
    aware = at("2026-03-10 09:00")
    with pytest.raises(ValueError, match="naive"):
        to_epoch(naive)
    with pytest.raises(ValueError):
        cal.ordinal(naive)
    with pytest.raises(ValueError):
        cal.due(naive, DAY)
    with pytest.raises(ValueError):
        cal.working_seconds_between(aware, naive)
    with pytest.raises(ValueError):
        cal.due(aware, DAY, [Pause(naive, aware)])
    with pytest.raises(ValueError):
        cal.clock_start(naive)
    with pytest.raises(ValueError):
        cal.local_date(naive)


def test_dates_outside_the_calendar_are_refused(cal):
    with pytest.raises(ValueError):
        cal.is_working_day(d("2009-12-31"))
    with pytest.raises(ValueError):
        cal.is_working_day(d("2046-01-01"))
    with pytest.raises(ValueError):
        cal.ordinal(at("2046-01-02 09:00"))
    with pytest.raises(ValueError):
        cal.ordinal(at("2009-12-31 09:00"))
    with pytest.raises(ValueError):
        cal.due(at("2045-12-29 09:00"), 10 * DAY)  # the due time would fall in 2046
    with pytest.raises(ValueError):
        cal.add_working_days(d("2046-01-01"), 1)
    with pytest.raises(ValueError):
        cal.next_working_day(d("2045-12-31"))  # no working day left in the table


def test_small_calendar_range_edges():
    cal = WorkingCalendar(first_year=2026, last_year=2026)
    assert cal.is_working_day(d("2026-12-31"))
    assert cal.due(at("2026-12-31 07:30"), DAY) == at("2026-12-31 17:00")
    with pytest.raises(ValueError):
        cal.due(at("2026-12-31 09:00"), DAY)
    with pytest.raises(ValueError):
        cal.next_working_day(d("2026-12-31"))
    with pytest.raises(ValueError):
        cal.add_working_days(d("2026-12-30"), 2)
    with pytest.raises(ValueError):
        cal.is_working_day(d("2025-12-31"))
