"""Calendar API: working days of a province, and declaring a day off or a make-up day."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Literal

from ninja import Router, Schema, Status
from pydantic import Field

from motcua.api.docs import errors
from motcua.domain.errors import NotFound, PermissionDenied, ValidationFailed
from motcua.dossiers.schemas import CalendarDate, InputSchema, Text
from motcua.dossiers.services import Actor
from motcua.units.choices import Role, UnitKind
from motcua.units.models import Unit

from . import services

router = Router()


def _province(code: str) -> Unit:
    u = Unit.objects.filter(code=code, kind=UnitKind.PROVINCE).first()
    if u is None:
        raise NotFound("Unknown province.")
    return u


class DayOut(Schema):
    date: date
    working: bool


@router.get("/{province}/days", response={200: list[DayOut], **errors(404, 422, public=True)}, auth=None,
            summary="Working days in a range (at most 400 days, end not before start)")
def days(request, province: Text, start: CalendarDate, end: CalendarDate):  # noqa: ANN001, ANN201
    if end < start or (end - start).days > 400:
        raise ValidationFailed("Invalid range.", fields={"end": "after start, at most 400 days"})
    cal = services.calendar_for(_province(province).pk)
    out, d = [], start
    while d <= end:
        out.append({"date": d, "working": cal.is_working_day(d)})
        d += timedelta(days=1)
    return out


class OverrideIn(InputSchema):
    date: date
    kind: Literal["holiday", "working_day"]
    name: str = Field(min_length=1, max_length=200)
    decision: str = Field(min_length=1, max_length=255)


class OverrideOut(Schema):
    date: date
    kind: str
    name: str
    decision: str
    open_dossiers: int = 0  # open dossiers of the province, recomputed
    changed_due: int = 0  # of which the due time moved


def _admin_province(request, province: str) -> Unit:  # noqa: ANN001
    p = _province(province)
    if not Actor.of(request.user).scope.has_role(Role.ADMIN, p.path):
        raise PermissionDenied("Administrators of this province only.")
    return p


@router.post("/{province}/overrides", response={201: OverrideOut, **errors(403, 404, 422)},
             summary="Declare a day off or a make-up day (from tomorrow on)")
def declare(request, province: Text, payload: OverrideIn):  # noqa: ANN001, ANN201
    """A day that has begun or passed is refused (422, field ``date``): finished dossiers keep
    their verdicts. The answer says how many open dossiers changed due time."""
    p = _admin_province(request, province)
    ch = services.declare(p.pk, payload.date, payload.kind, payload.name, payload.decision, by=request.user)
    o = ch.obj
    return Status(201, {"date": o.date, "kind": o.kind, "name": o.name, "decision": o.decision,
                        "open_dossiers": ch.scanned, "changed_due": ch.changed})


class SettingsVersionOut(Schema):
    effective_from: date
    morning_start: time
    morning_end: time
    afternoon_start: time
    afternoon_end: time
    cutoff_enabled: bool
    cutoff: time
    decision: str


@router.get("/{province}/settings", response={200: list[SettingsVersionOut], **errors(404, 422, public=True)},
            auth=None, summary="Office hours and cut-off, by period")
def settings_versions(request, province: Text):  # noqa: ANN001, ANN201
    return services.versions_of(_province(province).pk)


class SettingsIn(InputSchema):
    effective_from: date
    decision: str = Field(min_length=1, max_length=255)
    morning_start: time | None = None
    morning_end: time | None = None
    afternoon_start: time | None = None
    afternoon_end: time | None = None
    cutoff_enabled: bool | None = None
    cutoff: time | None = None


class SettingsChangeOut(SettingsVersionOut):
    open_dossiers: int = 0
    changed_due: int = 0


@router.post("/{province}/settings", response={201: SettingsChangeOut, **errors(403, 404, 422)},
             summary="Change office hours or the cut-off from a future date")
def change_settings(request, province: Text, payload: SettingsIn):  # noqa: ANN001, ANN201
    """``effective_from`` must be tomorrow or later (422, field ``effective_from``); fields left
    out keep the values in force the day before. Posting again for the same date edits that
    future version."""
    p = _admin_province(request, province)
    values = payload.dict(exclude={"effective_from", "decision"}, exclude_none=True)
    ch = services.change_settings(p.pk, payload.effective_from, payload.decision, by=request.user, **values)
    v = ch.obj
    return Status(201, {**{f: getattr(v, f) for f in ("effective_from", *services.SETTINGS_FIELDS, "decision")},
                        "open_dossiers": ch.scanned, "changed_due": ch.changed})
