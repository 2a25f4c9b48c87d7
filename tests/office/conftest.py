"""Office page fixtures: signed-in clients, dossiers brought to a status through the services,
and a snapshot to assert that a refused action changed nothing."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier, DossierEvent
from tests.factories import finished


class Desk:
    """Dossiers at a given status, made through the real services."""

    def __init__(self, world: Any) -> None:
        self.world = world

    def registered(self, commune: str = "a", **over: Any) -> Dossier:
        """Registered online (status 1, waiting for the counter)."""
        return svc.intake(self.world.actor(f"counter_{commune}"), self.world.intake_request(commune, 2, **over))

    def received(self, commune: str = "a", **over: Any) -> Dossier:
        return svc.intake(self.world.actor(f"counter_{commune}"), self.world.intake_request(commune, 1, **over))

    def started(self, commune: str = "a", **over: Any) -> Dossier:
        d = self.received(commune, **over)
        return svc.start(self.world.actor(f"counter_{commune}"), d.pk)

    def at_step(self, order: int, commune: str = "a", **over: Any) -> Dossier:
        """Started and forwarded step by step (no required step is skipped) to step ``order``."""
        d = self.started(commune, **over)
        while d.current_step.order < order:
            d = svc.forward(self.world.actor(f"specialist_{commune}"), d.pk)
        return d

    def processed(self, commune: str = "a") -> Dossier:
        d = self.started(commune)
        return finished(self.world, d.pk, commune)


@pytest.fixture
def desk(world, now) -> Desk:  # noqa: ANN001
    return Desk(world)


def snapshot(d: Dossier) -> tuple[Any, ...]:
    d.refresh_from_db()
    return (d.status, d.row_version, d.current_step_id, DossierEvent.objects.filter(dossier=d).count())
