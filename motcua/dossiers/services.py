"""Dossier use cases: one function per legal operation, called by every entry point.

Each operation runs in one transaction: it locks the dossier, authorizes the actor, checks the
optimistic version, asks the domain state machine for the next status, updates the projection
(due time, verdict, step) and appends one immutable event. Nothing is written unless all of it
is.

This module holds what every use case shares (the actor, permissions, visibility, ``transition``
and ``_event``) and the read-only helpers; the use cases live by group in
:mod:`motcua.dossiers.intake` (registering a dossier), :mod:`motcua.dossiers.processing` (receipt,
supplements, payments), :mod:`motcua.dossiers.process` (the internal steps and their holders) and
:mod:`motcua.dossiers.results` (approval, ending, returning, files). Every name of those modules
is also reachable here (``services.start``), so callers keep one import:
``from motcua.dossiers import services``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q

from motcua.calendars.services import calendar_for
from motcua.catalog.models import ProcedureVersion
from motcua.core import clock
from motcua.domain.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from motcua.domain.lifecycle import Action, Status, next_status
from motcua.units.choices import Role
from motcua.units.models import Unit
from motcua.units.services import Scope, scope_for

from . import deadlines
from .models import Dossier, DossierEvent

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
    Action.FEE_PAID: (frozenset({R.COUNTER_OFFICER}), "receiving", False),
    Action.POSTAL: (frozenset({R.COUNTER_OFFICER}), "receiving", False),
    # by the system (a reorganization) or an administrator; the counter routes at intake
    Action.TRANSFER: (frozenset({R.ADMIN}), "either", False),
}


# actions the counter of Dossier.return_unit may take as well as the receiving counter
AT_RETURN_UNIT = frozenset({Action.RETURN})


def authorize(actor: Actor, d: Dossier, action: Action) -> str:
    """The role under which ``actor`` may take ``action`` on ``d``; PermissionDenied if none."""
    if actor.system or actor.scope.is_superuser:
        return R.ADMIN
    roles, which, owner_ok = PERMISSIONS[action]
    paths = {"receiving": [d.receiving_path], "handling": [d.handling_path],
             "either": [d.receiving_path, d.handling_path]}[which]
    if action in AT_RETURN_UNIT and d.return_unit_id:  # the counter where the applicant collects the result
        paths = [*paths, Unit.objects.filter(pk=d.return_unit_id).values_list("path", flat=True).first() or ""]
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
        from .boundaries import counter_paths, returned_at_filter

        returning = counter_paths(actor.scope)  # a counter sees the dossiers whose result it hands over
        return qs.filter(actor.scope.dossier_filter() | returned_at_filter(returning) if returning
                         else actor.scope.dossier_filter())
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
    return qs.filter(flagged_filter(flag, province_id, now))


def flagged_filter(flag: str, province_id: int, now: datetime) -> Q:
    """The condition of :func:`flagged`, to combine with others (the office's queue counts)."""
    if flag == "overdue":
        return Q(status__in=FLAGGABLE, due_at__lt=now)
    return Q(status__in=FLAGGABLE, due_at__gte=now, due_at__lt=flag_window(province_id, now))


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



# ---- transitions ----------------------------------------------------------------------------

Mutator = Callable[[Dossier, datetime], dict[str, Any] | None]


# called with (dossier, event) for every event recorded, in its transaction (the national portal's
# outbox registers here: motcua/integrations/national_portal/sync.py)
EVENT_HOOKS: list[Callable[[Dossier, DossierEvent], None]] = []

# called with (actor, dossier, action) under the row lock before a transition is applied; a guard
# refuses by raising a DomainError (motcua/fees blocks a stage whose fee is unpaid). The system
# actor's transitions (imports, the outside systems' callbacks) are guarded too.
TRANSITION_GUARDS: list[Callable[[Actor, Dossier, Action], None]] = []


def _event(d: Dossier, actor: Actor, role: str, action: Action, old: int | None, new: int,
           at: datetime, note: str = "", data: dict[str, Any] | None = None,
           attachments: Sequence[int] = (), seq: int | None = None) -> DossierEvent:
    from . import eventchain  # the hash chain; the dossier row is locked by the caller, its last event is the head

    prev = ""
    if seq is None or seq > 1:
        last = d.events.order_by("-seq").values_list("seq", "hash").first()
        seq, prev = (last[0] + 1, last[1]) if last else (1, "")
    unit_id = next((u for r, _, u in actor.scope.roles if r == role), None)
    fields: dict[str, Any] = dict(
        dossier_id=d.pk, at=at, action=action.value, from_status=old, to_status=new,
        actor_id=actor.user_id, actor_name=actor.name, role=role, unit_id=unit_id,
        step_id=d.current_step_id, note=note, data=data or {}, attachments=list(attachments),
    )
    ev = DossierEvent.objects.create(seq=seq, prev_hash=prev,
                                     hash=eventchain.hash_of(eventchain.chain_key(), prev, **fields), **fields)
    for hook in EVENT_HOOKS:
        hook(d, ev)
    return ev


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
        for guard in TRANSITION_GUARDS:
            guard(actor, d, action)
        at = at if (at is not None and actor.system) else clock.now()
        old = Status(d.status)
        resume = _resume_status(d) if action is Action.SUPPLEMENT else None
        d.status = next_status(action, old, resume)
        data = (mutate(d, at) if mutate else None) or {}
        note = "\n".join(t for t in (note, data.pop("_note", "")) if t)  # the operation's own remark
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



# ---- read-only helpers shared by the pages and the API -----------------------------------------

LOOKUP_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-_/]{2,59}$")
PREVIEW_FACTS = ("received", "limit", "cutoff", "clock_start", "due")


def public_lookup(code: str, *, dossier_id: int | None = None) -> dict[str, Any]:
    """What anyone holding the receipt may see: the masked name, procedure, status and times.
    ValidationFailed if ``code`` cannot be a dossier code, NotFound if no dossier has it.
    ``dossier_id`` (from a verified QR-code token, motcua.documents.qr) looks the dossier up by id."""
    from motcua.domain.codes import mask_name

    from .choices import StatusChoices

    qs = Dossier.objects.select_related("version")
    if dossier_id is not None:
        d = qs.filter(pk=dossier_id).first()
    else:
        code = (code or "").strip()
        if not LOOKUP_CODE.match(code):
            raise ValidationFailed("Malformed dossier code.", fields={"code": "malformed"})
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


# ---- the use cases by group, reachable from here ------------------------------------------------

_GROUPS = ("intake", "processing", "process", "results")


def __getattr__(name: str) -> Any:
    """``services.<use case>``: resolved lazily from the group modules, which import this module
    (an eager import here would be circular)."""
    import importlib

    if not name.startswith("__"):
        for group in _GROUPS:
            module = importlib.import_module(f"{__package__}.{group}")
            if name in module.__all__:
                return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
