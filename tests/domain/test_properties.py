"""Properties of the working-time core and the verdict, checked with hypothesis (no database).

Instants are drawn as whole POSIX seconds (the calendar works in whole seconds) and shown in
Asia/Ho_Chi_Minh. The national calendar spans 2010-2045; instants are drawn well inside it so
that every due time stays in range.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from motcua.domain.lifecycle import Action
from motcua.domain.verdict import Category, ClockEvent, ClockInput, judge, quick_category
from motcua.domain.workcal import Pause, to_epoch
from tests.domain.calendars import DAY, VN, H, national

PROPS = settings(max_examples=300, deadline=None, database=None)



CAL = national()


def _epoch(value: str) -> int:
    return to_epoch(datetime.fromisoformat(value).replace(tzinfo=VN))


# the whole table, minus the calendar's first day (before 07:30 on 01/01/2010 no instant has
# an earlier working ordinal, so epoch_at(0) cannot go back further than that opening)
ANY_EPOCH = st.integers(_epoch("2010-01-02 00:00"), _epoch("2045-12-31 23:59:59"))
# receipts far enough from the end of the table for limits and pauses of a few months
RECEIPT = st.integers(_epoch("2011-01-01 00:00"), _epoch("2044-06-30 23:59:59"))
LIMIT = st.integers(0, 60 * DAY)
CUTOFF = st.sampled_from([True, None])
MAX_ORDINAL = CAL.ordinal_at(_epoch("2045-12-31 23:59:59"))


def instant(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, VN)


# ---- ordinals --------------------------------------------------------------------------------

@PROPS
@given(ANY_EPOCH)
def test_epoch_at_ordinal_at_goes_back_at_most_to_the_same_working_ordinal(t):
    n = CAL.ordinal_at(t)
    back = CAL.epoch_at(n)
    assert back <= t
    assert CAL.ordinal_at(back) == n


@PROPS
@given(st.integers(0, MAX_ORDINAL))
def test_ordinal_at_epoch_at_is_identity(n):
    assert CAL.ordinal_at(CAL.epoch_at(n)) == n


@PROPS
@given(st.integers(1, MAX_ORDINAL))
def test_epoch_at_is_the_earliest_instant_reaching_the_ordinal(n):
    e = CAL.epoch_at(n)
    assert CAL.ordinal_at(e - 1) == n - 1


@PROPS
@given(ANY_EPOCH, ANY_EPOCH)
def test_ordinal_is_monotonic_and_never_faster_than_wall_time(a, b):
    a, b = min(a, b), max(a, b)
    assert 0 <= CAL.ordinal_at(b) - CAL.ordinal_at(a) <= b - a


@PROPS
@given(ANY_EPOCH, ANY_EPOCH)
def test_working_seconds_between_is_antisymmetric(a, b):
    x, y = instant(a), instant(b)
    assert CAL.working_seconds_between(x, y) == -CAL.working_seconds_between(y, x)
    assert CAL.working_seconds_between(x, x) == 0


@PROPS
@given(st.dates(date(2010, 1, 1), date(2045, 12, 31)))
def test_a_whole_day_holds_8_working_hours_or_none(day):
    start = to_epoch(datetime(day.year, day.month, day.day, tzinfo=VN))
    worked = CAL.ordinal_at(start + 86400 - 1) - CAL.ordinal_at(start)
    assert worked == (DAY if CAL.is_working_day(day) else 0)


# ---- due times -------------------------------------------------------------------------------

@PROPS
@given(RECEIPT, LIMIT, LIMIT, CUTOFF)
def test_due_is_monotonic_in_the_limit(received, l1, l2, cutoff):
    r = instant(received)
    small, large = min(l1, l2), max(l1, l2)
    assert CAL.due(r, small, cutoff=cutoff) <= CAL.due(r, large, cutoff=cutoff)


@PROPS
@given(RECEIPT, LIMIT, CUTOFF)
def test_due_is_the_clock_start_plus_the_limit_in_working_time(received, limit, cutoff):
    r = instant(received)
    start = CAL.clock_start(r, cutoff)
    due = CAL.due(r, limit, cutoff=cutoff)
    assert CAL.working_seconds_between(start, due) == limit
    assert CAL.ordinal(due) == CAL.ordinal(start) + limit
    assert CAL.ordinal(start) >= CAL.ordinal(r)
    if limit > 0:
        assert due > r


@PROPS
@given(st.dates(date(2011, 1, 1), date(2044, 12, 31)), st.integers(0, 1), st.integers(1, 4 * H))
def test_due_with_no_limit_at_a_working_instant_is_that_instant(day, period, offset):
    assume(CAL.is_working_day(day))
    opening = (7 * H + 1800, 13 * H)[period]  # strictly inside a period: the clock runs there
    r = datetime(day.year, day.month, day.day, tzinfo=VN) + timedelta(seconds=opening + offset)
    assert CAL.due(r, 0, cutoff=None) == r


@PROPS
@given(RECEIPT, LIMIT, st.integers(0, 30 * 86400), st.integers(0, 30 * 86400), CUTOFF)
def test_a_pause_never_makes_due_earlier(received, limit, delay, length, cutoff):
    r = instant(received)
    pause = Pause(instant(received + delay), instant(received + delay + length))
    plain = CAL.due(r, limit, cutoff=cutoff)
    paused = CAL.due(r, limit, [pause], cutoff=cutoff)
    assert paused >= plain
    # and never by more than the working time the pause spans
    assert CAL.working_seconds_between(plain, paused) <= CAL.working_seconds_between(pause.start, pause.end)


@PROPS
@given(RECEIPT, LIMIT, st.lists(st.tuples(st.integers(0, 10 * 86400), st.integers(0, 10 * 86400)), max_size=3))
def test_more_pauses_never_make_due_earlier(received, limit, gaps):
    r, t, pauses = instant(received), received, []
    due = CAL.due(r, limit)
    for wait, length in gaps:
        pauses.append(Pause(instant(t + wait), instant(t + wait + length)))
        t += wait + length
        later = CAL.due(r, limit, pauses)
        assert later >= due
        due = later


@PROPS
@given(RECEIPT, LIMIT, CUTOFF)
def test_epoch_and_datetime_apis_agree(received, limit, cutoff):
    r = instant(received)
    cut = -1 if cutoff is True else None
    assert CAL.due_epoch(received, limit, (), cut) == to_epoch(CAL.due(r, limit, cutoff=cutoff))


# ---- the verdict ---------------------------------------------------------------------------------

GAP = st.integers(0, 12 * 86400)


@st.composite
def dossiers(draw: st.DrawFn) -> tuple[ClockInput, datetime]:
    """A received dossier with 0-3 supplement round trips (the last possibly unanswered), then
    finished, withdrawn, stopped, or still open at the end of the reporting period."""
    received = draw(RECEIPT)
    limit = draw(st.sampled_from([4 * H, DAY, 3 * DAY, 5 * DAY, 10 * DAY, 15 * DAY]) | st.integers(0, 20 * DAY))
    t, events = received, []
    rounds = draw(st.integers(0, 3))
    for i in range(rounds):
        t += draw(GAP)
        events.append(ClockEvent(instant(t), Action.REQUEST_SUPPLEMENT))
        if i == rounds - 1 and draw(st.booleans()):
            break  # still with the applicant
        t += draw(GAP)
        events.append(ClockEvent(instant(t), Action.SUPPLEMENT))
    if draw(st.booleans()):
        t += draw(GAP)
        events.append(ClockEvent(instant(t), draw(st.sampled_from([Action.FINISH, Action.WITHDRAW, Action.STOP]))))
    as_of = instant(t + draw(GAP))
    cutoff = draw(CUTOFF)
    return ClockInput(instant(received), limit, tuple(events), cutoff), as_of


@PROPS
@given(dossiers())
def test_quick_category_agrees_with_judge(case):
    inp, as_of = case
    v = judge(CAL, inp, as_of)
    assert v.deadline is not None and v.end_at is not None
    quick = quick_category(CAL, to_epoch(v.deadline.due), to_epoch(v.end_at), v.supplement_requests, v.finished)
    assert quick == (v.category, v.late_seconds)


@PROPS
@given(dossiers())
def test_verdict_is_consistent(case):
    inp, as_of = case
    v = judge(CAL, inp, as_of)
    assert v.category is not Category.NOT_STARTED
    ended = any(e.action in (Action.FINISH, Action.WITHDRAW, Action.STOP) for e in inp.events)
    assert v.finished == ended
    assert v.late_seconds >= 0 and v.early_seconds >= 0
    assert not (v.late_seconds and v.early_seconds)
    if v.late_seconds > 0 or v.supplement_requests >= 2:
        assert v.is_late
    if not v.is_late:
        assert v.late_seconds == 0
    assert v.deadline.due >= v.deadline.base_due
    assert CAL.ordinal(v.deadline.due) - CAL.ordinal(v.deadline.base_due) == v.deadline.paused_seconds
    if v.approaching:
        assert not v.finished and not v.is_late
