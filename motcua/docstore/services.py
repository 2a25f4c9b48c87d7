"""The document store's use cases: filling it (digitized components, results), reading it (the citizen's
own documents, a dossier's applicant's documents for the staff who may see the dossier), offering stored
documents for the components of a new dossier and recording their reuse.

Who sees what:

- a citizen sees the documents whose owner account is theirs (from their own online dossiers) and, when
  their account's identity is verified (VNeID), every document held under their personal ID number. A
  locally registered account is not verified (anyone may type any 12 digits), so it does not open the
  documents of counter dossiers carrying that number;
- staff see a holder's documents only through a dossier they may see (``visible_dossiers``) whose
  applicant is that holder; at the counter, the officer who receives a dossier is offered the holder's
  documents of the matching types (titles and validity only: they identify the person in front of them);
  every reuse is recorded with who and when.

Reuse never copies bytes: the new dossier's component gets a ``DossierFile`` row pointing to the same
content-addressed blob (same storage key and SHA-256), so the dossier's staff open it like any other file,
and a :class:`Reuse` row records it. The component then counts as digitized (``digitized_at``/``by``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.domain.errors import NotFound
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier, DossierComponent, DossierFile
from motcua.portal.services import Refused

from . import types
from .choices import ReuseChannel, Source
from .models import Reuse, StoredDocument

RESULT_READY = (9, 10)


class StoreRefused(Refused):
    """A chosen stored document cannot be used (not the holder's, expired, another type...); ``message``
    is the sentence to show, ``fields`` names the form field (``reuse_<component id>``). Nothing is written."""


# ---- filling the store ------------------------------------------------------------------------

def _owner_of(d: Dossier) -> int | None:
    return d.owner_id


def _store(d: Dossier, f: DossierFile, document_type: str, title: str, source: str, *,
           component: DossierComponent | None = None, number: str = "", issuer: str = "",
           issued_on: date | None = None, valid_until: date | None = None,
           created_at: datetime | None = None) -> StoredDocument | None:
    """One stored document for file ``f`` of ``d`` (idempotent: a file is stored once, and a holder's
    identical file of the same type is not stored twice). None when the dossier has no holder."""
    holder = (d.applicant_id_number or "").strip()
    if not holder or not document_type:
        return None
    found = StoredDocument.objects.filter(file=f).first()
    if found is not None:
        return found
    same = StoredDocument.objects.filter(holder=holder, document_type=document_type, file__sha256=f.sha256,
                                         withdrawn=False).first()
    if same is not None:
        return same
    try:
        with transaction.atomic():  # the same file stored at the same moment by another process: theirs stands
            return StoredDocument.objects.create(
                holder=holder, holder_type=d.applicant_type, owner_id=_owner_of(d), document_type=document_type,
                title=title[:1000], number=number[:80], issuer=issuer[:255], issued_on=issued_on,
                valid_until=valid_until, source=source, source_dossier=d, source_component=component, file=f,
                created_at=created_at or clock.now())
    except IntegrityError:
        return StoredDocument.objects.filter(file=f).first()


def store_component(component: DossierComponent, f: DossierFile) -> StoredDocument | None:
    """A digitized component goes into its applicant's store, typed by its catalog component. A file
    that is itself a reuse of a stored document is not stored again. Issuer and issue date of a scanned
    paper are unknown; a document of limited validity is known valid on the day it was handed in only."""
    if Reuse.objects.filter(file=f).exists():
        return None
    catalog = component.component
    document_type = catalog.document_type if catalog is not None else ""
    d = component.dossier
    until = types.valid_until(document_type, None, clock.local_date(d.received_at or d.submitted_at))
    return _store(d, f, document_type, component.name, Source.DIGITIZED, component=component, valid_until=until)


def certified_copy_procedures() -> tuple[str, ...]:
    """The procedures whose signed result is an electronic certified copy (motcua/certcopy)."""
    try:
        from motcua.certcopy.services import PROCEDURE_CODE
    except ImportError:  # the certified copies app is optional here
        return ()
    return (PROCEDURE_CODE,)


def _result_title(d: Dossier) -> str:
    results = d.version.results if d.version_id else []
    return str(results[0]) if results else d.version.name


def store_results(d: Dossier, at: datetime | None = None) -> StoredDocument | None:
    """A processed or returned dossier's result goes into the store: the latest signed result (an
    electronic result: its result code, the handling unit as issuer, the signing day as issue date),
    or, once returned without a signed one, the latest result file (a digitized result). ``at`` (the
    demo's history) is when it was issued and stored, instead of now and the signing day."""
    if d.status not in RESULT_READY:
        return None
    document_type = types.result_type(d.procedure.code)
    issuer = d.handling_unit.name if d.handling_unit_id else ""
    approval = (d.approvals.filter(signature_status="signed", signed_document__isnull=False)
                .select_related("signed_document").order_by("-signed_at", "-pk").first())
    if approval is not None:
        issued = clock.local_date(at or approval.signed_at or approval.approved_at)
        source = Source.CERTIFIED_COPY if d.procedure.code in certified_copy_procedures() else Source.E_RESULT
        return _store(d, approval.signed_document, document_type, _result_title(d), source,
                      number=approval.result_code or "", issuer=issuer, issued_on=issued,
                      valid_until=types.valid_until(document_type, issued), created_at=at)
    if d.status != 10:
        return None
    f = d.files.filter(kind="result").order_by("-uploaded_at", "-pk").first()
    if f is None:
        return None
    issued = clock.local_date(at or d.ended_at or d.returned_at or clock.now())
    return _store(d, f, document_type, _result_title(d), Source.RESULT_SCAN, issuer=issuer, issued_on=issued,
                  valid_until=types.valid_until(document_type, issued), created_at=at)


# ---- reading ------------------------------------------------------------------------------------

def citizen_documents(user: Any) -> QuerySet[StoredDocument]:
    """The documents a signed-in citizen may see and download (see the module's doc)."""
    from motcua.portal.accounts import profile_of
    from motcua.portal.choices import IdentityProvider

    if user is None or not user.is_authenticated:
        return StoredDocument.objects.none()
    q = Q(owner_id=user.pk)
    profile = profile_of(user)
    if profile is not None and profile.identity_provider == IdentityProvider.VNEID:
        q |= Q(holder=profile.id_number)
    return StoredDocument.objects.filter(q, withdrawn=False)


def is_valid_on(doc: StoredDocument, on: date) -> bool:
    return not doc.withdrawn and (doc.valid_until is None or doc.valid_until >= on)


def listing(qs: QuerySet[StoredDocument]) -> QuerySet[StoredDocument]:
    return qs.select_related("file", "source_dossier").order_by("document_type", "-created_at", "-pk")


def my_document(user: Any, doc_id: int) -> StoredDocument:
    doc = citizen_documents(user).select_related("file").filter(pk=doc_id).first()
    if doc is None:
        raise NotFound("Document not found.")
    return doc


def open_mine(user: Any, doc_id: int) -> tuple[DossierFile, IO[bytes]]:
    doc = my_document(user, doc_id)
    return doc.file, _open(doc.file)


def _open(f: DossierFile) -> IO[bytes]:
    from motcua.dossiers.storage import get_storage

    try:
        return get_storage().open(f.storage_key)
    except Exception as err:  # noqa: BLE001 - a missing object is "not found"
        raise NotFound("File not found.") from err


def visible_dossier(actor: svc.Actor, dossier_id: int) -> Dossier:
    d = svc.visible_dossiers(actor).filter(pk=dossier_id).first()
    if d is None:
        raise NotFound("Dossier not found.")
    return d


def holder_documents(actor: svc.Actor, dossier_id: int) -> QuerySet[StoredDocument]:
    """The stored documents of a dossier's applicant, for staff who may see that dossier."""
    d = visible_dossier(actor, dossier_id)
    holder = (d.applicant_id_number or "").strip()
    if not holder:
        return StoredDocument.objects.none()
    return StoredDocument.objects.filter(holder=holder, withdrawn=False)


def open_for_dossier(actor: svc.Actor, dossier_id: int, doc_id: int) -> tuple[DossierFile, IO[bytes]]:
    doc = holder_documents(actor, dossier_id).select_related("file").filter(pk=doc_id).first()
    if doc is None:
        raise NotFound("Document not found.")
    return doc.file, _open(doc.file)


# ---- offers and reuse ---------------------------------------------------------------------------

def _typed_components(components: Iterable[Any]) -> dict[str, list[Any]]:
    by_type: dict[str, list[Any]] = {}
    for c in components:
        if c.document_type:
            by_type.setdefault(c.document_type, []).append(c)
    return by_type


def offers(documents: QuerySet[StoredDocument], components: Iterable[Any], holder: str,
           on: date | None = None) -> dict[int, list[StoredDocument]]:
    """{catalog component id: the holder's valid documents of its type, newest first} among ``documents``."""
    holder = (holder or "").strip()
    by_type = _typed_components(components)
    if not holder or not by_type:
        return {}
    on = on or clock.local_date(clock.now())
    qs = (documents.filter(holder=holder, document_type__in=list(by_type), withdrawn=False)
          .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on)).order_by("-created_at", "-pk"))
    out: dict[int, list[StoredDocument]] = {}
    for doc in qs[:200]:
        for c in by_type[doc.document_type]:
            out.setdefault(c.pk, []).append(doc)
    return out


def portal_offers(user: Any, components: Iterable[Any], holder: str) -> dict[int, list[StoredDocument]]:
    return offers(citizen_documents(user), components, holder)


def counter_offers(components: Iterable[Any], holder: str) -> dict[int, list[StoredDocument]]:
    return offers(StoredDocument.objects.all(), components, holder)


@dataclass(frozen=True)
class ReuseChoice:
    """Use stored document ``document_id`` for catalog component ``component_id`` of the new dossier."""

    component_id: int
    document_id: int


def field(component_id: int) -> str:
    return f"reuse_{component_id}"


def check(documents: QuerySet[StoredDocument], components: Iterable[Any], holder: str,
          choices: Sequence[ReuseChoice], on: date | None = None) -> dict[str, str]:
    """Field errors of ``choices`` ({} when every choice is acceptable); nothing is written."""
    on = on or clock.local_date(clock.now())
    by_id = {c.pk: c for c in components}
    docs = {d.pk: d for d in documents.filter(pk__in=[ch.document_id for ch in choices])}
    errors: dict[str, str] = {}
    seen: set[int] = set()
    for ch in choices:
        errors.update({field(ch.component_id): msg for msg in [_problem(by_id, docs, holder, ch, on, seen)] if msg})
    return errors


def _problem(by_id: dict[int, Any], docs: dict[int, StoredDocument], holder: str, ch: ReuseChoice, on: date,
             seen: set[int]) -> str:
    component, doc = by_id.get(ch.component_id), docs.get(ch.document_id)
    if component is None:
        return _("Thành phần hồ sơ không thuộc thủ tục này.")
    if doc is None or doc.holder != (holder or "").strip():
        return _("Giấy tờ đã chọn không có trong kho dữ liệu của người nộp hồ sơ.")
    if not component.document_type or doc.document_type != component.document_type:
        return _("Giấy tờ đã chọn (%(have)s) không đúng loại giấy tờ của thành phần này (%(want)s).") % {
            "have": types.label(doc.document_type), "want": types.label(component.document_type or "-")}
    if not is_valid_on(doc, on):
        return _("Giấy tờ đã chọn đã hết hiệu lực ngày %(day)s.") % {"day": f"{doc.valid_until:%d/%m/%Y}"}
    if doc.pk in seen:
        return _("Mỗi giấy tờ trong kho chỉ dùng cho một thành phần của hồ sơ.")
    seen.add(doc.pk)
    return ""


def apply_reuses(actor: svc.Actor, d: Dossier, documents: QuerySet[StoredDocument],
                 choices: Sequence[ReuseChoice], channel: str) -> list[Reuse]:
    """Link the chosen stored documents to the new dossier ``d`` (in the caller's transaction): a file row
    on the same blob per component, a :class:`Reuse`, the component marked digitized. StoreRefused, with
    every field error, before anything is written when a choice is not acceptable."""
    if not choices:
        return []
    if channel not in ReuseChannel.values:
        raise ValueError(channel)
    submitted = {dc.component_id: dc for dc in d.components.select_related("component")}
    catalog = [dc.component for dc in submitted.values() if dc.component is not None]
    errors = check(documents, catalog, d.applicant_id_number, choices)
    errors.update({field(ch.component_id): not_ticked()
                   for ch in choices if ch.component_id not in submitted and field(ch.component_id) not in errors})
    if errors:
        raise StoreRefused(next(iter(errors.values())), fields=errors)
    docs = {doc.pk: doc for doc in documents.select_related("file").filter(pk__in=[c.document_id for c in choices])}
    return [_link(actor, d, submitted[ch.component_id], docs[ch.document_id], channel) for ch in choices]


def _link(actor: svc.Actor, d: Dossier, dc: DossierComponent, doc: StoredDocument, channel: str) -> Reuse:
    src, now = doc.file, clock.now()
    f = DossierFile.objects.create(dossier=d, component=dc, kind="component", name=src.name,
                                   content_type=src.content_type, size=src.size, sha256=src.sha256,
                                   storage_key=src.storage_key, uploaded_by_id=actor.user_id)
    if dc.digitized_at is None:
        DossierComponent.objects.filter(pk=dc.pk).update(digitized_at=now, digitized_by_id=actor.user_id)
    return Reuse.objects.create(dossier=d, component=dc, document=doc, file=f, actor_id=actor.user_id,
                                channel=channel, at=now)


def not_ticked() -> str:
    return _("Thành phần này chưa được đánh dấu là có trong hồ sơ.")


def parse_choices(data: Any, prefix: str, component_ids: Iterable[int]) -> list[ReuseChoice]:
    """The reuse choices posted as ``<prefix><component id>=<document id>`` (empty: upload instead)."""
    out = []
    for cid in component_ids:
        value = str(data.get(f"{prefix}{cid}", "") or "").strip()
        if value:
            out.append(ReuseChoice(cid, int(value) if value.isdigit() else -1))
    return out


def withdraw(doc_id: int) -> StoredDocument:
    """Withdraw a stored document (revoked, or stored by mistake): no longer listed, offered or downloadable;
    the reuses already made keep pointing to it."""
    with transaction.atomic():
        doc = StoredDocument.objects.select_for_update().filter(pk=doc_id).first()
        if doc is None:
            raise NotFound("Document not found.")
        if not doc.withdrawn:
            doc.withdrawn, doc.withdrawn_at = True, clock.now()
            doc.save(update_fields=["withdrawn", "withdrawn_at"])
        return doc


def reuses_of(d: Dossier) -> QuerySet[Reuse]:
    return d.store_reuses.select_related("document", "component", "file").order_by("pk")
