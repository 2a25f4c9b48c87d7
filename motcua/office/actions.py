"""The dossier actions offered on the dossier page: which form each takes and which service it calls.

What a user may do is decided by the state machine (``allowed_actions``) and the service layer's
``authorize``; this table only says how to ask for the input and whom to call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.domain import process as rules
from motcua.domain.errors import DomainError
from motcua.domain.lifecycle import Action, Status, allowed_actions
from motcua.dossiers import services as svc
from motcua.dossiers.choices import ActionChoices
from motcua.dossiers.models import Dossier
from motcua.units.choices import Role

from . import forms as f
from . import reasons

Run = Callable[[svc.Actor, int, dict[str, Any]], Dossier]

# the approval's signing refusals (motcua.dossiers.results.SigningFailed / UnsignedResult) as the page
# says them; to move into reasons.REASONS (requests-signwire.md)


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
        a, i, cd["note"], _v(cd), cd["method"], cd["postal_code"], received_by=cd["received_by"],
        receiver_name=cd["receiver_name"], receiver_id_number=cd["receiver_id_number"])),
}


def may(actor: svc.Actor, d: Dossier, action: Action) -> bool:
    try:
        svc.authorize(actor, d, action)
    except DomainError:
        return False
    return True


@dataclass(frozen=True)
class Situation:
    """Where the dossier stands in its internal process, as the process rules need it."""

    steps: list[rules.Step]
    current: int | None
    has_step_document: bool
    process_done: bool
    has_result: bool

    @classmethod
    def of(cls, d: Dossier, steps: list[Any], files: list[Any]) -> Situation:
        started = d.step_started_at
        done = (bool(steps) and d.current_step_id is None and d.status == Status.PROCESSING
                and svc.process_done(d))
        return cls([s.as_rule() for s in steps], d.current_step.order if d.current_step_id else None,
                   started is not None and any(f.uploaded_at >= started for f in files), done,
                   any(f.kind == "result" for f in files))


def _leads(actor: svc.Actor, d: Dossier) -> bool:
    return actor.system or actor.scope.is_superuser or actor.scope.has_role(Role.LEADER, d.handling_path)


def _held_by_other(actor: svc.Actor, d: Dossier, leader_overrides: bool = True) -> bool:
    if d.holder_id is None or d.holder_id == actor.user_id or actor.system or actor.scope.is_superuser:
        return False
    if d.current_step_id and d.current_step.role not in svc.MOVING_ROLES:
        return False
    return not (leader_overrides and _leads(actor, d))


# refusals other apps add, checked before the process rules (motcua/fees: a stage whose fee is
# unpaid): (actor, dossier, action) -> the error the service would raise, or None
REFUSALS: list[Callable[[svc.Actor, Dossier, Action], DomainError | None]] = []


def refusal(actor: svc.Actor, d: Dossier, action: Action, sit: Situation) -> DomainError | None:
    """The process rule that refuses ``action`` now (the same checks the service makes), or None."""
    for check in REFUSALS:
        found = check(actor, d, action)
        if found is not None:
            return found
    try:
        if action is Action.FORWARD:
            _check_forward(actor, d, sit)
        elif action is Action.APPROVE:
            rules.check_approve(sit.steps, sit.current, sit.has_step_document)
            if _held_by_other(actor, d, leader_overrides=False):
                raise rules.StepForbidden("held_by_other", "", holder=svc.holder_name(d.holder_id))
        elif action is Action.FINISH:
            rules.check_finish(sit.steps, sit.current, sit.process_done, sit.has_step_document, sit.has_result)
    except (rules.StepRefused, rules.StepForbidden, rules.DocumentMissing) as err:
        return err
    return None


def _check_forward(actor: svc.Actor, d: Dossier, sit: Situation) -> None:
    if _held_by_other(actor, d):
        raise rules.StepForbidden("held_by_other", "", holder=svc.holder_name(d.holder_id))
    here = rules.step_at(sit.steps, sit.current)
    if here is not None and here.approval:  # left by approving (or sent back by the leader)
        raise rules.StepRefused("needs_approval", "", step=here.name)
    following = rules.next_step(sit.steps, sit.current)
    if following is not None:
        rules.check_forward(sit.steps, sit.current, following.order, sit.has_step_document)


def offered(actor: svc.Actor, d: Dossier, sit: Situation | None = None) -> list[Action]:
    """Actions ``actor`` may take on ``d`` now: legal from its status, authorized for the actor and
    allowed by the internal process."""
    return [a for a in allowed_actions(Status(d.status)) if a in ACTIONS and may(actor, d, a)
            and (sit is None or refusal(actor, d, a, sit) is None)]


# what the dossier waits for, by status, and the action that would end the wait
_WAITING = {Status.NEW: ("awaiting_receipt", Action.RECEIVE), Status.RECEIVED: ("awaiting_start", Action.START),
            Status.PROCESSED: ("awaiting_return", Action.RETURN),
            Status.SUPPLEMENT: ("with_applicant", Action.SUPPLEMENT),
            Status.FINANCIAL: ("awaiting_payment", Action.PAYMENT)}


def unavailable(actor: svc.Actor, d: Dossier, sit: Situation) -> list[str]:
    """Why the actions the actor would expect are not offered, as sentences (Vietnamese first)."""
    out: list[str] = []
    waiting = _WAITING.get(Status(d.status))
    if waiting is not None and not may(actor, d, waiting[1]):
        out.append(reasons.text(waiting[0]))
    for act in allowed_actions(Status(d.status)):
        err = refusal(actor, d, act, sit) if act in ACTIONS and may(actor, d, act) else None
        if err is not None:
            out.append(reasons.of_error(err))
    if sit.process_done and may(actor, d, Action.FINISH) and refusal(actor, d, Action.FINISH, sit) is None:
        out.append(reasons.text("ready_to_finish"))
    return list(dict.fromkeys(t for t in out if t))


def label(action: Action) -> str:
    return str(ActionChoices(action.value).label)


def _reachable(steps: list[Any], current: int, target: int) -> bool:
    """``target`` is a forward move the process allows (no required step skipped)."""
    if target < current:
        return True
    return not any(current < s.order < target and s.required for s in steps)


def _step_choices(d: Dossier, steps: list[Any], earlier_only: bool) -> list[tuple[int, str]]:
    current = d.current_step.order if d.current_step_id else 0
    return [(s.order, f"{s.order}. {s.name}") for s in steps
            if s.order != current and (s.order < current or (not earlier_only and _reachable(steps, current, s.order)))]


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
    elif spec.form is f.ReturnForm:
        kwargs["representative"] = bool(d.representative_name)
    return spec.form(data, **kwargs)


# ---- who holds the current step: claim, assign, hand over ----------------------------------------

class HolderForm(f.VersionForm):
    holder = forms.TypedChoiceField(label=_("Người xử lý"), coerce=int)
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["holder"].choices = people


class ClaimForm(f.NoteForm):
    pass


@dataclass(frozen=True)
class HolderSpec:
    label: Any
    form: type[forms.Form]
    run: Run


HOLDER_ACTIONS: dict[str, HolderSpec] = {
    "claim": HolderSpec(_("Nhận xử lý bước này"), ClaimForm,
                        lambda a, i, cd: svc.claim(a, i, cd["version"], cd["note"])),
    "assign": HolderSpec(_("Phân công người xử lý"), HolderForm,
                         lambda a, i, cd: svc.assign(a, i, cd["holder"], cd["version"], cd["note"])),
    "hand_over": HolderSpec(_("Chuyển giao cho đồng nghiệp"), HolderForm,
                            lambda a, i, cd: svc.hand_over(a, i, cd["holder"], cd["version"], cd["note"])),
}


def eligible_people(d: Dossier) -> list[tuple[int, str]]:
    """Staff who may hold the current step: its role, in a unit on the handling unit's path."""
    from motcua.units.models import StaffRole

    step = d.current_step
    if step is None:
        return []
    rows = (StaffRole.objects.filter(role=step.role).select_related("user", "unit")
            .order_by("user__last_name", "user__first_name", "user_id"))
    people: dict[int, str] = {}
    for r in rows:
        p = r.unit.path
        if d.handling_path.startswith(p) or p.startswith(d.handling_path):
            u = r.user
            people[u.pk] = f"{u.last_name} {u.first_name}".strip() or u.get_username()
    return list(people.items())


def holder_actions(actor: svc.Actor, d: Dossier) -> list[str]:
    """The holder changes ``actor`` may make on ``d`` now (same rules as the service layer)."""
    step = d.current_step
    if d.status != Status.PROCESSING or step is None or not may(actor, d, Action.FORWARD):
        return []
    out = []
    if d.holder_id is None and (actor.scope.has_role(step.role, d.handling_path)
                                or (step.department_id and actor.scope.has_role(step.role, step.department.path))):
        out.append("claim")
    if _leads(actor, d):
        out.append("assign")
    if d.holder_id is not None and d.holder_id == actor.user_id:
        out.append("hand_over")
    return out


def make_holder_form(slug: str, d: Dossier, actor: svc.Actor, data: Any = None) -> forms.Form:
    spec = HOLDER_ACTIONS[slug]
    kwargs: dict[str, Any] = {"prefix": slug, "initial": {"version": d.row_version}}
    if spec.form is HolderForm:
        people = eligible_people(d)
        if slug == "hand_over":
            people = [(pk, name) for pk, name in people if pk != actor.user_id]
        kwargs["people"] = people
    return spec.form(data, **kwargs)
