"""Signed electronic results in ``make demo``: the test PKI (var/pki) made if absent, and a few hundred of
the generated history's approved results made into real PDFs, signed with the test leader's software key
(PAdES B-LTA: timestamp and validation data embedded) and recorded on an Approval of the history's
``approve`` event, so the results are verifiable offline from the first start.

While signing, the PKI's OCSP/CRL/TSA services run in this process (or the ones already listening on the
PKI's port, e.g. ``python -m motcua.signing.pki serve``). Verifying the signed results later needs no
service. Signing a *new* approval in the running demo does: run ``python -m motcua.signing.pki serve``
beside the web server and the worker."""

from __future__ import annotations

import io
import logging
import time
from typing import IO, Any

from django.db import transaction

from motcua.domain.lifecycle import Status
from motcua.dossiers.models import Approval, DossierEvent, DossierFile

from . import config, pades, services
from . import pki as test_pki

log = logging.getLogger(__name__)
DEFAULT_COUNT = 300
DEFAULT_LETTERS = 12  # receipts and refusals signed with the unit's seal, as their first download would


def prepare(out: IO[str], count: int = DEFAULT_COUNT, letters: int = DEFAULT_LETTERS) -> int:
    """Sign up to ``count`` of the history's approved results (idempotent: already signed ones count), and
    up to ``letters`` printed letters (receipts, refusals) when letters are signed (MOTCUA_SIGNING_LETTERS)."""
    pki = ensure_pki(out)
    if pki is None:
        out.write("Ký số: không có PKI thử nghiệm (môi trường production), bỏ qua kết quả ký số mẫu.\n")
        return 0
    have = Approval.objects.filter(signature_status="signed").count()
    todo = list(approve_events(count - have)) if count > have else []
    letters_todo = letter_dossiers(letters) if config.letters_enabled() else []
    if not todo and not letters_todo:
        return 0
    server = serve_if_free(pki)
    try:
        signed_letters = sum(1 for d, slug in letters_todo if sign_letter(d, slug))
        if signed_letters:
            out.write(f"Đã ký số {signed_letters} phiếu in (giấy tiếp nhận, phiếu từ chối) bằng chứng thư số "
                      "của cơ quan.\n")
        return sign_results(out, todo) if todo else 0
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()


def letter_dossiers(limit: int) -> list[tuple[Any, str]]:
    """The newest received dossiers' receipts and refused dossiers' refusals not yet signed (idempotent)."""
    from motcua.dossiers.models import Dossier
    from motcua.signing.models import SignedLetter

    remaining = limit - SignedLetter.objects.count()
    if remaining <= 0:
        return []
    qs = Dossier.objects.select_related("receiving_unit", "handling_unit", "procedure", "version")
    refused = list(qs.filter(status=Status.NOT_RECEIVED, signed_letters__isnull=True, events__action="refuse")
                   .order_by("-pk")[:remaining // 4])
    received = list(qs.filter(received_at__isnull=False, signed_letters__isnull=True)
                    .order_by("-received_at")[:remaining - len(refused)])
    return [(d, "refusal") for d in refused] + [(d, "receipt") for d in received]


def sign_letter(d: Any, slug: str) -> bool:
    from django.utils import translation

    from motcua.documents import signed

    with translation.override("vi"):
        return signed.signed_pdf(d, slug, staff=False) is not None


def sign_results(out: IO[str], todo: list[DossierEvent]) -> int:
    done, started = 0, time.monotonic()
    for ev in todo:
        try:
            sign_history(ev)
            done += 1
        except Exception as e:  # noqa: BLE001 - one broken example must not stop the demo
            log.warning("demo signing of dossier %s failed: %s", ev.dossier_id, e)
        if done and done % 20 == 0:
            out.write(f"  {done}/{len(todo)} kết quả đã ký số...\r")
    out.write(f"Đã ký số {done} kết quả mẫu ({time.monotonic() - started:.0f} giây).\n")
    return done


def ensure_pki(out: IO[str]) -> test_pki.Pki | None:
    pki = config.configured_test_pki()
    if pki is None and not pades_production():
        pki = test_pki.materialise(test_pki.default_dir())
        out.write(f"Đã tạo PKI thử nghiệm tại {pki.dir}.\n")
    return pki


def pades_production() -> bool:
    from .backends import production

    return production()


def serve_if_free(pki: test_pki.Pki) -> Any:
    """The PKI's services in a thread, unless something already listens on their port."""
    try:
        return test_pki.serve(pki.dir)
    except OSError:
        return None  # already served (python -m motcua.signing.pki serve)


def approve_events(limit: int) -> Any:
    """The newest history approvals of dossiers that were processed or returned whose result is not
    signed (the bulk importer gives each imported approval a pending Approval row)."""
    from django.db.models import Q

    return (DossierEvent.objects.filter(Q(approval__isnull=True) | Q(approval__signature_status="pending"),
                                        action="approve", dossier__status__in=(Status.PROCESSED, Status.RETURNED))
            .select_related("dossier__procedure", "dossier__handling_unit").order_by("-at")[:limit])


def result_pdf(d: Any) -> bytes:
    """A one-page decision for the dossier (the history has no files)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(pades.FONT)))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("DejaVuSans", 11)
    c.drawCentredString(297, 800, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    c.drawCentredString(297, 784, "Độc lập - Tự do - Hạnh phúc")
    c.setFont("DejaVuSans", 14)
    c.drawCentredString(297, 740, "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH")
    c.setFont("DejaVuSans", 11)
    lines = [f"Cơ quan giải quyết: {d.handling_unit.name}", f"Thủ tục: {d.procedure.name[:90]}",
             f"Mã hồ sơ: {d.code}", f"Người nộp: {d.applicant_name}",
             "Hồ sơ đã được giải quyết theo đúng quy định."]
    for n, line in enumerate(lines):
        c.drawString(60, 700 - 20 * n, line)
    c.showPage()
    c.save()
    return buf.getvalue()


def sign_history(ev: DossierEvent) -> Approval:
    """Sign a result for this history event, then record the file, the approval and the signature in one
    transaction (a failure writes nothing but the content-addressed file)."""
    from motcua.dossiers.storage import store_upload

    d = ev.dossier
    obj = store_upload(io.BytesIO(result_pdf(d)), "ket-qua.pdf")
    draft = DossierFile(dossier=d, kind="result", name="ket-qua.pdf", content_type=obj.content_type, size=obj.size,
                        sha256=obj.sha256, storage_key=obj.key, uploaded_by_id=ev.actor_id)
    code = services.next_result_code(d)
    signed = services.sign_result(d, draft, code)  # outside the transaction: the TSA and OCSP calls
    with transaction.atomic():
        draft.save()
        approval, _ = Approval.objects.update_or_create(
            event=ev, defaults={"dossier": d, "document": draft, "document_sha256": draft.sha256,
                                "approved_by_id": ev.actor_id, "approved_at": ev.at, "result_code": code})
        services.record_signature(approval, signed, ev.actor_id)
    return approval
