"""The Decision 766 measures of the document store, for a unit and period (registered in
``motcua.reports.index766.MEASURE_PROVIDERS``). The population is, as for every figure, the unit's
dossiers (handling path) submitted in the period.

- ``digitized_data_reused`` ("khai thác, sử dụng lại dữ liệu số hóa"): dossiers that reused at least one
  stored document / dossiers that *could* have: a component of a type of which the applicant already held
  a valid stored document when the dossier was submitted (stored before, not withdrawn, not expired that
  day), plus those that reused one. The denominator is not "all dossiers": a dossier whose applicant held
  nothing reusable had nothing to reuse, and counting it would score the store's youth, not the offices'
  use of it.
- ``citizen_store_linked`` ("kết nối kho dữ liệu của công dân"): dossiers whose every digitized document
  and every issued signed result is in the applicant's store (stored from it, or itself a reuse of a stored
  document) / dossiers with at least one digitized document or a signed result issued (processed or
  returned). A "document" is a component of a document type (a paper the citizen holds: CCCD, birth
  certificate...); a digitized application form (tờ khai) is part of the dossier, not a paper of the
  citizen's, and is not counted. A dossier without an applicant ID number cannot be linked and counts in
  the denominator only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import TruncDate

from motcua.core.clock import LOCAL_TZ
from motcua.domain import indicators as ind

from .choices import Source


def _population(unit: Any, period: Any) -> Any:
    from motcua.dossiers.models import Dossier

    return Dossier.objects.filter(handling_path__startswith=unit.path, submitted_at__gte=period.start,
                                  submitted_at__lt=period.end)


def reuse_measure(unit: Any, period: Any) -> ind.Measure:
    from motcua.dossiers.models import DossierComponent

    from .models import Reuse, StoredDocument

    # only applicants who hold something can have reused or could reuse (an uncorrelated semi-join first)
    population = _population(unit, period).exclude(applicant_id_number="").filter(
        applicant_id_number__in=StoredDocument.objects.values("holder"))
    held = StoredDocument.objects.filter(
        holder=OuterRef("dossier__applicant_id_number"), document_type=OuterRef("component__document_type"),
        created_at__lt=OuterRef("dossier__submitted_at"), withdrawn=False,
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=OuterRef("submitted_day")))
    could = set(DossierComponent.objects.filter(dossier__in=population, component__document_type__gt="")
                .annotate(submitted_day=TruncDate("dossier__submitted_at", tzinfo=LOCAL_TZ))
                .filter(Exists(held)).values_list("dossier_id", flat=True))
    reused = set(Reuse.objects.filter(dossier__in=population).values_list("dossier_id", flat=True))
    return ind.Measure(len(reused), len(could | reused))


def linked_measure(unit: Any, period: Any) -> ind.Measure:
    """Plain set queries (semi-joins on the population) combined here: correlated per-dossier subplans would
    make PostgreSQL's cost estimate large enough to JIT-compile the query, which costs more than running it."""
    from motcua.dossiers.models import Approval, DossierComponent

    from .models import Reuse, StoredDocument

    population = _population(unit, period)
    digitized = DossierComponent.objects.filter(dossier__in=population, digitized_at__isnull=False,
                                                component__document_type__gt="")
    with_digitized = set(digitized.values_list("dossier_id", flat=True))
    gaps = set(digitized.exclude(pk__in=StoredDocument.objects.filter(source_component__isnull=False)
                                 .values("source_component_id"))
               .exclude(pk__in=Reuse.objects.values("component_id")).values_list("dossier_id", flat=True))
    issued = set(Approval.objects.filter(dossier__in=population.filter(status__in=[9, 10]), signature_status="signed",
                                         signed_document__isnull=False).values_list("dossier_id", flat=True))
    stored = set(StoredDocument.objects.filter(source_dossier__in=population,
                                               source__in=[Source.E_RESULT, Source.CERTIFIED_COPY])
                 .values_list("source_dossier_id", flat=True))
    candidates = with_digitized | issued
    linked = candidates - gaps - (issued - stored)
    return ind.Measure(len(linked), len(candidates))


def store_measures(unit: Any, period: Any) -> dict[str, ind.Measure]:
    return {"digitized_data_reused": reuse_measure(unit, period),
            "citizen_store_linked": linked_measure(unit, period)}
