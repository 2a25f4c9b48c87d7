"""Intake regardless of administrative boundaries: the test world grows a third commune (whose
staff must see nothing of the others' dossiers) and a second province with a competent commune
(cross-province intake, where the catalog version allows it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from motcua.catalog.models import ProcedureVersion
from motcua.catalog.services import attach_default_process
from motcua.domain.lifecycle import Status
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier
from motcua.units.choices import Role, UnitKind
from motcua.units.models import Unit
from tests.factories import CATALOG, World, _proc, _user, finished
from tests.portal.conftest import citizens  # noqa: F401 - the portal's citizens with profiles


def _commune(code: str, name: str, parent: Unit) -> tuple[Unit, Unit]:
    commune = Unit.objects.create(code=code, name=name, kind=UnitKind.COMMUNE, parent=parent)
    centre = Unit.objects.create(code=code.replace(".10.", ".90."), name=f"TTPVHCC {name.lower()}",
                                 kind=UnitKind.SERVICE_CENTRE, parent=commune)
    commune.refresh_from_db()
    centre.refresh_from_db()
    return commune, centre


def _staff(world: World, key: str, commune: Unit, centre: Unit) -> None:
    world.users[f"counter_{key}"] = _user(f"counter_{key}", centre, Role.COUNTER_OFFICER)
    world.users[f"specialist_{key}"] = _user(f"specialist_{key}", commune, Role.SPECIALIST)
    world.users[f"leader_{key}"] = _user(f"leader_{key}", commune, Role.LEADER)


@dataclass
class Across:
    """The world with commune C (province 68) and commune X of province 79, both competent for
    the birth registration (1.001193)."""

    world: World
    other_province: Unit

    def actor(self, username: str) -> svc.Actor:
        return self.world.actor(username)

    def flag(self, value: str, code: str = "1.001193") -> None:
        ProcedureVersion.objects.filter(procedure__code=code).update(intake_anywhere=value)
        from motcua.core import refcache

        refcache.clear()  # the versions are reference data cached per process

    def receive(self, counter: str = "a", handling: str = "b", procedure: str = "1.001193",
                **over: Any) -> Dossier:
        """Received at ``counter``'s centre for the unit ``handling`` (a commune key, "x" or "department")."""
        w = self.world
        unit = w.department if handling == "department" else w.communes[handling]
        req = w.intake_request(counter, handling_unit_code=unit.code, **over)
        if procedure != "1.001193":
            from motcua.catalog.models import Component

            comp = Component.objects.get(version__procedure__code=procedure)
            req.procedure_code = procedure
            req.components = [svc.ComponentInput(component_id=comp.pk, originals=1, copies=1)]
        return svc.intake(self.actor(f"counter_{counter}"), req)

    def start(self, d: Dossier) -> Dossier:
        """The receiving counter collects the fee due at intake (cash) and hands the dossier on."""
        from motcua.fees.services import collect_cash

        counter = self.actor("counter_" + {u.pk: k for k, u in self.world.commune_centres.items()}[d.receiving_unit_id])
        d.refresh_from_db()
        if d.fees_due > d.fees_paid:
            collect_cash(counter, d.pk, d.fees_due - d.fees_paid, d.applicant_name)
        return svc.start(counter, d.pk)

    def processed(self, d: Dossier, handler: str) -> Dossier:
        """Started by the receiving counter, handled by ``handler``'s staff ("b", "p") to the result."""
        d.refresh_from_db()
        if d.status == Status.RECEIVED:
            self.start(d)
        return finished(self.world, d.pk, handler)


@pytest.fixture
def across(world, now) -> Across:  # noqa: ANN001
    c, centre_c = _commune("000.33.10.H39", "Xã C", world.province)
    world.communes["c"], world.commune_centres["c"] = c, centre_c
    _staff(world, "c", c, centre_c)
    p2 = Unit.objects.create(code="79", name="Thành phố Hồ Chí Minh", kind=UnitKind.PROVINCE)
    p2.refresh_from_db()
    x, centre_x = _commune("000.41.10.H29", "Phường X", p2)
    world.communes["x"], world.commune_centres["x"] = x, centre_x
    _staff(world, "x", x, centre_x)
    attach_default_process(_proc("1.001193"), CATALOG["procedures"][0]["process"], [c.pk, x.pk])
    return Across(world, p2)
