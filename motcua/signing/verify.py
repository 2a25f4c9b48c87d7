"""Validate the signatures of a PDF and say, in plain Vietnamese, what a citizen needs to know.

``verify_pdf(data, trust_roots)`` runs pyHanko's ``validate_pdf_signature`` on every signature with
explicit trust roots, the certificate's status evaluated at the signing time (the TSA's time when
timestamped) using the validation data embedded in the file (DSS) and, if allowed, fetched from the
CA's OCSP/CRL services, and pyHanko's difference analysis of what changed after signing.
``pdfsig_check(path)`` runs poppler's ``pdfsig`` as an independent checker.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from asn1crypto import pem, x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.pdf_embedded import async_validate_pdf_signature, async_validate_pdf_timestamp
from pyhanko_certvalidator import ValidationContext

from . import certs
from .i18n import _, ngettext

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
ALLOWED_LATER = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING)
SUBINDIC_STATUS = {
    AdESFailure.REVOKED: "revoked", AdESIndeterminate.REVOKED_NO_POE: "revoked",
    AdESIndeterminate.REVOKED_CA_NO_POE: "revoked", AdESIndeterminate.EXPIRED: "expired",
    AdESIndeterminate.OUT_OF_BOUNDS_NO_POE: "expired", AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED: "expired",
    AdESFailure.NOT_YET_VALID: "not_yet_valid", AdESIndeterminate.NOT_YET_VALID: "not_yet_valid",
    AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND: "untrusted",
}


@dataclass(frozen=True)
class SignatureReport:
    """One signature's verdict."""

    field_name: str
    signer: str
    certificate_serial: str
    issuer: str
    signing_time: datetime | None  # UTC
    timestamped: bool  # the signing time comes from a trusted timestamp authority
    intact: bool  # the signed bytes are unchanged
    valid: bool  # the signature value matches them (cryptographically)
    certificate_status: str  # good | revoked | expired | not_yet_valid | untrusted | unknown (at signing time)
    modified_after_signing: bool  # changes beyond later signatures, timestamps and validation data
    ok: bool
    summary: str  # one sentence in Vietnamese


@dataclass(frozen=True)
class Report:
    """Every signature of a file, and a verdict on the whole."""

    signatures: list[SignatureReport]
    document_timestamps: int = 0
    document_timestamps_ok: bool = True
    errors: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return bool(self.signatures) and all(s.ok for s in self.signatures) and self.document_timestamps_ok

    @property
    def summary(self) -> str:
        if not self.signatures:
            return self.errors[0] if self.errors else _("Tệp không có chữ ký số nào.")
        n = len(self.signatures)
        if self.valid:
            return ngettext("Tệp có %(n)d chữ ký số, hợp lệ.", "Tệp có %(n)d chữ ký số, tất cả đều hợp lệ.",
                            n) % {"n": n}
        bad = sum(1 for s in self.signatures if not s.ok)
        return ngettext("Tệp có %(n)d chữ ký số, trong đó %(bad)d chữ ký không hợp lệ.",
                        "Tệp có %(n)d chữ ký số, trong đó %(bad)d chữ ký không hợp lệ.", n) % {"n": n, "bad": bad}


def verify_pdf(data: bytes, trust_roots: Iterable[x509.Certificate], *, other_certs: Iterable[x509.Certificate] = (),
               allow_fetching: bool = True) -> Report:
    """Validate every signature (and document timestamp) in ``data`` against ``trust_roots``."""
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as e:  # not a PDF, or broken beyond reading
        return Report(signatures=[], errors=[_("Không đọc được tệp PDF (%(error)s).") % {"error": type(e).__name__}])
    kw = {"trust_roots": list(trust_roots), "other_certs": list(other_certs), "allow_fetching": allow_fetching,
          "revocation_mode": "hard-fail", "retroactive_revinfo": True}
    dss = DocumentSecurityStore.read_dss(reader) if "/DSS" in reader.root else None
    reports, ts_count, ts_ok = [], 0, True
    for sig in embedded:
        if sig.sig_object_type == "/DocTimeStamp":
            ts_count += 1
            ts_ok = _check_doc_timestamp(sig, dss, kw) and ts_ok
        else:
            reports.append(check_signature(sig, dss, kw))
    return Report(signatures=reports, document_timestamps=ts_count, document_timestamps_ok=ts_ok)


def _context(dss: DocumentSecurityStore | None, kw: dict[str, Any], moment: datetime | None) -> ValidationContext:
    args = dict(kw, moment=moment) if moment else dict(kw)
    if dss is not None:
        return dss.as_validation_context(args)
    if not args.get("allow_fetching"):  # offline and no validation data in the file: status unknown, not a crash
        args.update(crls=[], ocsps=[])
    return ValidationContext(**args)


def _run(coro: Any, *contexts: ValidationContext) -> Any:
    async def go() -> Any:
        try:
            return await coro
        finally:
            for vc in contexts:
                await vc.aclose()

    return asyncio.run(go())


def _check_doc_timestamp(sig: Any, dss: DocumentSecurityStore | None, kw: dict[str, Any]) -> bool:
    vc = _context(dss, kw, None)
    try:
        status = _run(async_validate_pdf_timestamp(sig, validation_context=vc), vc)
    except Exception:
        return False
    return bool(status.valid and status.intact and status.trusted)


def check_signature(sig: Any, dss: DocumentSecurityStore | None, kw: dict[str, Any]) -> SignatureReport:
    cert = sig.signer_cert
    ts_time = certs.signature_time(sig.signer_info)
    when = ts_time or sig.self_reported_timestamp
    vc = _context(dss, kw, ts_time)
    try:
        status = _run(async_validate_pdf_signature(sig, signer_validation_context=vc), vc)
    except Exception as e:
        return _broken(sig, cert, when, e)
    cert_status = _cert_status(status)
    modified = bool(status.docmdp_ok is False or status.modification_level not in ALLOWED_LATER)
    timestamped = bool(status.timestamp_validity and status.timestamp_validity.valid
                       and status.timestamp_validity.intact)
    ok = bool(status.intact and status.valid and cert_status == "good" and not modified
              and (ts_time is None or timestamped))
    name = certs.common_name(cert)
    summary = explain(name, when, status.intact, status.valid, cert_status, modified, cert)
    return SignatureReport(field_name=sig.field_name, signer=name, certificate_serial=format(cert.serial_number, "X"),
                           issuer=certs.common_name_of(cert.issuer), signing_time=when, timestamped=timestamped,
                           intact=bool(status.intact), valid=bool(status.valid), certificate_status=cert_status,
                           modified_after_signing=modified, ok=ok, summary=summary)


def _cert_status(status: Any) -> str:
    if status.trusted:
        return "good"
    indic = status.trust_problem_indic
    return SUBINDIC_STATUS.get(indic, "unknown") if indic is not None else "unknown"


def _broken(sig: Any, cert: x509.Certificate, when: datetime | None, e: Exception) -> SignatureReport:
    name = certs.common_name(cert)
    return SignatureReport(field_name=sig.field_name, signer=name, certificate_serial=format(cert.serial_number, "X"),
                           issuer=certs.common_name_of(cert.issuer), signing_time=when, timestamped=False, intact=False,
                           valid=False, certificate_status="unknown", modified_after_signing=True, ok=False,
                           summary=_("Chữ ký của %(name)s không kiểm tra được: cấu trúc chữ ký bị hỏng (%(error)s).")
                           % {"name": name, "error": type(e).__name__})


def local_time(when: datetime | None) -> str:
    if when is None:
        return _("(không rõ thời điểm)")
    local = when.astimezone(LOCAL)
    return _("%(time)s ngày %(date)s") % {"time": local.strftime("%H:%M"), "date": local.strftime("%d/%m/%Y")}


def explain(name: str, when: datetime | None, intact: bool, valid: bool, cert_status: str, modified: bool,
            cert: x509.Certificate) -> str:
    """One sentence a citizen can read: valid or not, who, when, the certificate, later changes."""
    args = {"name": name, "when": local_time(when), "status": certs.status_text(cert_status),
            "until": cert.not_valid_after.astimezone(LOCAL).strftime("%d/%m/%Y")}
    if not intact:
        text = _("Chữ ký của %(name)s (ký lúc %(when)s) không hợp lệ: nội dung tài liệu đã bị thay đổi sau khi ký.")
    elif not valid:
        text = _("Chữ ký của %(name)s (ký lúc %(when)s) không hợp lệ: giá trị chữ ký không khớp với nội dung đã ký.")
    elif cert_status == "revoked":
        text = _("Chữ ký của %(name)s (ký lúc %(when)s) không hợp lệ: chứng thư số đã bị thu hồi tại thời điểm ký.")
    elif cert_status == "expired":
        text = _("Chữ ký của %(name)s (ký lúc %(when)s) không hợp lệ: chứng thư số đã hết hạn (từ ngày %(until)s) "
                 "tại thời điểm ký.")
    elif cert_status != "good":
        text = _("Chữ ký của %(name)s (ký lúc %(when)s) không hợp lệ: chứng thư số %(status)s.")
    elif modified:
        text = _("Chữ ký của %(name)s (ký lúc %(when)s) đúng, nhưng tài liệu đã bị sửa đổi sau khi ký.")
    else:
        text = _("Chữ ký của %(name)s (ký lúc %(when)s) hợp lệ: chứng thư số còn hiệu lực tại thời điểm ký và "
                 "tài liệu không bị thay đổi sau khi ký.")
    return text % args


# -- poppler's pdfsig, the independent checker ---------------------------------------------------------

@dataclass(frozen=True)
class PdfsigSignature:
    field_name: str
    signer: str
    signature_type: str
    signature_validation: str  # pdfsig's words, e.g. "Signature is Valid."
    certificate_validation: str  # e.g. "Certificate is Trusted." ("" when not checked)

    @property
    def is_timestamp(self) -> bool:
        return self.signature_type in ("unknown", "ETSI.RFC3161")

    @property
    def valid(self) -> bool:
        return self.signature_validation == "Signature is Valid."


def pdfsig_check(path: Path | str, trust_roots: Iterable[x509.Certificate] = (),
                 intermediates: Iterable[x509.Certificate] = ()) -> list[PdfsigSignature]:
    """Run ``pdfsig`` on a file: each signature's cryptographic check over its byte range (``-nocert``).

    With trust roots (and ``certutil`` on PATH) pdfsig also checks the certificate chain in a throw-away
    NSS database trusting only them. poppler 22.12 (Debian 12) answers "Unknown issue with Certificate"
    for every chain there, even a two-certificate OpenSSL chain that NSS's own ``vfychain`` accepts, so
    motcua relies on pyHanko for trust and on pdfsig for the independent integrity check."""
    if shutil.which("pdfsig") is None:
        raise RuntimeError("pdfsig (poppler-utils) is not installed")
    roots, inter = list(trust_roots), list(intermediates)
    with tempfile.TemporaryDirectory(prefix="motcua-nss-") as tmp:
        args = ["pdfsig"]
        if roots and shutil.which("certutil"):
            _nss_db(Path(tmp), roots, inter)
            args += ["-nssdir", f"sql:{tmp}"]
        else:
            args += ["-nocert"]
        done = subprocess.run([*args, str(path)], capture_output=True, text=True, timeout=60, check=False)
    return parse_pdfsig(done.stdout)


def _nss_db(d: Path, roots: list[x509.Certificate], intermediates: list[x509.Certificate]) -> None:
    subprocess.run(["certutil", "-N", "-d", f"sql:{d}", "--empty-password"], check=True, capture_output=True)
    for n, (cert, trust) in enumerate([(c, "C,C,C") for c in roots] + [(c, ",,") for c in intermediates]):
        f = d / f"ca{n}.pem"
        f.write_bytes(pem.armor("CERTIFICATE", cert.dump()))
        subprocess.run(["certutil", "-A", "-d", f"sql:{d}", "-n", f"ca{n}", "-t", trust, "-i", str(f)],
                       check=True, capture_output=True)


FIELD = re.compile(r"^\s*- ([^:]+): (.*)$")


def parse_pdfsig(text: str) -> list[PdfsigSignature]:
    found: list[dict[str, str]] = []
    for line in text.splitlines():
        if re.match(r"^Signature #\d+:", line):
            found.append({})
        elif found and (m := FIELD.match(line)):
            found[-1][m.group(1).strip()] = m.group(2).strip()
    return [PdfsigSignature(field_name=f.get("Signature Field Name", ""),
                            signer=f.get("Signer Certificate Common Name", ""),
                            signature_type=f.get("Signature Type", ""),
                            signature_validation=f.get("Signature Validation", ""),
                            certificate_validation=f.get("Certificate Validation", "")) for f in found]
