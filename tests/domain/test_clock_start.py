"""The clock start shown to people is when counting actually resumes, not the end of the day before."""

from datetime import datetime, timedelta, timezone

from motcua.domain.verdict import ClockInput, compute_deadline
from tests.domain.calendars import national

VN = timezone(timedelta(hours=7))
CAL = national()


def test_after_cutoff_on_friday_starts_monday_morning():
    start = CAL.clock_start(datetime(2026, 3, 13, 15, 30, tzinfo=VN))
    assert start.astimezone(VN) == datetime(2026, 3, 16, 7, 30, tzinfo=VN)


def test_before_opening_starts_at_opening_the_same_day():
    start = CAL.clock_start(datetime(2026, 3, 10, 6, 45, tzinfo=VN))
    assert start.astimezone(VN) == datetime(2026, 3, 10, 7, 30, tzinfo=VN)


def test_deadline_shows_the_resumed_start_across_tet():
    dl = compute_deadline(CAL, ClockInput(datetime(2026, 2, 13, 16, 0, tzinfo=VN), 8 * 3600))
    assert dl.clock_start.astimezone(VN) == datetime(2026, 2, 23, 7, 30, tzinfo=VN)
    assert dl.due.astimezone(VN) == datetime(2026, 2, 23, 17, 0, tzinfo=VN)
    assert dl.cutoff_applied
