"""Units API: the unit tree (names and codes are public information)."""

from __future__ import annotations

from ninja import Router, Schema

from motcua.api.docs import errors
from motcua.dossiers.schemas import Text

from .models import Unit

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
