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


def _population(unit: Any, period: Any) -> Any:
    from motcua.dossiers.models import Dossier

    return Dossier.objects.filter(handling_path__startswith=unit.path, submitted_at__gte=period.start,
                                  submitted_at__lt=period.end)


def reuse_measure(unit: Any, period: Any) -> ind.Measure:
    from motcua.dossiers.models import DossierComponent

    from .models import Reuse, StoredDocument

    held = StoredDocument.objects.filter(
        holder=OuterRef(OuterRef("applicant_id_number")), document_type=OuterRef("component__document_type"),
        created_at__lt=OuterRef(OuterRef("submitted_at")), withdrawn=False,
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=OuterRef(OuterRef("submitted_day"))))
    could = DossierComponent.objects.filter(dossier=OuterRef("pk"), component__document_type__gt="").filter(
        Exists(held))
    reused = Reuse.objects.filter(dossier=OuterRef("pk"))
    # only applicants who hold something can have reused or could reuse (an uncorrelated, hashed semi-join
    # first: the correlated checks then run on returning holders only)
    qs = _population(unit, period).exclude(applicant_id_number="").filter(
        applicant_id_number__in=StoredDocument.objects.values("holder")).annotate(
        submitted_day=TruncDate("submitted_at", tzinfo=LOCAL_TZ)).annotate(
        could=Exists(could), reused=Exists(reused)).filter(Q(could=True) | Q(reused=True))
    rows = list(qs.values_list("reused", flat=True))
    return ind.Measure(sum(1 for r in rows if r), len(rows))


def linked_measure(unit: Any, period: Any) -> ind.Measure:
    from motcua.dossiers.models import Approval, DossierComponent

    from .models import Reuse, StoredDocument

    digitized = DossierComponent.objects.filter(dossier=OuterRef("pk"), digitized_at__isnull=False,
                                                component__document_type__gt="")
    stored_comp = StoredDocument.objects.filter(source_component=OuterRef("pk"))
    reused_comp = Reuse.objects.filter(component=OuterRef("pk"))
    unlinked_comp = digitized.filter(~Exists(stored_comp) & ~Exists(reused_comp))
    issued = Approval.objects.filter(dossier=OuterRef("pk"), signature_status="signed",
                                     signed_document__isnull=False, dossier__status__in=[9, 10])
    stored_result = StoredDocument.objects.filter(source_dossier=OuterRef("pk"), source="e_result")
    candidates = (Q(pk__in=DossierComponent.objects.filter(digitized_at__isnull=False, component__document_type__gt="")
                    .values("dossier_id"))
                  | Q(status__in=[9, 10], pk__in=Approval.objects.filter(
                      signature_status="signed", signed_document__isnull=False).values("dossier_id")))
    qs = _population(unit, period).filter(candidates).annotate(
        has_digitized=Exists(digitized), issued=Exists(issued), comp_gap=Exists(unlinked_comp),
        result_stored=Exists(stored_result)).filter(Q(has_digitized=True) | Q(issued=True))
    rows = list(qs.values_list("issued", "comp_gap", "result_stored"))
    linked = sum(1 for issued, gap, stored in rows if not gap and (stored or not issued))
    return ind.Measure(linked, len(rows))


def store_measures(unit: Any, period: Any) -> dict[str, ind.Measure]:
    return {"digitized_data_reused": reuse_measure(unit, period),
            "citizen_store_linked": linked_measure(unit, period)}
