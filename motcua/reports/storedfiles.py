"""The figures that come from the digitization marks and the signed results rather than from the
event log (issue 10, parts 5 and 8):

- at receipt: the dossier has components the catalog says must be digitized (Circular 01/2023)
  and whether every one of them is marked digitized; whether any / every component it has is
  marked digitized;
- at the end of processing: whether its result is marked digitized (motcua/digitization
  ``DigitizedResult``: the signed electronic result or a scan of the paper one) and whether it has
  a signed electronic result (an approval with a signed file, Decree 45/2020).

Both statistics paths ask these questions: the event-log computation at read time, the read model
when it applies a dossier (triggers on the files, components and digitized results queue it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from motcua.dossiers.models import Approval, DossierComponent, DossierFile


def province_stores(province_id: int, basis: str = "handling") -> tuple[bool, bool]:
    """Does the province store component scans / result files at all (matched on the handling or
    receiving path)? A province that stores none does not use motcua for them: those rates are N/A,
    not 0%. (Every digitization mark has its file, so a province with marks stores files.)"""
    root = Q(**{f"dossier__{basis}_path__startswith": f"/{province_id}/"})
    return (DossierFile.objects.filter(root, kind="component").exists(),
            DossierFile.objects.filter(root, kind="result").exists())


@dataclass
class Marks:
    """Dossier ids by what their components' digitization marks say."""

    digitizable: set[int] = field(default_factory=set)  # has components that must be digitized
    digitized: set[int] = field(default_factory=set)  # ... every one of them marked digitized
    any: set[int] = field(default_factory=set)  # at least one component marked digitized
    all: set[int] = field(default_factory=set)  # has components, every one marked digitized


def digitization(dossiers: Any) -> Marks:
    """The component marks of ``dossiers`` (ids, or a queryset of ``dossier_id`` values)."""
    out = Marks()
    done = Q(digitized_at__isnull=False)
    must = Q(component__must_digitize=True)
    rows = (DossierComponent.objects.filter(dossier_id__in=dossiers).values("dossier_id")
            .annotate(n=Count("id"), marked=Count("id", filter=done), must=Count("id", filter=must),
                      must_marked=Count("id", filter=must & done)))
    for r in rows:
        i = r["dossier_id"]
        if r["must"]:
            out.digitizable.add(i)
            if r["must_marked"] == r["must"]:
                out.digitized.add(i)
        if r["marked"]:
            out.any.add(i)
            if r["marked"] == r["n"]:
                out.all.add(i)
    return out


def digitized_results(dossiers: Any) -> set[int]:
    """Those of ``dossiers`` whose result is marked digitized."""
    from motcua.digitization.models import DigitizedResult

    return set(DigitizedResult.objects.filter(dossier_id__in=dossiers).values_list("dossier_id", flat=True))


def electronic_results(dossiers: Any) -> set[int]:
    """Those of ``dossiers`` with a signed electronic result (an approval whose signed file is stored)."""
    return set(Approval.objects.filter(dossier_id__in=dossiers, signature_status="signed",
                                       signed_document__isnull=False)
               .values_list("dossier_id", flat=True).distinct())


def counted_marks(paths: list[str], start: Any, end: Any, procedures: list[int] | None, channel: int | None,
                  components: bool = True, results: bool = True) -> dict[str, dict[str, int]]:
    """``digitized_any`` / ``digitized_all`` (received in ``[start, end)``: first INTAKE or RECEIVE
    event) and ``result_digitized`` (processed in it: first FINISH event) per subtree path, for a
    read model that has no columns for them yet (until reports migration 0006): the same sets as the
    event-log computation, from the events and the marks (one query each; skipped where the
    province stores no component scans / result files: those figures are not shown then)."""
    from motcua.dossiers.models import Dossier

    dossiers = Dossier.objects.filter(handling_path__startswith=min(paths, key=len))
    if procedures is not None:
        dossiers = dossiers.filter(procedure_id__in=procedures)
    if channel is not None:
        dossiers = dossiers.filter(channel=channel)
    out = {p: {"digitized_any": 0, "digitized_all": 0, "result_digitized": 0} for p in paths}
    found: list[tuple[str, str]] = []
    if components:
        for path, unmarked in _received_marked(dossiers, start, end):
            found += [("digitized_any", path)] + ([] if unmarked else [("digitized_all", path)])
    if results:
        found += [("result_digitized", path) for path in _processed_digitized(dossiers, start, end)]
    for key, path in found:
        for p in paths:
            if path.startswith(p):
                out[p][key] += 1
    return out


def _received_marked(dossiers: Any, start: Any, end: Any) -> Any:
    """(handling path, unmarked components) of the dossiers with a marked component, received in the period."""
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from motcua.domain.lifecycle import Action
    from motcua.dossiers.models import DossierEvent

    receipt = (Action.INTAKE.value, Action.RECEIVE.value)
    first = DossierEvent.objects.filter(dossier=OuterRef("pk"), action__in=receipt).order_by("at").values("at")[:1]
    unmarked = (DossierComponent.objects.filter(dossier=OuterRef("pk"), digitized_at__isnull=True).values("dossier")
                .annotate(c=Count("id")).values("c"))
    marked = DossierComponent.objects.filter(digitized_at__isnull=False).values("dossier_id")
    return (dossiers.filter(pk__in=marked).annotate(first=Subquery(first), unmarked=Coalesce(Subquery(unmarked), 0))
            .filter(first__gte=start, first__lt=end).values_list("handling_path", "unmarked"))


def _processed_digitized(dossiers: Any, start: Any, end: Any) -> list[str]:
    """Handling paths of the dossiers with a digitized result first finished in the period."""
    from django.db.models import Min

    from motcua.digitization.models import DigitizedResult
    from motcua.domain.lifecycle import Action
    from motcua.dossiers.models import DossierEvent

    rows = (DossierEvent.objects.filter(action=Action.FINISH.value,
                                        dossier__in=dossiers.filter(pk__in=DigitizedResult.objects.values("dossier_id")))
            .values("dossier_id", "dossier__handling_path").annotate(first=Min("at"))
            .filter(first__gte=start, first__lt=end))
    return [r["dossier__handling_path"] for r in rows]
