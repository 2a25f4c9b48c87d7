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
    Action.FINISH: ActionSpec(f.NoteForm, lambda a, i, cd: svc.finish(a, i, cd["note"], _v(cd))),
    Action.RETURN: ActionSpec(f.NoteForm, lambda a, i, cd: svc.return_result(a, i, cd["note"], _v(cd))),
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


def make_form(action: Action, d: Dossier, steps: list[Any], data: Any = None) -> forms.Form:
    """The form for ``action`` on ``d``, unbound (with the current version) or bound to ``data``."""
    spec = ACTIONS[action]
    kwargs: dict[str, Any] = {"prefix": action.value, "initial": {"version": d.row_version}}
    if spec.form is f.ForwardForm:
        current = d.current_step.order if d.current_step_id else 0
        choices = [(s.order, f"{s.order}. {s.name}") for s in steps if s.order != current]
        nxt = min((s.order for s in steps if s.order > current), default=None)
        kwargs["steps"] = choices
        kwargs["initial"]["to_step"] = nxt
    return spec.form(data, **kwargs)
