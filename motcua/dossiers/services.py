"""Dossier use cases: one function per legal operation, called by every entry point.

Each operation runs in one transaction: it locks the dossier, authorizes the actor, checks the
optimistic version, asks the domain state machine for the next status, updates the projection
(due time, verdict, step) and appends one immutable event. Nothing is written unless all of it
is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction

from motcua.calendars.services import calendar_for
from motcua.catalog.choices import ApplicantType, Channel
from motcua.catalog.models import Component, Procedure, ProcedureVersion, ProcessStep
from motcua.catalog.services import version_in_force
from motcua.core import clock
from motcua.core.refcache import cached
from motcua.core.validation import full_clean_or_fail
from motcua.domain.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from motcua.domain.lifecycle import Action, Status, next_status
from motcua.domain.workcal import to_epoch
from motcua.units.choices import Role
from motcua.units.models import Unit
from motcua.units.services import Scope, scope_for

from . import deadlines
from .codes import next_code
from .models import Approval, Dossier, DossierComponent, DossierEvent, DossierFile

R = Role


@dataclass(frozen=True)
class Actor:
    """Who acts: a staff member, a citizen (owner of their dossiers) or the system itself."""

    user_id: int | None
    name: str
    scope: Scope
    system: bool = False

    @classmethod
    def of(cls, user) -> Actor:  # noqa: ANN001
        # Vietnamese order: family and middle names (last_name) before the given name
        name = (f"{user.last_name} {user.first_name}".strip() or user.get_username()) if user is not None else ""
        return cls(getattr(user, "pk", None), name, scope_for(user))

    @classmethod
    def system_actor(cls, name: str = "motcua") -> Actor:
        return cls(None, name, Scope(None, True, ()), system=True)


# action -> (staff roles allowed, which dossier path the role must cover, owner may act)
PERMISSIONS: dict[Action, tuple[frozenset[str], str, bool]] = {
    Action.SUBMIT: (frozenset({R.COUNTER_OFFICER}), "receiving", True),
    Action.INTAKE: (frozenset({R.COUNTER_OFFICER}), "receiving", False),
    Action.RECEIVE: (frozenset({R.COUNTER_OFFICER}), "receiving", False),
    Action.REFUSE: (frozenset({R.COUNTER_OFFICER}), "receiving", False),
    Action.START: (frozenset({R.COUNTER_OFFICER}), "receiving", False),
    Action.FORWARD: (frozenset({R.SPECIALIST, R.LEADER}), "handling", False),
    Action.REQUEST_SUPPLEMENT: (frozenset({R.COUNTER_OFFICER, R.SPECIALIST, R.LEADER}), "either", False),
    Action.SUPPLEMENT: (frozenset({R.COUNTER_OFFICER}), "receiving", True),
    Action.REQUEST_PAYMENT: (frozenset({R.SPECIALIST, R.LEADER}), "handling", False),
    Action.PAYMENT: (frozenset({R.COUNTER_OFFICER}), "receiving", True),
    Action.EXTEND: (frozenset({R.SPECIALIST, R.LEADER}), "handling", False),
    Action.WITHDRAW: (frozenset({R.COUNTER_OFFICER}), "receiving", True),
    Action.STOP: (frozenset({R.LEADER}), "handling", False),
    Action.APPROVE: (frozenset({R.LEADER}), "handling", False),
    Action.SEND_BACK: (frozenset({R.LEADER}), "handling", False),
    Action.FINISH: (frozenset({R.SPECIALIST, R.LEADER}), "handling", False),
    Action.RETURN: (frozenset({R.COUNTER_OFFICER}), "receiving", False),
}


def authorize(actor: Actor, d: Dossier, action: Action) -> str:
    """The role under which ``actor`` may take ``action`` on ``d``; PermissionDenied if none."""
    if actor.system or actor.scope.is_superuser:
        return R.ADMIN
    roles, which, owner_ok = PERMISSIONS[action]
    paths = {"receiving": [d.receiving_path], "handling": [d.handling_path],
             "either": [d.receiving_path, d.handling_path]}[which]
    for role in sorted(roles):
        if any(actor.scope.has_role(role, p) for p in paths):
            return role
    if owner_ok and actor.user_id is not None and d.owner_id == actor.user_id:
        return "applicant"
    raise PermissionDenied("You may not take this action on this dossier.")


def visible_dossiers(actor: Actor):  # noqa: ANN201
    """Dossiers the actor may see: their units' subtrees, or their own as a citizen."""
    qs = Dossier.objects.all()
    if actor.system or actor.scope.is_superuser:
        return qs
    if actor.scope.roles:
        return qs.filter(actor.scope.dossier_filter())
    if actor.user_id is not None:
        return qs.filter(owner_id=actor.user_id)
    return qs.none()


APPROACHING_WORKING_SECONDS = 8 * 3600  # "about to be late": less than one working day left
FLAGGABLE = (Status.RECEIVED, Status.PROCESSING, Status.FINANCIAL)


def flag_window(province_id: int, now: datetime) -> datetime:
    """Due times before this instant (and after ``now``) are "approaching"."""
    return calendar_for(province_id).add_working_seconds(now, APPROACHING_WORKING_SECONDS)


def flagged(qs, flag: str, province_id: int, now: datetime):  # noqa: ANN001, ANN201
    """Open dossiers whose clock runs and that are overdue or approaching their due time."""
    qs = qs.filter(status__in=FLAGGABLE)
    if flag == "overdue":
        return qs.filter(due_at__lt=now)
    return qs.filter(due_at__gte=now, due_at__lt=flag_window(province_id, now))


def flag_of(d: Dossier, now: datetime, window: datetime) -> str:
    if d.status not in FLAGGABLE or d.due_at is None:
        return ""
    if d.due_at < now:
        return "overdue"
    return "approaching" if d.due_at < window else ""


def get_dossier(actor: Actor, dossier_id: int) -> Dossier:
    d = visible_dossiers(actor).select_related("version", "procedure").filter(pk=dossier_id).first()
    if d is None:
        raise NotFound("Dossier not found.")
    return d


# ---- intake ---------------------------------------------------------------------------------

@dataclass
class Applicant:
    name: str
    type: int = ApplicantType.CITIZEN
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""


def returning_applicant(actor: Actor, id_number: str) -> tuple[Applicant, Dossier] | None:
    """The applicant's details from their latest dossier the actor may see, to fill a new intake."""
    id_number = (id_number or "").strip()
    if not id_number:
        return None
    d = visible_dossiers(actor).filter(applicant_id_number=id_number).order_by("-submitted_at").first()
    if d is None:
        return None
    return Applicant(name=d.applicant_name, type=d.applicant_type, id_number=d.applicant_id_number,
                     phone=d.applicant_phone, email=d.applicant_email, address=d.applicant_address), d


@dataclass
class ComponentInput:
    component_id: int | None = None
    name: str = ""
    originals: int = 0
    copies: int = 0


@dataclass
class IntakeRequest:
    procedure_code: str
    receiving_unit_code: str
    channel: int
    applicant: Applicant
    handling_unit_code: str | None = None
    representative_name: str = ""
    representative_id_number: str = ""
    representative_phone: str = ""
    components: list[ComponentInput] = field(default_factory=list)
    request_summary: str = ""
    result_delivery: str = "counter"
    sets: int = 1
    owner_id: int | None = None
    at: datetime | None = None  # backdating is for the system actor (imports) only


def _resolve(req: IntakeRequest, at: datetime) -> tuple[Unit, Unit, Procedure, ProcedureVersion]:
    recv, handling, proc = _lookup(req)
    if recv.dissolved_on and recv.dissolved_on <= clock.local_date(at):
        raise ValidationFailed("This unit no longer exists.", fields={"receiving_unit_code": "dissolved"})
    if handling.province_id != recv.province_id:
        raise ValidationFailed("Units are in different provinces.", fields={"handling_unit_code": "other province"})
    day = clock.local_date(at)
    version = cached("version", f"{proc.pk}@{day}", lambda: version_in_force(proc, day))
    if not version.accepts_channel(req.channel):
        raise ValidationFailed("This procedure does not accept this channel.", fields={"channel": "not offered"})
    if version.applicant_types and req.applicant.type not in version.applicant_types:
        raise ValidationFailed("This procedure is not for this applicant type.",
                               fields={"applicant.type": "not allowed for this procedure"})
    return recv, handling, proc, version


def _unit(code: str) -> Unit | None:
    return cached("unit", code, lambda: Unit.objects.filter(code=code).first())


def _lookup(req: IntakeRequest) -> tuple[Unit, Unit, Procedure]:
    """Resolve the codes of an intake request, collecting every field error at once."""
    errors: dict[str, str] = {}
    recv = _unit(req.receiving_unit_code)
    if recv is None:
        errors["receiving_unit_code"] = "unknown unit"
    handling = recv
    if req.handling_unit_code:
        handling = _unit(req.handling_unit_code)
        if handling is None:
            errors["handling_unit_code"] = "unknown unit"
    proc = cached("procedure", req.procedure_code, lambda: Procedure.objects.filter(code=req.procedure_code).first())
    if proc is None:
        errors["procedure_code"] = "unknown procedure"
    if req.channel not in Channel.values:
        errors["channel"] = "must be 1 (direct), 2 (online) or 3 (post)"
    if req.applicant.type not in ApplicantType.values:
        errors["applicant.type"] = "must be 0, 1 or 2"
    if not req.applicant.name.strip():
        errors["applicant.name"] = "required"
    if errors:
        raise ValidationFailed("Invalid dossier.", fields=errors)
    assert recv and handling and proc
    return recv, handling, proc


def _components(version: ProcedureVersion, inputs: Sequence[ComponentInput], strict: bool) -> list[DossierComponent]:
    catalog = cached("components", str(version.pk),
                     lambda: {c.pk: c for c in Component.objects.filter(version=version)})
    out, seen = [], set()
    for i, ci in enumerate(inputs):
        if ci.component_id is not None:
            c = catalog.get(ci.component_id)
            if c is None:
                raise ValidationFailed("Unknown component.", fields={f"components[{i}].component_id":
                                                                     "not a component of this procedure"})
            seen.add(c.pk)
            out.append(DossierComponent(component=c, name=c.name, originals=ci.originals, copies=ci.copies))
        elif ci.name.strip():
            out.append(DossierComponent(name=ci.name.strip(), originals=ci.originals, copies=ci.copies))
        else:
            raise ValidationFailed("Component needs a catalog id or a name.",
                                   fields={f"components[{i}]": "component_id or name required"})
    missing = [c.name for c in catalog.values() if c.required and c.pk not in seen]
    if strict and missing:
        raise ValidationFailed("Required components are missing.",
                               fields={"components": "missing: " + "; ".join(missing)})
    return out


@transaction.atomic
def intake(actor: Actor, req: IntakeRequest) -> Dossier:
    """Receive a dossier: at the counter (status RECEIVED) or registered online / by post
    (status NEW, to be checked by the counter)."""
    at = req.at if (req.at is not None and actor.system) else clock.now()
    recv, handling, proc, version = _resolve(req, at)
    action = Action.INTAKE if req.channel == Channel.DIRECT else Action.SUBMIT
    probe = Dossier(receiving_path=recv.path, handling_path=handling.path, owner_id=req.owner_id)
    role = authorize(actor, probe, action)
    if role == "applicant" and req.channel != Channel.ONLINE:
        raise PermissionDenied("Applicants submit online.")
    comps = _components(version, req.components, strict=action is Action.INTAKE)
    status = next_status(action, None)
    d = Dossier(
        code=next_code(recv.pk, recv.code, clock.local_date(at)),
        receiving_unit=recv, handling_unit=handling, receiving_path=recv.path, handling_path=handling.path,
        procedure=proc, version=version, channel=req.channel, status=status,
        applicant_type=req.applicant.type, applicant_name=req.applicant.name.strip(),
        applicant_id_number=req.applicant.id_number, applicant_phone=req.applicant.phone,
        applicant_email=req.applicant.email, applicant_address=req.applicant.address,
        representative_name=req.representative_name, representative_id_number=req.representative_id_number,
        representative_phone=req.representative_phone, owner_id=req.owner_id,
        request_summary=req.request_summary, result_delivery=req.result_delivery, sets=req.sets,
        submitted_at=at, received_at=at if status == Status.RECEIVED else None,
        limit_seconds=version.limit_seconds(req.channel), fees_due=version.fee_total(req.channel),
    )
    deadlines.refresh(d)
    full_clean_or_fail(d, exclude=["receiving_unit", "handling_unit", "procedure", "version", "owner", "code"],
                       constraints=False)  # status/channel/type come from the state machine and choices
    d.save()
    for c in comps:
        c.dossier = d
    DossierComponent.objects.bulk_create(comps)
    _event(d, actor, role, action, None, status, at, note="", data={"code": d.code}, seq=1)
    return d


# ---- transitions ----------------------------------------------------------------------------

Mutator = Callable[[Dossier, datetime], dict[str, Any] | None]


def _event(d: Dossier, actor: Actor, role: str, action: Action, old: int | None, new: int,
           at: datetime, note: str = "", data: dict[str, Any] | None = None,
           attachments: Sequence[int] = (), seq: int | None = None) -> DossierEvent:
    if seq is None:
        seq = (d.events.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
    unit_id = next((u for r, _, u in actor.scope.roles if r == role), None)
    return DossierEvent.objects.create(
        dossier=d, seq=seq, at=at, action=action.value, from_status=old, to_status=new,
        actor_id=actor.user_id, actor_name=actor.name, role=role, unit_id=unit_id,
        step_id=d.current_step_id, note=note, data=data or {}, attachments=list(attachments),
    )


_SAVED_FIELDS = [f.attname for f in Dossier._meta.concrete_fields if f.attname not in ("id", "created_at")]


def transition(actor: Actor, dossier_id: int, action: Action, *, expected_version: int | None = None,
               note: str = "", mutate: Mutator | None = None,
               attachments: Sequence[int] = (), at: datetime | None = None) -> Dossier:
    """Apply one legal operation atomically, or raise and change nothing."""
    with transaction.atomic():
        d = (visible_dossiers(actor).select_for_update(of=("self",)).select_related("version")
             .filter(pk=dossier_id).first())
        if d is None:
            raise NotFound("Dossier not found.")
        role = authorize(actor, d, action)
        if expected_version is not None and d.row_version != expected_version:
            raise Conflict("The dossier was changed by someone else; reload it and try again.",
                           fields={"version": f"current version is {d.row_version}"})
        at = at if (at is not None and actor.system) else clock.now()
        old = Status(d.status)
        resume = _resume_status(d) if action is Action.SUPPLEMENT else None
        d.status = next_status(action, old, resume)
        data = (mutate(d, at) if mutate else None) or {}
        deadlines.refresh(d)
        version = d.row_version
        d.row_version = version + 1
        d.updated_at = at
        updated = Dossier.objects.filter(pk=d.pk, row_version=version).update(
            **{f: getattr(d, f) for f in _SAVED_FIELDS})
        if updated != 1:
            raise Conflict("The dossier was changed by someone else; reload it and try again.")
        _event(d, actor, role, action, int(old), int(d.status), at, note, data, attachments)
        return d


def _resume_status(d: Dossier) -> Status:
    ev = d.events.filter(action=Action.REQUEST_SUPPLEMENT).order_by("-seq").first()
    return Status(ev.from_status) if ev and ev.from_status else Status.PROCESSING


def _required(note: str, name: str) -> str:
    if not (note or "").strip():
        raise ValidationFailed(f"A {name} is required.", fields={name: "required"})
    return note.strip()


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


def _ending(action: Action, needs_reason: bool) -> Callable[..., Dossier]:
    def op(actor: Actor, dossier_id: int, reason: str = "", expected_version: int | None = None,
           attachments: Sequence[int] = ()) -> Dossier:
        text = _required(reason, "reason") if needs_reason else reason

        def m(d: Dossier, at: datetime) -> dict[str, Any]:
            if d.ended_at is None:
                d.ended_at = at
            if d.pauses and d.pauses[-1][1] is None:
                d.pauses = [*d.pauses[:-1], [d.pauses[-1][0], to_epoch(at)]]
            d.current_step, d.holder_id, d.step_due_at = None, None, None
            return {"reason": text} if text else {}

        return transition(actor, dossier_id, action, expected_version=expected_version, note=text,
                          mutate=m, attachments=attachments)

    op.__name__ = action.value
    return op


withdraw = _ending(Action.WITHDRAW, needs_reason=True)
stop = _ending(Action.STOP, needs_reason=True)
finish = _ending(Action.FINISH, needs_reason=False)


RETURN_METHODS = ("counter", "post", "online")


def return_result(actor: Actor, dossier_id: int, note: str = "", expected_version: int | None = None,
                  method: str = "counter", postal_code: str = "") -> Dossier:
    """The result reached the applicant: collected at the counter, sent by public post (with the
    postal item code) or delivered online."""
    if method not in RETURN_METHODS:
        raise ValidationFailed("Unknown way of returning the result.", fields={"method": "counter, post or online"})
    if method == "post" and not postal_code.strip():
        raise ValidationFailed("A result sent by post needs the postal item code.",
                               fields={"postal_code": "required when the method is post"})

    def m(d: Dossier, at: datetime) -> dict[str, Any]:
        d.returned_at = at
        return {"method": method, **({"postal_code": postal_code.strip()} if method == "post" else {})}

    return transition(actor, dossier_id, Action.RETURN, expected_version=expected_version, note=note, mutate=m)


# ---- leader approval ------------------------------------------------------------------------

def _result_document(d: Dossier, file_id: int | None) -> DossierFile | None:
    results = d.files.filter(kind="result").order_by("-uploaded_at", "-pk")
    if file_id is None:
        return results.first()
    doc = results.filter(pk=file_id).first()
    if doc is None:
        raise ValidationFailed("This file is not a result of this dossier.", fields={"document_id": "not a result"})
    return doc


def approve(actor: Actor, dossier_id: int, note: str = "", document_id: int | None = None,
            expected_version: int | None = None) -> Approval:
    """The leader approves the result (by default the latest uploaded result file).

    The approval is an ``approve`` event; the returned :class:`Approval` names the exact document
    (by content hash) that a digital signature will later bind to. Its signature stays pending."""
    chosen: dict[str, DossierFile | None] = {}

    def m(d: Dossier, at: datetime) -> dict[str, Any]:
        doc = chosen["doc"] = _result_document(d, document_id)
        return {"document": {"id": doc.pk, "name": doc.name, "sha256": doc.sha256} if doc else None,
                "signature": "pending"}

    with transaction.atomic():
        d = transition(actor, dossier_id, Action.APPROVE, expected_version=expected_version, note=note, mutate=m)
        ev = d.events.order_by("-seq").first()
        doc = chosen["doc"]
        return Approval.objects.create(dossier=d, event=ev, document=doc, document_sha256=doc.sha256 if doc else "",
                                       approved_by_id=actor.user_id, approved_at=ev.at)


def send_back(actor: Actor, dossier_id: int, note: str, to_step: int | None = None,
              expected_version: int | None = None) -> Dossier:
    """The leader sends the dossier back to an earlier step (default: the previous one) with a note."""
    note = _required(note, "note")

    def m(d: Dossier, at: datetime) -> dict[str, Any]:
        steps = {s.order: s for s in _steps(d)}
        current = d.current_step.order if d.current_step else 0
        earlier = [o for o in steps if o < current]
        target = to_step if to_step is not None else max(earlier, default=None)
        if target is None or target not in earlier:
            raise ValidationFailed("Choose an earlier step of this unit's process.",
                                   fields={"to_step": "must be an earlier step"})
        return {"from_step": current, **_enter_step(d, steps[target], at, None)}

    return transition(actor, dossier_id, Action.SEND_BACK, expected_version=expected_version, note=note, mutate=m)


# file kind -> (staff roles that may upload it, whether the applicant may)
UPLOADERS: dict[str, tuple[frozenset[str], bool]] = {
    "component": (frozenset({R.COUNTER_OFFICER, R.SPECIALIST, R.LEADER}), True),
    "attachment": (frozenset({R.COUNTER_OFFICER, R.SPECIALIST, R.LEADER}), True),
    "result": (frozenset({R.COUNTER_OFFICER, R.SPECIALIST, R.LEADER}), False),
}


def authorize_upload(actor: Actor, d: Dossier, kind: str) -> None:
    if actor.system or actor.scope.is_superuser:
        return
    roles, applicant_ok = UPLOADERS[kind]
    if any(actor.scope.has_role(r, p) for r in roles for p in (d.receiving_path, d.handling_path)):
        return
    if applicant_ok and actor.user_id is not None and d.owner_id == actor.user_id:
        return
    raise PermissionDenied("You may not upload this kind of file to this dossier.")


def attach_file(actor: Actor, dossier_id: int, stream, filename: str, kind: str = "component",  # noqa: ANN001
                component_id: int | None = None) -> DossierFile:
    """Store an uploaded file: components and attachments by the owner or the officers who
    handle the dossier; results only by those who handle it. Monitors are read-only."""
    from .storage import store_upload

    d = get_dossier(actor, dossier_id)
    authorize_upload(actor, d, kind)
    if component_id is not None and not d.components.filter(pk=component_id).exists():
        raise ValidationFailed("Unknown component.", fields={"component_id": "not a component of this dossier"})
    obj = store_upload(stream, filename)
    return DossierFile.objects.create(
        dossier=d, component_id=component_id, kind=kind, name=filename[:255], content_type=obj.content_type,
        size=obj.size, sha256=obj.sha256, storage_key=obj.key, uploaded_by_id=actor.user_id)



RESULT_READY = (Status.PROCESSED, Status.RETURNED)


def open_file(actor: Actor, file_id: int, dossier_id: int | None = None) -> tuple[DossierFile, Any]:
    """A stored file and an open binary stream, for anyone who may see its dossier. The applicant
    gets the result only once the dossier is processed (a draft result is not theirs yet)."""
    from .storage import get_storage

    qs = DossierFile.objects.select_related("dossier").filter(pk=file_id, dossier__in=visible_dossiers(actor))
    if dossier_id is not None:
        qs = qs.filter(dossier_id=dossier_id)
    f = qs.first()
    if f is None:
        raise NotFound("File not found.")
    staff = actor.system or actor.scope.is_superuser or bool(actor.scope.roles)
    if f.kind == "result" and not staff and f.dossier.status not in RESULT_READY:
        raise NotFound("File not found.")
    try:
        return f, get_storage().open(f.storage_key)
    except Exception as err:  # noqa: BLE001 - a missing object (local or S3) is "not found", logged
        import logging

        logging.getLogger(__name__).error("stored file %s of dossier %s cannot be read: %r", f.pk, f.dossier_id, err)
        raise NotFound("File not found.") from err


# ---- read-only helpers shared by the pages and the API -----------------------------------------

LOOKUP_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-_/]{2,59}$")
PREVIEW_FACTS = ("received", "limit", "cutoff", "due")


def public_lookup(code: str) -> dict[str, Any]:
    """What anyone holding the receipt may see: the masked name, procedure, status and times.
    ValidationFailed if ``code`` cannot be a dossier code, NotFound if no dossier has it."""
    from motcua.domain.codes import mask_name

    from .choices import StatusChoices

    code = (code or "").strip()
    if not LOOKUP_CODE.match(code):
        raise ValidationFailed("Malformed dossier code.", fields={"code": "malformed"})
    qs = Dossier.objects.select_related("version")
    d = qs.filter(code=code).first() or (qs.filter(code=code.upper()).first() if code != code.upper() else None)
    if d is None:
        raise NotFound("No dossier with this code.")
    return {
        "code": d.code, "procedure_name": d.version.name, "status": d.status,
        "status_label": str(StatusChoices(d.status).label), "applicant": mask_name(d.applicant_name),
        "received_at": d.received_at, "due_at": d.due_at, "appointment_at": d.appointment_at,
        "returned_at": d.returned_at if d.status == Status.RETURNED else None,
    }


def preview_due(version: ProcedureVersion, receiving: Unit, channel: int,
                at: datetime | None = None) -> list[dict[str, Any]]:
    """The explained due time of a dossier received now through ``channel`` (nothing is saved)."""
    from motcua.domain.verdict import judge
    from motcua.dossiers.explain import render_explanation

    at = at or clock.now()
    probe = Dossier(version=version, receiving_path=receiving.path, status=Status.RECEIVED, received_at=at,
                    submitted_at=at, limit_seconds=version.limit_seconds(channel), pauses=[])
    verdict = judge(calendar_for(probe.province_id), deadlines.clock_input(probe), at)
    return [fact for fact in render_explanation(verdict) if fact["fact"] in PREVIEW_FACTS]
