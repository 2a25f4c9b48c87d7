"""Signed electronic results: sign an approved result (one-shot or remote), record it on the approval,
and verify a result by its public code or an uploaded file.

The approval (motcua.dossiers.results.approve) calls ``sign_result`` *before* its transaction for a
one-shot backend (the TSA and OCSP calls stay outside the database transaction; a failure writes
nothing), and ``request_remote`` *after* it commits for a remote service (the HTTP call to the service
is never inside a transaction). ``record_signature`` stores the signed file as a new result file and
fills the approval's slot, in the caller's transaction.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from motcua.conf import CONFIG
from motcua.domain import codes
from motcua.domain.errors import NotFound

from . import config, pades, remote, stamp, verify
from .errors import RemoteSigningFailed, SigningError
from .i18n import _
from .models import RemoteSignature, RemoteState
from .store import DbStore

log = logging.getLogger(__name__)
WAIT_BEFORE_POLLING = timedelta(minutes=1)


def result_url(code: str) -> str:
    """The public verification page of a result (what its QR code says)."""
    return f"{CONFIG.public_url}{reverse('signing:result', args=[code])}"


def callback_url() -> str:
    """Where the remote service posts its result: ``MOTCUA_REMOTE_SIGNER_CALLBACK_URL`` when the service
    reaches motcua at another address than citizens do, else under the public URL."""
    return config.callback_url() or f"{CONFIG.public_url}{reverse('signing:callback')}"


def next_result_code(dossier: Any, document: Any = None) -> str:
    """Reserve the dossier's next result code ``<dossier code>-KQ<n>`` (see :func:`reserve_result_code`)."""
    return reserve_result_code(dossier, document)


_KQ = re.compile(r"-KQ(\d+)$")


def reserve_result_code(dossier: Any, document: Any = None) -> str:
    """The next free ``<dossier code>-KQ<n>``, reserved for good (a ``ResultCode`` row), so that two
    drafts initialled at the same time, or a draft initialled while another result is approved, never
    get the same code. ``document``: the result file the code is for; asking again for the same file
    gives its code again (a retried signature does not use up numbers).

    Safe under concurrency without locking the dossier: the number is unique per dossier, so of two
    transactions taking the same number the second waits for the first (PostgreSQL's unique index) and
    fails, then takes the next one."""
    from motcua.dossiers.models import Approval

    from .models import ResultCode

    if document is not None:  # the file's code, unless an approval has used it already (approved again)
        kept = (ResultCode.objects.filter(dossier=dossier, document=document).order_by("-number")
                .values_list("code", flat=True).first())
        if kept and not Approval.objects.filter(result_code=kept).exists():
            return kept
    for _attempt in range(50):
        numbers = list(ResultCode.objects.filter(dossier=dossier).values_list("number", flat=True))
        numbers += [int(m.group(1)) for c in Approval.objects.filter(dossier=dossier, result_code__isnull=False)
                    .values_list("result_code", flat=True) if (m := _KQ.search(c))]  # codes from before reserving
        n = max(numbers, default=0) + 1
        code = codes.result_code(dossier.code, n)
        try:
            with transaction.atomic():
                ResultCode.objects.create(dossier=dossier, number=n, code=code, document=document)
        except IntegrityError:
            continue
        return code
    raise SigningError(_("Không cấp được mã kết quả cho hồ sơ, vui lòng thử lại."))


def read_file(f: Any) -> bytes:
    from motcua.dossiers.storage import get_storage

    with get_storage().open(f.storage_key) as fh:
        return fh.read()


def result_code_for(dossier: Any, doc: Any) -> str:
    """The code a result will carry: the one stamped at the specialist's initials, else the next free one."""
    return stamp.stamped_code(read_file(doc)) or reserve_result_code(dossier, doc)


def prepare(dossier: Any, doc: Any, code: str) -> tuple[bytes, pades.SignatureBox, pades.SigningSettings]:
    """The result stamped with its QR code and code (unless stamped before the initials), the leader's
    block, and the settings."""
    if doc.content_type != "application/pdf":
        raise SigningError(_("Chỉ ký số được kết quả là tệp PDF; tệp “%(name)s” không phải PDF.") % {"name": doc.name})
    unit = dossier.handling_unit.name
    data = read_file(doc)
    if stamp.has_signatures(data):  # initialled: stamping now would count as a change after that signature
        if stamp.stamped_code(data) != code:
            raise SigningError(_("Tệp kết quả đã có chữ ký khác mà không có mã kết quả của hồ sơ; hãy tải lên bản "
                                 "chưa ký."))
        stamped = data
    else:
        stamped = stamp.stamp_result(data, code, result_url(code))
    box = stamp.leader_box(stamped, title=_("Lãnh đạo %(unit)s") % {"unit": unit})
    return stamped, box, config.signing_settings(location=unit)


def initial_result(dossier: Any, doc: Any) -> tuple[pades.SignedPdf, str]:
    """The specialist's initials on a result (one-shot backends): the QR code and the next result code are
    stamped first, then the specialist signs; the leader's approval later adds the second signature."""
    if doc.content_type != "application/pdf":
        raise SigningError(_("Chỉ ký số được kết quả là tệp PDF; tệp “%(name)s” không phải PDF.") % {"name": doc.name})
    data = read_file(doc)
    if stamp.has_signatures(data):
        raise SigningError(_("Tệp kết quả này đã được ký."))
    code = reserve_result_code(dossier, doc)
    stamped = stamp.stamp_result(data, code, result_url(code))
    box = stamp.initials_box(stamped, title=_("Chuyên viên thụ lý"))
    settings = config.signing_settings(location=dossier.handling_unit.name)
    signed = pades.sign_pdf(stamped, config.signer(label="specialist"), box, settings,
                            reason=_("Ký nháy kết quả trình lãnh đạo"))
    return signed, code


def sign_result(dossier: Any, doc: Any, code: str) -> pades.SignedPdf:
    """Sign the approved result with the one-shot backend (software key in development, PKCS#11)."""
    data, box, settings = prepare(dossier, doc, code)
    return pades.sign_pdf(data, config.signer(label="leader"), box, settings)


def record_signature(approval: Any, signed: pades.SignedPdf, user_id: int | None) -> Any:
    """Store the signed file as a new result file of the dossier and fill the approval's slot."""
    from motcua.dossiers.models import DossierFile
    from motcua.dossiers.storage import store_upload

    code = approval.result_code or next_result_code(approval.dossier)
    obj = store_upload(io.BytesIO(signed.data), f"{code}.pdf")
    f = DossierFile.objects.create(dossier_id=approval.dossier_id, kind="result", name=f"{code}.pdf",
                                   content_type=obj.content_type, size=obj.size, sha256=obj.sha256,
                                   storage_key=obj.key, uploaded_by_id=user_id)
    approval.result_code, approval.signed_document = code, f
    approval.signature_status = "signed"
    approval.signer, approval.certificate_serial, approval.issuer = (signed.signer_name[:255],
                                                                     signed.certificate_serial, signed.issuer[:255])
    approval.signed_at, approval.signature_sha256 = signed.signing_time, signed.signature_sha256
    approval.signature_level = signed.level
    approval.save(update_fields=["result_code", "signed_document", "signature_status", "signer", "certificate_serial",
                                 "issuer", "signed_at", "signature_sha256", "signature_level"])
    return f


# -- remote signing ------------------------------------------------------------------------------------

def request_remote(approval_id: int) -> RemoteSignature | None:
    """Ask the remote service to sign an approval's result (outside any transaction: an HTTP call). A
    refusal of the request itself (service down, certificate revoked) is recorded as a failed request,
    shown on the leader's page."""
    from motcua.dossiers.models import Approval

    if transaction.get_connection().in_atomic_block:
        raise RuntimeError("request_remote makes an HTTP call: call it outside transaction.atomic")
    approval = Approval.objects.select_related("dossier__handling_unit", "document", "approved_by").get(pk=approval_id)
    if approval.document is None or approval.signature_status == "signed":
        return None
    if not approval.result_code:
        approval.result_code = result_code_for(approval.dossier, approval.document)
        approval.save(update_fields=["result_code"])
    store = DbStore(approval.pk)
    try:
        data, box, settings = prepare(approval.dossier, approval.document, approval.result_code)
        signer = config.signer(user_id=config.remote_user_id(approval.approved_by))
        record = remote.request_signature(data, signer, box, settings, store, doc_id=approval.result_code,
                                          callback_url=callback_url())
    except SigningError as e:
        log.warning("remote signing request for approval %s failed: %s", approval.pk, e)
        return RemoteSignature.objects.create(approval=approval, transaction_id=f"failed-{approval.pk}-"
                                              f"{timezone.now().timestamp():.0f}", pending="{}",
                                              state=RemoteState.FAILED, message=str(e)[:500],
                                              finished_at=timezone.now())
    return RemoteSignature.objects.get(transaction_id=record.transaction_id)


def poll_remote(transaction_id: str) -> remote.Outcome:
    """Where a remote transaction stands now (asks the service unless final). Outside transactions."""
    settings = config.signing_settings()
    return remote.poll(DbStore(), config.remote_client(), transaction_id, settings)


def handle_callback(body: bytes, signature_header: str | None) -> remote.Outcome:
    return remote.handle_callback(DbStore(), body, signature_header, config.webhook_secret(),
                                  config.signing_settings())


def poll_waiting(older_than: timedelta = WAIT_BEFORE_POLLING) -> int:
    """The worker's job: poll transactions still waiting after a minute (the callback that never came)."""
    cutoff = timezone.now() - older_than
    tids = list(RemoteSignature.objects.filter(state=RemoteState.WAITING, created_at__lte=cutoff)
                .order_by("created_at").values_list("transaction_id", flat=True)[:200])
    done = 0
    for tid in tids:
        try:
            done += poll_remote(tid).changed
        except (SigningError, remote.CallbackRejected) as e:  # worth another try next time
            log.warning("polling remote signing transaction %s: %s", tid, e)
    return done


# -- verification --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ResultCheck:
    """What the public page says about a result: the signatures' report and the dossier, masked."""

    code: str
    report: verify.Report
    dossier_code: str
    dossier_status: str
    applicant: str  # masked (codes.mask_name)
    procedure: str
    document: str = ""  # a signed letter's title ("" for a result)


def verify_bytes(data: bytes, *, fetch_missing: bool = False) -> verify.Report:
    """Offline, from the validation data in the file (B-LT/B-LTA). ``fetch_missing``: when a certificate's
    status cannot be told offline, ask its OCSP/CRL services (motcua's own stored results only; never for
    an uploaded file, whose certificates could name any address)."""
    settings = config.signing_settings()
    report = verify.verify_pdf(data, settings.trust_roots, other_certs=settings.other_certs, allow_fetching=False)
    if fetch_missing and any(s.certificate_status == "unknown" for s in report.signatures):
        report = verify.verify_pdf(data, settings.trust_roots, other_certs=settings.other_certs, allow_fetching=True)
    return report


def verify_result(code: str) -> ResultCheck:
    """Validate the stored signed file of result ``code``; NotFound if no signed result has that code."""
    from motcua.dossiers.models import Approval

    a = (Approval.objects.select_related("dossier__procedure", "signed_document")
         .filter(result_code=code, signature_status="signed", signed_document__isnull=False).first())
    if a is None:
        return verify_letter(code)
    d = a.dossier
    report = verify_bytes(read_file(a.signed_document), fetch_missing=True)
    return ResultCheck(code=code, report=report, dossier_code=d.code, dossier_status=str(d.get_status_display()),
                       applicant=codes.mask_name(d.applicant_name), procedure=d.procedure.name)


def verify_letter(code: str) -> ResultCheck:
    """A signed letter by its verification code (printed on it, and its QR code); NotFound if none."""
    from motcua.documents.services import DOCUMENTS
    from motcua.dossiers.storage import get_storage

    from .models import SignedLetter

    letter = SignedLetter.objects.select_related("dossier__procedure").filter(code=code).first()
    if letter is None:
        raise NotFound("Result not found.")
    d = letter.dossier
    with get_storage().open(letter.storage_key) as fh:
        report = verify_bytes(fh.read(), fetch_missing=True)
    doc = DOCUMENTS.get(letter.slug)
    return ResultCheck(code=code, report=report, dossier_code=d.code, dossier_status=str(d.get_status_display()),
                       applicant=codes.mask_name(d.applicant_name), procedure=d.procedure.name,
                       document=_(doc.label) if doc else letter.slug)


def retryable(e: Exception) -> bool:
    return isinstance(e, RemoteSigningFailed) and e.retry
