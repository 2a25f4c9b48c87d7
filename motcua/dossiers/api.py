"""Dossier API: intake, scoped listing, detail, events, verdict, every legal operation, files,
and the public lookup by code. Endpoints parse, call one service, and render."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from pydantic import AfterValidator, Field

from motcua.api.docs import errors
from motcua.calendars.services import FIRST_YEAR, LAST_YEAR
from motcua.core import clock
from motcua.domain.errors import NotFound, ValidationFailed
from motcua.rules.services import rules_of

from . import boundaries
from . import services as svc
from .choices import FileKind, StatusChoices, VerdictChoices
from .deadlines import explain
from .downloads import file_response
from .explain import render_explanation
from .models import Dossier
from .schemas import (
    ApprovalOut,
    ApproveIn,
    CalendarInstant,
    DossierOut,
    DossierPage,
    EventOut,
    ExtendIn,
    FileOut,
    FinishIn,
    ForwardIn,
    HolderIn,
    IntakeIn,
    LookupOut,
    NoteIn,
    PaymentIn,
    PaymentRequestIn,
    ReasonIn,
    ReturnIn,
    SendBackIn,
    StartIn,
    SupplementIn,
    SupplementRequestIn,
    Text,
    VerdictOut,
    reject_nul,
)

router = Router()
public_router = Router()
DossierStatus = Annotated[int, Field(ge=min(StatusChoices.values), le=max(StatusChoices.values))]
FileKindName = Literal[tuple(FileKind.values)]  # type: ignore[valid-type]
LookupCode = Annotated[str, AfterValidator(reject_nul), Field(json_schema_extra={"pattern": svc.LOOKUP_CODE.pattern})]
# every dossier action: 403 (role or holder), 404 (not visible), 409 (illegal transition or stale version), 422
ACTION = {200: DossierOut, **errors(403, 404, 409, 422)}


def _actor(request: HttpRequest) -> svc.Actor:
    """The request's actor, with its roles read once per request."""
    actor = getattr(request, "_motcua_actor", None)
    if actor is None:
        actor = request._motcua_actor = svc.Actor.of(request.user)
    return actor


def dossier_out(d: Dossier, now: datetime | None = None, window: datetime | None = None) -> dict[str, Any]:
    now = now or clock.now()
    window = window or svc.flag_window(d.province_id, now)
    return {
        "flag": svc.flag_of(d, now, window),
        "id": d.pk, "code": d.code, "status": d.status, "channel": d.channel,
        "inbound_postal_code": d.inbound_postal_code,
        "procedure_code": d.procedure.code, "procedure_name": d.version.name,
        "receiving_unit_code": d.receiving_unit.code, "handling_unit_code": d.handling_unit.code,
        "receiving_unit_name": d.receiving_unit.name, "handling_unit_name": d.handling_unit.name,
        **_return_unit(d),
        "applicant_type": d.applicant_type, "applicant_name": d.applicant_name,
        "representative": _representative(d),
        "submitted_at": d.submitted_at, "received_at": d.received_at, "due_at": d.due_at,
        "appointment_at": d.appointment_at, "ended_at": d.ended_at, "returned_at": d.returned_at,
        "verdict": d.verdict, "late_hours": round(d.late_seconds / 3600, 2),
        "current_step": d.current_step.name if d.current_step_id else None, "step_due_at": d.step_due_at,
        "holder_id": d.holder_id, "fees_due": d.fees_due, "fees_paid": d.fees_paid, "version": d.row_version,
        "rules": rules_of(d).key,
    }


def _representative(d: Dossier) -> dict[str, str] | None:
    if not d.representative_name:
        return None
    return {"name": d.representative_name, "id_number": d.representative_id_number,
            "phone": d.representative_phone, "relationship": d.representative_relationship,
            "relationship_label": str(d.get_representative_relationship_display() or ""),
            "authorization": d.representative_authorization}


def _return_unit(d: Dossier) -> dict[str, str | None]:
    unit = boundaries.return_unit_of(d)
    return {"return_unit_code": unit.code if unit else None, "return_unit_name": unit.name if unit else None}


_RELATED = ("procedure", "version", "receiving_unit", "handling_unit", "return_unit", "current_step")


def _load(request: HttpRequest, dossier_id: int) -> Dossier:
    d = svc.visible_dossiers(_actor(request)).select_related(*_RELATED).filter(pk=dossier_id).first()
    if d is None:
        raise NotFound("Dossier not found.")
    return d


@router.post("", response={201: DossierOut, **errors(403, 422)},
             summary="Receive or register a dossier")
def create(request: HttpRequest, payload: IntakeIn):  # noqa: ANN201
    from motcua.eforms.services import intake_with_declaration

    data = payload.dict()
    applicant = svc.Applicant(**data.pop("applicant"))
    comps = [svc.ComponentInput(**c) for c in data.pop("components")]
    declaration = data.pop("declaration", None)
    owner = request.user.pk if not _actor(request).scope.roles else None
    d = intake_with_declaration(_actor(request), svc.IntakeRequest(applicant=applicant, components=comps,
                                                                   owner_id=owner, **data), declaration)
    return Status(201, dossier_out(d))  # intake loaded units, procedure and version


@router.get("", response={200: DossierPage, **errors(404, 422)},
            summary="List visible dossiers (keyset paging)")
def list_dossiers(request: HttpRequest, status: DossierStatus | None = None,  # noqa: ANN201
                  procedure: Text | None = None, channel: int | None = None,
                  due_before: CalendarInstant | None = None,
                  flag: Literal["overdue", "approaching"] | None = None,
                  after: int | None = None, limit: Annotated[int, Field(ge=1, le=500)] = 50,
                  declared: Annotated[Text, Field(max_length=100, description=(
                      "A value declared in the e-form, accent-insensitive, matched from its start"))] = "",
                  declared_path: Annotated[Text, Field(max_length=120, description=(
                      "Only this field of the declaration (e.g. child.full_name)"))] = ""):
    from motcua.eforms.services import filter_declared

    qs = svc.visible_dossiers(_actor(request)).select_related(*_RELATED)
    qs = filter_declared(qs, declared, declared_path) if declared else qs
    due_before = _instant(due_before, "due_before")
    filters = {"status": status, "procedure__code": procedure or None, "channel": channel,
               "due_at__lt": due_before}
    qs = qs.filter(**{k: v for k, v in filters.items() if v is not None})
    now = clock.now()
    windows: dict[int, datetime] = {}
    if flag is not None:
        province = _actor_province(request)
        qs = svc.flagged(qs, flag, province, now)
    if after is not None:
        qs = qs.filter(pk__lt=after)
    rows = list(qs.order_by("-pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    items = []
    for d in rows:
        if d.province_id not in windows:
            windows[d.province_id] = svc.flag_window(d.province_id, now)
        items.append(dossier_out(d, now, windows[d.province_id]))
    return {"items": items, "next_after": rows[-1].pk if more else None}


def _actor_province(request: HttpRequest) -> int:
    """The province whose calendar sets the flag window (the user's, or the first one)."""
    from motcua.units.models import Unit

    paths = _actor(request).scope.paths()
    if paths:
        return int(paths[0].strip("/").split("/")[0])
    first = Unit.objects.filter(parent__isnull=True).order_by("pk").values_list("pk", flat=True).first()
    if first is None:
        raise NotFound("No province.")
    return first


@router.get("/{dossier_id}", response={200: DossierOut, **errors(404, 422)}, summary="One dossier")
def detail(request: HttpRequest, dossier_id: int):  # noqa: ANN201
    from motcua.eforms.services import declaration_json
    from motcua.integrations.national_portal.sync import status_of

    d = _load(request, dossier_id)
    return {**dossier_out(d), "national_portal_sync": status_of(d), "declaration": declaration_json(d)}


@router.get("/{dossier_id}/events", response={200: list[EventOut], **errors(404, 422)},
            summary="The dossier's event log")
def events(request: HttpRequest, dossier_id: int):  # noqa: ANN201
    return list(_load(request, dossier_id).events.order_by("seq"))


@router.get("/{dossier_id}/verdict", response={200: VerdictOut, **errors(404, 422)},
            summary="Due time and verdict, explained")
def verdict(request: HttpRequest, dossier_id: int, as_of: CalendarInstant | None = None):  # noqa: ANN201
    d = _load(request, dossier_id)
    v = explain(d, _instant(as_of, "as_of") or clock.now())
    dl = v.deadline
    return {
        "code": d.code, "category": v.category.value, "label": str(VerdictChoices(v.category.value).label),
        "due_at": dl.due if dl else None, "appointment_at": dl.appointment if dl else None,
        "end_at": v.end_at, "end_reason": v.end_reason, "late_hours": round(v.late_seconds / 3600, 2),
        "early_hours": round(v.early_seconds / 3600, 2),
        "paused_hours": round(dl.paused_seconds / 3600, 2) if dl else 0.0,
        "supplement_requests": v.supplement_requests, "approaching": v.approaching,
        "explanation": render_explanation(v),
    }


def _done(request: HttpRequest, d: Dossier) -> dict[str, Any]:
    return dossier_out(_load(request, d.pk))


@router.post("/{dossier_id}/receive", response=ACTION, summary="Accept a registered dossier")
def receive(request: HttpRequest, dossier_id: int, payload: NoteIn):  # noqa: ANN201
    return _done(request, svc.receive(_actor(request), dossier_id, payload.version, payload.note))


@router.post("/{dossier_id}/refuse", response=ACTION, summary="Refuse intake, with a reason")
def refuse(request: HttpRequest, dossier_id: int, payload: ReasonIn):  # noqa: ANN201
    return _done(request, svc.refuse(_actor(request), dossier_id, payload.reason, payload.version))


@router.post("/{dossier_id}/start", response=ACTION, summary="Hand over to the first step")
def start(request: HttpRequest, dossier_id: int, payload: StartIn):  # noqa: ANN201
    return _done(request, svc.start(_actor(request), dossier_id, payload.holder_id, payload.version, payload.note))


@router.post("/{dossier_id}/forward", response=ACTION, summary="Move to another internal step")
def forward(request: HttpRequest, dossier_id: int, payload: ForwardIn):  # noqa: ANN201
    return _done(request, svc.forward(_actor(request), dossier_id, payload.to_step, payload.holder_id,
                                      payload.version, payload.note))


@router.post("/{dossier_id}/claim", response=ACTION, summary="Take the current step while nobody holds it")
def claim(request: HttpRequest, dossier_id: int, payload: NoteIn):  # noqa: ANN201
    return _done(request, svc.claim(_actor(request), dossier_id, payload.version, payload.note))


@router.post("/{dossier_id}/assign", response=ACTION, summary="The leader names who holds the current step")
def assign(request: HttpRequest, dossier_id: int, payload: HolderIn):  # noqa: ANN201
    return _done(request, svc.assign(_actor(request), dossier_id, payload.holder_id, payload.version, payload.note))


@router.post("/{dossier_id}/hand-over", response=ACTION, summary="The holder hands the current step to a colleague")
def hand_over(request: HttpRequest, dossier_id: int, payload: HolderIn):  # noqa: ANN201
    return _done(request, svc.hand_over(_actor(request), dossier_id, payload.holder_id, payload.version,
                                        payload.note))


@router.post("/{dossier_id}/request-supplement", response=ACTION, summary="Request a supplement")
def request_supplement(request: HttpRequest, dossier_id: int, payload: SupplementRequestIn):  # noqa: ANN201
    return _done(request, svc.request_supplement(_actor(request), dossier_id, payload.reason, payload.items,
                                                 payload.version))


@router.post("/{dossier_id}/supplement", response=ACTION, summary="Record the supplement's arrival")
def supplement(request: HttpRequest, dossier_id: int, payload: SupplementIn):  # noqa: ANN201
    _check_attachments(request, dossier_id, payload.attachments)
    return _done(request, svc.supplement(_actor(request), dossier_id, payload.note, payload.attachments,
                                         payload.version))


@router.post("/{dossier_id}/request-payment", response=ACTION, summary="Request a financial obligation")
def request_payment(request: HttpRequest, dossier_id: int, payload: PaymentRequestIn):  # noqa: ANN201
    return _done(request, svc.request_payment(_actor(request), dossier_id, payload.amount, payload.reason,
                                              payload.version))


@router.post("/{dossier_id}/payment", response=ACTION, summary="Record a payment")
def payment(request: HttpRequest, dossier_id: int, payload: PaymentIn):  # noqa: ANN201
    return _done(request, svc.payment(_actor(request), dossier_id, payload.amount, payload.reference,
                                      payload.version))


@router.post("/{dossier_id}/extend", response=ACTION, summary="Apology letter with a new appointment")
def extend(request: HttpRequest, dossier_id: int, payload: ExtendIn):  # noqa: ANN201
    return _done(request, svc.extend(_actor(request), dossier_id, payload.reason, payload.new_appointment,
                                     payload.version))


@router.post("/{dossier_id}/withdraw", response=ACTION, summary="Withdraw at the applicant's request")
def withdraw(request: HttpRequest, dossier_id: int, payload: ReasonIn):  # noqa: ANN201
    return _done(request, svc.withdraw(_actor(request), dossier_id, payload.reason, payload.version))


@router.post("/{dossier_id}/stop", response=ACTION, summary="Stop processing")
def stop(request: HttpRequest, dossier_id: int, payload: ReasonIn):  # noqa: ANN201
    return _done(request, svc.stop(_actor(request), dossier_id, payload.reason, payload.version))


@router.post("/{dossier_id}/finish", response=ACTION, summary="Processing finished")
def finish(request: HttpRequest, dossier_id: int, payload: FinishIn):  # noqa: ANN201
    _check_attachments(request, dossier_id, payload.attachments)
    return _done(request, svc.finish(_actor(request), dossier_id, payload.note, payload.version,
                                     payload.attachments))


@router.post("/{dossier_id}/return", response=ACTION, summary="Result returned to the applicant")
def return_result(request: HttpRequest, dossier_id: int, payload: ReturnIn):  # noqa: ANN201
    return _done(request, svc.return_result(_actor(request), dossier_id, payload.note, payload.version,
                                            payload.method, payload.postal_code, received_by=payload.received_by,
                                            receiver_name=payload.receiver_name,
                                            receiver_id_number=payload.receiver_id_number))


@router.post("/{dossier_id}/approve", response={201: ApprovalOut, **errors(403, 404, 409, 422)},
             summary="Leader approves the result")
def approve(request: HttpRequest, dossier_id: int, payload: ApproveIn):  # noqa: ANN201
    a = svc.approve(_actor(request), dossier_id, payload.note, payload.document_id, payload.version)
    return Status(201, {"id": a.pk, "dossier_id": a.dossier_id, "event_seq": a.event.seq,
                        "document_id": a.document_id, "document_sha256": a.document_sha256,
                        "approved_at": a.approved_at, "signature_status": a.signature_status})


@router.post("/{dossier_id}/send-back", response=ACTION, summary="Leader sends back to an earlier step")
def send_back(request: HttpRequest, dossier_id: int, payload: SendBackIn):  # noqa: ANN201
    return _done(request, svc.send_back(_actor(request), dossier_id, payload.note, payload.to_step, payload.version))


def _instant(value: datetime | None, field: str) -> datetime | None:
    """A datetime query parameter: naive means local time; it must lie within the working calendar."""
    if value is None:
        return None
    at = clock.aware(value) if FIRST_YEAR <= value.year <= LAST_YEAR else None
    if at is None or not FIRST_YEAR <= clock.local(at).year <= LAST_YEAR:
        raise ValidationFailed("Date outside the working calendar.",
                               fields={field: f"must be within {FIRST_YEAR}-{LAST_YEAR}"})
    return at



def _check_attachments(request: HttpRequest, dossier_id: int, ids: list[int]) -> None:
    if ids:
        d = _load(request, dossier_id)
        found = set(d.files.filter(pk__in=ids).values_list("pk", flat=True))
        if missing := [i for i in ids if i not in found]:
            raise ValidationFailed("Unknown attachments.",
                                   fields={"attachments": f"not files of this dossier: {missing}"})


@router.post("/{dossier_id}/files", response={201: FileOut, **errors(403, 404, 409, 422)},
             summary="Upload a file")
def upload(request: HttpRequest, dossier_id: int, file: File[UploadedFile],  # noqa: ANN201
           kind: Form[FileKindName] = "component", component_id: Form[int | None] = None):
    f = svc.attach_file(_actor(request), dossier_id, file, file.name or "file", kind, component_id)
    return Status(201, f)


@router.get("/{dossier_id}/files/{file_id}", summary="Download a file of the dossier",
            response={200: None, **errors(403, 404, 422)},
            openapi_extra={"responses": {200: {"description": "The file's bytes"}}})
def download(request: HttpRequest, dossier_id: int, file_id: int):  # noqa: ANN201
    f, stream = svc.open_file(_actor(request), file_id, dossier_id)
    return file_response(f, stream)


@public_router.get("/{code}", response={200: LookupOut, **errors(404, 422, public=True)}, auth=None,
                   summary="Public lookup by dossier code")
def lookup(request: HttpRequest, code: LookupCode):  # noqa: ANN201
    return svc.public_lookup(code)
