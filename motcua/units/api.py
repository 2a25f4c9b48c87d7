"""Units API: the unit tree (names and codes are public information) and, for administrators, the
reorganizations of the tree (POST with ``dry_run`` to preview, list, detail)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Router, Schema
from ninja.responses import Status

from motcua.api.docs import errors
from motcua.domain.errors import NotFound, PermissionDenied
from motcua.dossiers.schemas import Text

from . import reorganize
from .models import Reorganization, Unit

router = Router()


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    dissolved_on: str | None = None

    @staticmethod
    def resolve_dissolved_on(obj: Unit) -> str | None:
        return obj.dissolved_on.isoformat() if obj.dissolved_on else None


@router.get("", response={200: list[UnitOut], **errors(422, public=True)}, auth=None, summary="List units")
def list_units(request, kind: Text | None = None, parent: Text | None = None):  # noqa: ANN001, ANN201
    qs = Unit.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    if parent:
        qs = qs.filter(parent__code=parent)
    return qs.order_by("path")


class ReorganizationIn(Schema):
    kind: str
    decision_number: str
    decision_date: date
    issuer: str
    effective_on: date
    spec: dict[str, Any]
    dry_run: bool = False
    schedule: bool = False  # leave it to the job on its effective date instead of applying now


class ReorganizationOut(Schema):
    id: int | None
    kind: str
    status: str
    decision_number: str
    decision_date: date
    issuer: str
    effective_on: date
    spec: dict[str, Any]
    summary: dict[str, Any]
    applied_at: datetime | None
    counts: dict[str, int] = {}
    lines: list[str] = []


def _out(r: Reorganization, plan: reorganize.Plan | None = None) -> dict[str, Any]:
    return {"id": r.pk, "kind": r.kind, "status": r.status, "decision_number": r.decision_number,
            "decision_date": r.decision_date, "issuer": r.issuer, "effective_on": r.effective_on,
            "spec": r.spec, "summary": r.summary or {}, "applied_at": r.applied_at,
            "counts": plan.counts if plan else (r.summary or {}).get("counts", {}),
            "lines": plan.lines if plan else []}


def _admin(request, spec: dict[str, Any] | None = None) -> None:  # noqa: ANN001
    if not reorganize.may_reorganize(request.user, spec):
        raise PermissionDenied("Administrators of the units concerned only.")


@router.post("/reorganizations", response={200: ReorganizationOut, 201: ReorganizationOut,
                                           **errors(403, 409, 422)},
             summary="Reorganize units: preview (dry_run), apply now, or schedule for the effective date")
def create_reorganization(request, payload: ReorganizationIn):  # noqa: ANN001, ANN201
    """A bad spec is refused (422) with a field per problem (``spec.sources``, ``spec.target.code``...)
    and nothing written. ``dry_run``: 200 with the counts and lines of what would move."""
    _admin(request, payload.spec)
    r = Reorganization(kind=payload.kind, decision_number=payload.decision_number.strip(),
                       decision_date=payload.decision_date, issuer=payload.issuer.strip(),
                       effective_on=payload.effective_on, spec=payload.spec, created_by=request.user)
    plan = reorganize.preview(r)
    if payload.dry_run:
        return Status(200, _out(r, plan))
    if payload.schedule:
        reorganize.schedule(r)
    else:
        reorganize.apply(r, actor=request.user)
    return Status(201, _out(r, plan))


@router.get("/reorganizations", response={200: list[ReorganizationOut], **errors(403)},
            summary="Reorganizations (administrators)")
def list_reorganizations(request):  # noqa: ANN001, ANN201
    _admin(request)
    return [_out(r) for r in reorganize.visible_reorganizations(request.user)]


@router.get("/reorganizations/{reorganization_id}", response={200: ReorganizationOut, **errors(403, 404, 422)},
            summary="One reorganization (administrators)")
def get_reorganization(request, reorganization_id: int):  # noqa: ANN001, ANN201
    _admin(request)
    r = next((x for x in reorganize.visible_reorganizations(request.user) if x.pk == reorganization_id), None)
    if r is None:
        raise NotFound("Reorganization not found.")
    return _out(r)
