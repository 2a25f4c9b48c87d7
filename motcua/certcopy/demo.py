"""Electronic certified copies in ``make demo``: the generated history's resolved dossiers of the electronic
certified copy procedure get their register entries, numbered in the order they were finished per unit and
year; the newest few (``SIGNED``) are real copies, composed and signed with the test PKI's software key
(PAdES B-LTA, verifiable offline at ``/results/<code>/``), the others point to one shared specimen copy
(the history has no scans), so the register and the 766 indicator show the history's real counts.
Dossiers still open are left for the counter to certify live. Idempotent: a dossier with an entry is
skipped and numbering continues from the counters."""

from __future__ import annotations

import io
import logging
import time
from datetime import date
from typing import IO, Any

from django.db import transaction

from motcua.core import clock
from motcua.domain.lifecycle import Status
from motcua.dossiers.models import Approval, Dossier, DossierEvent, DossierFile

from . import compose, services
from .models import CertifiedCopy, CopyKind, RegisterCounter, register_number

log = logging.getLogger(__name__)
SIGNED = 12
DOCUMENTS = [("Căn cước công dân", "Bộ Công an"), ("Giấy khai sinh", "Ủy ban nhân dân phường Xuân Hương"),
             ("Bằng tốt nghiệp trung học phổ thông", "Sở Giáo dục và Đào tạo tỉnh Lâm Đồng"),
             ("Giấy chứng nhận quyền sử dụng đất", "Sở Tài nguyên và Môi trường tỉnh Lâm Đồng"),
             ("Giấy chứng nhận kết hôn", "Ủy ban nhân dân xã Di Linh"),
             ("Bằng tốt nghiệp đại học", "Trường Đại học Đà Lạt")]
TITLE = "Công chức tư pháp - hộ tịch"


def prepare(out: IO[str], signed: int = SIGNED) -> int:
    """Register the history's resolved certification dossiers; returns the number of new entries."""
    todo = list(history_finishes())
    if not todo:
        return 0
    numbers = number_them(todo)
    from motcua.signing import demo as signing_demo

    pki = signing_demo.ensure_pki(out)
    specimen = CertifiedCopy.objects.filter(kind=CopyKind.ELECTRONIC, result_code__isnull=False).first()
    real = todo[-signed:] if pki is not None else []
    started, done = time.monotonic(), 0
    if real:
        server = signing_demo.serve_if_free(pki)
        try:
            for ev in real:
                try:
                    entry = sign_history(ev, numbers[ev.dossier_id])
                    specimen = specimen or entry
                    done += 1
                except Exception as e:  # noqa: BLE001 - one broken example must not stop the demo
                    log.warning("demo certified copy of dossier %s failed: %s", ev.dossier_id, e)
        finally:
            if server is not None:
                server.shutdown()
                server.server_close()
    signed_ids = set(CertifiedCopy.objects.filter(dossier_id__in=[e.dossier_id for e in real])
                     .values_list("dossier_id", flat=True))
    rest = [ev for ev in todo if ev.dossier_id not in signed_ids]
    bulk(rest, numbers, specimen)
    out.write(f"Chứng thực bản sao điện tử: {len(rest) + done} lượt vào sổ, {done} bản sao ký số thật "
              f"({time.monotonic() - started:.0f} giây).\n")
    return len(rest) + done


def history_finishes() -> Any:
    """The finish events of resolved dossiers of the procedure without a register entry, oldest first."""
    return (DossierEvent.objects.filter(action="finish", dossier__procedure__code=services.PROCEDURE_CODE,
                                        dossier__status__in=(Status.PROCESSED, Status.RETURNED),
                                        dossier__certified_copy__isnull=True, approval__isnull=True)
            .select_related("dossier__handling_unit").order_by("at", "pk"))


def number_them(events: list[DossierEvent]) -> dict[int, tuple[int, int]]:
    """(year, number) per dossier: in finishing order per unit and year, after the counters' last number;
    the counters are moved to the last number given (in their own transaction)."""
    last: dict[tuple[int, int], int] = {(u, y): n for u, y, n in RegisterCounter.objects.values_list("unit_id", "year",
                                                                                                    "last")}
    out: dict[int, tuple[int, int]] = {}
    for ev in events:
        key = (ev.dossier.handling_unit_id, clock.local(ev.at).year)
        last[key] = last.get(key, 0) + 1
        out[ev.dossier_id] = (key[1], last[key])
    with transaction.atomic():
        for (unit_id, year), n in last.items():
            RegisterCounter.objects.update_or_create(unit_id=unit_id, year=year, defaults={"last": n})
    return out


def _document(d: Dossier) -> tuple[str, str, str, date, int, int]:
    kind, issuer = DOCUMENTS[d.pk % len(DOCUMENTS)]
    number = f"{(d.pk * 7919) % 10**9:09d}"
    issued = date(2010 + d.pk % 14, 1 + d.pk % 12, 1 + d.pk % 27)
    return kind, number, issuer, issued, 1 + d.pk % 3, 1 + (d.pk // 3) % 3


def original_pdf(d: Dossier, kind: str, number: str) -> bytes:
    """A one-page stand-in for the scanned original (the history has no scans)."""
    from reportlab.lib.pagesizes import A5
    from reportlab.pdfgen.canvas import Canvas

    from motcua.documents.fonts import SANS, SANS_BOLD, register_fonts

    register_fonts()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A5)
    c.setFont(SANS_BOLD, 13)
    c.drawCentredString(210, 540, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    c.setFont(SANS, 11)
    c.drawCentredString(210, 522, "Độc lập - Tự do - Hạnh phúc")
    c.setFont(SANS_BOLD, 15)
    c.drawCentredString(210, 470, kind.upper())
    c.setFont(SANS, 11)
    for n, line in enumerate([f"Số: {number}", f"Họ và tên: {d.applicant_name}", "(bản chụp bản chính, dữ liệu mẫu)"]):
        c.drawString(50, 420 - 22 * n, line)
    c.rect(30, 120, 360, 460)
    c.showPage()
    c.save()
    return buf.getvalue()


def sign_history(ev: DossierEvent, year_number: tuple[int, int]) -> CertifiedCopy:
    """Compose and sign the copy of a history dossier, then record file, signed slot and entry at once."""
    from motcua.dossiers.storage import store_upload
    from motcua.signing import config, pades
    from motcua.signing import services as signing

    d, (year, number) = ev.dossier, year_number
    kind, doc_number, issuer, issued, _pages, copies = _document(d)
    code = signing.next_result_code(d)
    st = compose.Statement(register_number=register_number(number), year=year, on=clock.local_date(ev.at),
                           certifier_name=ev.actor_name or "Cán bộ một cửa", certifier_title=TITLE,
                           unit_name=d.handling_unit.name, result_code=code, verify_url=signing.result_url(code),
                           document=f"{kind} số {doc_number} do {issuer} cấp ngày {issued:%d/%m/%Y}")
    pdf, box = compose.compose(compose.read_scan([("ban-chinh.pdf", original_pdf(d, kind, doc_number))]), st)
    signed = pades.sign_pdf(pdf, config.signer(label="leader"), box,
                            config.signing_settings(location=d.handling_unit.name), reason=services.REASON)
    obj = store_upload(io.BytesIO(signed.data), f"{code}.pdf")
    with transaction.atomic():
        f = DossierFile.objects.create(dossier=d, kind="result", name=f"{code}.pdf", content_type=obj.content_type,
                                       size=obj.size, sha256=obj.sha256, storage_key=obj.key,
                                       uploaded_by_id=ev.actor_id)
        approval = Approval.objects.create(
            dossier=d, event=ev, document=f, document_sha256=f.sha256, approved_by_id=ev.actor_id, approved_at=ev.at,
            result_code=code, signature_status="signed", signed_document=f, signer=signed.signer_name[:255],
            certificate_serial=signed.certificate_serial, issuer=signed.issuer[:255], signed_at=signed.signing_time,
            signature_sha256=signed.signature_sha256, signature_level=signed.level)
        return CertifiedCopy.objects.create(
            unit_id=d.handling_unit_id, year=year, number=number, dossier=d, kind=CopyKind.ELECTRONIC,
            document_type=kind, document_number=doc_number, issuer=issuer, issued_on=issued, pages=1, copies=copies,
            fee=services.fee_for(1, copies), certified_by_id=ev.actor_id, certifier_name=st.certifier_name[:255],
            certifier_title=TITLE, file=f, approval=approval, result_code=code, signer=signed.signer_name[:255],
            certificate_serial=signed.certificate_serial, signature_level=signed.level,
            signed_at=signed.signing_time, at=ev.at)


def bulk(events: list[DossierEvent], numbers: dict[int, tuple[int, int]], specimen: CertifiedCopy | None) -> None:
    """Entries for the rest: electronic copies pointing to the shared specimen, or paper ones without it."""
    rows = []
    for ev in events:
        d = ev.dossier
        year, number = numbers[d.pk]
        kind, doc_number, issuer, issued, pages, copies = _document(d)
        electronic = specimen is not None
        rows.append(CertifiedCopy(
            unit_id=d.handling_unit_id, year=year, number=number, dossier=d,
            kind=CopyKind.ELECTRONIC if electronic else CopyKind.PAPER, document_type=kind,
            document_number=doc_number, issuer=issuer, issued_on=issued, pages=pages, copies=copies,
            fee=services.fee_for(pages, copies), certified_by_id=ev.actor_id,
            certifier_name=(ev.actor_name or "Cán bộ một cửa")[:255], certifier_title=TITLE,
            file_id=specimen.file_id if electronic else None, at=ev.at))
    with transaction.atomic():
        CertifiedCopy.objects.bulk_create(rows, batch_size=1000)
