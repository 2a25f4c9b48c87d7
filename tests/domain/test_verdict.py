"""Due times and the on-time verdict by the Decision 766 method, on hand-worked cases (no database).

Most cases use the week of Monday 09/03/2026 .. Monday 16/03/2026 (no holiday), office hours
07:30-11:30 / 13:00-17:00, 15:00 cut-off. Expected figures were worked out by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

import pytest

from motcua.domain.lifecycle import Action
from motcua.domain.verdict import (
    Category,
    ClockEvent,
    ClockInput,
    Policy,
    compute_deadline,
    find_end,
    judge,
    quick_category,
)
from motcua.domain.workcal import to_epoch
from tests.domain.calendars import DAY, H, at

A = Action
C = Category
EXCUSES = Policy(extension_excuses=True)





def ev(when: str, action: Action, appointment: str | None = None) -> ClockEvent:
    return ClockEvent(at(when), action, at(appointment) if appointment else None)


def clock(received: str | None, limit: int, *events: ClockEvent, cutoff: time | None | bool = True) -> ClockInput:
    return ClockInput(at(received) if received else None, limit, tuple(events), cutoff)


@dataclass(frozen=True)
class Case:
    id: str
    inp: ClockInput
    as_of: str
    category: Category
    late: int = 0
    reason: str = "finish"
    policy: Policy = Policy()


TUE = "2026-03-10 09:00"  # Tuesday 09:00; + 3 working days = Fri 13/03 09:00
CASES = [
    # ---- finished, judged against the due time --------------------------------------------
    Case("early-finished-a-day-before", clock(TUE, 3 * DAY, ev("2026-03-12 16:00", A.FINISH)),
         "2026-03-31 00:00", C.EARLY),
    Case("on-time-same-day-before-due", clock(TUE, 3 * DAY, ev("2026-03-13 08:45", A.FINISH)),
         "2026-03-31 00:00", C.ON_TIME),
    Case("on-time-exactly-at-due", clock(TUE, 3 * DAY, ev("2026-03-13 09:00", A.FINISH)),
         "2026-03-31 00:00", C.ON_TIME),
    Case("late-2h", clock(TUE, 3 * DAY, ev("2026-03-13 11:00", A.FINISH)),
         "2026-03-31 00:00", C.LATE, late=2 * H),
    Case("late-across-lunch-3h", clock(TUE, 3 * DAY, ev("2026-03-13 13:30", A.FINISH)),
         "2026-03-31 00:00", C.LATE, late=3 * H),
    Case("late-finished-in-lunch-break", clock(TUE, 3 * DAY, ev("2026-03-13 12:15", A.FINISH)),
         "2026-03-31 00:00", C.LATE, late=2 * H + 1800),
    Case("late-across-weekend-7h30", clock(TUE, 3 * DAY, ev("2026-03-16 08:30", A.FINISH)),
         "2026-03-31 00:00", C.LATE, late=7 * H + 1800),
    Case("late-one-second", clock(TUE, 3 * DAY, ev("2026-03-13 09:00:01", A.FINISH)),
         "2026-03-31 00:00", C.LATE, late=1),
    # ---- after office hours on the due day, and at the weekend -------------------------------
    # received Mon 15:30, after the cut-off: counts from Tue, 1 day -> due Tue 17:00
    Case("17h30-on-due-day-not-late", clock("2026-03-09 15:30", DAY, ev("2026-03-10 17:30", A.FINISH)),
         "2026-03-31 00:00", C.ON_TIME),
    Case("next-morning-after-17h-due-late", clock("2026-03-09 15:30", DAY, ev("2026-03-11 07:31", A.FINISH)),
         "2026-03-31 00:00", C.LATE, late=60),
    # received Thu 15:10, after the cut-off: due Fri 17:00
    Case("saturday-after-friday-due-on-time", clock("2026-03-12 15:10", DAY, ev("2026-03-14 10:00", A.FINISH)),
         "2026-03-31 00:00", C.ON_TIME),
    Case("sunday-after-friday-due-on-time", clock("2026-03-12 15:10", DAY, ev("2026-03-15 20:00", A.FINISH)),
         "2026-03-31 00:00", C.ON_TIME),
    Case("monday-morning-after-friday-due-late", clock("2026-03-12 15:10", DAY, ev("2026-03-16 07:45", A.FINISH)),
         "2026-03-31 00:00", C.LATE, late=900),
    # Tết 2026: received Fri 13/02 10:00, 1 day -> due Mon 23/02 10:00 (5.5 h Fri + 2.5 h Mon)
    Case("finished-during-tet-early", clock("2026-02-13 10:00", DAY, ev("2026-02-18 10:00", A.FINISH)),
         "2026-03-31 00:00", C.EARLY),
    Case("late-after-tet", clock("2026-02-13 10:00", DAY, ev("2026-02-23 11:00", A.FINISH)),
         "2026-03-31 00:00", C.LATE, late=H),
    # ---- supplements --------------------------------------------------------------------------
    # 1 day from Tue 09:00 = Wed 09:00; paused Tue 10:00 -> Thu 10:00 (16 h) -> due Fri 09:00
    Case("supplement-pause-excluded-on-time",
         clock(TUE, DAY, ev("2026-03-10 10:00", A.REQUEST_SUPPLEMENT), ev("2026-03-12 10:00", A.SUPPLEMENT),
               ev("2026-03-13 08:30", A.FINISH)),
         "2026-03-31 00:00", C.ON_TIME),
    Case("supplement-pause-excluded-early",
         clock(TUE, DAY, ev("2026-03-10 10:00", A.REQUEST_SUPPLEMENT), ev("2026-03-12 10:00", A.SUPPLEMENT),
               ev("2026-03-12 15:00", A.FINISH)),
         "2026-03-31 00:00", C.EARLY),
    Case("supplement-pause-excluded-late",
         clock(TUE, DAY, ev("2026-03-10 10:00", A.REQUEST_SUPPLEMENT), ev("2026-03-12 10:00", A.SUPPLEMENT),
               ev("2026-03-13 10:00", A.FINISH)),
         "2026-03-31 00:00", C.LATE, late=H),
    Case("waiting-for-supplement-asked-before-due",
         clock(TUE, DAY, ev("2026-03-11 08:00", A.REQUEST_SUPPLEMENT)),
         "2026-03-20 17:00", C.IN_PROGRESS_ON_TIME, reason="supplement_wait"),
    Case("waiting-for-supplement-asked-after-due",
         clock(TUE, DAY, ev("2026-03-11 10:00", A.REQUEST_SUPPLEMENT)),
         "2026-03-20 17:00", C.IN_PROGRESS_LATE, late=H, reason="supplement_wait"),
    Case("second-supplement-request-late-even-if-fast",
         clock(TUE, 3 * DAY, ev("2026-03-10 09:30", A.REQUEST_SUPPLEMENT), ev("2026-03-10 10:00", A.SUPPLEMENT),
               ev("2026-03-10 10:30", A.REQUEST_SUPPLEMENT), ev("2026-03-10 11:00", A.SUPPLEMENT),
               ev("2026-03-10 14:00", A.FINISH)),
         "2026-03-31 00:00", C.LATE),
    Case("one-supplement-request-fast-is-early",
         clock(TUE, 3 * DAY, ev("2026-03-10 09:30", A.REQUEST_SUPPLEMENT), ev("2026-03-10 10:00", A.SUPPLEMENT),
               ev("2026-03-10 14:00", A.FINISH)),
         "2026-03-31 00:00", C.EARLY),
    Case("second-supplement-request-in-progress-late",
         clock(TUE, 3 * DAY, ev("2026-03-10 09:30", A.REQUEST_SUPPLEMENT), ev("2026-03-10 10:00", A.SUPPLEMENT),
               ev("2026-03-10 10:30", A.REQUEST_SUPPLEMENT)),
         "2026-03-10 12:00", C.IN_PROGRESS_LATE, reason="supplement_wait"),
    # a supplement asked for before receipt (online registration) does not count
    Case("supplement-before-receipt-not-counted",
         clock(TUE, 3 * DAY, ev("2026-03-09 09:00", A.SUBMIT), ev("2026-03-09 10:00", A.REQUEST_SUPPLEMENT),
               ev("2026-03-09 11:00", A.SUPPLEMENT), ev(TUE, A.RECEIVE), ev("2026-03-10 10:00", A.REQUEST_SUPPLEMENT),
               ev("2026-03-10 11:00", A.SUPPLEMENT), ev("2026-03-10 14:00", A.FINISH)),
         "2026-03-31 00:00", C.EARLY),
    # received after the cut-off; the supplement asked and brought that evening stopped no clock
    Case("supplement-before-clock-start-not-counted",
         clock("2026-03-10 15:30", DAY, ev("2026-03-10 15:45", A.REQUEST_SUPPLEMENT),
               ev("2026-03-10 16:30", A.SUPPLEMENT), ev("2026-03-11 17:30", A.FINISH),
               ev("2026-03-12 07:45", A.RETURN)),
         "2026-03-31 00:00", C.ON_TIME),
    # ---- extension (apology letter) ----------------------------------------------------------
    # due Wed 09:00; extended on Wed 08:00 to Fri 17:00; finished Thu 10:00 (6.5 h + 2.5 h late)
    Case("extension-judged-against-original-due",
         clock(TUE, DAY, ev("2026-03-11 08:00", A.EXTEND, "2026-03-13 17:00"), ev("2026-03-12 10:00", A.FINISH)),
         "2026-03-31 00:00", C.LATE, late=9 * H),
    Case("extension-excuses-early",
         clock(TUE, DAY, ev("2026-03-11 08:00", A.EXTEND, "2026-03-13 17:00"), ev("2026-03-12 10:00", A.FINISH)),
         "2026-03-31 00:00", C.EARLY, policy=EXCUSES),
    Case("extension-excuses-on-time",
         clock(TUE, DAY, ev("2026-03-11 08:00", A.EXTEND, "2026-03-13 17:00"), ev("2026-03-13 16:00", A.FINISH)),
         "2026-03-31 00:00", C.ON_TIME, policy=EXCUSES),
    Case("extension-excuses-still-late-after-new-appointment",
         clock(TUE, DAY, ev("2026-03-11 08:00", A.EXTEND, "2026-03-13 17:00"), ev("2026-03-16 08:00", A.FINISH)),
         "2026-03-31 00:00", C.LATE, late=1800, policy=EXCUSES),
    # ---- other ends of processing --------------------------------------------------------------
    Case("withdrawal-ends-processing", clock(TUE, 3 * DAY, ev("2026-03-11 10:00", A.WITHDRAW)),
         "2026-03-31 00:00", C.EARLY, reason="withdraw"),
    Case("stop-after-due-late", clock(TUE, 3 * DAY, ev("2026-03-16 09:00", A.STOP)),
         "2026-03-31 00:00", C.LATE, late=8 * H, reason="stop"),
    Case("finish-preferred-over-return",
         clock(TUE, 3 * DAY, ev("2026-03-12 10:00", A.FINISH), ev("2026-03-16 10:00", A.RETURN)),
         "2026-03-31 00:00", C.EARLY),
    Case("return-without-finish-ends", clock(TUE, 3 * DAY, ev("2026-03-13 10:00", A.RETURN)),
         "2026-03-31 00:00", C.LATE, late=H, reason="return"),
    # withdrawn while the applicant held the dossier: the wait is not counted
    Case("withdrawal-while-waiting-for-supplement",
         clock(TUE, DAY, ev("2026-03-10 10:00", A.REQUEST_SUPPLEMENT), ev("2026-03-12 10:00", A.WITHDRAW)),
         "2026-03-31 00:00", C.EARLY, reason="withdraw"),
    # ---- open at the end of a reporting period -----------------------------------------------
    Case("open-at-period-end-on-time", clock(TUE, 3 * DAY), "2026-03-12 17:00", C.IN_PROGRESS_ON_TIME,
         reason="as_of"),
    Case("open-at-period-end-late", clock(TUE, 3 * DAY, ev("2026-03-17 10:00", A.FINISH)),
         "2026-03-16 09:00", C.IN_PROGRESS_LATE, late=8 * H, reason="as_of"),
    Case("finished-after-period-end-judged-later", clock(TUE, 3 * DAY, ev("2026-03-17 10:00", A.FINISH)),
         "2026-03-31 00:00", C.LATE, late=17 * H),
    # ---- not received ------------------------------------------------------------------------
    Case("not-received", clock(None, DAY, ev("2026-03-09 09:00", A.SUBMIT)), "2026-03-31 00:00",
         C.NOT_STARTED, reason=""),
    Case("refused-at-intake", clock(None, DAY, ev("2026-03-09 09:00", A.SUBMIT), ev("2026-03-09 10:00", A.REFUSE)),
         "2026-03-31 00:00", C.NOT_STARTED, reason="refuse"),
    Case("received-after-period-end", clock(TUE, DAY), "2026-03-09 17:00", C.NOT_STARTED, reason=""),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_judge(cal, case):
    v = judge(cal, case.inp, at(case.as_of), case.policy)
    assert v.category is case.category
    assert v.late_seconds == case.late
    assert v.end_reason == case.reason
    assert v.is_late == (case.category in (C.LATE, C.IN_PROGRESS_LATE))
    assert v.finished == (case.category in (C.EARLY, C.ON_TIME, C.LATE))


@pytest.mark.parametrize("case", [c for c in CASES if c.category is not C.NOT_STARTED],
                         ids=[c.id for c in CASES if c.category is not C.NOT_STARTED])
def test_quick_category_agrees_with_judge(cal, case):
    v = judge(cal, case.inp, at(case.as_of), case.policy)
    assert v.deadline is not None and v.end_at is not None
    due = v.deadline.appointment if (case.policy.extension_excuses and v.deadline.extended) else v.deadline.due
    quick = quick_category(cal, to_epoch(due), to_epoch(v.end_at), v.supplement_requests, v.finished)
    assert quick == (v.category, v.late_seconds)


# ---- the figures behind the verdicts ---------------------------------------------------------

def test_early_and_on_time_leave_working_seconds(cal):
    early = judge(cal, clock(TUE, 3 * DAY, ev("2026-03-12 16:00", A.FINISH)), at("2026-03-31 00:00"))
    assert early.deadline.due == at("2026-03-13 09:00")
    assert early.early_seconds == 2 * H + 1800  # Thu 16:00-17:00 + Fri 07:30-09:00
    assert early.end_at == at("2026-03-12 16:00")
    assert [k for k, _ in early.explanation] == ["received", "limit", "due", "end", "verdict"]
    on_time = judge(cal, clock(TUE, 3 * DAY, ev("2026-03-13 08:45", A.FINISH)), at("2026-03-31 00:00"))
    assert (on_time.early_seconds, on_time.late_seconds) == (900, 0)


def test_17h30_on_due_day_counts_no_working_second(cal):
    v = judge(cal, clock("2026-03-09 15:30", DAY, ev("2026-03-10 17:30", A.FINISH)), at("2026-03-31 00:00"))
    assert v.deadline.due == at("2026-03-10 17:00")
    assert (v.late_seconds, v.early_seconds) == (0, 0)


def test_supplement_pause_moves_the_due_time(cal):
    inp = clock(TUE, DAY, ev("2026-03-10 10:00", A.REQUEST_SUPPLEMENT), ev("2026-03-12 10:00", A.SUPPLEMENT))
    dl = compute_deadline(cal, inp)
    assert dl.base_due == at("2026-03-11 09:00")
    assert dl.paused_seconds == 16 * H
    assert dl.due == at("2026-03-13 09:00")
    assert dl.appointment == dl.due and not dl.extended
    assert [(p.start, p.end) for p in dl.pauses] == [(at("2026-03-10 10:00"), at("2026-03-12 10:00"))]
    v = judge(cal, inp, at("2026-03-13 08:30"))
    assert ("pause", {"start": at("2026-03-10 10:00"), "end": at("2026-03-12 10:00")}) in v.explanation
    assert v.supplement_requests == 1


def test_waiting_for_supplement_ends_at_the_request(cal):
    inp = clock(TUE, DAY, ev("2026-03-11 08:00", A.REQUEST_SUPPLEMENT))
    v = judge(cal, inp, at("2026-03-20 17:00"))
    assert v.end_at == at("2026-03-11 08:00")
    assert v.end_reason == "supplement_wait"
    assert not v.finished
    assert v.deadline.due == at("2026-03-11 09:00")  # an open pause does not move the due time
    assert v.deadline.pauses[-1].end is None
    assert v.early_seconds == H


def test_second_supplement_request_is_explained(cal):
    case = next(c for c in CASES if c.id == "second-supplement-request-late-even-if-fast")
    v = judge(cal, case.inp, at(case.as_of))
    assert v.supplement_requests == 2
    assert ("second_supplement", {"count": 2}) in v.explanation
    assert v.deadline.paused_seconds == H


def test_extension_keeps_the_legal_due_and_records_the_appointment(cal):
    inp = clock(TUE, DAY, ev("2026-03-11 08:00", A.EXTEND, "2026-03-13 17:00"), ev("2026-03-12 10:00", A.FINISH))
    dl = compute_deadline(cal, inp)
    assert dl.due == at("2026-03-11 09:00")
    assert dl.appointment == at("2026-03-13 17:00") and dl.extended
    v = judge(cal, inp, at("2026-03-31 00:00"))
    assert ("extension", {"appointment": at("2026-03-13 17:00"), "excuses": False}) in v.explanation
    excused = judge(cal, inp, at("2026-03-31 00:00"), EXCUSES)
    assert ("extension", {"appointment": at("2026-03-13 17:00"), "excuses": True}) in excused.explanation
    # the latest extension wins
    twice = clock(TUE, DAY, ev("2026-03-11 08:00", A.EXTEND, "2026-03-12 17:00"),
                  ev("2026-03-12 16:00", A.EXTEND, "2026-03-16 17:00"))
    assert compute_deadline(cal, twice).appointment == at("2026-03-16 17:00")


def test_withdrawal_while_waiting_agrees_with_the_projection(cal):
    """The dossier row closes the open pause at the end of processing (services._ending); the
    verdict rebuilt from the event log, which has no SUPPLEMENT event, must be the same."""
    from_log = clock(TUE, DAY, ev("2026-03-10 10:00", A.REQUEST_SUPPLEMENT), ev("2026-03-12 10:00", A.WITHDRAW))
    from_row = clock(TUE, DAY, ev("2026-03-10 10:00", A.REQUEST_SUPPLEMENT), ev("2026-03-12 10:00", A.SUPPLEMENT),
                     ev("2026-03-12 10:00", A.WITHDRAW))
    a, b = judge(cal, from_log, at("2026-03-31 00:00")), judge(cal, from_row, at("2026-03-31 00:00"))
    assert (a.category, a.late_seconds, a.end_at, a.deadline.due) == (b.category, b.late_seconds, b.end_at,
                                                                      b.deadline.due)
    assert a.deadline.due == at("2026-03-13 09:00")
    # before the withdrawal, the same dossier was waiting for the supplement
    waiting = judge(cal, from_log, at("2026-03-11 17:00"))
    assert (waiting.category, waiting.end_reason) == (C.IN_PROGRESS_ON_TIME, "supplement_wait")


def test_open_dossier_at_period_end(cal):
    v = judge(cal, clock(TUE, 3 * DAY), at("2026-03-12 17:00"))
    assert v.end_at == at("2026-03-12 17:00")
    assert v.early_seconds == H + 1800
    assert v.approaching
    far = judge(cal, clock(TUE, 3 * DAY), at("2026-03-11 09:00"))
    assert far.category is C.IN_PROGRESS_ON_TIME
    assert far.early_seconds == 2 * DAY and not far.approaching
    late = judge(cal, clock(TUE, 3 * DAY, ev("2026-03-17 10:00", A.FINISH)), at("2026-03-16 09:00"))
    assert late.end_at == at("2026-03-16 09:00") and not late.approaching


def test_not_received_has_no_deadline(cal):
    v = judge(cal, clock(None, DAY), at("2026-03-31 00:00"))
    assert v.category is C.NOT_STARTED
    assert v.deadline is None and v.end_at is None
    assert v.explanation == [("not_received", {})]
    refused = judge(cal, clock(None, DAY, ev("2026-03-09 10:00", A.REFUSE)), at("2026-03-31 00:00"))
    assert refused.end_at == at("2026-03-09 10:00")
    with pytest.raises(ValueError):
        compute_deadline(cal, clock(None, DAY))


# ---- cut-off -----------------------------------------------------------------------------------

def test_cutoff_is_noted_in_the_explanation(cal):
    v = judge(cal, clock("2026-03-10 15:30", 3 * DAY), at("2026-03-11 09:00"))
    assert v.deadline.cutoff_applied
    keys = [k for k, _ in v.explanation]
    assert keys == ["received", "limit", "cutoff", "due", "end", "verdict"]
    start = dict(v.explanation)["cutoff"]["clock_start"]
    assert cal.ordinal(start) == cal.ordinal(at("2026-03-11 07:30"))
    assert v.deadline.due == at("2026-03-13 17:00")


@pytest.mark.parametrize(("received", "cutoff", "applied", "due"), [
    ("2026-03-10 14:59:59", True, False, "2026-03-13 14:59:59"),
    ("2026-03-10 15:00", True, False, "2026-03-13 15:00"),  # at the cut-off: still that day
    ("2026-03-10 15:00:01", True, True, "2026-03-13 17:00"),  # strictly after it: next day
    ("2026-03-10 15:30", None, False, "2026-03-13 15:30"),
    ("2026-03-10 15:30", time(16, 0), False, "2026-03-13 15:30"),
    ("2026-03-10 16:00", time(16, 0), False, "2026-03-13 16:00"),
    ("2026-03-10 16:00:01", time(16, 0), True, "2026-03-13 17:00"),
    ("2026-03-14 16:00", True, False, "2026-03-18 17:00"),  # Saturday: no cut-off, counts from Monday
    ("2026-03-10 06:45", True, False, "2026-03-12 17:00"),  # before opening: the whole Tuesday counts
])
def test_compute_deadline_cutoff(cal, received, cutoff, applied, due):
    dl = compute_deadline(cal, clock(received, 3 * DAY, cutoff=cutoff))
    assert dl.cutoff_applied is applied
    assert dl.due == at(due)
    keys = [k for k, _ in judge(cal, clock(received, 3 * DAY, cutoff=cutoff), at("2026-03-31 00:00")).explanation]
    assert ("cutoff" in keys) is applied


# ---- approaching --------------------------------------------------------------------------------

def test_approaching_within_8_working_hours(cal):
    inp = clock("2026-03-10 08:00", DAY)  # due Wed 08:00
    assert judge(cal, inp, at("2026-03-10 08:00")).approaching  # exactly 8 h left
    assert not judge(cal, clock("2026-03-10 08:00", DAY + 1), at("2026-03-10 08:00")).approaching
    assert judge(cal, inp, at("2026-03-10 16:00")).approaching
    assert not judge(cal, inp, at("2026-03-10 16:00"), Policy(approaching_seconds=H)).approaching
    assert judge(cal, inp, at("2026-03-10 16:45"), Policy(approaching_seconds=H)).approaching
    overdue = judge(cal, inp, at("2026-03-11 09:00"))
    assert overdue.category is C.IN_PROGRESS_LATE and not overdue.approaching
    finished = judge(cal, clock("2026-03-10 08:00", DAY, ev("2026-03-10 16:00", A.FINISH)), at("2026-03-31 00:00"))
    assert finished.category is C.EARLY and not finished.approaching


def test_financial_wait_pauses_only_by_policy(cal):
    inp = clock(TUE, DAY, ev("2026-03-10 10:00", A.REQUEST_PAYMENT), ev("2026-03-11 10:00", A.PAYMENT))
    assert compute_deadline(cal, inp).due == at("2026-03-11 09:00")
    assert compute_deadline(cal, inp, Policy(pause_on_financial=True)).due == at("2026-03-12 09:00")


def test_find_end_preference():
    events = [ev("2026-03-10 09:00", A.WITHDRAW), ev("2026-03-11 09:00", A.STOP), ev("2026-03-12 09:00", A.RETURN),
              ev("2026-03-13 09:00", A.FINISH)]
    assert find_end(events).action is A.FINISH
    assert find_end(events[:3]).action is A.RETURN
    assert find_end(events[:2]).action is A.STOP
    assert find_end(events[:1]).action is A.WITHDRAW
    assert find_end([ev("2026-03-10 09:00", A.FORWARD)]) is None


def test_events_after_as_of_are_ignored(cal):
    inp = clock(TUE, 3 * DAY, ev("2026-03-10 10:00", A.REQUEST_SUPPLEMENT), ev("2026-03-12 10:00", A.SUPPLEMENT),
                ev("2026-03-13 10:00", A.FINISH))
    v = judge(cal, inp, at("2026-03-11 10:00"))
    assert (v.category, v.end_reason, v.end_at) == (C.IN_PROGRESS_ON_TIME, "supplement_wait", at("2026-03-10 10:00"))
