"""Read-side helpers of the counter intake page: procedure search, the units to offer, the
component checklist of the version in force, and the due time preview computed by the domain."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q

from motcua.catalog.choices import Channel, IntakeAnywhere, Level
from motcua.catalog.models import Component, Procedure, ProcedureVersion, ProcessStep
from motcua.catalog.services import in_force_on, procedures_in_force
from motcua.core import clock
from motcua.domain.lifecycle import Action
from motcua.dossiers import boundaries
from motcua.dossiers import services as svc
from motcua.dossiers.models import DossierEvent
from motcua.portal import catalog
from motcua.units.choices import Role, UnitKind
from motcua.units.models import Unit

SEARCH_LIMIT = 10


def search_procedures(text: str) -> list[ProcedureVersion]:
    """Versions in force today whose procedure code starts with, or name or keywords contain,
    ``text``, accent- and case-insensitive: the portal catalog's own search ("khai sinh" finds
    "Đăng ký khai sinh")."""
    text = text.strip()
    if not text:
        return []
    found = catalog.search(catalog.CatalogQuery(q=text))[:SEARCH_LIMIT]
    _with_competent_units(found)
    return found


FREQUENT_DAYS = 90
FREQUENT_LIMIT = 6


def frequent_procedures(actor: svc.Actor, limit: int = FREQUENT_LIMIT) -> list[ProcedureVersion]:
    """The procedures this officer received most often at the counter in the last 90 days (their
    own intake and receive events), most frequent first, as the versions in force today."""
    if actor.user_id is None:
        return []
    since = clock.now() - timedelta(days=FREQUENT_DAYS)
    top = (DossierEvent.objects.filter(actor_id=actor.user_id, at__gte=since,
                                       action__in=(Action.INTAKE.value, Action.RECEIVE.value))
           .values("dossier__procedure_id").annotate(n=Count("pk")).order_by("-n", "dossier__procedure_id")
           .values_list("dossier__procedure_id", flat=True)[: limit * 2])  # some may be out of force
    ranks = {pk: i for i, pk in enumerate(top)}
    if not ranks:
        return []
    versions = procedures_in_force(clock.local_date(clock.now())).filter(procedure_id__in=list(ranks))
    return sorted(versions.select_related("procedure"), key=lambda v: ranks[v.procedure_id])[:limit]


def _with_competent_units(versions: list[ProcedureVersion]) -> None:
    """Set ``competent`` on each version: the names of the units its process routes to (one query)."""
    pairs = (ProcessStep.objects.filter(procedure_id__in=[v.procedure_id for v in versions],
                                        unit__dissolved_on__isnull=True)
             .values_list("procedure_id", "unit__name").distinct().order_by("procedure_id", "unit__path"))
    names: dict[int, list[str]] = {}
    for proc_id, name in pairs:
        names.setdefault(proc_id, []).append(name)
    for v in versions:
        v.competent = names.get(v.procedure_id, [])  # type: ignore[attr-defined]


@dataclass
class Setup:
    """What the intake form offers for one procedure and one counter officer."""

    procedure: Procedure
    version: ProcedureVersion
    components: list[Component]
    receiving: list[Unit]
    handling: list[Unit]
    # the communes an applicant may live in, to route a commune-level procedure to the competent
    # commune (intake regardless of administrative boundaries); empty for a province-level one
    residences: list[Unit] = field(default_factory=list)
    province_level: bool = False  # not a commune-level procedure: routed to the department by default


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
    handling = _allowed_handling(version, receiving, handling)
    if Level.COMMUNE not in (proc.levels or []):  # a province-level procedure: its department(s) first
        handling.sort(key=lambda u: (boundaries.territory_of(u).kind != UnitKind.PROVINCE, u.path))
        return Setup(proc, version, list(version.components.order_by("order")), receiving, handling,
                     province_level=True)
    return Setup(proc, version, list(version.components.order_by("order")), receiving, handling,
                 _residences(handling))


def _allowed_handling(version: ProcedureVersion, receiving: list[Unit], handling: list[Unit]) -> list[Unit]:
    """The competent units the counters may route to, as the version's ``intake_anywhere`` allows:
    those of the counters' own territory, of their province, or of every province."""
    if not receiving or version.intake_anywhere == IntakeAnywhere.NATIONWIDE:
        return handling
    if version.intake_anywhere == IntakeAnywhere.NONE:
        homes = {boundaries.territory_of(u).pk for u in receiving}
        return [u for u in handling if boundaries.territory_of(u).pk in homes]
    provinces = {u.province_id for u in receiving}
    return [u for u in handling if u.province_id in provinces]


def _residences(handling: list[Unit]) -> list[Unit]:
    """The communes inside the competent units (a commune-level procedure has several): the
    applicant's residence picks the one that handles the dossier."""
    if len(handling) < 2:
        return []
    under = Q(pk__in=[])
    for u in handling:
        under |= Q(path__startswith=u.path)
    return list(Unit.objects.filter(under, kind=UnitKind.COMMUNE, dissolved_on__isnull=True).order_by("name"))


def default_handling(receiving: Unit | None, handling: list[Unit], residence: Unit | None = None) -> int | None:
    """The competent unit holding the applicant's residence commune, else the one whose subtree holds
    the receiving unit (its commune), else the first (a province department)."""
    unit = boundaries.competent_unit(handling, residence, receiving)
    return unit.pk if unit else None


def preview_due(version: ProcedureVersion, receiving: Unit, at: datetime | None = None,
                channel: int = Channel.DIRECT) -> list[dict[str, Any]]:
    """The explained due time of a dossier received now at the counter (nothing is saved)."""
    return svc.preview_due(version, receiving, channel, at)
