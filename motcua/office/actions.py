"""The dossier actions offered on the dossier page: which form each takes and which service it calls.

What a user may do is decided by the state machine (``allowed_actions``) and the service layer's
``authorize``; this table only says how to ask for the input and whom to call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms

from motcua.domain.errors import DomainError
from motcua.domain.lifecycle import Action, Status, allowed_actions
from motcua.dossiers import services as svc
from motcua.dossiers.choices import ActionChoices
from motcua.dossiers.models import Dossier

from . import forms as f

Run = Callable[[svc.Actor, int, dict[str, Any]], Dossier]


@dataclass(frozen=True)
class ActionSpec:
    form: type[forms.Form]
    run: Run
    danger: bool = False


def _v(cd: dict[str, Any]) -> int:
    return cd["version"]


ACTIONS: dict[Action, ActionSpec] = {
    Action.RECEIVE: ActionSpec(f.NoteForm, lambda a, i, cd: svc.receive(a, i, _v(cd), cd["note"])),
    Action.REFUSE: ActionSpec(f.ReasonForm, lambda a, i, cd: svc.refuse(a, i, cd["reason"], _v(cd)), True),
    Action.START: ActionSpec(f.NoteForm, lambda a, i, cd: svc.start(a, i, None, _v(cd), cd["note"])),
    Action.FORWARD: ActionSpec(f.ForwardForm, lambda a, i, cd: svc.forward(a, i, cd["to_step"], None, _v(cd),
                                                                             cd["note"])),
    Action.REQUEST_SUPPLEMENT: ActionSpec(f.SupplementRequestForm, lambda a, i, cd: svc.request_supplement(
        a, i, cd["reason"], cd["items"], _v(cd))),
    Action.SUPPLEMENT: ActionSpec(f.NoteForm, lambda a, i, cd: svc.supplement(a, i, cd["note"], (), _v(cd))),
    Action.REQUEST_PAYMENT: ActionSpec(f.PaymentRequestForm, lambda a, i, cd: svc.request_payment(
        a, i, cd["amount"], cd["reason"], _v(cd))),
    Action.PAYMENT: ActionSpec(f.PaymentForm, lambda a, i, cd: svc.payment(a, i, cd["amount"], cd["reference"],
                                                                           _v(cd))),
    Action.EXTEND: ActionSpec(f.ExtendForm, lambda a, i, cd: svc.extend(a, i, cd["reason"], cd["new_appointment"],
                                                                        _v(cd))),
    Action.WITHDRAW: ActionSpec(f.ReasonForm, lambda a, i, cd: svc.withdraw(a, i, cd["reason"], _v(cd)), True),
    Action.STOP: ActionSpec(f.ReasonForm, lambda a, i, cd: svc.stop(a, i, cd["reason"], _v(cd)), True),
    Action.APPROVE: ActionSpec(f.ApproveForm, lambda a, i, cd: svc.approve(a, i, cd["note"], cd["document"],
                                                                           _v(cd)).dossier),
    Action.SEND_BACK: ActionSpec(f.SendBackForm, lambda a, i, cd: svc.send_back(a, i, cd["note"], cd["to_step"],
                                                                               _v(cd))),
    Action.FINISH: ActionSpec(f.NoteForm, lambda a, i, cd: svc.finish(a, i, cd["note"], _v(cd))),
    Action.RETURN: ActionSpec(f.ReturnForm, lambda a, i, cd: svc.return_result(
        a, i, cd["note"], _v(cd), cd["method"], cd["postal_code"])),
}


def may(actor: svc.Actor, d: Dossier, action: Action) -> bool:
    try:
        svc.authorize(actor, d, action)
    except DomainError:
        return False
    return True


def offered(actor: svc.Actor, d: Dossier) -> list[Action]:
    """Actions ``actor`` may take on ``d`` now: legal from its status and authorized for the actor."""
    return [a for a in allowed_actions(Status(d.status)) if a in ACTIONS and may(actor, d, a)]


def label(action: Action) -> str:
    return str(ActionChoices(action.value).label)


def _step_choices(d: Dossier, steps: list[Any], earlier_only: bool) -> list[tuple[int, str]]:
    current = d.current_step.order if d.current_step_id else 0
    return [(s.order, f"{s.order}. {s.name}") for s in steps
            if s.order != current and (s.order < current or not earlier_only)]


def make_form(action: Action, d: Dossier, steps: list[Any], data: Any = None,
              results: list[Any] = ()) -> forms.Form:  # type: ignore[assignment]
    """The form for ``action`` on ``d``, unbound (with the current version) or bound to ``data``."""
    spec = ACTIONS[action]
    kwargs: dict[str, Any] = {"prefix": action.value, "initial": {"version": d.row_version}}
    current = d.current_step.order if d.current_step_id else 0
    if spec.form is f.ForwardForm:
        kwargs["steps"] = _step_choices(d, steps, earlier_only=False)
        kwargs["initial"]["to_step"] = min((s.order for s in steps if s.order > current), default=None)
    elif spec.form is f.SendBackForm:
        kwargs["steps"] = _step_choices(d, steps, earlier_only=True)
        kwargs["initial"]["to_step"] = max((s.order for s in steps if s.order < current), default=None)
    elif spec.form is f.ApproveForm:
        kwargs["documents"] = [(r.pk, r.name) for r in results]
        kwargs["initial"]["document"] = results[0].pk if results else None
    return spec.form(data, **kwargs)
