"""/api/v1/integrations/national-portal/catalog: the national catalog codes and the mapping of
local procedures to them (administrators only).

``GET procedures`` lists the national procedures pulled from the portal; ``GET mappings`` lists
local procedures with their national code and state (mapped, unknown: a code the national list
does not have, unmapped: no code, nothing of it can be synced); ``PUT mappings/{code}`` sets one
procedure's national code (refused with a field error, nothing changed, for a code the national
catalog does not have); ``POST pull`` enqueues a refresh of the national catalog for the worker.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from django.db.models import Q
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from motcua.api.docs import NO_CONTROL, errors
from motcua.catalog.models import Procedure
from motcua.domain.errors import Conflict, NotFound
from motcua.dossiers.services import Actor

from . import catalog_pull as cp
from . import jobs, tasks
from .models import NationalProcedure

router = Router()
State = Literal["mapped", "unknown", "unmapped"]


class NationalProcedureOut(Schema):
    code: str
    name: str
    field_code: str
    field_name: str
    pulled_at: datetime


class MappingOut(Schema):
    code: str  # the local procedure's code
    name: str
    national_code: str  # blank: not mapped
    national_name: str  # the national procedure's name, when known
    state: State
    state_label: str
    suggestions: list[str]  # national codes whose name is closest (unmapped procedures only)


class MappingIn(Schema):
    national_code: Annotated[str, Field(max_length=40, pattern=NO_CONTROL,
                                        description="MaTTHC of the national database; blank unmaps")]


class MappingSaved(MappingOut):
    repushed: int  # dossiers of the procedure whose failed sync was enqueued again


class PullOut(Schema):
    queued: bool


def _actor(request: HttpRequest) -> Actor:
    actor = Actor.of(request.user)
    cp.require_admin(actor)
    return actor


def _out(row: cp.MappingRow) -> dict:
    p = row.procedure
    return {"code": p.code, "name": p.name, "national_code": p.national_code,
            "national_name": row.national.name if row.national else "", "state": row.state,
            "state_label": row.state_text, "suggestions": [s.code for s in row.suggestions]}


@router.get("/procedures", response={200: list[NationalProcedureOut], **errors(403, 422)},
            summary="The national procedures pulled from the portal (LayDanhSachTTHC)")
def list_national(request: HttpRequest, q: Annotated[str, Field(max_length=100, pattern=NO_CONTROL)] = "",  # noqa: ANN201
                  limit: Annotated[int, Field(ge=1, le=5000)] = 1000):
    _actor(request)
    qs = NationalProcedure.objects.order_by("code")
    if q:
        qs = qs.filter(Q(code__startswith=q) | Q(name__icontains=q))
    return list(qs[:limit])


@router.get("/mappings", response={200: list[MappingOut], **errors(403, 422)},
            summary="Local procedures with their national code and mapping state")
def list_mappings(request: HttpRequest, state: State | None = None, suggestions: bool = False):  # noqa: ANN201
    _actor(request)
    rows = cp.mapping_rows(only_unmapped=state == "unmapped")
    if state:
        rows = [r for r in rows if r.state == state]
    if suggestions:
        cp.add_suggestions(rows)
    return [_out(r) for r in rows]


@router.put("/mappings/{code}", response={200: MappingSaved, **errors(403, 404, 422)},
            summary="Set (or clear) a local procedure's national code; its failed syncs are sent again")
def put_mapping(request: HttpRequest, code: str, payload: MappingIn):  # noqa: ANN201
    actor = _actor(request)
    proc = Procedure.objects.filter(code=code[:40]).first()
    if proc is None:
        raise NotFound("No procedure with this code.")
    n = cp.set_mapping(actor, proc, payload.national_code, jobs.portal())
    return {**_out(cp.row_of(proc)), "repushed": n}


@router.post("/pull", response={202: PullOut, **errors(403, 409)},
             summary="Refresh the national catalog from the portal (runs in the worker)")
def pull(request: HttpRequest):  # noqa: ANN201
    _actor(request)
    if not jobs.enabled():
        raise Conflict("The national portal integration is off.")
    tasks.pull_catalog.enqueue()
    return Status(202, {"queued": True})
