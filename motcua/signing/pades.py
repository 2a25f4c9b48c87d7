"""PAdES signatures on motcua's PDFs with pyHanko.

``sign_pdf(data, signer, box, settings)`` signs in one go (software key, PKCS#11 token): a visible
signature block at the form's box, an RFC 3161 signature timestamp, then the validation data in the
DSS (B-LT) and a document timestamp (B-LTA) when a TSA is configured. A file may be signed several
times (specialist's initials, then the leader): each signature is an incremental update, so the
earlier ones stay valid.

A remote signing service is interrupted signing: ``start_remote_signature`` prepares the document and
the signed attributes and asks the service to sign their hash, returning a :class:`PendingSignature`
(JSON-serialisable, kept while the signer confirms on their phone); ``finish_remote_signature``
embeds the returned signature, checks it, and adds the timestamp and validation data.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Awaitable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from asn1crypto import cms, x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation.dss import async_add_validation_info
from pyhanko_certvalidator import ValidationContext

from . import certs
from .backends import RemoteHashSigner, Signer
from .errors import RemoteSigningFailed, SignatureMismatch, SigningError
from .i18n import _

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
FONT = Path(__file__).resolve().parents[1] / "documents" / "fonts" / "DejaVuSans.ttf"
MD = "sha256"
T = TypeVar("T")
# fontTools reports every table it does not subset (the TTF stamp font): noise, not a problem
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)


@dataclass(frozen=True)
class SignatureBox:
    """Where the visible signature block goes: 0-based page, box (x1, y1, x2, y2) in PDF points."""

    page: int
    box: tuple[float, float, float, float]
    field_name: str | None = None  # default: "ChuKy<n>"
    title: str = ""  # a line under the signer's name, e.g. "Chủ tịch UBND xã"


@dataclass(frozen=True)
class SigningSettings:
    """Trust and services for signing: the TSA (None: no timestamps, B-B with validation data) and the
    trust roots the validation data is collected against."""

    trust_roots: list[x509.Certificate]
    other_certs: list[x509.Certificate] = field(default_factory=list)
    tsa_url: str | None = None
    lta: bool = True  # add a document timestamp (B-LTA) when a TSA is configured
    embed_validation: bool = True  # B-LT: the OCSP responses, CRLs and certificates in the file's DSS
    reason: str = "Phê duyệt kết quả giải quyết thủ tục hành chính"
    location: str = ""

    @classmethod
    def from_pki(cls, pki: Any, **kw: Any) -> SigningSettings:
        return cls(trust_roots=pki.trust_roots(), other_certs=pki.intermediates(), tsa_url=pki.tsa_url, **kw)

    @property
    def level(self) -> str:
        if not self.embed_validation:
            return "B-T" if self.tsa_url else "B-B"
        if not self.tsa_url:
            return "B-B"  # validation data without a timestamp is not B-LT
        return "B-LTA" if self.lta else "B-LT"

    def validation_context(self, **kw: Any) -> ValidationContext:
        return ValidationContext(trust_roots=self.trust_roots, other_certs=self.other_certs, allow_fetching=True,
                                 revocation_mode="hard-fail", **kw)

    def timestamper(self) -> HTTPTimeStamper | None:
        return HTTPTimeStamper(self.tsa_url, timeout=10) if self.tsa_url else None


@dataclass(frozen=True)
class SignedPdf:
    """The signed file and what the approval slot records about its newest signature."""

    data: bytes
    field_name: str
    signer_name: str
    certificate_serial: str  # hexadecimal, as CAs print it
    issuer: str
    signing_time: datetime  # the TSA's time when timestamped, else the signer's claimed time (UTC)
    sha256: str  # of the whole signed file
    signature_sha256: str  # of the signature's own CMS blob
    level: str  # "B-B", "B-LT" or "B-LTA"


def run(coro: Awaitable[T], *contexts: ValidationContext) -> T:
    """Run one pyHanko operation in its own event loop, closing the validation contexts' HTTP sessions."""

    async def go() -> T:
        try:
            return await coro
        finally:
            for vc in contexts:
                await vc.aclose()

    return asyncio.run(go())


# -- one-shot signing ----------------------------------------------------------------------------------

def sign_pdf(data: bytes, signer: Signer, box: SignatureBox, settings: SigningSettings, *,
             check_certificate: bool = True, reason: str | None = None) -> SignedPdf:
    """Sign ``data`` (a PDF) with ``signer`` at ``box``; refuses a revoked or expired certificate first
    (``check_certificate=False`` only to make broken examples in tests)."""
    cert = signer.certificate()
    if check_certificate:
        certs.check_signer(cert, settings)
    name = box.field_name or next_field_name(data)
    with signer.open() as hanko_signer:
        pdf_signer = _pdf_signer(name, hanko_signer, box, settings, reason, with_timestamp=True)
        writer = IncrementalPdfFileWriter(BytesIO(data), strict=False)
        params = _appearance_params(cert, box)
        try:
            out = run(pdf_signer.async_sign_pdf(writer, appearance_text_params=params))
        except Exception as e:  # pyHanko, the token or the TSA: log-worthy detail, a plain message
            raise SigningError(_("Không ký được tài liệu: %(error)s") % {"error": f"{type(e).__name__}: {e}"}) from e
    return finish_levels(out.getvalue(), name, settings)


def _pdf_signer(name: str, hanko_signer: signers.Signer, box: SignatureBox, settings: SigningSettings,
                reason: str | None, with_timestamp: bool) -> signers.PdfSigner:
    from pyhanko.sign.fields import SigSeedSubFilter

    meta = signers.PdfSignatureMetadata(field_name=name, md_algorithm=MD, subfilter=SigSeedSubFilter.PADES,
                                        reason=reason or settings.reason, location=settings.location or None)
    return signers.PdfSigner(meta, signer=hanko_signer, timestamper=settings.timestamper() if with_timestamp else None,
                             stamp_style=stamp_style(),
                             new_field_spec=fields.SigFieldSpec(name, on_page=box.page, box=box.box))


def stamp_style() -> Any:
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    return TextStampStyle(
        stamp_text="Ký bởi: %(name)s\n%(title)s\nThời gian ký: %(when)s",
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(str(stamp_font()), font_size=8), font_size=8),
        border_width=1)


# Latin, Latin-1, Latin Extended-A/B, combining marks, Vietnamese (Latin Extended Additional), punctuation, đ/₫
VIETNAMESE = [*range(0x20, 0x250), *range(0x300, 0x370), *range(0x1E00, 0x1F00), *range(0x2000, 0x2070), 0x20AB]


@functools.cache
def stamp_font() -> Path:
    """DejaVu Sans cut down to the characters Vietnamese needs and scaled to 1,000 units per em, made once
    per machine: pyHanko subsets the stamp font at every signature (the whole font made that two thirds of a
    signature's time), and it writes glyph widths in font units, which PDF reads as 1/1000 em."""
    from fontTools import subset
    from fontTools.ttLib.scaleUpem import scale_upem

    source = FONT.read_bytes()
    path = Path(tempfile.gettempdir()) / f"motcua-stamp-v2-{hashlib.sha256(source).hexdigest()[:16]}.ttf"
    if not path.exists():
        options = subset.Options()
        options.layout_features = ["ccmp", "locl", "mark", "mkmk", "kern", "liga"]
        options.name_IDs = ["*"]
        font = subset.load_font(str(FONT), options)
        cutter = subset.Subsetter(options)
        cutter.populate(unicodes=VIETNAMESE)
        cutter.subset(font)
        scale_upem(font, 1000)  # pyHanko writes widths in font units; PDF glyph space is 1/1000 em
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        subset.save_font(font, str(tmp), options)
        tmp.replace(path)
    return path


def _appearance_params(cert: x509.Certificate, box: SignatureBox) -> dict[str, str]:
    return {"name": certs.common_name(cert), "title": box.title or certs.unit(cert),
            "when": datetime.now(LOCAL).strftime("%d/%m/%Y %H:%M:%S (GMT+7)")}


def next_field_name(data: bytes) -> str:
    taken = {s.field_name for s in PdfFileReader(BytesIO(data), strict=False).embedded_signatures}
    n = 1
    while f"ChuKy{n}" in taken:
        n += 1
    return f"ChuKy{n}"


# -- B-LT / B-LTA ------------------------------------------------------------------------------------

def finish_levels(data: bytes, name: str, settings: SigningSettings) -> SignedPdf:
    """Add the validation data (DSS) and, when a TSA is configured, a document timestamp."""
    if not settings.embed_validation:
        return describe(data, name, settings.level)
    vc = settings.validation_context()
    try:
        data = run(_add_levels(data, name, settings, vc), vc)
    except Exception as e:
        raise SigningError(_("Không bổ sung được dữ liệu kiểm tra chữ ký (OCSP/CRL, dấu thời gian): %(error)s")
                           % {"error": f"{type(e).__name__}: {e}"}) from e
    return describe(data, name, settings.level)


async def _add_levels(data: bytes, name: str, settings: SigningSettings, vc: ValidationContext) -> bytes:
    sig = _embedded(data, name)
    out = await async_add_validation_info(sig, vc)
    timestamper = settings.timestamper()
    if timestamper is not None and settings.lta:
        writer = IncrementalPdfFileWriter(out, strict=False)
        ts_vc = settings.validation_context()
        try:
            out = await signers.PdfTimeStamper(timestamper).async_timestamp_pdf(writer, MD, validation_context=ts_vc)
        finally:
            await ts_vc.aclose()
    return bytes(out.getvalue())


def _embedded(data: bytes, name: str) -> Any:
    reader = PdfFileReader(BytesIO(data), strict=False)
    for sig in reader.embedded_signatures:
        if sig.field_name == name:
            return sig
    raise SigningError(_("Không tìm thấy chữ ký '%(name)s' trong tệp.") % {"name": name})


def describe(data: bytes, name: str, level: str) -> SignedPdf:
    sig = _embedded(data, name)
    cert = sig.signer_cert
    when = certs.signature_time(sig.signer_info) or sig.self_reported_timestamp or datetime.now(UTC)
    return SignedPdf(data=data, field_name=name, signer_name=certs.common_name(cert),
                     certificate_serial=format(cert.serial_number, "X"), issuer=certs.common_name_of(cert.issuer),
                     signing_time=when.astimezone(UTC), sha256=hashlib.sha256(data).hexdigest(),
                     signature_sha256=hashlib.sha256(sig.pkcs7_content).hexdigest(), level=level)


# -- remote (interrupted) signing --------------------------------------------------------------------

@dataclass
class PendingSignature:
    """A signature waiting for the signer's confirmation; ``to_json()`` / ``from_json()`` to keep it."""

    field_name: str
    prepared_pdf: bytes  # the document with the signature's placeholder
    document_digest: bytes
    reserved_start: int
    reserved_end: int
    signed_attrs: bytes  # DER of the CMS signed attributes; the service signs sha256 of this
    certificate: bytes  # DER
    chain: list[bytes]  # DER
    transaction_id: str = ""
    doc_id: str = ""

    @property
    def hash_to_sign(self) -> bytes:
        return hashlib.sha256(self.signed_attrs).digest()

    def to_json(self) -> str:
        d = asdict(self)
        for k in ("prepared_pdf", "document_digest", "signed_attrs", "certificate"):
            d[k] = base64.b64encode(d[k]).decode()
        d["chain"] = [base64.b64encode(c).decode() for c in self.chain]
        return json.dumps(d)

    @classmethod
    def from_json(cls, text: str) -> PendingSignature:
        d = json.loads(text)
        for k in ("prepared_pdf", "document_digest", "signed_attrs", "certificate"):
            d[k] = base64.b64decode(d[k])
        d["chain"] = [base64.b64decode(c) for c in d["chain"]]
        return cls(**d)


def start_remote_signature(data: bytes, signer: RemoteHashSigner, box: SignatureBox, settings: SigningSettings, *,
                           doc_id: str, check_certificate: bool = True, reason: str | None = None,
                           callback_url: str | None = None) -> PendingSignature:
    """Prepare the signature and send its hash to the remote service; the signer then confirms."""
    pending = prepare_remote_signature(data, signer, box, settings, doc_id=doc_id,
                                       check_certificate=check_certificate, reason=reason)
    pending.transaction_id = signer.client.sign_hash(signer.user_id, doc_id, pending.hash_to_sign,
                                                     callback_url=callback_url)
    return pending


def prepare_remote_signature(data: bytes, signer: Signer, box: SignatureBox, settings: SigningSettings, *,
                             doc_id: str = "", check_certificate: bool = True,
                             reason: str | None = None) -> PendingSignature:
    """The document digested with a placeholder and the signed attributes, nothing sent anywhere."""
    cert = signer.certificate()
    if check_certificate:
        certs.check_signer(cert, settings)
    name = box.field_name or next_field_name(data)
    with signer.open() as ext:
        pdf_signer = _pdf_signer(name, ext, box, settings, reason, with_timestamp=True)  # size the placeholder
        writer = IncrementalPdfFileWriter(BytesIO(data), strict=False)
        prep, _tbs, output = run(pdf_signer.async_digest_doc_for_signing(
            writer, appearance_text_params=_appearance_params(cert, box)))
        attrs = run(ext.signed_attrs(prep.document_digest, MD, use_pades=True))
        chain = [c.dump() for c in ext.cert_registry]
    return PendingSignature(field_name=name, prepared_pdf=output.getvalue(), document_digest=prep.document_digest,
                            reserved_start=prep.reserved_region_start, reserved_end=prep.reserved_region_end,
                            signed_attrs=attrs.dump(), certificate=cert.dump(), chain=chain, doc_id=doc_id)


def finish_remote_signature(pending: PendingSignature, signature: bytes, settings: SigningSettings, *,
                            check_signature: bool = True) -> SignedPdf:
    """Embed the service's raw signature (after checking it signs our hash), timestamp it, add B-LT/LTA."""
    cert = x509.Certificate.load(pending.certificate)
    if check_signature and not certs.verify_raw(cert, pending.signed_attrs, signature):
        raise SignatureMismatch(_("Chữ ký do dịch vụ ký số trả về không khớp với tài liệu cần ký "
                                  "(ký sai mã băm); tài liệu chưa được ký."))
    cms_obj = run(_assemble_cms(pending, cert, signature, settings))
    output = BytesIO(pending.prepared_pdf)
    prep = PreparedByteRangeDigest(pending.document_digest, pending.reserved_start, pending.reserved_end)
    try:
        run(PdfTBSDocument.async_finish_signing(output, prep, cms_obj))
    except Exception as e:
        error = f"{type(e).__name__}: {e}"
        raise RemoteSigningFailed(_("Không hoàn tất được chữ ký: %(error)s") % {"error": error}) from e
    return finish_levels(output.getvalue(), pending.field_name, settings)


async def _assemble_cms(pending: PendingSignature, cert: x509.Certificate, signature: bytes,
                        settings: SigningSettings) -> cms.ContentInfo:
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    chain = [x509.Certificate.load(c) for c in pending.chain]
    ext = signers.ExternalSigner(cert, SimpleCertificateStore.from_certs(chain), signature_value=signature)
    attrs = cms.CMSAttributes.load(pending.signed_attrs)
    try:
        return await ext.async_sign_prescribed_attributes(MD, signed_attrs=attrs, timestamper=settings.timestamper())
    except Exception as e:
        raise RemoteSigningFailed(_("Không lấy được dấu thời gian cho chữ ký: %(error)s") % {"error": type(e).__name__},
                                  retry=True) from e
