"""The figures that come from stored files rather than from the event log: which received dossiers
had components to digitize and whether all of them were scanned, and which processed dossiers have
an electronic result. Both statistics paths ask these two questions: the event-log computation at
read time, the read model when it applies a dossier (a trigger on the files table queues it)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from motcua.dossiers.models import DossierComponent, DossierFile


def province_stores(province_id: int, basis: str = "handling") -> tuple[bool, bool]:
    """Does the province store component scans / result files at all (matched on the handling or
    receiving path)? A province that stores none has no data: those rates are N/A, not 0%."""
    root = Q(**{f"dossier__{basis}_path__startswith": f"/{province_id}/"})
    return (DossierFile.objects.filter(root, kind="component").exists(),
            DossierFile.objects.filter(root, kind="result").exists())


def digitization(dossiers: Any) -> tuple[set[int], set[int]]:
    """(digitizable, digitized) among ``dossiers`` (ids, or a queryset of ``dossier_id`` values):
    dossiers with components that must be digitized, and those whose every such component has a file."""
    digitizable: set[int] = set()
    digitized: set[int] = set()
    rows = (DossierComponent.objects.filter(dossier_id__in=dossiers, component__must_digitize=True)
            .values("dossier_id").annotate(n=Count("id", distinct=True),
                                           scanned=Count("id", filter=Q(files__isnull=False), distinct=True)))
    for r in rows:
        digitizable.add(r["dossier_id"])
        if r["scanned"] == r["n"]:
            digitized.add(r["dossier_id"])
    return digitizable, digitized


def with_result_file(dossiers: Any) -> set[int]:
    """Those of ``dossiers`` that have a stored result file."""
    return set(DossierFile.objects.filter(dossier_id__in=dossiers, kind="result")
               .values_list("dossier_id", flat=True).distinct())
