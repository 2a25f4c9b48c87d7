"""Read-side helpers of the counter intake page: procedure search, the units to offer, the
component checklist of the version in force, and the due time preview computed by the domain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q

from motcua.catalog.choices import Channel
from motcua.catalog.models import Component, Procedure, ProcedureVersion, ProcessStep
from motcua.catalog.services import in_force_on, procedures_in_force
from motcua.core import clock
from motcua.dossiers import services as svc
from motcua.units.choices import Role
from motcua.units.models import Unit

SEARCH_LIMIT = 10


def search_procedures(text: str) -> list[ProcedureVersion]:
    """Versions in force today whose procedure code starts with, or name contains, ``text``."""
    text = text.strip()
    if not text:
        return []
    qs = procedures_in_force(clock.local_date(clock.now())).select_related("procedure")
    qs = qs.filter(Q(procedure__code__istartswith=text) | Q(name__icontains=text) | Q(procedure__name__icontains=text))
    return list(qs.order_by("procedure__code")[:SEARCH_LIMIT])


@dataclass
class Setup:
    """What the intake form offers for one procedure and one counter officer."""

    procedure: Procedure
    version: ProcedureVersion
    components: list[Component]
    receiving: list[Unit]
    handling: list[Unit]


def setup(actor: svc.Actor, procedure_code: str) -> Setup | None:
    """The intake form's data, or None if the procedure is unknown or not in force today."""
    version = in_force_on(procedure_code, clock.local_date(clock.now()))
    if version is None:
        return None
    proc = version.procedure
    counter_ids = [u for r, _, u in actor.scope.roles if r == Role.COUNTER_OFFICER]
    receiving = list(Unit.objects.filter(pk__in=counter_ids, dissolved_on__isnull=True).order_by("path"))
    handling = list(Unit.objects.filter(pk__in=ProcessStep.objects.filter(procedure=proc).values("unit_id"),
                                        dissolved_on__isnull=True).order_by("path"))
    return Setup(proc, version, list(version.components.order_by("order")), receiving, handling)


def default_handling(receiving: Unit | None, handling: list[Unit]) -> int | None:
    """The handling unit whose subtree holds the receiving unit (its commune), else the first."""
    if not handling:
        return None
    if receiving is not None:
        inside = [u for u in handling if receiving.path.startswith(u.path)]
        if inside:
            return max(inside, key=lambda u: len(u.path)).pk
    return handling[0].pk


def preview_due(version: ProcedureVersion, receiving: Unit, at: datetime | None = None) -> list[dict[str, Any]]:
    """The explained due time of a dossier received now at the counter (nothing is saved)."""
    return svc.preview_due(version, receiving, Channel.DIRECT, at)
