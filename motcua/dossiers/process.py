"""The internal process of the handling unit is the dossier's path: entering the first step,
moving between steps, sending back, and who holds each step (assign, claim, hand over).

The rules (which move is legal, what must be attached) are pure functions in
:mod:`motcua.domain.process`; this module loads the steps, asks them, and records each move as
one event through ``transition``. A holder change keeps the step (and its due time) and is a
``forward`` event whose data says ``holder_change`` (assign / claim / hand_over), so the
control slip shows each hand-over between people like any other.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from motcua.calendars.services import calendar_for
from motcua.catalog.models import ProcessStep
from motcua.domain import process as rules
from motcua.domain.errors import ValidationFailed
from motcua.domain.lifecycle import Action
from motcua.domain.process import StepForbidden, StepRefused

from .models import Dossier
from .services import Actor, R, _required, transition

__all__ = [
    "_steps",
    "_enter_step",
    "step_due",
    "_check_holder",
    "has_step_document",
    "process_done",
    "check_step_actor",
    "holder_name",
    "MOVING_ROLES",
    "start",
    "forward",
    "send_back",
    "assign",
    "claim",
    "hand_over",
    "HOLDER_CHANGES",
]

# the events that move a dossier between steps (a forward with ``holder_change`` does not)
STEP_MOVES = (Action.START, Action.FORWARD, Action.APPROVE, Action.SEND_BACK)
HOLDER_CHANGES = ("assign", "claim", "hand_over")


def _steps(d: Dossier) -> list[ProcessStep]:
    return list(ProcessStep.objects.filter(procedure_id=d.procedure_id, unit_id=d.handling_unit_id)
                .order_by("order"))


def step_due(cal: Any, at: datetime, step: ProcessStep) -> datetime:
    """When a stay at ``step`` entered at ``at`` is due: its quota in working time (the generator
    uses this too, so generated histories carry the same step due times as the services)."""
    return cal.add_working_seconds(at, step.quota_seconds)


def _enter_step(d: Dossier, step: ProcessStep | None, at: datetime, holder_id: int | None) -> dict[str, Any]:
    d.current_step = step
    d.step_started_at = at
    d.holder_id = holder_id
    if step is None:
        d.step_due_at = None
        return {"step": None, "holder": holder_id}
    cal = calendar_for(d.province_id)
    d.step_due_at = step_due(cal, at, step)
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


def has_step_document(d: Dossier) -> bool:
    """A file was attached while the dossier is at its current step."""
    if d.step_started_at is None:
        return False
    return d.files.filter(uploaded_at__gte=d.step_started_at).exists()


def process_done(d: Dossier) -> bool:
    """The dossier left the last step of its process (the last step move says so)."""
    last = (d.events.filter(action__in=[a.value for a in STEP_MOVES]).exclude(data__has_key="holder_change")
            .order_by("-seq").values_list("data", flat=True).first())
    return bool(last and last.get("process_done"))


def holder_name(user_id: int | None) -> str:
    from django.contrib.auth import get_user_model

    u = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return (f"{u.last_name} {u.first_name}".strip() or u.get_username()) if u else ""


def _leads(actor: Actor, d: Dossier) -> bool:
    return actor.system or actor.scope.is_superuser or actor.scope.has_role(R.LEADER, d.handling_path)


# the roles that move a dossier between steps: a step held by someone else (the counter officer
# of the first step) is handed on by them as usual
MOVING_ROLES = (R.SPECIALIST, R.LEADER)


def check_step_actor(actor: Actor, d: Dossier, leader_overrides: bool = True) -> None:
    """A held step is moved on by its holder (or, when ``leader_overrides``, by a leader)."""
    if d.holder_id is None or d.holder_id == actor.user_id or actor.system or actor.scope.is_superuser:
        return
    if d.current_step is not None and d.current_step.role not in MOVING_ROLES:
        return
    if leader_overrides and _leads(actor, d):
        return
    raise StepForbidden("held_by_other", "Another person holds this step.", holder=holder_name(d.holder_id))


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
    """Move to step number ``to_step`` (default: the next one; a lower number sends back). Required
    steps cannot be skipped, an approval step is left only by its approval, and a step that
    produces a document is handed on only once a file is attached at it."""
    def m(d: Dossier, at: datetime) -> dict[str, Any]:
        steps = {s.order: s for s in _steps(d)}
        current = d.current_step.order if d.current_step else 0
        target = to_step if to_step is not None else min((o for o in steps if o > current), default=None)
        if target is None or target not in steps:
            raise ValidationFailed("No such step in this unit's process.", fields={"to_step": "unknown step"})
        if target == current:
            raise ValidationFailed("The dossier is already at this step.", fields={"to_step": "same step"})
        check_step_actor(actor, d)
        rules.check_forward([s.as_rule() for s in steps.values()], current or None, target, has_step_document(d))
        _check_holder(d, steps[target], holder_id)
        return {"from_step": current, **_enter_step(d, steps[target], at, holder_id)}

    return transition(actor, dossier_id, Action.FORWARD, expected_version=expected_version, note=note, mutate=m)


def send_back(actor: Actor, dossier_id: int, note: str, to_step: int | None = None,
              expected_version: int | None = None) -> Dossier:
    """The leader sends the dossier back to an earlier step (default: the previous one) with a note."""
    note = _required(note, "note")

    def m(d: Dossier, at: datetime) -> dict[str, Any]:
        steps = {s.order: s for s in _steps(d)}
        current = d.current_step.order if d.current_step else 0
        if d.current_step is None and steps and process_done(d):
            current = max(steps) + 1  # approved past the last step: every step is earlier
        earlier = [o for o in steps if o < current]
        target = to_step if to_step is not None else max(earlier, default=None)
        if target is None or target not in earlier:
            raise ValidationFailed("Choose an earlier step of this unit's process.",
                                   fields={"to_step": "must be an earlier step"})
        return {"from_step": current, **_enter_step(d, steps[target], at, None)}

    return transition(actor, dossier_id, Action.SEND_BACK, expected_version=expected_version, note=note, mutate=m)


# ---- who holds the current step -------------------------------------------------------------

def _current(d: Dossier) -> ProcessStep:
    if d.current_step is None:
        raise StepRefused("no_current_step", "The dossier is at no step of its process.")
    return d.current_step


def _hold(d: Dossier, step: ProcessStep, holder_id: int | None, kind: str) -> dict[str, Any]:
    previous, d.holder_id = d.holder_id, holder_id
    return {"holder_change": kind, "from_step": step.order, "step": step.pk, "step_name": step.name,
            "holder": holder_id, "from_holder": previous,
            "step_due_at": d.step_due_at.isoformat() if d.step_due_at else None}


def _step_staff(actor: Actor, d: Dossier, step: ProcessStep) -> bool:
    """The actor holds the step's role in the step's department (else the handling unit)."""
    path = step.department.path if step.department_id else d.handling_path
    return actor.scope.has_role(step.role, path) or actor.scope.has_role(step.role, d.handling_path)


def assign(actor: Actor, dossier_id: int, holder_id: int, expected_version: int | None = None,
           note: str = "") -> Dossier:
    """The leader of the handling unit names who holds the current step."""
    def m(d: Dossier, at: datetime) -> dict[str, Any]:
        step = _current(d)
        if not _leads(actor, d):
            raise StepForbidden("not_leader", "Only the leader of the handling unit assigns a step.")
        _check_holder(d, step, holder_id)
        return _hold(d, step, holder_id, "assign")

    return transition(actor, dossier_id, Action.FORWARD, expected_version=expected_version, note=note, mutate=m)


def claim(actor: Actor, dossier_id: int, expected_version: int | None = None, note: str = "") -> Dossier:
    """A staff member of the step's role takes the current step while nobody holds it."""
    def m(d: Dossier, at: datetime) -> dict[str, Any]:
        step = _current(d)
        if d.holder_id is not None:
            raise StepRefused("already_held", "Someone already holds this step.", holder=holder_name(d.holder_id))
        if not _step_staff(actor, d, step):
            raise StepForbidden("not_step_role", "You do not hold the role of this step.")
        return _hold(d, step, actor.user_id, "claim")

    return transition(actor, dossier_id, Action.FORWARD, expected_version=expected_version, note=note, mutate=m)


def hand_over(actor: Actor, dossier_id: int, holder_id: int, expected_version: int | None = None,
              note: str = "") -> Dossier:
    """The holder of the current step hands it to a colleague who may handle it."""
    def m(d: Dossier, at: datetime) -> dict[str, Any]:
        step = _current(d)
        if d.holder_id != actor.user_id and not (actor.system or actor.scope.is_superuser):
            raise StepForbidden("not_holder", "Only the holder hands the step over.")
        if holder_id == d.holder_id:
            raise ValidationFailed("Choose a colleague.", fields={"holder_id": "already the holder"})
        _check_holder(d, step, holder_id)
        return _hold(d, step, holder_id, "hand_over")

    return transition(actor, dossier_id, Action.FORWARD, expected_version=expected_version, note=note, mutate=m)
