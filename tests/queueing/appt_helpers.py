"""Shared by the appointment tests: a service group at commune A's centre serving civil status."""

from __future__ import annotations

from datetime import datetime

from motcua.catalog.models import Field, Procedure
from motcua.core import clock
from motcua.queueing.models import Counter, ServiceGroup


def civil_status_group(world, slot_minutes: int = 30, capacity: int = 2) -> ServiceGroup:  # noqa: ANN001
    g = ServiceGroup.objects.create(unit=world.commune_centres["a"], letter="A", name="Hộ tịch",
                                    slot_minutes=slot_minutes, slot_capacity=capacity)
    g.fields.add(Field.objects.get(code="HT"))
    c = Counter.objects.create(unit=g.unit, number=1)
    c.groups.add(g)
    return g


def birth() -> Procedure:
    return Procedure.objects.get(code="1.001193")


def local(value: str) -> datetime:
    return clock.aware(datetime.fromisoformat(value))
