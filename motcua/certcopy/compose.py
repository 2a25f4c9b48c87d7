"""The certified copy as a PDF: the scanned original's pages on A4, each with the copy's header and page
number (the electronic counterpart of the seal across the pages), and on the last page the certification
statement in the form's place (bottom right: "Chứng thực bản sao này đúng với bản chính", the register
number, the date, the certifier's name and title, the unit) with the room of the digital signature, and
at the bottom left the QR code of the public verification page with the result code.

The scan may be PDF files (their pages are imported as form XObjects with pyHanko's writer, vector
content kept) or JPEG/PNG images (one page each, drawn by reportlab). Nothing here touches the database.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from motcua.documents.fonts import SANS, SANS_BOLD, SERIF, SERIF_BOLD, SERIF_ITALIC, register_fonts
from motcua.documents.layout import nfc
from motcua.signing.pades import SignatureBox

MAX_PAGES = 100
PAGE_W, PAGE_H = A4
MARGIN = 28.0
HEADER_H = 22.0
FOOTER_H = 18.0
STATEMENT_H = 215.0  # the band of the last page that holds the statement, the signature and the QR code
QR_SIZE = 80.0
SIGN_BOX = (PAGE_W - MARGIN - 250, MARGIN + FOOTER_H + 44, PAGE_W - MARGIN, MARGIN + FOOTER_H + 44 + 62)


class ScanRefused(ValueError):
    """The upload is not a scan motcua can certify (not a PDF or an image, unreadable, encrypted, empty)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ScanPage:
    """One page of the scan: a page of an uploaded PDF (``reader`` and ``index``) or an image."""

    width: float
    height: float
    reader: Any = None  # pyHanko PdfFileReader
    index: int = 0
    image: Any = None  # PIL image


@dataclass(frozen=True)
class Statement:
    """What the certification statement says."""

    register_number: str  # "12/SCT/BSĐT"
    year: int
    on: date
    certifier_name: str
    certifier_title: str
    unit_name: str
    result_code: str
    verify_url: str
    document: str  # "Căn cước công dân số 068..., Bộ Công an cấp ngày 01/02/2021"


def read_scan(files: list[tuple[str, bytes]]) -> list[ScanPage]:
    """The pages of the uploaded scan, in order; ScanRefused with a plain sentence when it cannot be used."""
    if not files:
        raise ScanRefused(_("Chưa có bản quét (bản chụp) của bản chính: hãy quét hoặc tải lên tệp PDF hoặc ảnh."))
    pages: list[ScanPage] = []
    for name, data in files:
        if data.startswith(b"%PDF-"):
            pages += _pdf_pages(name, data)
        elif data[:3] == b"\xff\xd8\xff" or data[:8] == b"\x89PNG\r\n\x1a\n":
            pages.append(_image_page(name, data))
        else:
            raise ScanRefused(_("Tệp “%(name)s” không phải là tệp PDF hay ảnh (JPEG, PNG).") % {"name": name})
        if len(pages) > MAX_PAGES:
            raise ScanRefused(_("Bản quét có quá %(n)d trang.") % {"n": MAX_PAGES})
    return pages


def _pdf_pages(name: str, data: bytes) -> list[ScanPage]:
    from pyhanko.pdf_utils.reader import PdfFileReader

    unreadable = _("Không đọc được tệp PDF “%(name)s”.") % {"name": name}
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            raise ScanRefused(_("Tệp PDF “%(name)s” được mã hóa (có mật khẩu); hãy tải lên bản không mã hóa.")
                              % {"name": name})
        count = int(reader.root["/Pages"]["/Count"])
        out = []
        for i in range(count):
            page_ref, _res = reader.find_page_for_modification(i)
            x1, y1, x2, y2 = (float(v) for v in _media_box(page_ref.get_object()))
            out.append(ScanPage(width=x2 - x1, height=y2 - y1, reader=reader, index=i))
    except ScanRefused:
        raise
    except Exception as e:  # noqa: BLE001 - any parse failure of an uploaded file is the same refusal
        raise ScanRefused(unreadable) from e
    if not out:
        raise ScanRefused(_("Tệp PDF “%(name)s” không có trang nào.") % {"name": name})
    return out


def _media_box(page: Any) -> Any:
    node = page
    while node is not None:
        if "/MediaBox" in node:
            return node["/MediaBox"]
        node = node["/Parent"].get_object() if "/Parent" in node else None
    return [0, 0, PAGE_W, PAGE_H]


def _image_page(name: str, data: bytes) -> ScanPage:
    from PIL import Image

    try:
        probe = Image.open(io.BytesIO(data))
        probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except Exception as e:  # noqa: BLE001
        raise ScanRefused(_("Không đọc được ảnh “%(name)s”.") % {"name": name}) from e
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    w, h = image.size
    dpi = image.info.get("dpi", (150, 150))[0] or 150
    return ScanPage(width=w * 72.0 / float(dpi), height=h * 72.0 / float(dpi), image=image)


# ---- the copy ---------------------------------------------------------------------------------------

def compose(pages: list[ScanPage], st: Statement) -> tuple[bytes, SignatureBox]:
    """The certified copy (unsigned) and where its signature goes."""
    from reportlab.lib.utils import ImageReader

    from motcua.documents.layout import PDF_LOCK

    register_fonts()
    buf = io.BytesIO()
    placed: list[tuple[int, ScanPage, tuple[float, float, float, float]]] = []
    with PDF_LOCK:  # ReportLab's font state is not thread-safe (see motcua.documents.layout)
        c = Canvas(buf, pagesize=A4, pageCompression=1)
        c.setTitle(nfc(f"Bản sao điện tử {st.register_number}"))
        c.setAuthor(nfc(st.unit_name))
        c.setCreator("motcua")
        for i, page in enumerate(pages):
            last = i == len(pages) - 1
            rect = fit(page, content_area(last))
            if page.image is not None:
                c.drawImage(ImageReader(page.image), rect[0], rect[1], rect[2] - rect[0], rect[3] - rect[1])
            else:
                placed.append((i, page, rect))
            _frame(c, st, i + 1, len(pages))
            if last:
                _statement(c, st)
            c.showPage()
        c.save()
    data = buf.getvalue()
    if placed:
        data = _import_pdf_pages(data, placed)
    return data, SignatureBox(page=len(pages) - 1, box=SIGN_BOX, field_name="ChungThuc",
                              title=nfc(st.certifier_title or st.unit_name))


def content_area(last: bool) -> tuple[float, float, float, float]:
    bottom = MARGIN + FOOTER_H + (STATEMENT_H if last else 0)
    return MARGIN, bottom, PAGE_W - MARGIN, PAGE_H - MARGIN - HEADER_H


def fit(page: ScanPage, area: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The largest rectangle of the page's proportions inside ``area``, centred at its top."""
    x1, y1, x2, y2 = area
    scale = min((x2 - x1) / page.width, (y2 - y1) / page.height)
    w, h = page.width * scale, page.height * scale
    left = x1 + ((x2 - x1) - w) / 2
    return left, y2 - h, left + w, y2


def _frame(c: Canvas, st: Statement, n: int, total: int) -> None:
    c.setLineWidth(0.5)
    top = PAGE_H - MARGIN - HEADER_H + 6
    c.setFont(SANS_BOLD, 8)
    c.drawString(MARGIN, top + 4, nfc("BẢN SAO ĐIỆN TỬ ĐƯỢC CHỨNG THỰC TỪ BẢN CHÍNH"))
    c.setFont(SANS, 8)
    c.drawRightString(PAGE_W - MARGIN, top + 4, nfc(f"Số chứng thực: {st.register_number}"))
    c.line(MARGIN, top, PAGE_W - MARGIN, top)
    c.line(MARGIN, MARGIN + FOOTER_H - 4, PAGE_W - MARGIN, MARGIN + FOOTER_H - 4)
    c.setFont(SANS, 7)
    c.drawString(MARGIN, MARGIN + 4, nfc(f"{st.unit_name} - Mã kết quả: {st.result_code}"))
    c.drawRightString(PAGE_W - MARGIN, MARGIN + 4, nfc(f"Trang {n}/{total}"))


def _statement(c: Canvas, st: Statement) -> None:
    """The statement (lời chứng) at the bottom right of the last page, the QR code at the bottom left."""
    band_top = MARGIN + FOOTER_H + STATEMENT_H - 6
    c.line(MARGIN, band_top + 2, PAGE_W - MARGIN, band_top + 2)
    x = (SIGN_BOX[0] + SIGN_BOX[2]) / 2
    y = band_top - 16
    c.setFont(SERIF_BOLD, 11)
    c.drawCentredString(x, y, nfc("Chứng thực bản sao này đúng với bản chính."))
    c.setFont(SERIF, 10)
    c.drawCentredString(x, y - 16, nfc(f"Số chứng thực: {st.register_number}, quyển số {st.year}"))
    c.drawCentredString(x, y - 31, nfc(f"Ngày {st.on:%d/%m/%Y}"))
    c.setFont(SERIF_BOLD, 10)
    c.drawCentredString(x, y - 49, nfc("NGƯỜI THỰC HIỆN CHỨNG THỰC"))
    c.setFont(SERIF_ITALIC, 8.5)
    c.drawCentredString(x, y - 61, nfc("(Ký số, ghi rõ họ tên)"))
    c.setFont(SERIF_BOLD, 10)
    c.drawCentredString(x, SIGN_BOX[1] - 12, nfc(st.certifier_name))
    c.setFont(SERIF, 9)
    c.drawCentredString(x, SIGN_BOX[1] - 24, nfc(st.certifier_title))
    c.drawCentredString(x, SIGN_BOX[1] - 35, nfc(st.unit_name))
    _qr(c, st)


def _qr(c: Canvas, st: Statement) -> None:
    from reportlab.lib.utils import simpleSplit

    from motcua.documents.qr import QRCode

    left, bottom = MARGIN, MARGIN + FOOTER_H + 40
    QRCode(st.verify_url, QR_SIZE).drawOn(c, left, bottom)
    text = c.beginText(left + QR_SIZE + 6, bottom + QR_SIZE - 14)
    text.setFont(SANS, 7.5)
    for line in ("Bản sao điện tử được chứng thực từ bản", "chính có giá trị sử dụng thay cho bản",
                 "chính (Nghị định 45/2020/NĐ-CP).", f"Mã kết quả: {st.result_code}",
                 "Quét mã QR để kiểm tra chữ ký số."):
        text.textLine(nfc(line))
    c.drawText(text)
    width = SIGN_BOX[0] - left - 10
    lines = simpleSplit(nfc(f"Bản chính: {st.document}"), SANS, 7.5, width)[:3]
    c.setFont(SANS, 7.5)
    for n, line in enumerate(lines):
        c.drawString(left, bottom - 10 - 9 * n, line)


def _import_pdf_pages(frame: bytes, placed: list[tuple[int, ScanPage, tuple[float, float, float, float]]]) -> bytes:
    """Draw each uploaded PDF page (a form XObject) into its rectangle of the frame."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    writer = copy_into_new_writer(PdfFileReader(io.BytesIO(frame), strict=False))
    for n, (page_ix, page, rect) in enumerate(placed):
        try:
            xobj = writer.import_page_as_xobject(page.reader, page.index)
        except Exception as e:  # noqa: BLE001
            raise ScanRefused(_("Không đọc được trang %(n)d của tệp PDF đã tải lên.") % {"n": page.index + 1}) from e
        bx1, by1, _bx2, _by2 = (float(v) for v in xobj.get_object()["/BBox"])
        s = (rect[2] - rect[0]) / page.width
        name = f"/Scan{n}"
        ops = f"q {s:.6f} 0 0 {s:.6f} {rect[0] - s * bx1:.3f} {rect[1] - s * by1:.3f} cm {name} Do Q".encode()
        stream = writer.add_object(generic.StreamObject(stream_data=ops))
        resources = generic.DictionaryObject({generic.NameObject("/XObject"): generic.DictionaryObject(
            {generic.NameObject(name): xobj})})
        writer.add_stream_to_page(page_ix, stream, resources=resources)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
