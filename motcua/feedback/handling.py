"""The handling steps of a feedback case: one function per step, called by every entry point.

Each step runs in one transaction: it locks the case, authorizes the actor (staff of the
responsible unit's subtree; the sender for their own information and rating), checks the optimistic
version, asks the domain state machine for the next status, appends one event, then recomputes
the due times and the verdict from the log. Nothing is written unless all of it is.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import transaction

from motcua.core import clock
from motcua.domain import feedback as fb
from motcua.domain.errors import Conflict, NotFound, ValidationFailed
from motcua.dossiers.services import Actor
from motcua.units.choices import Role
from motcua.units.models import Unit

from .choices import FileKind, Kind
from .models import Case, CaseEvent
from .services import answer_criteria, record_event, refresh, store_file, visible_cases

__all__ = ["CASE_HOOKS", "acknowledge", "answer", "close", "provide_info", "publish", "rate", "refuse",
           "request_info", "step", "transfer"]

A = fb.CaseAction
R = Role
HANDLERS = frozenset({R.SPECIALIST, R.LEADER})
# a case sent to the province itself (no unit chosen, no procedure) is dispatched by its administrators
DISPATCHERS = HANDLERS | {R.ADMIN}
# called with (case, event) for every step recorded, in its transaction (notifications register here)
CASE_HOOKS: list[Callable[[Case, CaseEvent], None]] = []
Mutator = Callable[[Case, datetime], dict[str, Any] | None]


def _roles(action: fb.CaseAction, c: Case) -> frozenset[str]:
    if action is A.ANSWER and c.kind == Kind.FOLLOWUP:
        return frozenset({R.LEADER})  # the handling unit's leader answers for a dissatisfied rating
    return {
        A.ACKNOWLEDGE: DISPATCHERS, A.TRANSFER: DISPATCHERS, A.REQUEST_INFO: HANDLERS, A.ANSWER: HANDLERS,
        A.REFUSE: frozenset({R.LEADER}), A.PUBLISH: frozenset({R.LEADER}), A.CLOSE: HANDLERS,
        A.PROVIDE_INFO: frozenset({R.SPECIALIST, R.LEADER, R.COUNTER_OFFICER, "sender"}),
        A.RATE: frozenset({"sender"}),
    }[action]


def step(actor: Actor, case_id: int, action: fb.CaseAction, *, note: str = "", mutate: Mutator | None = None,
         expected_version: int | None = None, at: datetime | None = None) -> Case:
    """Apply one handling step atomically, or raise and change nothing."""
    from .services import role_of

    with transaction.atomic():
        c = (visible_cases(actor).select_for_update(of=("self",)).select_related("unit", "category")
             .filter(pk=case_id).first())
        if c is None:
            raise NotFound("Feedback case not found.")
        role = role_of(actor, c, _roles(action, c))
        if expected_version is not None and c.row_version != expected_version:
            raise Conflict("The case was changed by someone else; reload it and try again.",
                           fields={"version": f"current version is {c.row_version}"})
        at = at if (at is not None and actor.system) else clock.now()
        old = c.status
        c.status = fb.next_status(action, fb.CaseStatus(old)).value
        data = (mutate(c, at) if mutate else None) or {}
        files = data.pop("_files", [])
        ev = record_event(c, actor, role, action, old, at, note.strip(), data)
        for name, content in files:
            store_file(c, ev, name, content, FileKind.ANSWER if action is A.ANSWER else FileKind.ATTACHMENT, at)
        refresh(c, at)
        c.row_version += 1
        c.updated_at = at
        c.save()
        for hook in CASE_HOOKS:
            hook(c, ev)
        return c


def _required(text: str, name: str) -> str:
    if not (text or "").strip():
        raise ValidationFailed(f"A {name} is required.", fields={name: "required"})
    return text.strip()


def acknowledge(actor: Actor, case_id: int, note: str = "", **kw: Any) -> Case:
    """The responsible unit takes the case up (after receipt or a transfer)."""
    def mutate(c: Case, at: datetime) -> dict[str, Any]:
        c.acknowledged_at = c.acknowledged_at or at
        return {}

    return step(actor, case_id, A.ACKNOWLEDGE, note=note, mutate=mutate, **kw)


def transfer(actor: Actor, case_id: int, unit_id: int, note: str, **kw: Any) -> Case:
    """Send the case to the unit competent to handle it (same province), with the reason; the
    sender's clock keeps running from the receipt."""
    reason = _required(note, "note")

    def mutate(c: Case, at: datetime) -> dict[str, Any]:
        target = Unit.objects.filter(pk=unit_id, dissolved_on__isnull=True).first()
        if target is None or target.province_id != c.province_id:
            raise ValidationFailed("Unknown unit.", fields={"unit_id": "unknown"})
        if target.pk == c.unit_id:
            raise ValidationFailed("The case is already at this unit.", fields={"unit_id": "same unit"})
        data = {"from_unit": c.unit_id, "to_unit": target.pk}
        c.unit, c.unit_path = target, target.path
        return data

    return step(actor, case_id, A.TRANSFER, note=reason, mutate=mutate, **kw)


def request_info(actor: Actor, case_id: int, note: str, **kw: Any) -> Case:
    """Ask the sender for more information: the answer clock stops until they give it."""
    text = _required(note, "note")

    def mutate(c: Case, at: datetime) -> dict[str, Any]:
        if c.anonymous and not (c.sender_phone or c.sender_email or c.owner_id):
            raise ValidationFailed("An anonymous sender cannot be asked.", fields={"note": "anonymous sender"})
        c.info_request = text
        return {}

    return step(actor, case_id, A.REQUEST_INFO, note=text, mutate=mutate, **kw)


def provide_info(actor: Actor, case_id: int, note: str, files: list[tuple[str, bytes]] | None = None,
                 **kw: Any) -> Case:
    """The sender's information (typed in by staff for a sender at the counter): the clock runs again."""
    text = _required(note, "note")
    return step(actor, case_id, A.PROVIDE_INFO, note=text, mutate=lambda c, at: {"_files": files or []}, **kw)


def answer(actor: Actor, case_id: int, text: str, files: list[tuple[str, bytes]] | None = None,
           **kw: Any) -> Case:
    """The unit's answer (for a follow-up: what the leader did about the dissatisfied rating)."""
    body = _required(text, "answer")

    def mutate(c: Case, at: datetime) -> dict[str, Any]:
        c.answer, c.answered_at, c.answered_by = body, at, actor.name
        return {"_files": files or []}

    return step(actor, case_id, A.ANSWER, mutate=mutate, **kw)


def refuse(actor: Actor, case_id: int, reason: str, **kw: Any) -> Case:
    """Refuse to handle the case (not within the unit's remit, already answered...), with the reason."""
    text = _required(reason, "reason")

    def mutate(c: Case, at: datetime) -> dict[str, Any]:
        c.refusal_reason, c.refused_at = text, at
        return {}

    return step(actor, case_id, A.REFUSE, note=text, mutate=mutate, **kw)


def publish(actor: Actor, case_id: int, note: str = "", **kw: Any) -> Case:
    """Publish the answer (the public list and the Open311 API show it)."""
    def mutate(c: Case, at: datetime) -> dict[str, Any]:
        c.published_at = at
        return {}

    return step(actor, case_id, A.PUBLISH, note=note, mutate=mutate, **kw)


def close(actor: Actor, case_id: int, note: str = "", **kw: Any) -> Case:
    def mutate(c: Case, at: datetime) -> dict[str, Any]:
        if not note.strip() and c.answered_at is None and c.refused_at is None:  # never answered
            raise ValidationFailed("A note is required.", fields={"note": "required"})
        c.closed_at = at
        return {}

    return step(actor, case_id, A.CLOSE, note=note, mutate=mutate, **kw)


def rate(actor: Actor, case_id: int, satisfied: bool, criteria: dict[str, bool] | None = None,
         comment: str = "", **kw: Any) -> Case:
    """The sender rates the answer once: satisfied or not, and which criteria were met."""
    known = {c["code"] for c in answer_criteria()}
    crit = {k: bool(v) for k, v in (criteria or {}).items()}
    if set(crit) - known:
        raise ValidationFailed("Unknown criteria.", fields={"criteria": ", ".join(sorted(set(crit) - known))})

    def mutate(c: Case, at: datetime) -> dict[str, Any]:
        if c.rated_at is not None:
            raise Conflict("The answer was already rated.", fields={"satisfied": "already rated"})
        c.satisfied, c.rating_criteria, c.rating_comment, c.rated_at = bool(satisfied), crit, comment.strip()[:2000], at
        return {"satisfied": bool(satisfied), "criteria": crit}

    return step(actor, case_id, A.RATE, note=comment.strip()[:2000], mutate=mutate, **kw)
