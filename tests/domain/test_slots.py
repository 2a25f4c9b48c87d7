"""Appointment slots cut from the working-time calendar: concrete days (Tết, a compensatory Saturday,
an afternoon-only day) and properties (never a slot outside working time, never more bookings than
the capacity)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.domain import slots as s
from motcua.domain.workcal import WorkingCalendar
from tests.domain.calendars import VN, at, national

TET_2026 = frozenset(date(2026, 2, d) for d in range(16, 21))  # Mon 16 .. Fri 20/02/2026
MAKEUP_SATURDAY = date(2026, 1, 10)
CAL = WorkingCalendar(holidays=TET_2026, extra_working_days=frozenset({MAKEUP_SATURDAY}))
EARLY = at("2026-01-05 06:00")  # a Monday morning before opening, well before every day tested


def local_times(slots: list[s.Slot]) -> list[str]:
    return [f"{x.starts_at.astimezone(VN):%H:%M}" for x in slots]


def test_a_working_day_cut_into_30_minute_slots_morning_and_afternoon():
    got = s.slots_of_day(CAL, date(2026, 1, 6), 30, 4, EARLY)
    assert len(got) == 8 + 8  # 07:30-11:30 and 13:00-17:00
    assert local_times(got)[:2] == ["07:30", "08:00"] and local_times(got)[7:9] == ["11:00", "13:00"]
    assert local_times(got)[-1] == "16:30"
    assert all(x.capacity == 4 and x.free == 4 for x in got)
    assert got[0].starts_at.tzinfo is not None and got[0].starts_at.utcoffset() == timedelta(0)


def test_a_remainder_shorter_than_a_slot_is_not_offered():
    got = s.slots_of_day(CAL, date(2026, 1, 6), 45, 1, EARLY)
    # 07:30 .. 10:30 (the 10:45-11:30 part is too short: only 45 minutes fit from 10:45) and 13:00 .. 16:00
    assert local_times(got) == ["07:30", "08:15", "09:00", "09:45", "10:30", "13:00", "13:45", "14:30", "15:15",
                                "16:00"]


def test_tet_has_no_slot_and_the_days_offered_skip_it():
    assert all(s.slots_of_day(CAL, date(2026, 2, d), 30, 4, at("2026-02-10 08:00")) == [] for d in range(16, 23))
    days = s.booking_days(CAL, date(2026, 2, 12), horizon_days=12)
    assert days == [date(2026, 2, 12), date(2026, 2, 13), date(2026, 2, 23), date(2026, 2, 24)]
    # the national calendar (the holidays package and official schedules) agrees
    assert s.slots_of_day(national(), date(2026, 2, 17), 30, 4, at("2026-02-10 08:00")) == []


def test_a_compensatory_saturday_has_slots_and_an_ordinary_saturday_none():
    assert len(s.slots_of_day(CAL, MAKEUP_SATURDAY, 30, 2, EARLY)) == 16
    assert s.slots_of_day(CAL, date(2026, 1, 17), 30, 2, EARLY) == []
    assert MAKEUP_SATURDAY in s.booking_days(CAL, date(2026, 1, 5), horizon_days=7)


def test_an_afternoon_only_override_and_a_closed_day():
    afternoon = ((time(13, 0), time(17, 0)),)
    got = s.slots_of_day(CAL, date(2026, 1, 7), 60, 3, EARLY, override=afternoon)
    assert local_times(got) == ["13:00", "14:00", "15:00", "16:00"]
    # an override never opens more than the office periods (12:00-18:00 gives 13:00-17:00)
    wide = s.slots_of_day(CAL, date(2026, 1, 7), 60, 3, EARLY, override=((time(12, 0), time(18, 0)),))
    assert local_times(wide) == local_times(got)
    assert s.slots_of_day(CAL, date(2026, 1, 7), 60, 3, EARLY, override=()) == []
    # a counter keeping shorter hours: 08:00-10:00 only
    short = s.slots_of_day(CAL, date(2026, 1, 7), 60, 3, EARLY, counter_hours=((time(8, 0), time(10, 0)),))
    assert local_times(short) == ["08:00", "09:00"]


def test_no_slot_begun_or_past_and_none_past_the_horizon():
    now = at("2026-01-06 09:10")
    got = s.slots_of_day(CAL, date(2026, 1, 6), 30, 4, now)
    assert local_times(got)[0] == "09:30"
    assert s.slots_of_day(CAL, date(2026, 1, 5), 30, 4, now) == []
    assert s.slots_of_day(CAL, date(2026, 2, 5), 30, 4, now) != []  # 30 days ahead is the last
    assert s.slots_of_day(CAL, date(2026, 2, 6), 30, 4, now) == []
    assert s.slots_of_day(CAL, date(2026, 2, 6), 30, 4, now, horizon_days=31) != []


def test_booked_places_and_a_result_not_before_its_appointment_time():
    day = date(2026, 1, 6)
    first = datetime(2026, 1, 6, 0, 30, tzinfo=UTC)  # 07:30 local
    got = s.slots_of_day(CAL, day, 30, 2, EARLY, booked={first: 2, first + timedelta(minutes=30): 1})
    assert (got[0].free, got[0].full, got[1].free, got[2].free) == (0, True, 1, 2)
    assert not s.can_book(got[0], 2) and s.can_book(got[1], 1) and not s.can_book(None, 0)
    later = s.slots_of_day(CAL, day, 30, 2, EARLY, not_before=at("2026-01-06 14:00"))
    assert local_times(later)[0] == "14:00"


def test_check_in_window_an_hour_before_to_half_an_hour_after():
    start, end = at("2026-01-06 09:00"), at("2026-01-06 09:30")
    assert s.check_in_verdict(start, end, at("2026-01-06 07:59")) == "early"
    assert s.check_in_verdict(start, end, at("2026-01-06 08:00")) == "ok"
    assert s.check_in_verdict(start, end, at("2026-01-06 10:00")) == "ok"
    assert s.check_in_verdict(start, end, at("2026-01-06 10:01")) == "late"
    assert s.check_in_verdict(start, end, at("2026-01-07 09:00")) == "other_day"
    # an early slot: the window's start is the day before in UTC, the local day decides
    assert s.check_in_verdict(at("2026-01-06 07:30"), at("2026-01-06 08:00"), at("2026-01-06 06:45")) == "ok"


def test_codes_use_unambiguous_characters_only():
    code = s.new_code([0, 5, 25, 26, 3, 100])
    assert len(code) == 6 and set(code) <= set(s.CODE_ALPHABET)
    assert not set("0O1IL8B5S2Z") & set(s.CODE_ALPHABET) - {"L"}
    assert s.normalize_code(" ac-d3 4x ") == "ACD34X"


# ---- properties ---------------------------------------------------------------------------------------

days = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))
minutes = st.sampled_from([5, 10, 15, 20, 25, 30, 45, 60, 90, 120])
hhmm = st.builds(time, st.integers(6, 18), st.sampled_from([0, 15, 30, 45]))


@st.composite
def overrides(draw: st.DrawFn) -> tuple[tuple[time, time], ...] | None:
    kind = draw(st.sampled_from(["none", "closed", "span"]))
    if kind == "none":
        return None
    if kind == "closed":
        return ()
    a, b = sorted(draw(st.lists(hhmm, min_size=2, max_size=2, unique=True)))
    return ((a, b),)


@settings(max_examples=300, deadline=None)
@given(day=days, m=minutes, override=overrides(), now_offset=st.integers(-3 * 86400, 40 * 86400))
def test_never_a_slot_outside_working_time(day: date, m: int, override, now_offset: int) -> None:  # noqa: ANN001
    cal = national()
    now = datetime.combine(day, time(0), VN) - timedelta(seconds=now_offset)
    got = s.slots_of_day(cal, day, m, 3, now, override=override)
    if not cal.is_working_day(day):
        assert got == []
    for slot in got:
        assert slot.starts_at > now
        assert slot.ends_at - slot.starts_at == timedelta(minutes=m)
        # the whole slot is working time: the calendar counts every second of it
        assert cal.working_seconds_between(slot.starts_at, slot.ends_at) == m * 60
        assert slot.starts_at.astimezone(VN).date() == day
        if override:
            (o_start, o_end), = override
            local = slot.starts_at.astimezone(VN)
            assert o_start <= local.time() and (local + timedelta(minutes=m)).time() <= o_end
    assert [x.starts_at for x in got] == sorted({x.starts_at for x in got})  # ordered, no duplicate


@settings(max_examples=200, deadline=None)
@given(capacity=st.integers(1, 6), requests=st.lists(st.integers(0, 15), min_size=0, max_size=80))
def test_never_more_bookings_than_capacity(capacity: int, requests: list[int]) -> None:
    """Citizens ask for slots in any order; each booking is counted at its moment (as the service does
    inside the group's lock): no slot ever holds more than its capacity, and a free place is never refused."""
    got = s.slots_of_day(CAL, date(2026, 1, 6), 30, capacity, EARLY)
    held: dict[datetime, int] = {}
    for i in requests:
        slot = got[i % len(got)]
        before = held.get(slot.starts_at, 0)
        if s.can_book(slot, before):
            held[slot.starts_at] = before + 1
        else:
            assert before >= capacity
    assert all(n <= capacity for n in held.values())
    again = s.slots_of_day(CAL, date(2026, 1, 6), 30, capacity, EARLY, booked=held)
    assert sum(x.free for x in again) == capacity * len(got) - sum(held.values())
