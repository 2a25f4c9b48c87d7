"""/api/v1/integrations/national-portal/: reconciliation with the national portal.

``POST reconciliations`` creates a run of a unit's dossiers received in a period and enqueues it for
the worker (the portal is never called inside a request); ``GET reconciliations/{id}`` follows its
progress and pages through its differences; ``export.xlsx`` is the Excel workbook; ``repush`` sends
again, in full, every dossier that differs. Every operation is scoped to the caller's units: a unit
outside them is refused (403), a run outside them is not found (404). Only leaders, monitors and
administrators reconcile.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import FileResponse, HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from motcua.api.docs import NO_CONTROL, errors
from motcua.domain.errors import Conflict, ValidationFailed
from motcua.dossiers.services import Actor
from motcua.reports.api import Day
from motcua.units.models import Unit

from . import reconcile as rc
from . import reconcile_xlsx
from .models import Difference, ReconciliationRun, RunStatus

router = Router()
Kind = Literal["missing", "status", "dates", "verdict", "trail", "pending"]
_XLSX = {200: {"description": "Excel workbook", "content": {reconcile_xlsx.CONTENT_TYPE: {}}}}


class RunIn(Schema):
    unit: Annotated[str, Field(min_length=1, max_length=40, pattern=NO_CONTROL, description="The unit's code")]
    start: Day = Field(description="First local day of receipt")
    end: Day = Field(description="Last local day of receipt (inclusive); at most 3 years after start")


class RunOut(Schema):
    id: int
    unit: str
    unit_name: str
    start: date
    end: date
    status: Literal["queued", "running", "done", "failed"]
    status_label: str
    total: int  # dossiers to check
    checked: int  # checked so far (saved after each batch)
    progress: float  # percent checked
    differences: int  # dossiers that differ (pending ones excluded)
    pending: int  # dossiers still being synced, not compared
    counts: dict[str, int]  # dossiers per kind
    created_at: datetime
    finished_at: datetime | None
    error: str


class DifferenceOut(Schema):
    id: int
    dossier_id: int
    code: str
    kinds: list[str]
    kind_labels: list[str]
    reasons: list[str]
    motcua: dict[str, Any]
    portal: dict[str, Any]
    explanation: list[dict[str, Any]]  # motcua's explanation of its verdict (verdict differences)
    repushed_at: datetime | None


class RunDetail(RunOut):
    items: list[DifferenceOut]
    next_after: int | None  # pass as ``after`` for the next page


class RepushOut(Schema):
    run: int
    repushed: int  # dossiers enqueued for a full re-send


def _actor(request: HttpRequest) -> Actor:
    actor = getattr(request, "_motcua_actor", None)
    if actor is None:
        actor = request._motcua_actor = Actor.of(request.user)  # type: ignore[attr-defined]
    return actor


def run_out(run: ReconciliationRun) -> dict[str, Any]:
    counts = rc.kind_counts(run)
    return {"id": run.pk, "unit": run.unit.code, "unit_name": run.unit.name, "start": run.start, "end": run.end,
            "status": run.status, "status_label": str(run.get_status_display()), "total": run.total,
            "checked": run.checked, "progress": progress(run), "differences": run.differences,
            "pending": counts.get("pending", 0), "counts": counts, "created_at": run.created_at,
            "finished_at": run.finished_at, "error": run.error}


def progress(run: ReconciliationRun) -> float:
    if run.status == RunStatus.DONE:
        return 100.0
    return round(100.0 * run.checked / run.total, 1) if run.total else 0.0


def difference_out(item: Difference) -> dict[str, Any]:
    return {"id": item.pk, "dossier_id": item.dossier_id, "code": item.dossier.code, "kinds": item.kinds,
            "kind_labels": rc.kind_labels(item.kinds), "reasons": item.reasons, "motcua": item.motcua,
            "portal": item.portal, "explanation": item.explanation, "repushed_at": item.repushed_at}


@router.post("/reconciliations", response={202: RunOut, **errors(403, 422)},
             summary="Reconcile a unit's dossiers of a period with the portal (runs in the worker)")
def create_run(request: HttpRequest, payload: RunIn):  # noqa: ANN201
    unit = Unit.objects.filter(code=payload.unit).first()
    if unit is None:
        raise ValidationFailed("Unknown unit.", fields={"unit": "no unit with this code"})
    run = rc.start(_actor(request), unit, payload.start, payload.end)
    return Status(202, run_out(run))


@router.get("/reconciliations", response={200: list[RunOut], **errors(422)},
            summary="The latest reconciliations of the caller's units")
def list_runs(request: HttpRequest, limit: Annotated[int, Field(ge=1, le=200)] = 50):  # noqa: ANN201
    return [run_out(r) for r in rc.visible_runs(_actor(request))[:limit]]


@router.get("/reconciliations/{run_id}", response={200: RunDetail, **errors(404, 422)},
            summary="A reconciliation's progress and its differences (keyset paging)")
def get_run(request: HttpRequest, run_id: int, kind: Kind | None = None,  # noqa: ANN201
            after: Annotated[int, Field(ge=0)] | None = None, limit: Annotated[int, Field(ge=1, le=500)] = 100):
    run = rc.get_run(_actor(request), run_id)
    qs = rc.differences_of(run, kind)
    if after is not None:
        qs = qs.filter(pk__gt=after)
    rows = list(qs[:limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return {**run_out(run), "items": [difference_out(i) for i in rows], "next_after": rows[-1].pk if more else None}


@router.get("/reconciliations/{run_id}/export.xlsx", response={200: None, **errors(404, 422)},
            summary="A reconciliation's differences as Excel", openapi_extra={"responses": _XLSX})
def export_run(request: HttpRequest, run_id: int) -> FileResponse:
    from motcua.reports.exports import content_disposition, xlsx_file

    run = rc.get_run(_actor(request), run_id)
    fh = xlsx_file(lambda out: reconcile_xlsx.write(out, run, rc.differences_of(run)))
    resp = FileResponse(fh, content_type=reconcile_xlsx.CONTENT_TYPE)
    resp["Content-Disposition"] = content_disposition(reconcile_xlsx.file_name(run))
    resp["Cache-Control"] = "no-store"
    return resp


@router.post("/reconciliations/{run_id}/repush", response={200: RepushOut, **errors(403, 404, 409, 422)},
             summary="Send again, in full, every dossier of the run that differs (not the pending ones)")
def repush_run(request: HttpRequest, run_id: int):  # noqa: ANN201
    actor = _actor(request)
    run = rc.get_run(actor, run_id)
    if run.status in (RunStatus.QUEUED, RunStatus.RUNNING):
        raise Conflict("The reconciliation has not finished yet.")
    return {"run": run.pk, "repushed": rc.repush(actor, run)}
