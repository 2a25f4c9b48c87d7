"""Registering a dossier: at the counter, online or by post (one transaction, one event)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

from motcua.catalog.choices import ApplicantType, Channel
from motcua.catalog.models import Component, Procedure, ProcedureVersion
from motcua.catalog.services import version_in_force
from motcua.core import clock
from motcua.core.refcache import cached
from motcua.core.validation import full_clean_or_fail
from motcua.domain.errors import PermissionDenied, ValidationFailed
from motcua.domain.lifecycle import Action, Status, next_status
from motcua.units.models import Unit

from . import boundaries, deadlines
from .choices import RepresentativeRelationship
from .codes import next_code
from .models import Dossier, DossierComponent
from .services import Actor, _event, authorize, visible_dossiers

ID_NUMBER = re.compile(r"^[0-9A-Za-z-]{1,20}$")  # as the API's schemas: a CCCD, an old ID card, a tax code

__all__ = [
    "Applicant",
    "returning_applicant",
    "ComponentInput",
    "IntakeRequest",
    "_resolve",
    "_unit",
    "_lookup",
    "_components",
    "intake",
]


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
    # who the representative is to the applicant (RepresentativeRelationship; required with a name) and
    # the document that authorizes them (a power of attorney's number and date, a birth certificate...)
    representative_relationship: str = ""
    representative_authorization: str = ""
    components: list[ComponentInput] = field(default_factory=list)
    request_summary: str = ""
    result_delivery: str = "counter"
    sets: int = 1
    owner_id: int | None = None
    at: datetime | None = None  # backdating is for the system actor (imports) only
    code: str = ""  # a code given by another system (the national portal's MaHoSo): system actor only
    # where the applicant collects the result when not at the receiving counter: a counter of the
    # handling unit (intake regardless of administrative boundaries); empty: the receiving counter
    return_unit_code: str = ""
    # a dossier the public post brought to the counter (channel 3): the envelope's item code; with it the
    # counter receives the dossier at once (INTAKE), as a walk-in one
    inbound_postal_code: str = ""


def _resolve(req: IntakeRequest, at: datetime) -> tuple[Unit, Unit, Procedure, ProcedureVersion]:
    recv, handling, proc = _lookup(req)
    if recv.dissolved_on and recv.dissolved_on <= clock.local_date(at):
        raise ValidationFailed("This unit no longer exists.", fields={"receiving_unit_code": "dissolved"})
    day = clock.local_date(at)
    version = cached("version", f"{proc.pk}@{day}", lambda: version_in_force(proc, day))
    boundaries.check_allowed(recv, handling, version)  # another commune, department or province
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
    errors.update(_representative_errors(req))
    if errors:
        raise ValidationFailed("Invalid dossier.", fields=errors)
    assert recv and handling and proc
    return recv, handling, proc


def _representative_errors(req: IntakeRequest) -> dict[str, str]:
    """Someone applying on the applicant's behalf says who they are to the applicant; a relationship or
    an authorization without the representative's name names nobody."""
    errors: dict[str, str] = {}
    name = req.representative_name.strip()
    relationship = req.representative_relationship.strip()
    if name and not relationship:
        errors["representative_relationship"] = "required when a representative is named"
    elif relationship and relationship not in RepresentativeRelationship.values:
        errors["representative_relationship"] = "must be one of " + ", ".join(RepresentativeRelationship.values)
    if not name and (relationship or req.representative_authorization.strip() or req.representative_id_number):
        errors["representative_name"] = "required with a representative's relationship, authorization or ID"
    if req.representative_id_number and not ID_NUMBER.match(req.representative_id_number):
        errors["representative_id_number"] = "letters, digits and '-' only"
    return errors


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
    arrived = req.channel == Channel.POST and bool(req.inbound_postal_code.strip())  # at the counter by post
    action = Action.INTAKE if req.channel == Channel.DIRECT or arrived else Action.SUBMIT
    probe = Dossier(receiving_path=recv.path, handling_path=handling.path, owner_id=req.owner_id)
    role = authorize(actor, probe, action)
    if role == "applicant" and req.channel != Channel.ONLINE:
        raise PermissionDenied("Applicants submit online.")
    comps = _components(version, req.components, strict=action is Action.INTAKE)
    return_unit = boundaries.resolve_return_unit(recv, handling, req.result_delivery, req.return_unit_code)
    status = next_status(action, None)
    if req.code and not actor.system:
        raise PermissionDenied("Only the system gives a dossier its code.")
    if req.code and Dossier.objects.filter(code=req.code).exists():
        raise ValidationFailed("This dossier code is already taken.", fields={"code": "already exists"})
    d = Dossier(
        code=req.code or next_code(recv.pk, recv.code, clock.local_date(at)),
        receiving_unit=recv, handling_unit=handling, receiving_path=recv.path, handling_path=handling.path,
        return_unit=return_unit,
        procedure=proc, version=version, channel=req.channel, status=status,
        applicant_type=req.applicant.type, applicant_name=req.applicant.name.strip(),
        applicant_id_number=req.applicant.id_number, applicant_phone=req.applicant.phone,
        applicant_email=req.applicant.email, applicant_address=req.applicant.address,
        representative_name=req.representative_name.strip(), representative_id_number=req.representative_id_number,
        representative_phone=req.representative_phone,
        representative_relationship=req.representative_relationship.strip() if req.representative_name.strip() else "",
        representative_authorization=req.representative_authorization.strip(), owner_id=req.owner_id,
        request_summary=req.request_summary, result_delivery=req.result_delivery, sets=req.sets,
        submitted_at=at, received_at=at if status == Status.RECEIVED else None,
        limit_seconds=version.limit_seconds(req.channel), fees_due=version.fee_total(req.channel),
    )
    d.inbound_postal_code = req.inbound_postal_code.strip().upper() if req.channel == Channel.POST else ""
    deadlines.refresh(d)
    full_clean_or_fail(d, exclude=["receiving_unit", "handling_unit", "return_unit", "procedure", "version",
                                   "owner", "code"],
                       constraints=False)  # status/channel/type come from the state machine and choices
    d.save()
    for c in comps:
        c.dossier = d
    DossierComponent.objects.bulk_create(comps)
    data = {"code": d.code, **({"return_unit": return_unit.code} if return_unit else {}),
            **({"inbound_postal_code": d.inbound_postal_code} if d.inbound_postal_code else {})}
    _event(d, actor, role, action, None, status, at, note="", data=data, seq=1)
    return d
