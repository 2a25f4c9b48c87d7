"""Calendar eras: office hours and the cut-off change from a date on, the days before keep their
rules, and no change dated after today alters the verdict of a dossier finished by today."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.domain.lifecycle import Action
from motcua.domain.verdict import ClockEvent, ClockInput, judge
from motcua.domain.workcal import Era, OfficeHours, WorkingCalendar

from .calendars import DAY, VN, H, at

STANDARD = OfficeHours()
SHORT = OfficeHours(((time(8, 0), time(12, 0)), (time(13, 30), time(17, 0))))  # 7.5 h


def small(**kw) -> WorkingCalendar:  # noqa: ANN003
    return WorkingCalendar(first_year=2026, last_year=2027, **kw)


def test_a_later_cutoff_applies_from_its_date_only():
    cal = small(eras=(Era(date(2026, 3, 13), STANDARD, time(16, 0)),))
    # Thursday 12/03 at 15:30: the 15:00 cut-off in force that day -> counts from Friday
    assert cal.due(at("2026-03-12 15:30"), DAY) == at("2026-03-13 17:00")
    # Friday 13/03 at 15:30: the 16:00 cut-off -> counts at once
    assert cal.due(at("2026-03-13 15:30"), DAY) == at("2026-03-16 15:30")
    assert cal.era_on(date(2026, 3, 12)).cutoff == time(15, 0)
    assert cal.era_on(date(2026, 3, 13)).cutoff == time(16, 0)
    # the working ordinals before the era are those of a calendar without it
    plain = small()
    for when in ("2026-01-05 09:00", "2026-03-12 16:59"):
        assert cal.ordinal(at(when)) == plain.ordinal(at(when))


def test_new_office_hours_change_the_days_from_their_date():
    cal = small(eras=(Era(date(2026, 3, 16), SHORT, time(15, 0)),))
    assert cal.working_seconds_between(at("2026-03-13 00:00"), at("2026-03-14 00:00")) == DAY
    assert cal.working_seconds_between(at("2026-03-16 00:00"), at("2026-03-17 00:00")) == 7 * H + 1800
    # received Friday 13/03 16:00 (after the cut-off): 4 h counted on Monday's shorter hours
    assert cal.due(at("2026-03-13 16:00"), 4 * H) == at("2026-03-16 12:00")
    assert cal.resume_epoch_at(cal.ordinal(at("2026-03-16 07:30"))) == int(at("2026-03-16 08:00").timestamp())
    # a cut-off disabled by the era
    off = small(eras=(Era(date(2026, 3, 16), STANDARD, None),))
    assert off.due(at("2026-03-16 16:00"), DAY) == at("2026-03-17 16:00")


def test_eras_must_be_in_order():
    import pytest

    with pytest.raises(ValueError, match="eras"):
        small(eras=(Era(date(2026, 5, 1)), Era(date(2026, 4, 1))))


# ---- the property: a finished dossier's verdict never changes after the fact ----------------

BASE = datetime(2026, 1, 5, tzinfo=VN)
instants = st.integers(min_value=0, max_value=150 * 24 * 60).map(lambda m: BASE + timedelta(minutes=m))
hours = st.sampled_from([STANDARD, SHORT, OfficeHours(((time(7, 0), time(11, 0)), (time(13, 0), time(16, 30))))])
cutoffs = st.sampled_from([None, time(15, 0), time(16, 0), time(14, 30)])


@st.composite
def finished_dossier(draw):  # noqa: ANN001, ANN201
    received = draw(instants)
    limit = draw(st.sampled_from([4 * H, DAY, 3 * DAY, 10 * DAY]))
    steps = sorted(draw(st.lists(st.integers(1, 20 * 24 * 60), min_size=1, max_size=3)))
    ats = [received + timedelta(minutes=m) for m in steps]
    events = [ClockEvent(a, Action.REQUEST_SUPPLEMENT if i % 2 == 0 else Action.SUPPLEMENT)
              for i, a in enumerate(ats[:-1])]
    events.append(ClockEvent(ats[-1], Action.FINISH))
    return ClockInput(received, limit, events, draw(st.sampled_from([True, None, time(16, 0)])))


@st.composite
def future_edit(draw, today: date):  # noqa: ANN001, ANN201
    start = today + timedelta(days=draw(st.integers(1, 60)))
    kind = draw(st.sampled_from(["era", "holiday", "working_day"]))
    return kind, start, draw(hours), draw(cutoffs)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), dossier=finished_dossier(), base_hours=hours, base_cutoff=cutoffs)
def test_no_future_calendar_edit_changes_a_finished_verdict(data, dossier, base_hours, base_cutoff):  # noqa: ANN001
    finished_at = dossier.events[-1].at
    today = finished_at.astimezone(VN).date() + timedelta(days=data.draw(st.integers(0, 30)))
    before_cal = small(office_hours=base_hours, cutoff=base_cutoff)
    edits = data.draw(st.lists(future_edit(today), min_size=1, max_size=3))
    eras, holidays, extra = [], set(), set()
    for kind, start, oh, cut in edits:
        if kind == "era" and start not in {e.start for e in eras}:
            eras.append(Era(start, oh, cut))
        elif kind == "holiday":
            holidays.add(start)
        else:
            extra.add(start)
    after_cal = small(office_hours=base_hours, cutoff=base_cutoff, eras=tuple(sorted(eras, key=lambda e: e.start)),
                      holidays=frozenset(holidays), extra_working_days=frozenset(extra))
    as_of = datetime.combine(today, time(23, 59), VN)
    before, after = judge(before_cal, dossier, as_of), judge(after_cal, dossier, as_of)
    assert (after.category, after.late_seconds, after.end_at) == (before.category, before.late_seconds, before.end_at)
    assert after.deadline is not None and before.deadline is not None
    if before.deadline.clock_start <= finished_at:
        # the clock had started when the dossier ended: that past start cannot move. (A dossier
        # received after the cutoff and finished the same evening ends before its clock would
        # start the next morning; an era beginning that morning may move that never-reached start,
        # and nothing of the verdict above.)
        assert after.deadline.clock_start == before.deadline.clock_start
    assert after.deadline.cutoff_applied == before.deadline.cutoff_applied
