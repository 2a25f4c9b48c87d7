"""Catalog API: public browsing of procedures in force; import and export for administrators."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q
from ninja import Router, Schema

from motcua.core import clock
from motcua.domain.errors import NotFound, PermissionDenied
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


@router.get("/procedures", response=list[ProcedureSummary], auth=None, summary="Search procedures")
def list_procedures(request, q: str = "", field: str = "", level: str = "", limit: int = 50):  # noqa: ANN001, ANN201
    qs = Procedure.objects.select_related("field").order_by("code")
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    if field:
        qs = qs.filter(field__code=field)
    rows = [p for p in qs[: max(1, min(limit, 500)) * 2] if not level or level in p.levels]
    return [{"code": p.code, "name": p.name, "field": p.field.code, "levels": p.levels}
            for p in rows[: max(1, min(limit, 500))]]


@router.get("/procedures/{code}", response=ProcedureOut, auth=None, summary="Procedure in force")
def get_procedure(request, code: str, on: date | None = None):  # noqa: ANN001, ANN201
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
    }


def _require_admin(request) -> None:  # noqa: ANN001
    actor = Actor.of(request.user)
    if not actor.scope.has_role(Role.ADMIN):
        raise PermissionDenied("Administrators only.")


@router.get("/export", summary="Export the catalog as JSON")
def export(request):  # noqa: ANN001, ANN201
    _require_admin(request)
    return services.export_catalog()


class ImportResult(Schema):
    fields: int
    procedures: int
    versions: int
    steps: int


@router.post("/import", response=ImportResult, summary="Import a catalog document")
def import_(request, doc: dict[str, Any]):  # noqa: ANN001, ANN201
    _require_admin(request)
    return services.import_catalog(doc)
