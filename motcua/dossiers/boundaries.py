"""Intake regardless of administrative boundaries (tiếp nhận không phụ thuộc địa giới hành chính).

A counter may receive a dossier for a procedure handled by another unit: another commune, a
province department, or (where the catalog version allows it) a unit of another province. The
dossier is handled by the competent unit and its result is handed back where the applicant chose:
the receiving counter (``Dossier.return_unit`` empty), the handling unit's counter
(``return_unit``) or the post. This module holds those rules; :func:`motcua.dossiers.intake.intake`
applies them, the counter page and the portal offer their choices from them.
"""

from __future__ import annotations

from django.db.models import Q

from motcua.catalog.choices import IntakeAnywhere
from motcua.catalog.models import ProcedureVersion
from motcua.domain.errors import ValidationFailed
from motcua.units.choices import TERRITORIAL_KINDS, Role, UnitKind
from motcua.units.models import Unit

from .choices import ResultDelivery

# the values of the counter page's and the portal's "where to collect the result" choice
RETURN_AT_RECEIVING = "receiving"
RETURN_AT_HANDLING = "handling"


def _ids(path: str) -> list[int]:
    return [int(p) for p in path.strip("/").split("/") if p]


def territory_of(unit: Unit) -> Unit:
    """The nearest territorial unit (commune, district, province) holding ``unit`` (itself if it is one)."""
    if unit.kind in TERRITORIAL_KINDS:
        return unit
    ancestors = {u.pk: u for u in Unit.objects.filter(pk__in=_ids(unit.path), kind__in=TERRITORIAL_KINDS)}
    return next((ancestors[i] for i in reversed(_ids(unit.path)) if i in ancestors), unit)


def check_allowed(recv: Unit, handling: Unit, version: ProcedureVersion) -> None:
    """Refuse (field-level errors) an intake the version's ``intake_anywhere`` does not allow."""
    flag = version.intake_anywhere
    if handling.province_id != recv.province_id and flag != IntakeAnywhere.NATIONWIDE:
        raise ValidationFailed("This procedure is not received for a unit of another province.",
                               fields={"handling_unit_code": "other province: this procedure is not received "
                                                             "across provinces"})
    if flag == IntakeAnywhere.NONE and territory_of(recv).pk != territory_of(handling).pk:
        raise ValidationFailed("This procedure is received only at the competent unit's counters.",
                               fields={"receiving_unit_code": "only the competent unit's counters receive "
                                                              "this procedure"})


def handling_counters(handling: Unit) -> list[Unit]:
    """The one-stop counters of the handling unit: the service centres of its territory (a commune's
    centre; the province centre for a province department), or the unit itself if it is a centre."""
    if handling.kind == UnitKind.SERVICE_CENTRE:
        return [handling]
    home = territory_of(handling)
    centres = Unit.objects.filter(parent=home, kind=UnitKind.SERVICE_CENTRE, dissolved_on__isnull=True)
    return list(centres.order_by("path")) or [handling]


def resolve_return_unit(recv: Unit, handling: Unit, delivery: str, code: str) -> Unit | None:
    """The unit where the applicant collects the result, when not the receiving counter (None);
    ValidationFailed on ``return_unit_code`` if ``code`` names no counter of the handling unit."""
    code = (code or "").strip()
    if delivery != ResultDelivery.COUNTER or not code or code == recv.code:
        return None
    for unit in (handling, *handling_counters(handling)):
        if unit.code == code:
            return unit
    raise ValidationFailed("The result can be collected at the receiving counter or the handling unit's counter.",
                           fields={"return_unit_code": "not the receiving counter nor a counter of the handling unit"})


def return_unit_of(d) -> Unit | None:  # noqa: ANN001
    """Where the result of ``d`` is handed over: its return unit, the receiving counter, or None (post, online)."""
    if d.result_delivery != ResultDelivery.COUNTER:
        return None
    return d.return_unit if d.return_unit_id else d.receiving_unit


def returned_at_filter(paths: list[str]) -> Q:
    """Dossiers whose result is collected at a unit under ``paths`` (a counter officer's units)."""
    if not paths:
        return Q(pk__in=[])
    under = Q()
    for p in paths:
        under |= Q(path__startswith=p)
    return Q(return_unit_id__in=Unit.objects.filter(under).values("pk"))


def return_queue_filter(paths: list[str]) -> Q:
    """The "to return" queue of counters at ``paths``: received there with no other return unit, or
    to be returned there."""
    received = Q(pk__in=[])
    for p in paths:
        received |= Q(receiving_path__startswith=p)
    return (Q(return_unit__isnull=True) & received) | returned_at_filter(paths)


def counter_paths(scope) -> list[str]:  # noqa: ANN001
    return scope.paths([Role.COUNTER_OFFICER])


def competent_units(procedure_id: int) -> list[Unit]:
    """The units the procedure's internal process routes to (its ProcessStep units still in existence)."""
    from motcua.catalog.models import ProcessStep

    return list(Unit.objects.filter(pk__in=ProcessStep.objects.filter(procedure_id=procedure_id).values("unit_id"),
                                    dissolved_on__isnull=True).order_by("path"))


def competent_unit(handling: list[Unit], residence: Unit | None, receiving: Unit | None) -> Unit | None:
    """The default handling unit: the deepest competent unit holding the applicant's residence commune
    (a commune-level procedure), else the one holding the receiving counter, else the first (a
    province department)."""
    for place in (residence, receiving):
        if place is None:
            continue
        inside = [u for u in handling if place.path.startswith(u.path)]
        if inside:
            return max(inside, key=lambda u: len(u.path))
    return handling[0] if handling else None
