"""Online dossiers filed on the national portal, pulled into motcua (issue 9, part 3).

``pull(client)`` reads the portal's list (``LayDanhSachHoSoTrucTuyen``) and, for each dossier
motcua does not have yet (keyed by the portal's code, ``InboundDossier.portal_code``):

1. resolves the receiving unit (the unit whose code is the code's prefix, before the first "-"),
   the procedure (``Procedure.national_code == MaTTHC``) and its version in force;
2. downloads its files (``TaiLieuNop[].DuongDanTaiTepTin``) into motcua's storage, streamed, with
   timeouts and the upload size cap, outside any database transaction;
3. in one transaction, locks the ``InboundDossier`` row, registers the dossier through the intake
   service as an online submission (status 1, channel 2) by the system actor, with the portal's
   code as its own, attaches the files and marks the dossier as already on the portal
   (``sync.adopt``: the sync updates it, never inserts it).

A record that cannot be created yet keeps its ``InboundDossier`` row with the reason in plain
Vietnamese and no dossier; the next pull tries it again (and clears the reason when it works).
Two pulls at once never create a dossier twice: the row lock, then the unique dossier code and
the one-to-one link refuse the second.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from django.db import IntegrityError, transaction

from motcua.catalog.choices import ApplicantType, Channel
from motcua.catalog.models import Component, Procedure, ProcedureVersion
from motcua.catalog.services import version_in_force
from motcua.conf import CONFIG
from motcua.core import clock
from motcua.domain.errors import DomainError, NotFound
from motcua.dossiers import services as svc
from motcua.dossiers.choices import FileKind, ResultDelivery
from motcua.dossiers.models import Dossier, DossierFile
from motcua.dossiers.storage import StoredObject, store_upload
from motcua.portal.catalog import fold
from motcua.units.models import Unit

from . import mapping
from .models import InboundDossier

log = logging.getLogger(__name__)
SYSTEM_NAME = "Cổng Dịch vụ công quốc gia"  # who the intake event names
# LoaiDoiTuong (1 citizen, 2 enterprise, 3 state agency, 4 other organisation) as motcua's types
APPLICANT_TYPE = {1: ApplicantType.CITIZEN, 2: ApplicantType.ENTERPRISE, 3: ApplicantType.HOUSEHOLD_BUSINESS,
                  4: ApplicantType.HOUSEHOLD_BUSINESS}
CHUNK = 64 * 1024


class Unresolved(Exception):  # noqa: N818 - a reason, not a failure of motcua
    """The record cannot become a dossier yet; the message says why, in Vietnamese."""


@dataclass
class Target:
    unit: Unit
    procedure: Procedure
    version: ProcedureVersion
    submitted_at: datetime


@dataclass
class Fetched:
    name: str
    stored: StoredObject
    component_id: int | None  # the catalog component it is for, when MaThanhPhanHoSo says


# ---- the pull ---------------------------------------------------------------------------------

def pull(client: Any) -> dict[str, int]:
    """Pull the portal's online dossiers; returns the counts created, skipped (motcua has them
    already), failed (kept with their reason, retried next time) and files (fetched and stored)."""
    counts = {"created": 0, "skipped": 0, "failed": 0, "files": 0}
    records = client.list_online_dossiers()
    with httpx.Client(timeout=httpx.Timeout(CONFIG.national_portal_read_timeout,
                                            connect=CONFIG.national_portal_connect_timeout)) as http:
        for record in records:
            outcome, files = take(record, http)
            counts[outcome] += 1
            counts["files"] += files
    return counts


def take(record: dict[str, Any], http: httpx.Client) -> tuple[str, int]:
    """One record: ("created" | "skipped" | "failed", files stored)."""
    code = str(record.get("MaHoSo") or "").strip()[:60]
    if not code:
        log.warning("national portal: an online dossier without MaHoSo was ignored")
        return "failed", 0
    row = _row(code, record)
    if row.dossier_id is not None:
        return "skipped", 0
    try:
        target = resolve(record)
        files = fetch_files(record, target.version, http)  # network: outside any transaction
        created = create(row.pk, record, target, files)
    except Unresolved as exc:
        _fail(row, str(exc))
        return "failed", 0
    except Exception as exc:  # one bad record must not stop the others: logged, kept, retried next time
        log.exception("national portal: online dossier %s could not be created", code)
        _fail(row, f"Lỗi hệ thống khi tạo hồ sơ ({type(exc).__name__}); hệ thống sẽ thử lại ở lần lấy sau.")
        return "failed", 0
    if created is None:
        return "skipped", 0  # another pull created it meanwhile
    return "created", len(files)


def _fail(row: InboundDossier, reason: str) -> None:
    InboundDossier.objects.filter(pk=row.pk, dossier__isnull=True).update(error=reason[:2000], files_fetched=0)


def _row(code: str, record: dict[str, Any]) -> InboundDossier:
    """The record's row, created on first sight; its payload is refreshed while it has no dossier."""
    docs = _documents(record)
    try:
        with transaction.atomic():
            row, made = InboundDossier.objects.get_or_create(portal_code=code, defaults={
                "payload": record, "pulled_at": clock.now(), "files_expected": len(docs)})
    except IntegrityError:  # created by a concurrent pull between the look-up and the insert
        row, made = InboundDossier.objects.get(portal_code=code), False
    if not made and row.dossier_id is None:
        InboundDossier.objects.filter(pk=row.pk, dossier__isnull=True).update(
            payload=record, pulled_at=clock.now(), files_expected=len(docs))
    return row


# ---- what the record maps to ------------------------------------------------------------------

def resolve(record: dict[str, Any]) -> Target:
    """The receiving unit, procedure and version in force of a record (Unresolved if not)."""
    code = str(record.get("MaHoSo") or "")
    prefix = code.split("-")[0]
    unit = Unit.objects.filter(code=prefix).first()
    if unit is None:
        raise Unresolved(f"Không có đơn vị nào có mã {prefix} (tiền tố của mã hồ sơ {code}): kiểm tra mã định danh "
                         "của đơn vị tiếp nhận.")
    tthc = str(record.get("MaTTHC") or "").strip()
    procedure = Procedure.objects.filter(national_code=tthc).order_by("pk").first() if tthc else None
    if procedure is None:
        raise Unresolved(f"Mã TTHC {tthc or '(trống)'} chưa được ánh xạ với thủ tục nào của motcua: quản trị viên "
                         "ánh xạ mã tại trang «Ánh xạ mã TTHC», lần lấy hồ sơ sau sẽ tạo hồ sơ này.")
    submitted = _submitted_at(record)
    try:
        version = version_in_force(procedure, clock.local_date(submitted))
    except NotFound as exc:
        raise Unresolved(f"Thủ tục {procedure.code} không có phiên bản còn hiệu lực ngày "
                         f"{clock.local_date(submitted):%d/%m/%Y}.") from exc
    return Target(unit, procedure, version, submitted)


def _submitted_at(record: dict[str, Any]) -> datetime:
    text = str(record.get("NgayNopHoSo") or "")
    if not text:
        return clock.now()
    try:
        return mapping.parse_time(text)
    except ValueError as exc:
        raise Unresolved(f"Ngày nộp hồ sơ (NgayNopHoSo) không đúng dạng yyyyMMddHHmmss: {text[:20]}") from exc


def _documents(record: dict[str, Any]) -> list[dict[str, Any]]:
    docs = record.get("TaiLieuNop") or []
    return [d for d in docs if isinstance(d, dict) and not _true(d.get("IsDeleted")) and d.get("DuongDanTaiTepTin")]


def _true(value: object) -> bool:
    return value is True or str(value).strip().lower() in ("true", "1")


def match_component(code: str, components: list[Component]) -> int | None:
    """The catalog component MaThanhPhanHoSo names: its id (as motcua sends it), or else the one
    component whose name's initials start with the code ("TK" is "Tờ khai ..."); None if unsure."""
    code = (code or "").strip()
    if not code:
        return None
    by_id = [c for c in components if str(c.pk) == code]
    if by_id:
        return by_id[0].pk
    wanted = fold(code).replace(" ", "")
    initials = [c for c in components if "".join(w[0] for w in fold(c.name).split() if w[0].isalnum())
                .startswith(wanted)]
    return initials[0].pk if len(initials) == 1 else None


# ---- files ------------------------------------------------------------------------------------

def fetch_files(record: dict[str, Any], version: ProcedureVersion, http: httpx.Client) -> list[Fetched]:
    """Download and store every (not deleted) file of the record; Unresolved on the first failure."""
    components = list(Component.objects.filter(version=version).order_by("order", "pk"))
    out = []
    for i, doc in enumerate(_documents(record), start=1):
        name = str(doc.get("TenTepDinhKem") or f"tep-{i}")[:255]
        stored = fetch_one(str(doc["DuongDanTaiTepTin"]), name, http)
        out.append(Fetched(name, stored, match_component(str(doc.get("MaThanhPhanHoSo") or ""), components)))
    return out


def fetch_one(url: str, name: str, http: httpx.Client) -> StoredObject:
    """One file, streamed to a temporary file (at most ``CONFIG.max_upload_bytes``), then stored."""
    limit = CONFIG.max_upload_bytes
    with tempfile.SpooledTemporaryFile(max_size=1024 * 1024) as buf:
        try:
            with http.stream("GET", url) as response:
                if response.status_code != 200:
                    raise Unresolved(f"Không tải được tệp «{name}»: Cổng trả HTTP {response.status_code}.")
                size = 0
                for chunk in response.iter_bytes(CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise Unresolved(f"Tệp «{name}» lớn quá {limit // (1024 * 1024)} MB, không nhận được.")
                    buf.write(chunk)
        except httpx.TimeoutException as exc:
            raise Unresolved(f"Không tải được tệp «{name}»: hết thời gian chờ.") from exc
        except httpx.HTTPError as exc:
            raise Unresolved(f"Không tải được tệp «{name}»: lỗi kết nối ({type(exc).__name__}).") from exc
        buf.seek(0)
        try:
            return store_upload(buf, name, max_bytes=limit)  # type: ignore[arg-type]
        except DomainError as exc:
            detail = "; ".join(exc.fields.values()) or exc.message
            raise Unresolved(f"Tệp «{name}» không nhận được: {detail}") from exc


# ---- the dossier ------------------------------------------------------------------------------

def create(row_id: int, record: dict[str, Any], target: Target, files: list[Fetched]) -> Dossier | None:
    """Register the dossier and its files in one transaction (None: it exists already)."""
    try:
        with transaction.atomic():
            row = InboundDossier.objects.select_for_update().get(pk=row_id)
            if row.dossier_id is not None:
                return None
            d = _intake(record, target, files)
            for f in files:
                DossierFile.objects.create(
                    dossier=d, component_id=_submitted_component(d, f.component_id), kind=FileKind.COMPONENT,
                    name=f.name, content_type=f.stored.content_type, size=f.stored.size,
                    sha256=f.stored.sha256, storage_key=f.stored.key)
            row.dossier, row.error, row.files_fetched = d, "", len(files)
            row.save(update_fields=["dossier", "error", "files_fetched"])
            adopt = getattr(_sync(), "adopt", None)
            if adopt is not None:
                adopt(d.pk)
            return d
    except IntegrityError as exc:
        if InboundDossier.objects.filter(pk=row_id, dossier__isnull=False).exists():
            return None  # a concurrent pull won
        if Dossier.objects.filter(code=row_code(row_id)).exists():
            raise Unresolved(f"motcua đã có một hồ sơ khác mang mã {row_code(row_id)}: không tạo trùng.") from exc
        raise
    except DomainError as exc:  # the intake refused it (channel, applicant type, a field...)
        detail = "; ".join(f"{k}: {v}" for k, v in exc.fields.items()) or exc.message
        raise Unresolved(f"Không tạo được hồ sơ: {detail}") from exc


def row_code(row_id: int) -> str:
    return InboundDossier.objects.filter(pk=row_id).values_list("portal_code", flat=True).first() or ""


def _sync() -> Any:
    from . import sync

    return sync


def _submitted_component(d: Dossier, component_id: int | None) -> int | None:
    if component_id is None:
        return None
    return d.components.filter(component_id=component_id).values_list("pk", flat=True).first()


def _intake(record: dict[str, Any], target: Target, files: list[Fetched]) -> Dossier:
    code = str(record["MaHoSo"]).strip()[:60]
    wanted = dict.fromkeys(f.component_id for f in files if f.component_id is not None)
    comps = {c.pk: c for c in Component.objects.filter(pk__in=list(wanted))}
    req = svc.IntakeRequest(
        procedure_code=target.procedure.code, receiving_unit_code=target.unit.code,
        handling_unit_code=target.unit.code, channel=Channel.ONLINE, applicant=applicant_of(record),
        components=[svc.ComponentInput(component_id=c.pk, originals=c.originals, copies=c.copies)
                    for c in comps.values()],
        request_summary=str(record.get("TrichYeuHoSo") or "")[:1000], result_delivery=ResultDelivery.ONLINE,
        at=target.submitted_at, code=code)  # the portal's code: the sync back uses it
    return svc.intake(svc.Actor.system_actor(SYSTEM_NAME), req)


def applicant_of(record: dict[str, Any]) -> svc.Applicant:
    try:
        kind = APPLICANT_TYPE.get(int(record.get("LoaiDoiTuong") or 1), ApplicantType.CITIZEN)
    except (TypeError, ValueError):
        kind = ApplicantType.CITIZEN
    ident = str(record.get("SoGiayToChuHoSo") or "").strip()
    if not ident:
        ids = record.get("DinhDanhCHS") or []
        ident = str(ids[0].get("SoDinhDanh") or "") if ids and isinstance(ids[0], dict) else ""
    return svc.Applicant(name=str(record.get("ChuHoSo") or "").strip()[:255], type=int(kind), id_number=ident[:20],
                         phone=str(record.get("SoDienThoai") or "").strip()[:20],
                         email=str(record.get("Email") or "").strip()[:254])


__all__ = ["pull", "resolve", "take", "match_component", "applicant_of"]
