"""The letters motcua prints, digitally signed (PAdES, issue 10): the receipt, the supplement request, the
refusal, the apology and the stop notice.

Who signs: the issuing unit's **seal certificate** (chứng thư số của cơ quan, tổ chức), not the officer's
own. A letter is produced when someone prints or downloads it, often by the applicant at night, long after
the officer acted; a personal signature would need the officer's token or their phone's confirmation at
that moment. The unit's certificate sits on its HSM (PKCS#11) and signs unattended, as Decree 30/2020
lets a body sign the documents it issues; the officer's name stays printed under the block, and the
visible block is placed where the form has the signature (the blank room between capacity and name).
Development and the demo use the test PKI's seal key; production refuses a software key (as for results),
and with a remote service only (which asks a phone for each signature) letters stay unsigned.

Once per event: the first download signs and stores the file (``SignedLetter``); every later download is
that same file, byte for byte. Its verification code ``<dossier code>-<kind><event seq>`` (``-L2`` for the
staff's two-copy receipt) is printed on the letter with the QR code of its public page, which the
signature covers. When signing is off or fails (TSA or token unreachable), the letter is printed unsigned,
as before, and the failure is logged: the counter does not stop for a timestamp server.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction

from motcua.domain.lifecycle import Action
from motcua.dossiers.models import Dossier, DossierEvent

from . import facts
from .layout import PDF_LOCK
from .letters import LETTERS, render_letter
from .receipt import render_receipt

log = logging.getLogger(__name__)

# the verification code's letters for each kind of letter
PREFIX = {"receipt": "TN", "supplement": "BS", "refusal": "TC", "apology": "XL", "stop": "DX"}
INSET = 3.0  # points between the signature room's edges and the visible block


def applies(slug: str) -> bool:
    return slug in PREFIX


def letter_code(d: Dossier, slug: str, ev: DossierEvent, copies: int = 1) -> str:
    return f"{d.code}-{PREFIX[slug]}{ev.seq}" + ("-L2" if copies > 1 else "")


def _read(key: str) -> bytes:
    from motcua.dossiers.storage import get_storage

    with get_storage().open(key) as fh:
        return bytes(fh.read())


def receipt_event(d: Dossier) -> DossierEvent | None:
    return d.events.filter(action__in=[Action.INTAKE.value, Action.RECEIVE.value]).order_by("-seq").first()


Plan = tuple[DossierEvent, int, Any, str, str, str, Callable[..., bytes]]


def _plan(d: Dossier, slug: str, staff: bool) -> Plan | None:
    """(event, copies, issuing unit, spot key, block title, reason, renderer(spots, verification))."""
    if slug == "receipt":
        ev = receipt_event(d)
        copies = 2 if staff else 1
        return (ev, copies, d.receiving_unit, "officer", "Người tiếp nhận hồ sơ",
                f"Giấy tiếp nhận hồ sơ và hẹn trả kết quả, hồ sơ {d.code}",
                lambda spots, verification: render_receipt(d, copies, spots=spots, verification=verification)
                ) if ev is not None else None
    letter = LETTERS[slug]
    ev = facts.latest_event(d, letter.action)
    if ev is None:
        return None
    unit = d.receiving_unit if letter.issued_by == "receiving" else d.handling_unit
    return (ev, 1, unit, "signer", letter.signer, f"{letter.label}, hồ sơ {d.code}",
            lambda spots, verification: render_letter(d, letter, ev, spots=spots, verification=verification))


def signed_pdf(d: Dossier, slug: str, staff: bool) -> bytes | None:
    """The signed letter ``slug`` of ``d`` (signed now if it is the first time), or None: not a signed
    kind of document, signing off, or signing failed (the caller prints it unsigned)."""
    from motcua.signing import config
    from motcua.signing.models import SignedLetter

    if not applies(slug) or not config.letters_enabled():
        return None
    plan = _plan(d, slug, staff)
    if plan is None:
        return None
    ev, copies, unit, key, title, reason, draw = plan
    kept = SignedLetter.objects.filter(event=ev, slug=slug, copies=copies).first()
    if kept is not None:
        return _read(kept.storage_key)
    try:
        return _sign(d, slug, ev, copies, unit, key, title, reason, draw)
    except Exception as e:  # noqa: BLE001 - any signing failure: print unsigned, say why in the log
        log.warning("letter %s of dossier %s not signed: %s: %s", slug, d.code, type(e).__name__, e, exc_info=True)
        return None


def _sign(d: Dossier, slug: str, ev: DossierEvent, copies: int, unit: Any, key: str, title: str, reason: str,
          draw: Callable[..., bytes]) -> bytes | None:
    from motcua.dossiers.storage import store_upload
    from motcua.signing import config, pades
    from motcua.signing.models import SignedLetter
    from motcua.signing.services import result_url

    signer = config.seal_signer(unit.code)
    if signer is None:
        return None
    code = letter_code(d, slug, ev, copies)
    spots: dict[str, tuple[int, tuple[float, float, float, float]]] = {}
    with PDF_LOCK:  # the drawing and the signing stack's shared objects, one thread at a time
        data = draw(spots, (code, result_url(code)))
        page, (x1, y1, x2, y2) = spots[key]
        box = pades.SignatureBox(page=page, box=(x1 + INSET, y1, x2 - INSET, y2), title=title)
        signed = pades.sign_pdf(data, signer, box, config.signing_settings(location=unit.name), reason=reason)
    obj = store_upload(io.BytesIO(signed.data), f"{code}.pdf")
    try:
        with transaction.atomic():
            SignedLetter.objects.create(
                dossier=d, event=ev, slug=slug, copies=copies, code=code, storage_key=obj.key, size=obj.size,
                sha256=obj.sha256, signer=signed.signer_name[:255], certificate_serial=signed.certificate_serial,
                issuer=signed.issuer[:255], signed_at=signed.signing_time, signature_sha256=signed.signature_sha256,
                signature_level=signed.level)
    except IntegrityError:  # signed at the same time by another download: theirs is the letter
        kept = SignedLetter.objects.get(event=ev, slug=slug, copies=copies)
        return _read(kept.storage_key)
    return signed.data
