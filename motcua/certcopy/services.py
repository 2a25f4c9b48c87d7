"""Electronic certified copies at the counter: one use case, :func:`certify`, called by the page.

The counter officer of the receiving unit has the dossier (received through the normal intake), scans
or uploads the presented original and says what it is; motcua composes the copy (the scan, the
statement with the register number and the date, the QR code of the public verification page), signs
it PAdES with the configured one-shot signer (software key in development and the demo, PKCS#11 in
production: ``motcua.signing.config.signer``), and records, in one transaction, the register entry,
the dossier's result file, the signed result's :class:`~motcua.dossiers.models.Approval` slot (its
result code ``<dossier>-KQ<n>`` is what ``/results/<code>/`` verifies) and the dossier's moves to
processed (``start`` when it was only received, then ``finish``). The dossier can then be returned
electronically (``return_result(method="online")``), at once if the officer asks.

Signing talks to the TSA and the OCSP responder over HTTP, so it runs outside any transaction; the
register number printed on the copy is the next free one when signing starts, and the recording
transaction takes it under the counter's row lock: if another copy took it meanwhile, the transaction
rolls back and the copy is composed and signed again with the next number (numbers stay gapless and
every number printed on a recorded copy is its own). Bad input raises :class:`CopyRefused` before
anything is written.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.domain.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from motcua.domain.lifecycle import Status
from motcua.dossiers import services as svc
from motcua.dossiers.models import Approval, Dossier, DossierFile
from motcua.signing.errors import SigningError
from motcua.units.choices import Role

from . import compose
from .models import CertifiedCopy, CopyKind, RegisterCounter, register_number

log = logging.getLogger(__name__)

PROCEDURE_CODE = "2.000815.BSDT"  # Chứng thực bản sao điện tử từ bản chính (sample catalog)
MAX_ATTEMPTS = 8  # a number taken by a concurrent copy while signing: compose and sign again
MAX_COPIES = 50
REASON = "Chứng thực bản sao điện tử từ bản chính"


class CopyRefused(ValidationFailed):
    """Input the counter must correct; ``fields`` holds one Vietnamese sentence per form field."""


@dataclass(frozen=True)
class CopyRequest:
    """What the counter officer enters: the scan (name, bytes) and what the original is."""

    files: list[tuple[str, bytes]]
    document_type: str
    pages: int | None
    copies: int = 1
    document_number: str = ""
    issuer: str = ""
    issued_on: date | None = None
    certifier_title: str = ""
    return_now: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def fee_for(pages: int, copies: int) -> int:
    """Circular 226/2016/TT-BTC: 2,000 VND a page for the first two pages, 1,000 VND a page from the third,
    at most 200,000 VND a copy."""
    per_copy = 2000 * min(pages, 2) + 1000 * max(pages - 2, 0)
    return min(per_copy, 200_000) * copies


# ---- who may, on which dossier --------------------------------------------------------------------

def is_certcopy(d: Dossier) -> bool:
    return d.procedure.code == PROCEDURE_CODE


def may_certify(actor: svc.Actor, d: Dossier) -> bool:
    """A counter officer of the dossier's receiving unit (or an administrator), never the system actor."""
    return not actor.system and actor.scope.has_role(Role.COUNTER_OFFICER, d.receiving_path)


def certifiable(d: Dossier) -> bool:
    """Received, or being processed at the counter's step, and not certified yet."""
    if d.status == Status.RECEIVED:
        return not CertifiedCopy.objects.filter(dossier=d).exists()
    if d.status != Status.PROCESSING or (d.current_step_id and d.current_step.role != Role.COUNTER_OFFICER):
        return False
    return not CertifiedCopy.objects.filter(dossier=d).exists()


def load(actor: svc.Actor, dossier_id: int) -> Dossier:
    """The dossier for the counter's page: NotFound if invisible, PermissionDenied if not theirs or not
    a dossier of this procedure."""
    d = svc.get_dossier(actor, dossier_id)
    if not may_certify(actor, d):
        raise PermissionDenied("Only a counter officer of the receiving unit certifies copies.")
    if not is_certcopy(d):
        raise PermissionDenied("This dossier is not an electronic certified copy request.")
    return d


# ---- input -----------------------------------------------------------------------------------------

def check(req: CopyRequest) -> list[compose.ScanPage]:
    """The scan's pages; CopyRefused naming every field to correct (nothing is written)."""
    errors: dict[str, str] = {}
    pages: list[compose.ScanPage] = []
    try:
        pages = compose.read_scan(req.files)
    except compose.ScanRefused as e:
        errors["scan"] = e.message
    if not req.document_type.strip():
        errors["document_type"] = _("Nhập loại giấy tờ của bản chính (ví dụ: Căn cước công dân, Bằng tốt nghiệp).")
    if req.pages is None or req.pages < 1:
        errors["pages"] = _("Số trang phải từ 1 trở lên.")
    elif pages and req.pages != len(pages):
        errors["pages"] = _("Số trang đã nhập (%(entered)d) khác số trang của bản quét (%(scanned)d).") % {
            "entered": req.pages, "scanned": len(pages)}
    if req.copies < 1 or req.copies > MAX_COPIES:
        errors["copies"] = _("Số bản sao phải từ 1 đến %(n)d.") % {"n": MAX_COPIES}
    if req.issued_on is not None and req.issued_on > clock.local_date(clock.now()):
        errors["issued_on"] = _("Ngày cấp không thể sau ngày hôm nay.")
    if errors:
        raise CopyRefused("The certified copy request is not valid.", fields=errors)
    return pages


def describe_original(req: CopyRequest) -> str:
    parts = [req.document_type.strip()]
    if req.document_number.strip():
        parts.append(_("số %(n)s") % {"n": req.document_number.strip()})
    if req.issuer.strip():
        parts.append(_("do %(issuer)s cấp") % {"issuer": req.issuer.strip()})
    if req.issued_on:
        parts.append(_("ngày %(d)s") % {"d": req.issued_on.strftime("%d/%m/%Y")})
    return " ".join(parts)


# ---- the use case ----------------------------------------------------------------------------------

def certify(actor: svc.Actor, dossier_id: int, req: CopyRequest) -> CertifiedCopy:
    """Compose, sign and record the electronic certified copy of dossier ``dossier_id``."""
    if in_transaction():
        raise RuntimeError("certify signs over HTTP (TSA, OCSP): call it outside transaction.atomic")
    d = load(actor, dossier_id)
    if not certifiable(d):
        raise Conflict("This dossier cannot be certified now (already certified, or not at the counter).",
                       fields={"dossier": _("Hồ sơ này đã được chứng thực hoặc không còn ở bước của bộ phận một cửa.")})
    scan = check(req)
    precheck(actor, d)
    from motcua.signing import config

    try:
        signer = config.signer(label="leader")
        settings = config.signing_settings(location=d.handling_unit.name)
    except (SigningError, KeyError) as e:
        raise CopyRefused("No one-shot signer is configured.", fields={"signature": _(
            "Chưa cấu hình khóa ký số cho chứng thực bản sao điện tử: %(error)s") % {"error": e}}) from e
    if signer.kind == "remote":
        raise CopyRefused("Remote signing is not offered for certified copies.", fields={"signature": _(
            "Chứng thực bản sao điện tử cần thiết bị ký số (token/HSM) của đơn vị; "
            "dịch vụ ký số từ xa chưa được hỗ trợ.")})
    for _attempt in range(MAX_ATTEMPTS):
        entry = _attempt_once(actor, d, req, scan, signer, settings)
        if entry is not None:
            break
    else:
        raise Conflict("The register is busy; try again.", fields={"number": _("Sổ chứng thực đang bận, hãy thử lại.")})
    if req.return_now:
        svc.return_result(actor, d.pk, method="online", note=_("Trả bản sao điện tử vào tài khoản của người yêu cầu."))
    return entry


def precheck(actor: svc.Actor, d: Dossier) -> None:
    """Ask the transition guards (an unpaid fee, motcua/fees) before signing rather than after: a refusal
    then costs no signature. They are asked again under the row lock by the transitions themselves."""
    from motcua.domain.lifecycle import Action

    actions = [Action.START, Action.FINISH] if d.status == Status.RECEIVED else [Action.FINISH]
    for guard in svc.TRANSITION_GUARDS:
        for action in actions:
            guard(actor, d, action)


def in_transaction() -> bool:
    """Inside a transaction the caller opened (a test case's own wrapping transaction does not count)."""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def _attempt_once(actor: svc.Actor, d: Dossier, req: CopyRequest, scan: list[compose.ScanPage], signer: Any,
                  settings: Any) -> CertifiedCopy | None:
    from motcua.signing import pades
    from motcua.signing import services as signing

    unit = d.handling_unit
    today = clock.local_date(clock.now())
    number = peek(unit.pk, today.year) + 1
    code = signing.next_result_code(d)
    statement = compose.Statement(
        register_number=register_number(number), year=today.year, on=today, certifier_name=actor.name,
        certifier_title=req.certifier_title.strip() or _("Công chức tư pháp - hộ tịch"), unit_name=unit.name,
        result_code=code, verify_url=signing.result_url(code), document=describe_original(req))
    try:
        pdf, box = compose.compose(scan, statement)
        signed = pades.sign_pdf(pdf, signer, box, settings, reason=REASON)
    except compose.ScanRefused as e:
        raise CopyRefused(e.message, fields={"scan": e.message}) from e
    except SigningError as e:
        raise CopyRefused(str(e), fields={"signature": str(e)}) from e
    try:
        return record(actor, d.pk, req, number, today, statement, signed)
    except NumberTaken:
        log.info("certified copy number %s of unit %s taken meanwhile; signing again", number, unit.pk)
        return None


class NumberTaken(Exception):
    """The register number printed on the copy went to another copy while it was being signed."""


def peek(unit_id: int, year: int) -> int:
    return RegisterCounter.objects.filter(unit_id=unit_id, year=year).values_list("last", flat=True).first() or 0


def take_number(unit_id: int, year: int) -> int:
    """Increment and return the unit's counter for the year in one statement (an upsert that locks the
    row until the transaction ends). Call inside the transaction that writes the register entry."""
    table = RegisterCounter._meta.db_table
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {table} (unit_id, year, last) VALUES (%s, %s, 1) "  # noqa: S608 - our table name
                    f"ON CONFLICT (unit_id, year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
                    [unit_id, year])
        return int(cur.fetchone()[0])


def record(actor: svc.Actor, dossier_id: int, req: CopyRequest, number: int, today: date,
           statement: compose.Statement, signed: Any) -> CertifiedCopy:
    """One transaction: the number, the dossier's moves, the result file, the signed slot, the entry."""
    from motcua.dossiers.storage import store_upload

    obj = store_upload(io.BytesIO(signed.data), f"{statement.result_code}.pdf")  # content-addressed, outside
    with transaction.atomic():
        d = Dossier.objects.select_related("handling_unit").get(pk=dossier_id)
        if take_number(d.handling_unit_id, today.year) != number:
            raise NumberTaken
        if d.status == Status.RECEIVED:
            svc.start(actor, d.pk, note=_("Tiếp nhận bản chính để chứng thực bản sao điện tử."))
        f = DossierFile.objects.create(dossier_id=d.pk, kind="result", name=f"{statement.result_code}.pdf",
                                       content_type=obj.content_type, size=obj.size, sha256=obj.sha256,
                                       storage_key=obj.key, uploaded_by_id=actor.user_id)
        note = _("Chứng thực bản sao điện tử số %(number)s do %(name)s thực hiện.") % {
            "number": statement.register_number, "name": actor.name}
        svc.finish(finisher(actor), d.pk, reason=note)
        ev = d.events.order_by("-seq").first()
        approval = Approval.objects.create(
            dossier_id=d.pk, event=ev, document=f, document_sha256=f.sha256, approved_by_id=actor.user_id,
            approved_at=ev.at, result_code=statement.result_code, signature_status="signed", signed_document=f,
            signer=signed.signer_name[:255], certificate_serial=signed.certificate_serial,
            issuer=signed.issuer[:255], signed_at=signed.signing_time, signature_sha256=signed.signature_sha256,
            signature_level=signed.level)
        return CertifiedCopy.objects.create(
            unit_id=d.handling_unit_id, year=today.year, number=number, dossier_id=d.pk, kind=CopyKind.ELECTRONIC,
            document_type=req.document_type.strip()[:255], document_number=req.document_number.strip()[:100],
            issuer=req.issuer.strip()[:255], issued_on=req.issued_on, pages=req.pages or 1, copies=req.copies,
            fee=fee_for(req.pages or 1, req.copies), certified_by_id=actor.user_id,
            certifier_name=actor.name[:255], certifier_title=statement.certifier_title[:255], file=f,
            approval=approval, result_code=statement.result_code, signer=signed.signer_name[:255],
            certificate_serial=signed.certificate_serial, signature_level=signed.level,
            signed_at=signed.signing_time, at=ev.at)


# the finish of a certification is the counter officer's act; the transition table gives finishing to the
# handling unit's specialists and leaders, so until the dossier services let an app grant it
# (requests-copy.md: ``ACTION_GRANTS``), the finish is recorded by the system actor named after the officer
def finisher(actor: svc.Actor) -> svc.Actor:
    if getattr(svc, "ACTION_GRANTS", None) is not None and grant in svc.ACTION_GRANTS:
        return actor
    return svc.Actor.system_actor(f"{actor.name} (chứng thực bản sao điện tử)")


def grant(actor: svc.Actor, d: Dossier, action: Any) -> str | None:
    """For ``services.ACTION_GRANTS``: the counter officer of the receiving unit finishes a certification."""
    from motcua.domain.lifecycle import Action

    if action is Action.FINISH and d.procedure.code == PROCEDURE_CODE and may_certify(actor, d):
        return Role.COUNTER_OFFICER
    return None


# ---- reading the register ---------------------------------------------------------------------------

def register_of(actor: svc.Actor, year: int | None = None, limit: int = 200) -> list[CertifiedCopy]:
    """The register entries of the units the actor sees (newest first)."""
    qs = CertifiedCopy.objects.filter(dossier__in=svc.visible_dossiers(actor)).select_related("unit", "dossier")
    if year:
        qs = qs.filter(year=year)
    return list(qs.order_by("-at", "-pk")[:limit])


def entry_of(d: Dossier) -> CertifiedCopy | None:
    return CertifiedCopy.objects.filter(dossier=d).select_related("file").first()


__all__ = ["CopyRefused", "CopyRequest", "DomainError", "certify", "fee_for", "register_of"]
