"""Certificates: names as people read them, the signer's certificate checked before signing, the time
a signature was timestamped, and a raw signature checked against a certificate's key."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from asn1crypto import cms, x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pyhanko_certvalidator import CertificateValidator
from pyhanko_certvalidator.errors import (
    ExpiredError,
    InsufficientRevinfoError,
    InvalidCertificateError,
    NotYetValidError,
    PathBuildingError,
    PathValidationError,
    RevokedError,
)

from .errors import CertificateProblem
from .i18n import _


def status_text(status: str) -> str:
    """The certificate status in words, e.g. "đã bị thu hồi"."""
    return {"good": _("còn hiệu lực"), "revoked": _("đã bị thu hồi"), "expired": _("đã hết hạn"),
            "not_yet_valid": _("chưa có hiệu lực"),
            "untrusted": _("không do tổ chức cung cấp dịch vụ chứng thực được tin cậy cấp"),
            }.get(status, _("không xác định được trạng thái"))


def common_name(cert: x509.Certificate) -> str:
    return common_name_of(cert.subject)


def common_name_of(name: x509.Name) -> str:
    native = name.native
    return str(native.get("common_name") or name.human_friendly)


def unit(cert: x509.Certificate) -> str:
    return str(cert.subject.native.get("organizational_unit_name") or "")


def status_of_error(e: Exception) -> str:
    """The certificate status a path-validation error means."""
    if isinstance(e, RevokedError):
        return "revoked"
    if isinstance(e, ExpiredError):
        return "expired"
    if isinstance(e, NotYetValidError):
        return "not_yet_valid"
    if isinstance(e, InsufficientRevinfoError):
        return "unknown"
    if isinstance(e, PathBuildingError):
        return "untrusted"
    return "unknown"


def check_signer(cert: x509.Certificate, settings: Any, moment: datetime | None = None) -> None:
    """Refuse to sign with a certificate that is revoked, expired or not from a trusted CA (real OCSP/CRL)."""
    status = certificate_status(cert, settings, moment)
    if status != "good":
        raise CertificateProblem(status, _("Không thể ký: chứng thư số của %(name)s %(status)s.")
                                 % {"name": common_name(cert), "status": status_text(status)})


def certificate_status(cert: x509.Certificate, settings: Any, moment: datetime | None = None) -> str:
    vc = settings.validation_context(moment=moment) if moment else settings.validation_context()
    validator = CertificateValidator(cert, intermediate_certs=settings.other_certs, validation_context=vc)

    async def go() -> str:
        try:
            await validator.async_validate_usage({"non_repudiation"})
            return "good"
        except (PathValidationError, PathBuildingError, InvalidCertificateError) as e:
            return status_of_error(e)
        finally:
            await vc.aclose()

    return asyncio.run(go())


def signature_time(signer_info: cms.SignerInfo) -> datetime | None:
    """The TSA's time in a signature's timestamp token, if it has one."""
    attrs = signer_info["unsigned_attrs"]
    if not attrs or attrs.native is None:
        return None
    for attr in attrs:
        if attr["type"].native == "signature_time_stamp_token":
            token = attr["values"][0]
            info = token["content"]["encap_content_info"]["content"].parsed
            return info["gen_time"].native  # type: ignore[no-any-return]
    return None


def verify_raw(cert: x509.Certificate, data: bytes, signature: bytes) -> bool:
    """Does ``signature`` (RSA PKCS#1 v1.5 or ECDSA, SHA-256) sign ``data`` with ``cert``'s key?"""
    key = serialization.load_der_public_key(cert.public_key.dump())
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        else:
            return False
    except InvalidSignature:
        return False
    return True
