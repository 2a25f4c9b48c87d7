"""The dossier between receipt and result: acceptance, the internal process of the handling
supplements, financial obligations and apology letters (the internal process: motcua.dossiers.process)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from motcua.domain.errors import ValidationFailed
from motcua.domain.lifecycle import Action
from motcua.domain.workcal import to_epoch

from .models import Dossier
from .services import Actor, _required, transition

__all__ = [
    "receive",
    "refuse",
    "request_supplement",
    "supplement",
    "MAX_MONEY",
    "_add_money",
    "request_payment",
    "payment",
    "extend",
]


def receive(actor: Actor, dossier_id: int, expected_version: int | None = None, note: str = "") -> Dossier:
    def m(d: Dossier, at: datetime) -> None:
        d.received_at = at

    return transition(actor, dossier_id, Action.RECEIVE, expected_version=expected_version, note=note, mutate=m)


def refuse(actor: Actor, dossier_id: int, reason: str, expected_version: int | None = None) -> Dossier:
    reason = _required(reason, "reason")

    def m(d: Dossier, at: datetime) -> dict[str, Any]:
        d.ended_at = at
        return {"reason": reason}

    return transition(actor, dossier_id, Action.REFUSE, expected_version=expected_version, note=reason, mutate=m)


def request_supplement(actor: Actor, dossier_id: int, reason: str, items: Sequence[str] = (),
                       expected_version: int | None = None) -> Dossier:
    """Ask the applicant to supplement; the legal clock stops until the supplement arrives."""
    reason = _required(reason, "reason")

    def m(d: Dossier, at: datetime) -> dict[str, Any]:
        if d.received_at is not None:
            d.pauses = [*d.pauses, [to_epoch(at), None]]
            d.supplement_requests += 1
        return {"reason": reason, "items": list(items)}

    return transition(actor, dossier_id, Action.REQUEST_SUPPLEMENT, expected_version=expected_version,
                      note=reason, mutate=m)


def supplement(actor: Actor, dossier_id: int, note: str = "", attachments: Sequence[int] = (),
               expected_version: int | None = None) -> Dossier:
    """The supplement has arrived: the clock resumes."""
    def m(d: Dossier, at: datetime) -> None:
        if d.pauses and d.pauses[-1][1] is None:
            d.pauses = [*d.pauses[:-1], [d.pauses[-1][0], to_epoch(at)]]

    return transition(actor, dossier_id, Action.SUPPLEMENT, expected_version=expected_version, note=note,
                      mutate=m, attachments=attachments)


MAX_MONEY = 10**15  # VND, the same bound as the API schemas


def _add_money(total: int, amount: int) -> int:
    if total + amount > MAX_MONEY:
        raise ValidationFailed("Amount too large.", fields={"amount": "total exceeds the allowed maximum"})
    return total + amount


def request_payment(actor: Actor, dossier_id: int, amount: int, reason: str,
                    expected_version: int | None = None) -> Dossier:
    if amount <= 0:
        raise ValidationFailed("Amount must be positive.", fields={"amount": "must be > 0"})
    reason = _required(reason, "reason")

    def m(d: Dossier, at: datetime) -> dict[str, Any]:
        d.fees_due = _add_money(d.fees_due, amount)
        return {"amount": amount}

    return transition(actor, dossier_id, Action.REQUEST_PAYMENT, expected_version=expected_version,
                      note=reason, mutate=m)


def payment(actor: Actor, dossier_id: int, amount: int, reference: str = "",
            expected_version: int | None = None) -> Dossier:
    if amount <= 0:
        raise ValidationFailed("Amount must be positive.", fields={"amount": "must be > 0"})

    def m(d: Dossier, at: datetime) -> dict[str, Any]:
        d.fees_paid = _add_money(d.fees_paid, amount)
        return {"amount": amount, "reference": reference}

    return transition(actor, dossier_id, Action.PAYMENT, expected_version=expected_version, mutate=m)


def extend(actor: Actor, dossier_id: int, reason: str, new_appointment: datetime,
           expected_version: int | None = None) -> Dossier:
    """Apology letter: record the reason for the delay and a new appointment time."""
    reason = _required(reason, "reason")

    def m(d: Dossier, at: datetime) -> dict[str, Any]:
        current = d.extended_to or d.due_at
        if new_appointment <= at or (current is not None and new_appointment <= current):
            raise ValidationFailed("The new appointment must be later than the current one.",
                                   fields={"new_appointment": "must be in the future and later"})
        d.extended_to = new_appointment
        return {"new_appointment": new_appointment.isoformat(), "previous": current.isoformat() if current else None}

    return transition(actor, dossier_id, Action.EXTEND, expected_version=expected_version, note=reason, mutate=m)
