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
    "apply_version_at_receipt",
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
    """The counter accepts a dossier registered online or by post. The acceptance is the legal
    receipt (Decree 45/2020 Art. 14, Decree 118/2025): the dossier is judged by the catalog version
    in force at this moment, which :func:`apply_version_at_receipt` settles."""
    def m(d: Dossier, at: datetime) -> dict[str, Any]:
        d.received_at = at
        return apply_version_at_receipt(d, at)

    return transition(actor, dossier_id, Action.RECEIVE, expected_version=expected_version, note=note, mutate=m)


def apply_version_at_receipt(d: Dossier, at: datetime) -> dict[str, Any]:
    """Settle the catalog version of ``d`` received at ``at``: the version in force on that day.

    The one place that decides it for a dossier registered before its receipt. When an amendment
    took effect since the submission, the dossier moves to the new version: its legal time limit,
    fees and required components are the new version's (matched by name), the due time follows, and
    the event says so in its note and data. Missing required components refuse the receipt (the
    counter requests a supplement). Returns the event data."""
    from motcua.catalog.services import version_in_force
    from motcua.core import clock

    version = version_in_force(d.procedure_id, clock.local_date(at))
    if not version.accepts_channel(d.channel):
        raise ValidationFailed("This procedure does not accept this channel.", fields={"channel": "not offered"})
    _match_components(d, version)
    if version.pk == d.version_id:
        return {"version": version.decision_number}
    previous = d.version
    d.version = version
    d.limit_seconds = version.limit_seconds(d.channel)
    d.fees_due = version.fee_total(d.channel)
    return {"version": version.decision_number, "version_from": previous.decision_number,
            "_note": (f"Áp dụng thủ tục theo {version.decision_number} (hiệu lực từ "
                      f"{version.effective_from:%d/%m/%Y}) có hiệu lực tại thời điểm tiếp nhận, thay cho "
                      f"{previous.decision_number} tại thời điểm nộp.")}


def _match_components(d: Dossier, version: Any) -> None:
    """Link the submitted components to ``version``'s by name; refuse if a required one is missing."""
    from motcua.catalog.models import Component

    from .models import DossierComponent

    catalog = {c.name.strip().casefold(): c for c in Component.objects.filter(version=version)}
    submitted = list(DossierComponent.objects.filter(dossier=d).select_related("component"))
    seen = set()
    for sc in submitted:
        match = catalog.get((sc.component.name if sc.component_id else sc.name).strip().casefold())
        if match is not None:
            seen.add(match.pk)
            if sc.component_id != match.pk:
                sc.component = match
                sc.save(update_fields=["component"])
    missing = [c.name for c in catalog.values() if c.required and c.pk not in seen]
    if missing:
        raise ValidationFailed("Required components are missing.",
                               fields={"components": "missing: " + "; ".join(missing)})


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
