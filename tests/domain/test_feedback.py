"""Feedback cases in the domain core: every transition, every deadline on the official national
calendar (Tết Bính Ngọ 16-20/02/2026 off, make-up Saturday 10/01/2026 worked, 01-02/01/2026 off),
the limits data and its validation, the on-time verdict, and properties checked with hypothesis.

Working day: 07:30-11:30 and 13:00-17:00 (8 h), cut-off 15:00. Every expected due time below is
counted by hand in working days on the official schedule (tests/test_calendar_official.py).
"""

from __future__ import annotations

import copy
import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from motcua.domain import feedback as fb
from motcua.domain.errors import IllegalTransition
from motcua.domain.workcal import from_epoch, to_epoch
from tests.domain.calendars import DAY, VN, H, at, national

A, S = fb.CaseAction, fb.CaseStatus
FIXTURE = Path(__file__).resolve().parents[2] / "motcua" / "feedback" / "fixtures" / "feedback_limits_v2022.json"
DATA = json.loads(FIXTURE.read_text(encoding="utf-8"))
VERSION = fb.parse_limits(DATA)
NORMAL, URGENT, FOLLOWUP = (VERSION.limits(level) for level in ("normal", "urgent", "followup"))
CAL = national()
PROPS = settings(max_examples=200, deadline=None, database=None)


# ---- the state machine ----------------------------------------------------------------------------

# every (action, from) pair that is legal, and where it leads; all others must raise
LEGAL = {
    (A.SUBMIT, None): S.NEW,
    (A.ACKNOWLEDGE, S.NEW): S.ACKNOWLEDGED, (A.ACKNOWLEDGE, S.TRANSFERRED): S.ACKNOWLEDGED,
    (A.TRANSFER, S.NEW): S.TRANSFERRED, (A.TRANSFER, S.ACKNOWLEDGED): S.TRANSFERRED,
    (A.TRANSFER, S.TRANSFERRED): S.TRANSFERRED,
    (A.REQUEST_INFO, S.NEW): S.INFO_REQUESTED, (A.REQUEST_INFO, S.ACKNOWLEDGED): S.INFO_REQUESTED,
    (A.PROVIDE_INFO, S.INFO_REQUESTED): S.ACKNOWLEDGED,
    (A.ANSWER, S.NEW): S.ANSWERED, (A.ANSWER, S.ACKNOWLEDGED): S.ANSWERED,
    (A.REFUSE, S.NEW): S.REFUSED, (A.REFUSE, S.ACKNOWLEDGED): S.REFUSED, (A.REFUSE, S.TRANSFERRED): S.REFUSED,
    (A.PUBLISH, S.ANSWERED): S.PUBLISHED,
    (A.RATE, S.ANSWERED): S.ANSWERED, (A.RATE, S.PUBLISHED): S.PUBLISHED, (A.RATE, S.CLOSED): S.CLOSED,
    (A.CLOSE, S.ANSWERED): S.CLOSED, (A.CLOSE, S.PUBLISHED): S.CLOSED, (A.CLOSE, S.REFUSED): S.CLOSED,
    (A.CLOSE, S.INFO_REQUESTED): S.CLOSED,
}
ALL_STATUSES: list[fb.CaseStatus | None] = [None, *S]


@pytest.mark.parametrize("action", list(A))
@pytest.mark.parametrize("status", ALL_STATUSES)
def test_every_transition_is_either_listed_or_refused(action: fb.CaseAction, status: fb.CaseStatus | None) -> None:
    expected = LEGAL.get((action, status))
    assert fb.can(action, status) is (expected is not None)
    if expected is None:
        with pytest.raises(IllegalTransition) as e:
            fb.next_status(action, status)
        assert action.value in e.value.message
    else:
        assert fb.next_status(action, status) is expected


def test_allowed_actions_follow_the_table() -> None:
    assert fb.allowed_actions(S.NEW) == [A.ACKNOWLEDGE, A.TRANSFER, A.REQUEST_INFO, A.ANSWER, A.REFUSE]
    assert fb.allowed_actions(S.INFO_REQUESTED) == [A.PROVIDE_INFO, A.CLOSE]
    assert fb.allowed_actions(S.CLOSED) == [A.RATE]
    assert set(S) == fb.OPEN | fb.ENDED and not fb.OPEN & fb.ENDED


# ---- the limits: data, validated ----------------------------------------------------------------------

def test_the_shipped_limits_are_decision_766s() -> None:
    assert (NORMAL.answer, NORMAL.refuse, NORMAL.request_info, NORMAL.publish) == (15 * DAY, 2 * DAY, 5 * DAY, 2 * DAY)
    assert URGENT.answer == 5 * DAY and FOLLOWUP.answer == 5 * DAY
    assert "766/QĐ-TTg" in VERSION.decision and VERSION.province == "*"


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda d: d.update(format="x"), "format"),
    (lambda d: d.pop("decision"), "decision"),
    (lambda d: d.update(decision=" "), "decision"),
    (lambda d: d["levels"].pop("urgent"), "levels"),
    (lambda d: d["levels"]["normal"].pop("publish"), "exactly"),
    (lambda d: d["levels"]["normal"].update(answer=0), "positive"),
    (lambda d: d["levels"]["normal"].update(answer=True), "positive"),
    (lambda d: d["levels"]["urgent"].update(answer=20), "urgent"),
    (lambda d: d.update(unit="week"), "unit"),
])
def test_a_malformed_limits_document_is_refused(mutate, message: str) -> None:  # noqa: ANN001
    data = copy.deepcopy(DATA)
    mutate(data)
    with pytest.raises(ValueError, match=message):
        fb.parse_limits(data)


def test_a_provinces_own_version_wins_from_its_date_only() -> None:
    own = copy.deepcopy(DATA)
    own.update(version="68-2026", province="68", effective_from="2026-01-01", decision="QĐ 12/QĐ-UBND tỉnh")
    own["levels"]["normal"]["answer"] = 10
    versions = [VERSION, fb.parse_limits(own)]
    assert fb.version_in_force(versions, "68", date(2025, 12, 31)).version == "766-2022"
    assert fb.version_in_force(versions, "68", date(2026, 1, 1)).limits("normal").answer == 10 * DAY
    assert fb.version_in_force(versions, "01", date(2026, 1, 1)).version == "766-2022"
    with pytest.raises(ValueError, match="no feedback limits"):
        fb.version_in_force(versions, "68", date(2022, 1, 1))


# ---- every deadline on the official calendar -------------------------------------------------------------

def clock(received: str, *events: tuple[str, fb.CaseAction], limits: fb.Limits = NORMAL,
          publish: bool = False) -> fb.CaseClock:
    return fb.CaseClock(at(received), limits, [fb.CaseEvent(at(t), a) for t, a in events], publish)


def local(value: datetime | None) -> str:
    assert value is not None
    return value.astimezone(VN).strftime("%Y-%m-%d %H:%M")


def test_the_answer_deadline_skips_tet() -> None:
    # Wed 11/02/2026 09:00 + 15 working days: 12, 13/02 (2), Tết 16-20/02 off, 23-27/02 (7), 02-06/03 (12),
    # 09, 10, 11/03 (15)
    d = fb.deadlines(CAL, clock("2026-02-11 09:00"), at("2026-02-11 09:00"))
    assert local(d.answer) == "2026-03-11 09:00"
    assert local(d.refuse) == "2026-02-13 09:00"  # 12, 13/02


def test_the_request_for_information_deadline_skips_tet() -> None:
    # 5 working days after Wed 11/02/2026 09:00: 12, 13, 23, 24, 25/02
    d = fb.deadlines(CAL, clock("2026-02-11 09:00"), at("2026-02-11 09:00"))
    assert local(d.request_info) == "2026-02-25 09:00"


def test_the_make_up_saturday_is_worked_and_new_year_is_not() -> None:
    # Wed 31/12/2025 09:00: 01/01 and 02/01/2026 off, 03-04/01 weekend; 05-09/01 (5), Sat 10/01 worked (6),
    # 12-16/01 (11), 19-22/01 (15)
    d = fb.deadlines(CAL, clock("2025-12-31 09:00"), at("2025-12-31 09:00"))
    assert local(d.request_info) == "2026-01-09 09:00"
    assert local(d.answer) == "2026-01-22 09:00"
    # Fri 09/01/2026 09:00: refusal within 2 working days = Sat 10/01 (1), Mon 12/01 (2)
    assert local(fb.deadlines(CAL, clock("2026-01-09 09:00"), at("2026-01-09 09:00")).refuse) == "2026-01-12 09:00"


def test_received_after_the_cut_off_counts_from_the_next_working_day() -> None:
    # Wed 11/02/2026 16:00 > 15:00: the clock starts Thu 12/02 07:30; 2 days end Fri 13/02 17:00
    d = fb.deadlines(CAL, clock("2026-02-11 16:00"), at("2026-02-11 16:00"))
    assert local(d.refuse) == "2026-02-13 17:00"
    # refusing on the first working instant after Tết is not late (no working second past the due time)...
    j = fb.judge(CAL, clock("2026-02-11 16:00", ("2026-02-23 07:30", A.REFUSE)), at("2026-02-23 08:00"))
    assert j.verdict is fb.Verdict.ON_TIME
    # ... 15 minutes later it is
    j = fb.judge(CAL, clock("2026-02-11 16:00", ("2026-02-23 07:45", A.REFUSE)), at("2026-02-23 08:00"))
    assert (j.verdict, j.late_steps, j.late_seconds) == (fb.Verdict.LATE, ("refuse",), 15 * 60)


def test_the_publication_deadline_counts_from_the_answer_across_tet() -> None:
    # answered Fri 13/02/2026 10:00: 5.5 h left that Friday, Tết, Mon 23/02 (8 h), Tue 24/02 07:30 + 2.5 h
    c = clock("2026-02-09 09:00", ("2026-02-13 10:00", A.ANSWER), publish=True)
    d = fb.deadlines(CAL, c, at("2026-02-13 10:00"))
    assert local(d.publish) == "2026-02-24 10:00"
    unpublished = clock("2026-02-09 09:00", ("2026-02-13 10:00", A.ANSWER))  # publication not required
    assert fb.deadlines(CAL, unpublished, at("2026-02-13 10:00")).publish is None


def test_waiting_for_information_stops_the_answer_clock() -> None:
    # Wed 04/03/2026 09:00, asked Thu 05/03 09:00, answered by the sender Mon 09/03 09:00: paused 6.5 h (Thu)
    # + 8 h (Fri) + 1.5 h (Mon) = 16 h = 2 days; due = 17 working days after 04/03 = Fri 27/03 09:00
    c = clock("2026-03-04 09:00", ("2026-03-05 09:00", A.REQUEST_INFO), ("2026-03-09 09:00", A.PROVIDE_INFO))
    d = fb.deadlines(CAL, c, at("2026-03-10 09:00"))
    assert (local(d.answer), d.paused_seconds, d.paused) == ("2026-03-27 09:00", 2 * DAY, False)
    # still waiting on Tue 10/03 09:00: the open pause runs to "now": 6.5 h (Thu) + 8 h (Fri) + 8 h (Mon)
    # + 1.5 h (Tue) = 3 working days; due = 18 working days after 04/03 = Mon 30/03 09:00
    c = clock("2026-03-04 09:00", ("2026-03-05 09:00", A.REQUEST_INFO))
    d = fb.deadlines(CAL, c, at("2026-03-10 09:00"))
    assert (local(d.answer), d.paused_seconds, d.paused) == ("2026-03-30 09:00", 3 * DAY, True)


def test_the_urgent_and_follow_up_limits_are_shorter() -> None:
    # Wed 11/02/2026 09:00 + 5 working days: 12, 13, 23, 24, 25/02
    assert local(fb.deadlines(CAL, clock("2026-02-11 09:00", limits=URGENT), at("2026-02-11 09:00")).answer) == \
        "2026-02-25 09:00"
    assert local(fb.deadlines(CAL, clock("2026-02-11 09:00", limits=FOLLOWUP), at("2026-02-11 09:00")).answer) == \
        "2026-02-25 09:00"
    # urgent refusal: 1 working day, received Fri 13/02 14:00 -> Mon 23/02 14:00 (Tết between)
    assert local(fb.deadlines(CAL, clock("2026-02-13 14:00", limits=URGENT), at("2026-02-13 14:00")).refuse) == \
        "2026-02-23 14:00"


# ---- the verdict ---------------------------------------------------------------------------------

def test_answered_at_the_due_time_is_on_time_one_working_minute_later_is_late() -> None:
    on_time = fb.judge(CAL, clock("2026-02-11 09:00", ("2026-03-11 09:00", A.ANSWER)), at("2026-03-12 09:00"))
    late = fb.judge(CAL, clock("2026-02-11 09:00", ("2026-03-11 09:01", A.ANSWER)), at("2026-03-12 09:00"))
    assert on_time.verdict is fb.Verdict.ON_TIME and on_time.ended_at == at("2026-03-11 09:00")
    assert (late.verdict, late.late_steps, late.late_seconds) == (fb.Verdict.LATE, ("answer",), 60)


def test_an_open_case_is_late_once_its_answer_is_due_and_approaching_the_day_before() -> None:
    c = clock("2026-02-11 09:00")
    assert fb.judge(CAL, c, at("2026-03-10 08:00")).verdict is fb.Verdict.IN_PROGRESS_ON_TIME
    assert fb.judge(CAL, c, at("2026-03-10 09:00")).approaching  # 8 working hours left
    assert not fb.judge(CAL, c, at("2026-03-09 09:00")).approaching
    late = fb.judge(CAL, c, at("2026-03-11 10:00"))
    assert (late.verdict, late.late_seconds) == (fb.Verdict.IN_PROGRESS_LATE, H)


def test_a_late_request_for_information_makes_the_case_late() -> None:
    # asked on the 6th working day (Thu 26/02/2026), answered well within 15 days
    c = clock("2026-02-11 09:00", ("2026-02-26 09:00", A.REQUEST_INFO), ("2026-02-27 09:00", A.PROVIDE_INFO),
              ("2026-03-02 09:00", A.ANSWER))
    j = fb.judge(CAL, c, at("2026-03-03 09:00"))
    assert (j.verdict, j.late_steps, j.late_seconds) == (fb.Verdict.LATE, ("request_info",), DAY)


def test_publication_ends_a_published_case_and_can_be_late() -> None:
    answered = ("2026-02-13 10:00", A.ANSWER)
    waiting = fb.judge(CAL, clock("2026-02-09 09:00", answered, publish=True), at("2026-02-23 09:00"))
    assert waiting.verdict is fb.Verdict.IN_PROGRESS_ON_TIME  # answered, publication due Tue 24/02 10:00
    on_time = fb.judge(CAL, clock("2026-02-09 09:00", answered, ("2026-02-24 10:00", A.PUBLISH), publish=True),
                       at("2026-02-25 09:00"))
    late = fb.judge(CAL, clock("2026-02-09 09:00", answered, ("2026-02-24 13:00", A.PUBLISH), publish=True),
                    at("2026-02-25 09:00"))
    unpublished = fb.judge(CAL, clock("2026-02-09 09:00", answered, publish=True), at("2026-02-24 11:00"))
    assert on_time.verdict is fb.Verdict.ON_TIME
    # 10:00-11:30 is late; the lunch break 11:30-13:00 is not working time
    assert (late.verdict, late.late_steps, late.late_seconds) == (fb.Verdict.LATE, ("publish",), 5400)
    assert (unpublished.verdict, unpublished.late_steps) == (fb.Verdict.IN_PROGRESS_LATE, ("publish",))


def test_a_case_closed_while_waiting_for_information_is_judged_on_its_request() -> None:
    c = clock("2026-02-11 09:00", ("2026-02-12 09:00", A.REQUEST_INFO), ("2026-04-01 09:00", A.CLOSE))
    j = fb.judge(CAL, c, at("2026-04-02 09:00"))
    assert j.verdict is fb.Verdict.ON_TIME and j.ended_at == at("2026-04-01 09:00")


def test_events_after_as_of_are_ignored() -> None:
    c = clock("2026-02-11 09:00", ("2026-03-12 09:00", A.ANSWER))
    assert fb.judge(CAL, c, at("2026-03-10 09:00")).verdict is fb.Verdict.IN_PROGRESS_ON_TIME
    assert fb.judge(CAL, c, at("2026-03-13 09:00")).verdict is fb.Verdict.LATE


def test_a_transfer_does_not_restart_the_clock() -> None:
    c = clock("2026-02-11 09:00", ("2026-02-12 09:00", A.TRANSFER), ("2026-02-13 09:00", A.ACKNOWLEDGE))
    assert local(fb.deadlines(CAL, c, at("2026-02-13 09:00")).answer) == "2026-03-11 09:00"


# ---- properties -----------------------------------------------------------------------------------

def _epoch(value: str) -> int:
    return to_epoch(datetime.fromisoformat(value).replace(tzinfo=VN))


RECEIPT = st.integers(_epoch("2024-01-01 00:00"), _epoch("2027-12-31 23:59"))
DAYS = st.integers(1, 30)


@PROPS
@given(RECEIPT, DAYS)
def test_the_answer_due_is_the_limit_in_working_time_after_the_clock_start(received: int, days: int) -> None:
    limits = fb.Limits(days * DAY, DAY, DAY, DAY)
    r = from_epoch(received)
    d = fb.deadlines(CAL, fb.CaseClock(r, limits), r)
    start = CAL.clock_start_ordinal(received)
    assert CAL.ordinal(d.answer) - start == days * DAY
    assert d.answer > r and CAL.is_working_day(CAL.local_date(d.answer))


@PROPS
@given(RECEIPT, st.integers(0, 20 * DAY), st.integers(1, 10 * DAY))
def test_a_finished_pause_moves_the_answer_due_by_its_working_time(received: int, after: int, length: int) -> None:
    r = from_epoch(received)
    start_ord = CAL.clock_start_ordinal(received) + after
    p_start, p_end = CAL.at_ordinal(start_ord + 1), CAL.at_ordinal(start_ord + 1 + length)
    paused = CAL.ordinal(p_end) - CAL.ordinal(p_start)
    plain = fb.deadlines(CAL, fb.CaseClock(r, NORMAL), r).answer
    c = fb.CaseClock(r, NORMAL, [fb.CaseEvent(p_start, A.REQUEST_INFO), fb.CaseEvent(p_end, A.PROVIDE_INFO)])
    d = fb.deadlines(CAL, c, p_end)
    assert CAL.ordinal(d.answer) - CAL.ordinal(plain) == paused == d.paused_seconds


@PROPS
@given(RECEIPT, st.integers(-3 * DAY, 3 * DAY))
def test_an_answer_is_late_exactly_when_working_time_passed_its_due_time(received: int, offset: int) -> None:
    r = from_epoch(received)
    due = fb.deadlines(CAL, fb.CaseClock(r, NORMAL), r).answer
    answered = CAL.at_ordinal(CAL.ordinal(due) + offset)
    assume(answered > r)
    j = fb.judge(CAL, fb.CaseClock(r, NORMAL, [fb.CaseEvent(answered, A.ANSWER)]), answered + timedelta(days=1))
    assert j.is_late is (offset > 0)
    assert j.late_seconds == max(0, offset)


@PROPS
@given(st.lists(st.sampled_from(list(A)), max_size=25))
def test_any_sequence_of_actions_either_follows_the_table_or_is_refused(actions: list[fb.CaseAction]) -> None:
    status: fb.CaseStatus | None = None
    for action in actions:
        if fb.can(action, status):
            new = fb.next_status(action, status)
            assert (action, status) in LEGAL and LEGAL[(action, status)] is new
            if status in fb.ENDED:
                assert new in fb.ENDED  # an ended case never reopens
            status = new
        else:
            with pytest.raises(IllegalTransition):
                fb.next_status(action, status)
