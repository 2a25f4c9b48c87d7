"""The document store in ``make demo``: the history's digitized documents and issued results go into their
holders' stores, and later dossiers of the same applicants reuse them.

The generated history draws a fresh random ID number for every dossier (068 + 9 random digits: among a
few thousand dossiers, none repeats), so no applicant comes back by chance. The demo therefore picks pairs:
for a stored document of type T, a later dossier of a procedure asking for a T component (same province,
not itself a source of stored documents; up to three per document) becomes the same applicant coming
back (name, ID number, phone, address of the earlier dossier). In about four pairs of five the applicant
reuses the stored document (a reuse recorded at the dossier's receipt, through the portal for online
dossiers, the counter otherwise); in the others they hand in paper again, so the 766 reuse ratio is a
real, imperfect figure.

Idempotent: documents are stored once per file, and the pairs are made only while no reuse exists."""

from __future__ import annotations

import random
from typing import IO, Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery

from motcua.core import clock

from . import services, types
from .choices import ReuseChannel, Source
from .models import Reuse, StoredDocument

MAX_PAIRS = 150
MAX_USES = 3  # a document is brought back in up to three later dossiers of its holder
REUSE_SHARE = 0.8


def prepare(out: IO[str], max_pairs: int = MAX_PAIRS, seed: int = 2025) -> None:
    fill_components()
    fill_results()
    redate_history()
    make_pairs(max_pairs, random.Random(seed))
    docs = StoredDocument.objects.all()
    digitized, results = docs.filter(source=Source.DIGITIZED).count(), docs.exclude(source=Source.DIGITIZED).count()
    reused = Reuse.objects.values("dossier_id").distinct().count()
    out.write(f"Kho dữ liệu: {digitized} giấy tờ số hóa và {results} kết quả trong kho; "
              f"{reused} hồ sơ dùng lại giấy tờ đã có trong kho.\n")


# ---- filling -----------------------------------------------------------------------------------

def fill_components() -> int:
    """Digitized components of a document type with a file, not stored yet (in bulk)."""
    from motcua.dossiers.models import DossierComponent, DossierFile

    latest = (DossierFile.objects.filter(component=OuterRef("pk")).order_by("-uploaded_at", "-pk").values("pk")[:1])
    rows = (DossierComponent.objects.filter(digitized_at__isnull=False, component__document_type__gt="")
            .exclude(dossier__applicant_id_number="")
            .filter(~Exists(StoredDocument.objects.filter(source_component=OuterRef("pk"))),
                    ~Exists(Reuse.objects.filter(component=OuterRef("pk"))))
            .annotate(file_id=Subquery(latest)).filter(file_id__isnull=False)
            .values_list("pk", "file_id", "name", "digitized_at", "component__document_type", "dossier_id",
                         "dossier__applicant_id_number", "dossier__applicant_type", "dossier__owner_id",
                         "dossier__received_at", "dossier__submitted_at"))
    docs = []
    for pk, file_id, name, at, dtype, did, holder, htype, owner, received, submitted in rows.iterator():
        docs.append(StoredDocument(
            holder=holder, holder_type=htype, owner_id=owner, document_type=dtype, title=name[:1000],
            source=Source.DIGITIZED, source_dossier_id=did, source_component_id=pk, file_id=file_id, created_at=at,
            valid_until=types.valid_until(dtype, None, clock.local_date(received or submitted))))
    before = StoredDocument.objects.count()
    StoredDocument.objects.bulk_create(docs, batch_size=1000, ignore_conflicts=True)
    return StoredDocument.objects.count() - before


def fill_results() -> int:
    """Processed or returned dossiers with a signed result, or returned with a result file, not stored
    yet; stored as of the dossier's end (when the result was issued)."""
    from django.db.models import Q

    from motcua.dossiers.models import Approval, Dossier, DossierFile

    signed = Approval.objects.filter(dossier=OuterRef("pk"), signature_status="signed", signed_document__isnull=False)
    result = DossierFile.objects.filter(dossier=OuterRef("pk"), kind="result")
    qs = (Dossier.objects.filter(status__in=services.RESULT_READY).exclude(applicant_id_number="")
          .filter(Q(Exists(signed)) | (Q(status=10) & Q(Exists(result))))
          .filter(~Exists(StoredDocument.objects.filter(source_dossier=OuterRef("pk"), source__in=[
              Source.E_RESULT, Source.RESULT_SCAN, Source.CERTIFIED_COPY])))
          .select_related("procedure", "version", "handling_unit"))
    n = 0
    for d in qs.iterator(chunk_size=500):
        with transaction.atomic():
            n += services.store_results(d, at=d.ended_at or d.returned_at) is not None
    return n


def redate_history() -> int:
    """Results the signing demo signed today for dossiers that ended long ago were stored today (by the
    store's own hook): in the history's story they were issued and stored when the dossier ended, so
    their store date, issue date and validity are set from that end."""
    from datetime import timedelta

    n = 0
    qs = (StoredDocument.objects.exclude(source=Source.DIGITIZED).filter(source_dossier__ended_at__isnull=False)
          .select_related("source_dossier"))
    for doc in qs.iterator(chunk_size=500):
        ended = doc.source_dossier.ended_at
        if doc.created_at - ended < timedelta(days=1):
            continue
        issued = clock.local_date(ended)
        StoredDocument.objects.filter(pk=doc.pk).update(
            created_at=ended, issued_on=issued, valid_until=types.valid_until(doc.document_type, issued))
        n += 1
    return n


# ---- pairs: the same applicant coming back -------------------------------------------------------

def make_pairs(max_pairs: int, rng: random.Random) -> tuple[int, int]:
    if Reuse.objects.exists():
        return 0, 0
    sources = _sources()
    if not sources:
        return 0, 0
    wanted = _typed_components(set(sources))
    reused = declined = 0
    used: dict[int, int] = {}
    for b in _targets(wanted):
        if reused + declined >= max_pairs:
            break
        pick = _pick(sources, wanted[b.version_id], b, used)
        if pick is None:
            continue
        doc, component = pick
        used[doc.pk] = used.get(doc.pk, 0) + 1
        with transaction.atomic():
            _same_applicant(b, doc.source_dossier)
            if rng.random() < REUSE_SHARE:
                _reuse(b, component, doc)
                reused += 1
            else:
                declined += 1
    return reused, declined


def _sources() -> dict[str, list[StoredDocument]]:
    by_type: dict[str, list[StoredDocument]] = {}
    qs = (StoredDocument.objects.filter(withdrawn=False, source_dossier__isnull=False)
          .select_related("source_dossier", "file").order_by("created_at", "pk"))
    for doc in qs.iterator(chunk_size=1000):
        by_type.setdefault(doc.document_type, []).append(doc)
    return by_type


def _typed_components(document_types: set[str]) -> dict[int, list[Any]]:
    from motcua.catalog.models import Component

    out: dict[int, list[Any]] = {}
    for c in Component.objects.filter(document_type__in=document_types).order_by("version_id", "order"):
        out.setdefault(c.version_id, []).append(c)
    return out


def _targets(wanted: dict[int, list[Any]]) -> Any:
    from motcua.dossiers.models import Dossier

    sourced = StoredDocument.objects.filter(source_dossier=OuterRef("pk"))
    return (Dossier.objects.filter(version_id__in=list(wanted)).exclude(status=3).filter(~Exists(sourced))
            .order_by("submitted_at", "pk").iterator(chunk_size=500))


def _pick(sources: dict[str, list[StoredDocument]], components: list[Any], b: Any,
          used: dict[int, int]) -> tuple[StoredDocument, Any] | None:
    day = clock.local_date(b.submitted_at)
    for c in components:
        for doc in sources.get(c.document_type, []):
            if doc.created_at >= b.submitted_at:
                break  # sorted by created_at: the rest are later still
            a = doc.source_dossier
            if (used.get(doc.pk, 0) < MAX_USES and a.province_id == b.province_id and a.pk != b.pk
                    and services.is_valid_on(doc, day)):
                return doc, c
    return None


def _same_applicant(b: Any, a: Any) -> None:
    from motcua.dossiers.models import Dossier

    Dossier.objects.filter(pk=b.pk).update(
        applicant_type=a.applicant_type, applicant_name=a.applicant_name, applicant_id_number=a.applicant_id_number,
        applicant_phone=a.applicant_phone, applicant_address=a.applicant_address)


def _reuse(b: Any, component: Any, doc: StoredDocument) -> None:
    """The reuse as it would have been recorded at the dossier's receipt (the history has no component list:
    the component is added from the dossier's catalog version when missing)."""
    from motcua.dossiers.models import DossierComponent, DossierFile

    at = b.received_at or b.submitted_at
    actor_id = b.events.filter(action__in=["intake", "receive", "submit"]).order_by("seq").values_list(
        "actor_id", flat=True).first()
    dc = b.components.filter(component=component).first() or DossierComponent.objects.create(
        dossier=b, component=component, name=component.name, originals=component.originals, copies=component.copies)
    src = doc.file
    f = DossierFile.objects.create(dossier=b, component=dc, kind="component", name=src.name,
                                   content_type=src.content_type, size=src.size, sha256=src.sha256,
                                   storage_key=src.storage_key, uploaded_by_id=actor_id)
    DossierFile.objects.filter(pk=f.pk).update(uploaded_at=at)
    if dc.digitized_at is None:
        DossierComponent.objects.filter(pk=dc.pk).update(digitized_at=at, digitized_by_id=actor_id)
    Reuse.objects.create(dossier=b, component=dc, document=doc, file=f, actor_id=actor_id, at=at,
                         channel=ReuseChannel.PORTAL if b.channel == 2 else ReuseChannel.COUNTER)
