"""The dossier state machine: every (action, status) pair against a table written by hand from
DOMAIN.md section 3 (no database)."""

from __future__ import annotations

import pytest

from motcua.domain.errors import IllegalTransition
from motcua.domain.lifecycle import (
    CLOCK_RUNNING,
    OPEN,
    TERMINAL,
    TRANSITIONS,
    Action,
    Status,
    allowed_actions,
    can,
    next_status,
)

A = Action
STATUSES: list[int | None] = [None, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
RESUME = "resume"  # SUPPLEMENT goes back to the status before the supplement request
SAME = "same"  # EXTEND keeps the current status

# (action, status) -> status after; every pair not listed is illegal
EXPECTED: dict[tuple[Action, int | None], int | str] = {
    (A.SUBMIT, None): 1,
    (A.INTAKE, None): 2,
    (A.RECEIVE, 1): 2,
    (A.REFUSE, 1): 3,
    (A.START, 2): 4,
    (A.FORWARD, 4): 4,
    (A.REQUEST_SUPPLEMENT, 1): 5,
    (A.REQUEST_SUPPLEMENT, 2): 5,
    (A.REQUEST_SUPPLEMENT, 4): 5,
    (A.SUPPLEMENT, 5): RESUME,
    (A.REQUEST_PAYMENT, 2): 6,
    (A.REQUEST_PAYMENT, 4): 6,
    (A.PAYMENT, 6): 4,
    (A.EXTEND, 2): SAME,
    (A.EXTEND, 4): SAME,
    (A.EXTEND, 5): SAME,
    (A.EXTEND, 6): SAME,
    (A.WITHDRAW, 1): 7,
    (A.WITHDRAW, 2): 7,
    (A.WITHDRAW, 4): 7,
    (A.WITHDRAW, 5): 7,
    (A.WITHDRAW, 6): 7,
    (A.STOP, 2): 8,
    (A.STOP, 4): 8,
    (A.STOP, 5): 8,
    (A.STOP, 6): 8,
    (A.APPROVE, 4): SAME,
    (A.SEND_BACK, 4): SAME,
    (A.FINISH, 4): 9,
    (A.RETURN, 9): 10,
    # a fee collected, a parcel's progress: recorded in any status but refused, withdrawn, stopped, returned
    **{(a, s): SAME for a in (A.FEE_PAID, A.POSTAL, A.TRANSFER) for s in (1, 2, 4, 5, 6, 9)},
}

ALL_PAIRS = [(a, s) for a in Action for s in STATUSES]


def _status(value: int | None) -> Status | None:
    return None if value is None else Status(value)


def _id(pair: tuple[Action, int | None]) -> str:
    return f"{pair[0].value}-from-{pair[1]}"


def test_every_action_has_a_transition_entry():
    assert set(TRANSITIONS) == set(Action)
    assert len(ALL_PAIRS) == 20 * 11


@pytest.mark.parametrize("pair", ALL_PAIRS, ids=[_id(p) for p in ALL_PAIRS])
def test_transition(pair):
    action, value = pair
    status = _status(value)
    expected = EXPECTED.get(pair)
    if expected is None:
        assert not can(action, status)
        assert action not in allowed_actions(status)
        with pytest.raises(IllegalTransition) as exc:
            next_status(action, status, resume_to=Status.PROCESSING)
        assert exc.value.action == action.value
        assert exc.value.status == value
        return
    assert can(action, status)
    assert action in allowed_actions(status)
    if expected == RESUME:
        for resume in (Status.NEW, Status.RECEIVED, Status.PROCESSING):
            assert next_status(action, status, resume_to=resume) is resume
    elif expected == SAME:
        assert next_status(action, status) is status
    else:
        assert next_status(action, status) is Status(expected)


@pytest.mark.parametrize("value", STATUSES)
def test_allowed_actions_match_the_table_in_declaration_order(value):
    expected = [a for a in Action if (a, value) in EXPECTED]
    assert allowed_actions(_status(value)) == expected


@pytest.mark.parametrize("resume", [None, 3, 5, 6, 7, 8, 9, 10])
def test_supplement_cannot_resume_to_anything_but_an_open_pre_request_status(resume):
    with pytest.raises(IllegalTransition):
        next_status(A.SUPPLEMENT, Status.SUPPLEMENT, resume_to=_status(resume))


@pytest.mark.parametrize("value", [3, 7, 8, 10])
def test_terminal_statuses_allow_nothing(value):
    assert allowed_actions(Status(value)) == []
    for action in Action:
        with pytest.raises(IllegalTransition):
            next_status(action, Status(value))


def test_status_sets():
    assert {int(s) for s in TERMINAL} == {3, 7, 8, 10}
    assert {int(s) for s in OPEN} == {1, 2, 4, 5, 6}
    assert {int(s) for s in CLOCK_RUNNING} == {2, 4, 6}
    # processed (9) is neither open nor terminal: the only way on is returning the result (a fee
    # collected at the result and a postal delivery's progress keep it processed)
    assert allowed_actions(Status.PROCESSED) == [A.RETURN, A.FEE_PAID, A.POSTAL, A.TRANSFER]


def test_every_open_status_can_still_end():
    for status in OPEN:
        assert can(A.WITHDRAW, status)
    for status in OPEN - {Status.NEW}:
        assert can(A.STOP, status)


def test_a_typical_path():
    status = next_status(A.INTAKE, None)
    status = next_status(A.START, status)
    before = status
    status = next_status(A.REQUEST_SUPPLEMENT, status)
    status = next_status(A.SUPPLEMENT, status, resume_to=before)
    status = next_status(A.REQUEST_PAYMENT, status)
    status = next_status(A.PAYMENT, status)
    status = next_status(A.EXTEND, status)
    status = next_status(A.FINISH, status)
    status = next_status(A.RETURN, status)
    assert status is Status.RETURNED


def test_illegal_transition_message_names_action_and_status():
    with pytest.raises(IllegalTransition) as exc:
        next_status(A.FINISH, Status.RECEIVED)
    assert exc.value.code == "illegal_transition"
    assert exc.value.http_status == 409
    assert "finish" in str(exc.value) and "2" in str(exc.value)
