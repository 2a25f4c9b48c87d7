"""Citizen use cases of the portal: drafts and online submission, my dossiers and their files,
supplements, ratings, the public lookup and the satisfaction figure for reports.

Every operation runs in one transaction and raises a DomainError (with a sentence citizens can
read) instead of writing anything when the input is not acceptable. Dossier state changes go
through :mod:`motcua.dossiers.services`, as for every other entry point."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextlib import closing
from dataclasses import asdict, dataclass, fields
from typing import IO, Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from motcua.catalog.choices import ApplicantType, Channel
from motcua.catalog.models import ProcedureVersion
from motcua.domain.errors import NotFound, ValidationFailed
from motcua.domain.lifecycle import Action, Status
from motcua.dossiers import boundaries
from motcua.dossiers import services as svc
from motcua.dossiers.choices import FileKind, ResultDelivery
from motcua.dossiers.models import Dossier, DossierEvent, DossierFile
from motcua.dossiers.storage import get_storage, store_upload

from . import catalog
from .choices import SATISFIED
from .models import Draft, DraftFile, Rating

log = logging.getLogger(__name__)
RESULT_READY = (Status.PROCESSED, Status.RETURNED)


class Refused(ValidationFailed):
    """A portal rule refused the input; ``message`` is already the sentence to show."""


# ---- drafts and online submission -----------------------------------------------------------

@dataclass
class Application:
    """What the applicant fills in on the online form (kept as the draft's data)."""

    receiving_unit: int | None = None
    applicant_type: int = ApplicantType.CITIZEN
    applicant_name: str = ""
    applicant_id_number: str = ""
    applicant_phone: str = ""
    applicant_email: str = ""
    applicant_address: str = ""
    request_summary: str = ""
    result_delivery: str = ResultDelivery.ONLINE
    # intake regardless of administrative boundaries: the competent unit (None: the destination's)
    # and where the result is collected at a counter ("receiving" or "handling")
    handling_unit: int | None = None
    return_place: str = "receiving"
    # on whose behalf: "self", a family member ("family") or an enterprise the citizen represents
    # ("enterprise"); for someone else the applicant fields are theirs and the signed-in citizen is the
    # representative, with their relationship and the authorizing document
    submit_for: str = "self"
    representative_relationship: str = ""
    representative_authorization: str = ""

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Application:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (data or {}).items() if k in known})


@dataclass
class Upload:
    """One uploaded file for one catalog component (or none, for a supplement)."""

    stream: IO[bytes]
    name: str
    component_id: int | None = None


SUBMIT_FOR = ("self", "family", "enterprise")


def own_drafts(user):  # noqa: ANN001, ANN201
    return Draft.objects.filter(owner=user).select_related("procedure").order_by("-updated_at")


def draft_for(user, procedure_id: int) -> Draft | None:  # noqa: ANN001
    """The applicant's draft of a procedure (one per procedure: a new application resumes it)."""
    return own_drafts(user).filter(procedure_id=procedure_id).first()


def default_draft_name(version: ProcedureVersion) -> str:
    """"<procedure> - dd/mm/yyyy" (today), the name a new draft gets."""
    from motcua.core import clock

    return f"{version.name[:100]} - {clock.local_date(clock.now()):%d/%m/%Y}"


def get_draft(user, draft_id: int, lock: bool = False) -> Draft:  # noqa: ANN001
    qs = own_drafts(user).select_for_update(of=("self",)) if lock else own_drafts(user)
    draft = qs.filter(pk=draft_id).first()
    if draft is None:
        raise NotFound("Draft not found.")
    return draft


def _store(draft: Draft, component_ids: set[int], uploads: Sequence[Upload]) -> None:
    for up in uploads:
        if up.component_id not in component_ids:
            raise Refused(_("Tệp tải lên không thuộc thành phần hồ sơ nào của thủ tục."))
        obj = store_upload(up.stream, up.name)
        DraftFile.objects.update_or_create(draft=draft, component_id=up.component_id, defaults={
            "name": up.name[:255], "content_type": obj.content_type, "size": obj.size, "sha256": obj.sha256,
            "storage_key": obj.key})


# ---- the citizen's document store (motcua/docstore): "use a document you already have" --------------

REUSE_PREFIX = "reuse_"  # kept in the draft's data as reuse_<component id> = stored document id


def store_offers(user, version: ProcedureVersion, holder: str) -> dict[int, list[Any]]:  # noqa: ANN001
    """{component id: the applicant's valid stored documents of its type} (the store's own rule of who sees what)."""
    from motcua.docstore import services as store

    return store.portal_offers(user, version.components.all(), holder)


def reuse_choices(pairs: Sequence[tuple[int, Any]]) -> list[Any]:
    from motcua.docstore.services import ReuseChoice

    return [ReuseChoice(int(cid), int(v) if str(v).isdigit() else -1) for cid, v in pairs]


def _draft_reuses(draft: Draft, component_ids: set[int]) -> list[Any]:
    from motcua.docstore.services import parse_choices

    return parse_choices(draft.data, REUSE_PREFIX, sorted(component_ids))


@transaction.atomic
def save_draft(user, version: ProcedureVersion, app: Application, uploads: Sequence[Upload] = (),  # noqa: ANN001
               draft_id: int | None = None, reuses: Sequence[Any] = (), name: str = "") -> Draft:
    """Create or update the applicant's draft for ``version``'s procedure; a new file for a
    component replaces the one uploaded before. ``reuses`` (ReuseChoice) are kept with the data
    and checked when the draft is submitted. Without ``draft_id`` the procedure's existing draft is
    resumed (one draft per procedure). ``name``: the citizen's name for it (default: procedure and date)."""
    if draft_id:
        draft = get_draft(user, draft_id, lock=True)
    else:
        existing = own_drafts(user).select_for_update(of=("self",)).filter(procedure=version.procedure).first()
        draft = existing or Draft(owner=user, procedure=version.procedure)
    if draft.procedure_id != version.procedure_id:
        raise NotFound("Draft not found.")
    draft.name = (name or "").strip()[:200] or draft.name or default_draft_name(version)
    draft.data = {**asdict(app), **{f"{REUSE_PREFIX}{r.component_id}": r.document_id for r in reuses}}
    draft.save()
    _store(draft, set(version.components.values_list("pk", flat=True)), uploads)
    return draft


def _destination(version: ProcedureVersion, unit_id: int | None) -> catalog.Destination:
    found = [d for d in catalog.destinations(version.procedure) if d.receiving.pk == unit_id]
    if not found:
        raise Refused(_("Vui lòng chọn nơi nộp hồ sơ."), fields={"receiving_unit": "required"})
    return found[0]


def _intake_request(user, version: ProcedureVersion, app: Application,  # noqa: ANN001
                    component_ids: set[int]) -> svc.IntakeRequest:
    dest = _destination(version, app.receiving_unit)
    if not app.applicant_phone.strip():
        raise Refused(_("Vui lòng nhập số điện thoại liên hệ."), fields={"applicant_phone": "required"})
    handling = dest.handling
    if app.handling_unit:  # another competent unit than the centre's (the applicant's residence)
        chosen = [u for u in boundaries.competent_units(version.procedure_id) if u.pk == app.handling_unit]
        if not chosen:
            raise Refused(_("Vui lòng chọn cơ quan giải quyết."), fields={"handling_unit": "required"})
        handling = chosen[0]
    back = boundaries.handling_counters(handling)[0].code if app.return_place == "handling" else ""
    return svc.IntakeRequest(**_on_behalf(user, app),
        procedure_code=version.procedure.code, receiving_unit_code=dest.receiving.code,
        handling_unit_code=handling.code, channel=Channel.ONLINE, return_unit_code=back,
        applicant=svc.Applicant(name=app.applicant_name, type=app.applicant_type, id_number=app.applicant_id_number,
                                phone=app.applicant_phone, email=app.applicant_email, address=app.applicant_address),
        components=[svc.ComponentInput(component_id=c.pk, originals=c.originals, copies=c.copies)
                    for c in version.components.order_by("order") if c.pk in component_ids],
        request_summary=app.request_summary, result_delivery=app.result_delivery, owner_id=user.pk)


def _on_behalf(user, app: Application) -> dict[str, str]:  # noqa: ANN001
    """For someone else (a family member, an enterprise), the signed-in citizen is the representative:
    their name, ID number and phone from the account, with the relationship and the authorization."""
    if app.submit_for not in SUBMIT_FOR:
        raise Refused(_("Vui lòng chọn bạn nộp hồ sơ cho ai."), fields={"submit_for": "required"})
    if app.submit_for == "self":
        return {}
    from .accounts import profile_of

    profile = profile_of(user)
    own_id = profile.id_number if profile else ""
    if not app.representative_relationship:
        raise Refused(_("Vui lòng chọn quan hệ của bạn với người nộp hồ sơ."),
                      fields={"representative_relationship": "required"})
    allowed = ENTERPRISE_RELATIONSHIPS if app.submit_for == "enterprise" else FAMILY_RELATIONSHIPS
    if app.representative_relationship not in allowed:
        raise Refused(_("Quan hệ đã chọn không phù hợp với người bạn nộp hồ sơ cho."),
                      fields={"representative_relationship": "invalid"})
    if own_id and app.applicant_id_number.strip() == own_id:
        raise Refused(_("Khi nộp cho người khác, hãy nhập số định danh của người đó (không phải của bạn)."),
                      fields={"applicant_id_number": "the representative's own number"})
    if app.submit_for == "enterprise" and app.applicant_type == ApplicantType.CITIZEN:
        raise Refused(_("Khi nộp cho doanh nghiệp, chọn đối tượng là doanh nghiệp hoặc hộ kinh doanh."),
                      fields={"applicant_type": "an enterprise"})
    return {"representative_name": f"{user.last_name} {user.first_name}".strip() or user.get_username(),
            "representative_id_number": own_id, "representative_phone": profile.phone if profile else "",
            "representative_relationship": app.representative_relationship,
            "representative_authorization": app.representative_authorization.strip()[:255]}


FAMILY_RELATIONSHIPS = ("family", "parent", "spouse", "child", "authorized", "other")
ENTERPRISE_RELATIONSHIPS = ("legal", "authorized")


def _version_for(draft: Draft) -> ProcedureVersion:
    version = catalog.in_force(draft.procedure.code)
    if version is None or not version.accepts_channel(Channel.ONLINE):
        raise Refused(_("Thủ tục này hiện không nhận hồ sơ trực tuyến."))
    return version


@transaction.atomic
def submit_draft(user, draft_id: int) -> Dossier:  # noqa: ANN001
    """Register the draft as an online dossier (status NEW, owned by the applicant) with its
    files, then delete the draft. Every required component must have a file."""
    draft = get_draft(user, draft_id, lock=True)
    version = _version_for(draft)
    files = {f.component_id: f for f in draft.files.all()}
    reuses = _draft_reuses(draft, set(version.components.values_list("pk", flat=True)))
    reused = {r.component_id for r in reuses}
    missing = [c.name for c in version.components.order_by("order")
               if c.required and c.pk not in files and c.pk not in reused]
    if missing:
        raise Refused(_("Vui lòng tải lên các thành phần bắt buộc: %(names)s.") % {"names": "; ".join(missing)},
                      fields={"components": "missing"})
    actor = svc.Actor.of(user)
    d = svc.intake(actor, _intake_request(user, version, Application.from_data(draft.data), set(files) | reused))
    submitted = {dc.component_id: dc.pk for dc in d.components.all()}
    for cid, f in files.items():
        if cid in submitted and cid not in reused:
            with closing(get_storage().open(f.storage_key)) as fh:
                svc.attach_file(actor, d.pk, fh, f.name, FileKind.COMPONENT, submitted[cid])
    if reuses:
        from motcua.docstore import services as store

        store.apply_reuses(actor, d, store.citizen_documents(user), reuses, "portal")
    draft.delete()
    return d


@transaction.atomic
def save_and_submit(user, version: ProcedureVersion, app: Application, uploads: Sequence[Upload] = (),  # noqa: ANN001
                    draft_id: int | None = None, reuses: Sequence[Any] = (), name: str = "") -> Dossier:
    """Save the form and submit it at once: all of it, or nothing (the draft stays as it was)."""
    draft = save_draft(user, version, app, uploads, draft_id, reuses, name)
    return submit_draft(user, draft.pk)


@transaction.atomic
def delete_draft(user, draft_id: int) -> None:  # noqa: ANN001
    get_draft(user, draft_id, lock=True).delete()


# ---- my dossiers ----------------------------------------------------------------------------

def my_dossiers(user):  # noqa: ANN001, ANN201
    """The applicant's own dossiers, newest first (the service layer's scope, and the owner)."""
    qs = svc.visible_dossiers(svc.Actor.of(user)).filter(owner_id=user.pk)
    return qs.select_related("version").order_by("-submitted_at", "-pk")


def my_dossier(user, dossier_id: int) -> Dossier:  # noqa: ANN001
    d = my_dossiers(user).select_related("procedure", "receiving_unit", "handling_unit").filter(pk=dossier_id).first()
    if d is None:
        raise NotFound("Dossier not found.")
    return d


def may_download(d: Dossier, f: DossierFile, user_id: int) -> bool:
    """Results once they are ready; otherwise only the files the applicant uploaded."""
    if f.kind == FileKind.RESULT:
        return d.status in RESULT_READY
    return f.uploaded_by_id == user_id


def open_file(user, dossier_id: int, file_id: int) -> tuple[DossierFile, IO[bytes]]:  # noqa: ANN001
    d = my_dossier(user, dossier_id)
    f = d.files.filter(pk=file_id).first()
    if f is None or not may_download(d, f, user.pk):
        raise NotFound("File not found.")
    return svc.open_file(svc.Actor.of(user), f.pk, d.pk)


def supplement_request(d: Dossier) -> DossierEvent | None:
    """The latest supplement request while the dossier waits for it."""
    if d.status != Status.SUPPLEMENT:
        return None
    return d.events.filter(action=Action.REQUEST_SUPPLEMENT).order_by("-seq").first()


@transaction.atomic
def submit_supplement(user, dossier_id: int, note: str, uploads: Sequence[Upload],  # noqa: ANN001
                      expected_version: int | None = None) -> Dossier:
    """Upload the requested papers and hand in the supplement; the legal clock resumes."""
    d = my_dossier(user, dossier_id)
    if d.status != Status.SUPPLEMENT:
        raise Refused(_("Hồ sơ hiện không ở trạng thái chờ bổ sung."))
    if not uploads:
        raise Refused(_("Vui lòng tải lên ít nhất một tệp bổ sung."), fields={"files": "required"})
    actor = svc.Actor.of(user)
    ids = [svc.attach_file(actor, d.pk, up.stream, up.name, FileKind.ATTACHMENT).pk for up in uploads]
    return svc.supplement(actor, d.pk, note=note.strip()[:2000], attachments=ids, expected_version=expected_version)


# ---- rating ---------------------------------------------------------------------------------

def can_rate(d: Dossier) -> bool:
    return d.status in RESULT_READY and not Rating.objects.filter(dossier=d).exists()


def rate(user, dossier_id: int, score: int, comment: str = "",  # noqa: ANN001
         answers: dict[str, int] | None = None) -> Rating:
    """Rate the handling of one's own dossier, once, after the result (see :mod:`.ratings`: the
    survey's criteria and the follow-up a dissatisfied rating opens)."""
    from .ratings import rate as rate_dossier

    return rate_dossier(user, dossier_id, score, comment, answers)


def satisfaction(dossiers) -> tuple[int, int]:  # noqa: ANN001
    """(satisfied or acceptable, rated) among ``dossiers`` (a queryset of dossiers or of their ids).
    Dossiers without a rating are not counted."""
    agg = Rating.objects.filter(dossier_id__in=dossiers).aggregate(
        total=Count("pk"), ok=Count("pk", filter=Q(score__in=SATISFIED)))
    return agg["ok"], agg["total"]


# ---- public lookup --------------------------------------------------------------------------

public_lookup = svc.public_lookup  # the same lookup as the API's
