"""The dossier state machine: national portal status codes and the legal operations between them.

A status changes only through :func:`next_status`, which consults :data:`TRANSITIONS`; any other
move raises :class:`IllegalTransition`. Every entry point (page, API, CLI, job) goes through it.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum

from .errors import IllegalTransition


class Status(IntEnum):
    """Dossier status codes of the National Public Service Portal sync (DOMAIN.md section 3)."""

    NEW = 1  # registered online / by post, not yet checked
    RECEIVED = 2
    NOT_RECEIVED = 3  # refused at intake
    PROCESSING = 4
    SUPPLEMENT = 5  # supplement requested: the applicant holds the dossier
    FINANCIAL = 6  # financial obligation requested
    WITHDRAWN = 7
    STOPPED = 8
    PROCESSED = 9  # result back at the one-stop department
    RETURNED = 10  # result returned to the applicant


class Action(StrEnum):
    """Legal operations on a dossier."""

    SUBMIT = "submit"  # applicant registers online or by post: -> NEW
    INTAKE = "intake"  # counter officer receives a walk-in dossier: -> RECEIVED
    RECEIVE = "receive"  # counter accepts a registered dossier
    REFUSE = "refuse"  # refuse intake, with a reason
    START = "start"  # hand the received dossier to the first internal step
    FORWARD = "forward"  # move between internal steps (forward or back)
    REQUEST_SUPPLEMENT = "request_supplement"
    SUPPLEMENT = "supplement"  # the requested supplement has arrived
    REQUEST_PAYMENT = "request_payment"  # financial obligation (fees, taxes)
    PAYMENT = "payment"  # obligation fulfilled
    EXTEND = "extend"  # apology letter with a new appointment time
    WITHDRAW = "withdraw"
    STOP = "stop"
    APPROVE = "approve"  # the leader approves the draft result; a digital signature attaches here
    SEND_BACK = "send_back"  # the leader sends the dossier back to an earlier step, with a note
    FINISH = "finish"  # processed, result at the one-stop department
    RETURN = "return"  # result handed to the applicant
    FEE_PAID = "fee_paid"  # a fee collected (cash at the counter, online, by post): status kept
    POSTAL = "postal"  # a postal pick-up or delivery order's progress: status kept
    # the dossier moves to another unit (a reorganization's successor, or routing to the competent
    # unit after intake across boundaries): status kept, the event's data names both units
    TRANSFER = "transfer"


S = Status
_ACTIVE = frozenset({S.RECEIVED, S.PROCESSING, S.SUPPLEMENT, S.FINANCIAL})
# statuses in which money or a parcel may still move for the dossier (not refused, withdrawn,
# stopped or returned): the status-keeping FEE_PAID and POSTAL actions
_PAYABLE = frozenset({S.NEW}) | _ACTIVE | frozenset({S.PROCESSED})

# action -> (statuses it may start from, status it leads to; None keeps the current status)
TRANSITIONS: dict[Action, tuple[frozenset[Status | None], Status | None]] = {
    Action.SUBMIT: (frozenset({None}), S.NEW),
    Action.INTAKE: (frozenset({None}), S.RECEIVED),
    Action.RECEIVE: (frozenset({S.NEW}), S.RECEIVED),
    Action.REFUSE: (frozenset({S.NEW}), S.NOT_RECEIVED),
    Action.START: (frozenset({S.RECEIVED}), S.PROCESSING),
    Action.FORWARD: (frozenset({S.PROCESSING}), S.PROCESSING),
    Action.REQUEST_SUPPLEMENT: (frozenset({S.NEW, S.RECEIVED, S.PROCESSING}), S.SUPPLEMENT),
    # SUPPLEMENT returns to the status the dossier had before the request: see resume_status
    Action.SUPPLEMENT: (frozenset({S.SUPPLEMENT}), None),
    Action.REQUEST_PAYMENT: (frozenset({S.RECEIVED, S.PROCESSING}), S.FINANCIAL),
    Action.PAYMENT: (frozenset({S.FINANCIAL}), S.PROCESSING),
    Action.EXTEND: (_ACTIVE, None),
    Action.WITHDRAW: (frozenset({S.NEW}) | _ACTIVE, S.WITHDRAWN),
    Action.STOP: (_ACTIVE, S.STOPPED),
    Action.APPROVE: (frozenset({S.PROCESSING}), None),
    Action.SEND_BACK: (frozenset({S.PROCESSING}), None),
    Action.FINISH: (frozenset({S.PROCESSING}), S.PROCESSED),
    Action.RETURN: (frozenset({S.PROCESSED}), S.RETURNED),
    Action.FEE_PAID: (_PAYABLE, None),
    Action.POSTAL: (_PAYABLE, None),
    Action.TRANSFER: (_PAYABLE, None),
}

TERMINAL = frozenset({S.NOT_RECEIVED, S.WITHDRAWN, S.STOPPED, S.RETURNED})
OPEN = frozenset({S.NEW, S.RECEIVED, S.PROCESSING, S.SUPPLEMENT, S.FINANCIAL})
# statuses in which the legal clock runs (NEW: not yet received, SUPPLEMENT: paused)
CLOCK_RUNNING = frozenset({S.RECEIVED, S.PROCESSING, S.FINANCIAL})


def allowed_actions(status: Status | None) -> list[Action]:
    """Actions that may be taken from ``status``, in declaration order."""
    return [a for a, (sources, _) in TRANSITIONS.items() if status in sources]


def can(action: Action, status: Status | None) -> bool:
    return status in TRANSITIONS[action][0]


def next_status(
    action: Action, status: Status | None, resume_to: Status | None = None
) -> Status:
    """The status after ``action`` from ``status``; raises IllegalTransition if not allowed.

    ``resume_to`` is the status before the supplement request, needed for SUPPLEMENT.
    """
    sources, target = TRANSITIONS[action]
    if status not in sources:
        raise IllegalTransition(action.value, None if status is None else int(status))
    if target is not None:
        return target
    if action is Action.SUPPLEMENT:
        if resume_to not in (S.NEW, S.RECEIVED, S.PROCESSING):
            raise IllegalTransition(action.value, int(S.SUPPLEMENT))
        return resume_to
    assert status is not None
    return status
