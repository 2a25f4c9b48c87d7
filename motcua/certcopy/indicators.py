"""The Decision 766 measure ``electronic_certified_copies`` (digitization group, "Chứng thực bản sao điện tử").

Population: the unit's dossiers (handling path, as every figure) of the procedures that certify a copy
from an original (:data:`COPY_PROCEDURES`: the electronic one of this app and the paper ones of the
national catalog, 2.000815 and 2.000843) resolved in the period (processed or returned, end of
processing inside it). Numerator: those whose result is an electronic certified copy, i.e. an entry
of the register of electronic certified copies with a stored copy. 0 of 0 is N/A."""

from __future__ import annotations

from typing import Any

from motcua.domain import indicators as ind
from motcua.domain.lifecycle import Status

from .services import PROCEDURE_CODE

COPY_PROCEDURES = (PROCEDURE_CODE, "2.000815", "2.000843")


def copy_measures(unit: Any, period: Any) -> dict[str, ind.Measure]:
    from django.db.models import Exists, OuterRef

    from motcua.dossiers.models import Dossier

    from .models import CertifiedCopy, CopyKind

    electronic = CertifiedCopy.objects.filter(dossier=OuterRef("pk"), kind=CopyKind.ELECTRONIC, file__isnull=False)
    qs = (Dossier.objects.filter(handling_path__startswith=unit.path, procedure__code__in=COPY_PROCEDURES,
                                 status__in=(Status.PROCESSED, Status.RETURNED), ended_at__gte=period.start,
                                 ended_at__lt=period.end)
          .annotate(e_copy=Exists(electronic)))
    total = qs.count()
    done = qs.filter(e_copy=True).count() if total else 0
    return {"electronic_certified_copies": ind.Measure(done, total)}
