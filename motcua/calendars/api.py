"""Calendar API: working days of a province, and declaring a day off or a make-up day."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from ninja import Router, Schema
from pydantic import Field

from motcua.domain.errors import NotFound, PermissionDenied, ValidationFailed
from motcua.dossiers.schemas import InputSchema, Text
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


@router.get("/{province}/days", response=list[DayOut], auth=None, summary="Working days in a range")
def days(request, province: Text, start: date, end: date):  # noqa: ANN001, ANN201
    if end < start or (end - start).days > 400:
        raise ValidationFailed("Invalid range.", fields={"end": "after start, at most 400 days"})
    if start.year < services.FIRST_YEAR or end.year > services.LAST_YEAR:
        raise ValidationFailed("Outside the working calendar.",
                               fields={"start" if start.year < services.FIRST_YEAR else "end":
                                       f"within {services.FIRST_YEAR}-{services.LAST_YEAR}"})
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


@router.post("/{province}/overrides", response=OverrideOut, summary="Declare a day off or a make-up day")
def declare(request, province: Text, payload: OverrideIn):  # noqa: ANN001, ANN201
    p = _province(province)
    if not Actor.of(request.user).scope.has_role(Role.ADMIN, p.path):
        raise PermissionDenied("Administrators of this province only.")
    return services.declare_day(p.pk, payload.date, payload.kind, payload.name, payload.decision)
