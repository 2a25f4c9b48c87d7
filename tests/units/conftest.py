"""Reorganization fixtures: the test province with a few dossiers at its communes."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from motcua.dossiers import services as svc
from motcua.units.models import Reorganization


@pytest.fixture
def dossiers(world, now):  # noqa: ANN001, ANN201
    """Commune a: 2 open dossiers (one received, one started) and 1 withdrawn; commune b: 1 open."""
    a = world.actor("counter_a")
    opened = [svc.intake(a, world.intake_request()) for _ in range(2)]
    svc.start(a, opened[1].pk)
    gone = svc.intake(a, world.intake_request())
    svc.withdraw(a, gone.pk, "Công dân rút hồ sơ")
    b = svc.intake(world.actor("counter_b"), world.intake_request("b"))
    return {"open_a": [d.pk for d in opened], "finished_a": [gone.pk], "open_b": [b.pk]}


def make(kind: str, spec: dict[str, Any], effective_on: date = date(2025, 9, 10), **over: Any) -> Reorganization:
    fields: dict[str, Any] = dict(kind=kind, decision_number="1656/NQ-UBTVQH15", decision_date=date(2025, 6, 16),
                                  issuer="Ủy ban Thường vụ Quốc hội", effective_on=effective_on, spec=spec)
    fields.update(over)
    return Reorganization(**fields)
