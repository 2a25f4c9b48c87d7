"""The dossier between receipt and result: acceptance, the internal process of the handling
unit (steps and their holders), supplements, financial obligations and apology letters."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from motcua.calendars.services import calendar_for
from motcua.catalog.models import ProcessStep
from motcua.domain.errors import ValidationFailed
from motcua.domain.lifecycle import Action
from motcua.domain.workcal import to_epoch

from .models import Dossier
from .services import Actor, _required, transition

__all__ = [
    "receive",
    "refuse",
    "_steps",
    "_enter_step",
    "_check_holder",
    "start",
    "forward",
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


def _steps(d: Dossier) -> list[ProcessStep]:
    return list(ProcessStep.objects.filter(procedure_id=d.procedure_id, unit_id=d.handling_unit_id)
                .order_by("order"))


def _enter_step(d: Dossier, step: ProcessStep | None, at: datetime, holder_id: int | None) -> dict[str, Any]:
    d.current_step = step
    d.step_started_at = at
    d.holder_id = holder_id
    if step is None:
        d.step_due_at = None
        return {"step": None, "holder": holder_id}
    cal = calendar_for(d.province_id)
    d.step_due_at = cal.add_working_seconds(at, step.quota_seconds)
    return {"step": step.pk, "step_name": step.name, "holder": holder_id,
            "step_due_at": d.step_due_at.isoformat()}


def _check_holder(d: Dossier, step: ProcessStep | None, holder_id: int | None) -> None:
    if holder_id is None:
        return
    from motcua.units.models import StaffRole

    roles = StaffRole.objects.filter(user_id=holder_id)
    if step is not None:
        roles = roles.filter(role=step.role)
    paths = roles.values_list("unit__path", flat=True)
    if not any(d.handling_path.startswith(p) or p.startswith(d.handling_path) for p in paths):
        raise ValidationFailed("This person cannot handle this step.", fields={"holder_id": "not eligible"})


def start(actor: Actor, dossier_id: int, holder_id: int | None = None,
          expected_version: int | None = None, note: str = "") -> Dossier:
    """Hand a received dossier to the first step of the handling unit's internal process."""
    def m(d: Dossier, at: datetime) -> dict[str, Any]:
        steps = _steps(d)
        first = steps[0] if steps else None
        _check_holder(d, first, holder_id)
        return _enter_step(d, first, at, holder_id)

    return transition(actor, dossier_id, Action.START, expected_version=expected_version, note=note, mutate=m)


def forward(actor: Actor, dossier_id: int, to_step: int | None = None, holder_id: int | None = None,
            expected_version: int | None = None, note: str = "") -> Dossier:
    """Move to step number ``to_step`` (default: the next one; a lower number sends back)."""
    def m(d: Dossier, at: datetime) -> dict[str, Any]:
        steps = {s.order: s for s in _steps(d)}
        current = d.current_step.order if d.current_step else 0
        target = to_step if to_step is not None else min((o for o in steps if o > current), default=None)
        if target is None or target not in steps:
            raise ValidationFailed("No such step in this unit's process.", fields={"to_step": "unknown step"})
        if target == current:
            raise ValidationFailed("The dossier is already at this step.", fields={"to_step": "same step"})
        _check_holder(d, steps[target], holder_id)
        return {"from_step": current, **_enter_step(d, steps[target], at, holder_id)}

    return transition(actor, dossier_id, Action.FORWARD, expected_version=expected_version, note=note, mutate=m)


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
