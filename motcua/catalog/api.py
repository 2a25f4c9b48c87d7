"""Catalog API: public browsing of procedures in force; import and export for administrators."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from ninja import Router, Schema
from pydantic import BaseModel, ConfigDict, Field, model_validator

from motcua.api.docs import errors
from motcua.core import clock
from motcua.domain.errors import NotFound, PermissionDenied, ValidationFailed
from motcua.dossiers.schemas import MAX_AMOUNT, Text, reject_nul
from motcua.dossiers.services import Actor
from motcua.units.choices import Role

from . import services
from .models import Procedure

router = Router()


class ComponentOut(Schema):
    id: int
    name: str
    originals: int
    copies: int
    required: bool
    must_digitize: bool
    form_template: str


class ProcedureSummary(Schema):
    code: str
    name: str
    field: str
    levels: list[str]


class ProcedureOut(ProcedureSummary):
    decision_number: str
    effective_from: date
    effective_to: date | None
    online_level: str
    processing_time: float
    time_unit: str
    applicant_types: list[int]
    methods: list[dict[str, Any]]
    fees: list[dict[str, Any]]
    results: list[str]
    legal_basis: list[str]
    requirements: str
    competent_agency: str
    components: list[ComponentOut]
    form: dict[str, Any] | None = Field(None, description="The declaration's e-form definition "
                                                          "(motcua/domain/eforms.py; null: the procedure has none)")


@router.get("/procedures", response={200: list[ProcedureSummary], **errors(422, public=True)}, auth=None,
            summary="Search procedures")
def list_procedures(request, q: Text = "", field: Text = "", level: Text = "",  # noqa: ANN001, ANN201
                    limit: Annotated[int, Field(description="Page size; clamped to 1..500")] = 50):
    qs = Procedure.objects.select_related("field").order_by("code")
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    if field:
        qs = qs.filter(field__code=field)
    rows = [p for p in qs[: max(1, min(limit, 500)) * 2] if not level or level in p.levels]
    return [{"code": p.code, "name": p.name, "field": p.field.code, "levels": p.levels}
            for p in rows[: max(1, min(limit, 500))]]


@router.get("/procedures/{code}", response={200: ProcedureOut, **errors(404, 422, public=True)}, auth=None,
            summary="Procedure in force")
def get_procedure(request, code: Text, on: date | None = None):  # noqa: ANN001, ANN201
    proc = Procedure.objects.select_related("field").filter(code=code).first()
    if proc is None:
        raise NotFound("Unknown procedure.")
    v = services.version_in_force(proc, on or clock.local_date(clock.now()))
    return {
        "code": proc.code, "name": v.name, "field": proc.field.code, "levels": proc.levels,
        "decision_number": v.decision_number, "effective_from": v.effective_from, "effective_to": v.effective_to,
        "online_level": v.online_level, "processing_time": float(v.processing_time), "time_unit": v.time_unit,
        "applicant_types": v.applicant_types, "methods": v.methods, "fees": v.fees, "results": v.results,
        "legal_basis": v.legal_basis, "requirements": v.requirements, "competent_agency": v.competent_agency,
        "components": list(v.components.all()),
        "form": _form_of(v),
    }


def _form_of(v: Any) -> dict[str, Any] | None:
    from motcua.eforms.services import form_of

    form = form_of(v)
    return form.definition if form else None


def _require_admin(request) -> None:  # noqa: ANN001
    actor = Actor.of(request.user)
    if not actor.scope.has_role(Role.ADMIN):
        raise PermissionDenied("Administrators only.")


@router.get("/export", response={200: dict[str, Any], **errors(403)}, summary="Export the catalog as JSON")
def export(request):  # noqa: ANN001, ANN201
    _require_admin(request)
    return services.export_catalog()


class ImportResult(Schema):
    fields: int
    procedures: int
    versions: int
    steps: int


# The import document, checked before anything is written (unknown keys are kept and passed on).
_MAX_TIME = 3650  # working days or hours: keeps the limit in seconds inside its 32-bit column


class _Doc(BaseModel):
    # a plain pydantic model: a ninja Schema reads its input through attributes and drops unknown keys
    model_config = ConfigDict(extra="allow")


class FieldDoc(_Doc):
    code: str = Field(min_length=1, max_length=20)
    name: str = Field(min_length=1, max_length=255)


class ComponentDoc(_Doc):
    name: str = Field(min_length=1, max_length=1000)
    originals: int = Field(0, ge=0, le=99)
    copies: int = Field(0, ge=0, le=99)
    required: bool = False
    must_digitize: bool = False
    form_template: str | None = Field(None, max_length=500)


class MethodDoc(_Doc):
    channel: Literal[1, 2, 3]
    processing_time: float | None = Field(None, ge=0, le=_MAX_TIME)
    time_unit: Literal["day", "hour"] | None = None
    fee: int | None = Field(None, ge=0, le=MAX_AMOUNT)


class FeeDoc(_Doc):
    amount: int = Field(0, ge=0, le=MAX_AMOUNT)


class VersionDoc(_Doc):
    decision_number: str = Field(min_length=1, max_length=100)
    decision_date: date
    effective_from: date
    effective_to: date | None = None
    status: Literal["published", "amended", "abolished"] = "published"
    name: str = Field("", max_length=500)
    processing_time: float = Field(ge=0, le=_MAX_TIME)
    time_unit: Literal["day", "hour"] = "day"
    online_level: Literal["full", "partial", "none"] = "partial"
    applicant_types: list[Literal[0, 1, 2]] = []
    cutoff_time: time | None = None
    methods: list[MethodDoc] = []
    fees: list[FeeDoc] = []
    components: list[ComponentDoc] = []


class StepDoc(_Doc):
    name: str = Field(min_length=1, max_length=255)
    role: Literal["counter_officer", "specialist", "leader", "admin", "monitor"]
    quota_hours: float = Field(gt=0, le=_MAX_TIME)
    required: bool = True
    approval: bool | None = Field(None, description="the leader's approval (signing) step; default: role leader")
    produces_document: bool = False


class UnitProcessDoc(_Doc):
    unit: str = Field(min_length=1, max_length=40, description="code of the unit whose internal process this is")
    steps: list[StepDoc]


class ProcedureDoc(_Doc):
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=500)
    field: str = Field(min_length=1, max_length=20)
    levels: list[Literal["province", "district", "commune"]]
    versions: list[VersionDoc] = []
    process: list[StepDoc] = []
    processes: list[UnitProcessDoc] = []


class CatalogDoc(_Doc):
    format: str
    fields: list[FieldDoc] = []
    procedures: list[ProcedureDoc] = []

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        def walk(v: Any) -> None:
            if isinstance(v, dict):
                for k, x in v.items():
                    reject_nul(k)
                    walk(x)
            elif isinstance(v, list):
                for x in v:
                    walk(x)
            else:
                reject_nul(v)

        walk(getattr(value, "_obj", value))  # ninja wraps the input in a DjangoGetter
        return value


@router.post("/import", response={200: ImportResult, **errors(403, 422)}, summary="Import a catalog document")
def import_(request, doc: CatalogDoc):  # noqa: ANN001, ANN201
    _require_admin(request)
    try:
        return services.import_catalog(doc.model_dump(mode="json", exclude_unset=True))
    except DjangoValidationError as exc:  # a model check in the service (the import was rolled back)
        fields = ({k: "; ".join(v) for k, v in exc.message_dict.items()} if hasattr(exc, "error_dict")
                  else {"body": "; ".join(exc.messages)})
        raise ValidationFailed("Invalid catalog document.", fields=fields) from exc
