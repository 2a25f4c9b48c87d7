"""Open311 use cases: partner keys, the services list, posting and reading service requests.

Every request becomes a feedback case through :mod:`motcua.feedback.services` (channel
``open311``, the key's partner and the partner's own id as the external reference), as from the
portal or the counter: the same rules, deadlines and events. A request with a ``media_url`` is
answered with a token; the worker fetches the photo from one of the key's declared hosts and then
submits (``deliver_deferred``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.domain.errors import NotFound, ValidationFailed
from motcua.feedback import services as feedback
from motcua.feedback.choices import FileKind, Kind
from motcua.feedback.models import Case, CaseFile, Category
from motcua.jobs.outbox import enqueue
from motcua.jobs.registry import Undeliverable
from motcua.units.choices import UnitKind
from motcua.units.models import Unit

from . import mapping
from .models import ApiKey, DeferredRequest, DeferredState, hash_key

log = logging.getLogger(__name__)
DESTINATION = "open311.deferred"
MEDIA_TYPES = {"image/jpeg": "jpg", "image/png": "png"}  # what a case accepts as a photo
MEDIA_MAX_BYTES = 10 * 1024 * 1024
MEDIA_TIMEOUT = 10.0
# a dossier complaint is the signed-in applicant's own; follow-ups come from ratings only
NOT_POSTABLE_KINDS = (Kind.COMPLAINT, Kind.FOLLOWUP)


# ---- keys -------------------------------------------------------------------------------------

def issue_key(user: Any, name: str, partner: str, **extra: Any) -> tuple[ApiKey, str]:
    """A new key for a partner application; the raw key is returned once and never stored."""
    raw = ApiKey.new_raw_key()
    key = ApiKey.objects.create(name=name, partner=partner, key_hash=hash_key(raw), prefix=raw[:9],
                                created_by=user if getattr(user, "pk", None) else None, **extra)
    return key, raw


def revoke_key(key: ApiKey) -> None:
    ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=clock.now())


def authenticate(raw: str) -> ApiKey | None:
    """The active key whose SHA-256 is that of ``raw`` (a revocation applies at the next call)."""
    if not raw:
        return None
    return ApiKey.objects.filter(key_hash=hash_key(raw.strip()), revoked_at__isnull=True).first()


# ---- jurisdiction -----------------------------------------------------------------------------

def jurisdictions() -> list[Unit]:
    return list(Unit.objects.filter(kind=UnitKind.PROVINCE, parent__isnull=True).order_by("code"))


def jurisdiction(jurisdiction_id: str) -> Unit | None:
    """The province named by ``jurisdiction_id`` (its unit code), None when not given; NotFound
    for an id that is not one of ours."""
    if not jurisdiction_id:
        return None
    unit = Unit.objects.filter(kind=UnitKind.PROVINCE, code=jurisdiction_id.strip()).first()
    if unit is None:
        raise NotFound(_("jurisdiction_id không đúng."))
    return unit


# ---- services ---------------------------------------------------------------------------------

def _postable() -> QuerySet[Category]:
    return (Category.objects.filter(active=True, internal=False).exclude(kind__in=NOT_POSTABLE_KINDS)
            .order_by("order", "code"))


def services() -> list[dict[str, Any]]:
    return [mapping.service_of(c, list(c.attributes or [])) for c in _postable()]


def _category(code: str) -> Category:
    category = _postable().filter(code=code).first()
    if category is None:
        raise NotFound(_("Không có lĩnh vực %(code)s.") % {"code": code})
    return category


def definition(code: str) -> dict[str, Any]:
    category = _category(code)
    return mapping.definition_of(category, list(category.attributes or []))


# ---- reading requests -------------------------------------------------------------------------

def _first_photos(cases: list[Case]) -> dict[int, int]:
    """{case id: id of its first photo} for the cases whose category publishes (one query)."""
    ids = [c.pk for c in cases if c.category.publish]
    first: dict[int, int] = {}
    for case_id, file_id in (CaseFile.objects.filter(case_id__in=ids, kind=FileKind.PHOTO)
                             .order_by("case_id", "pk").values_list("case_id", "pk")):
        first.setdefault(case_id, file_id)
    return first


def _answers(cases: list[Case], media_base: str) -> list[dict[str, Any]]:
    photos = _first_photos(cases)
    return [mapping.request_of(c, f"{media_base}{c.code}/{photos[c.pk]}" if c.pk in photos else None)
            for c in cases]


def _in(qs: QuerySet[Case], province: Unit | None) -> QuerySet[Case]:
    return qs if province is None else qs.filter(unit_path__startswith=f"/{province.pk}/")


def requests(filters: mapping.Filters, province: Unit | None, media_base: str) -> list[dict[str, Any]]:
    """The public requests matching the spec's filters, newest first, at most 1000."""
    if filters.codes:
        qs = feedback.public_cases().filter(code__in=filters.codes)
    else:
        status = "" if filters.is_open is None else ("open" if filters.is_open else "closed")
        end = filters.end + timedelta(microseconds=1) if filters.end else None  # end_date is included
        qs = feedback.public_cases(status=status, start=filters.start, end=end)
        if filters.service_codes:
            qs = qs.filter(category__code__in=filters.service_codes)
    return _answers(list(_in(qs, province)[:mapping.MAX_RESULTS]), media_base)


def one_request(code: str, province: Unit | None, media_base: str) -> dict[str, Any]:
    case = _in(feedback.public_cases(), province).filter(code=code).first()
    if case is None:
        raise NotFound(_("Không có phản ánh %(code)s.") % {"code": code})
    return _answers([case], media_base)[0]


def public_photo(code: str, file_id: int) -> CaseFile:
    """A photo a request's media_url points to: of a public case whose category publishes."""
    f = (CaseFile.objects.select_related("case__category")
         .filter(pk=file_id, kind=FileKind.PHOTO, case__in=feedback.public_cases().filter(code=code)).first())
    if f is None or not f.case.category.publish:
        raise NotFound(_("Không có ảnh này."))
    return f


def token_answer(token: str) -> dict[str, Any]:
    row = DeferredRequest.objects.filter(token=token).first()
    if row is None or row.state == DeferredState.FAILED:
        raise NotFound(_("Không có yêu cầu với token này."))
    return {"service_request_id": row.case_code or None, "token": row.token}


# ---- posting requests -------------------------------------------------------------------------

@dataclass
class Posted:
    """What a POST answers: the case (created at once) or the token (the case comes later)."""

    body: dict[str, Any]
    deferred: bool


def _submission(key: ApiKey, post: Any, province: Unit | None) -> dict[str, Any]:
    fields = mapping.submission_of(post)
    fields.update(channel="open311", partner=key.partner, unit_id=province.pk if province else None,
                  external_ref=(post.get("external_id") or post.get("device_id") or "").strip()[:100])
    return fields


def _check_media_url(key: ApiKey, url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationFailed(_("media_url phải là địa chỉ http(s)."), fields={"media_url": "invalid"})
    if parts.hostname.lower() not in key.allowed_hosts():
        raise ValidationFailed(_("media_url không thuộc máy chủ ảnh đã khai báo cho khóa API này."),
                               fields={"media_url": "host"})


def post_request(key: ApiKey, post: Any, province: Unit | None = None) -> Posted:
    """Create the case now (no media_url) or record the request and answer a token. Without a
    jurisdiction_id the case goes where the feedback service routes it (the province)."""
    fields = _submission(key, post, province)
    if not fields["category_code"]:
        raise ValidationFailed(_("Thiếu service_code."), fields={"category_code": "required"})
    _category(fields["category_code"])  # 404 for an unknown one, as the spec
    media_url = (post.get("media_url") or "").strip()
    if not media_url:
        case = feedback.submit(None, feedback.Submission(**fields))
        return Posted(mapping.created_of(case), deferred=False)
    _check_media_url(key, media_url)
    with transaction.atomic():
        row = DeferredRequest.objects.create(token=DeferredRequest.new_token(), api_key=key,
                                             submission=fields, media_url=media_url)
        enqueue(DESTINATION, f"open311:{row.token}", {"token": row.token})
    return Posted({"token": row.token, "service_notice": _("Yêu cầu đã được nhận; mã phản ánh có sau ít phút "
                                                        "(tra cứu theo token)."), "account_id": None},
                  deferred=True)


def fetch_media(key: ApiKey, url: str) -> tuple[str, bytes, str]:
    """Download the photo (one of the key's hosts, an image, at most 10 MB, no redirects)."""
    _check_media_url(key, url)
    with httpx.Client(timeout=MEDIA_TIMEOUT, follow_redirects=False) as client, client.stream("GET", url) as r:
        r.raise_for_status()
        content_type = r.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in MEDIA_TYPES:
            raise ValueError(f"media_url is not an image ({content_type or 'no type'})")
        data = b""
        for chunk in r.iter_bytes():
            data += chunk
            if len(data) > MEDIA_MAX_BYTES:
                raise ValueError("media_url is larger than 10 MB")
    name = urlsplit(url).path.rsplit("/", 1)[-1] or f"anh.{MEDIA_TYPES[content_type]}"
    return name[:200], data, content_type


def _finish(row: DeferredRequest, **changes: Any) -> None:
    DeferredRequest.objects.filter(pk=row.pk).update(done_at=clock.now(), **changes)


def complete_deferred(token: str) -> str:
    """Fetch the photo (outside any transaction), then submit the case under the row's lock;
    returns the case's code. A transport failure is retried by the outbox; a photo that is not an
    acceptable image is left out (the case is still created); a refused submission fails the token."""
    row = DeferredRequest.objects.select_related("api_key").get(token=token)
    if row.state != DeferredState.PENDING:
        return row.case_code
    try:
        photo = fetch_media(row.api_key, row.media_url)
    except (ValueError, ValidationFailed, httpx.HTTPStatusError) as err:
        log.warning("open311 %s: photo not used: %s", token, err)
        photo = None
    try:
        with transaction.atomic():
            row = DeferredRequest.objects.select_for_update().get(pk=row.pk)
            if row.state != DeferredState.PENDING:
                return row.case_code
            case = feedback.submit(None, feedback.Submission(**row.submission, photos=[photo] if photo else []))
            _finish(row, state=DeferredState.CREATED, case_code=case.code)
    except ValidationFailed as err:
        _finish(row, state=DeferredState.FAILED, error=str(err)[:1000])
        raise Undeliverable(str(err)) from err
    return case.code


def deliver_deferred(message: Any) -> None:
    """The outbox handler of ``open311.deferred`` messages."""
    complete_deferred(message.payload["token"])
