"""Building blocks of a Vietnamese administrative form: the two-column header with the national
motto, the title, numbered fields, signature blocks, and the document template that renders a
story to PDF bytes."""

from __future__ import annotations

import io
import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from motcua.core import clock

from .fonts import SANS, SERIF, register_fonts

register_fonts()  # paragraphs resolve their fonts when they are built, not when drawn

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DOTS = "…………"


def nfc(value: Any) -> str:
    """A value as text with Vietnamese letters composed (one code point each, as the fonts expect)."""
    return unicodedata.normalize("NFC", "" if value is None else str(value))


def text(value: Any) -> str:
    """Paragraph markup for a value: NFC and XML-escaped (an "&" or "<" must not break the markup)."""
    return escape(nfc(value))


NBSP = "\u00a0"  # reportlab breaks lines at spaces but never at a no-break space
PLACE_KINDS = ("Thành phố", "Thị xã", "Thị trấn", "Đặc khu", "Tỉnh", "Huyện", "Quận", "Phường", "Xã")
_KIND = "|".join(PLACE_KINDS)
# a kind of administrative unit followed by its name: one to four capitalised words, none of them the
# next unit's kind ("Xã Lạc Dương, tỉnh Lâm Đồng" keeps "Xã Lạc Dương" and "tỉnh Lâm Đồng" whole)
_PLACE = re.compile(rf"\b({_KIND})((?:[ {NBSP}](?!(?:{_KIND})\b)[^\W\d_][^\s,;()/]*){{1,4}})", re.IGNORECASE)


def _glue(match: re.Match[str]) -> str:
    words = match.group(2).split(" ")[1:]
    kept = []
    for w in words:  # the name's words start with a capital ("xã Lạc Dương", "XÃ LẠC DƯƠNG")
        if not w[0].isupper():
            break
        kept.append(w)
    if not kept:
        return match.group(0)
    rest = words[len(kept):]
    return NBSP.join([*match.group(1).split(" "), *kept]) + (" " + " ".join(rest) if rest else "")


def keep_places(value: Any) -> str:
    """``value`` with each place name ("Xã Lạc Dương", "phường Xuân Hương", "TỈNH LÂM ĐỒNG") joined by
    no-break spaces, so a line never wraps inside one."""
    return _PLACE.sub(_glue, nfc(value))


def place_text(value: Any) -> str:
    """:func:`text` of a value that names places (a unit, an address)."""
    return escape(keep_places(value))


def style(name: str, size: float = 9.5, **kw: Any) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=kw.pop("font", SERIF), fontSize=size, leading=kw.pop("leading", size * 1.3),
                          **kw)


BODY = style("body", alignment=TA_JUSTIFY, spaceAfter=2)
FIELD = style("field", spaceAfter=1)
CENTER = style("center", alignment=TA_CENTER)
SMALL_CENTER = style("small-center", 8.5, alignment=TA_CENTER)
CODE = style("code", 7, font=SANS, alignment=TA_CENTER)
TITLE = style("title", 11.5, alignment=TA_CENTER, spaceBefore=4, spaceAfter=2)
CELL = style("cell", 8.5, font=SANS)
CELL_HEAD = style("cell-head", 8.5, font=SANS, alignment=TA_CENTER)


def para(markup: str, st: ParagraphStyle = BODY) -> Paragraph:
    return Paragraph(markup, st)


@dataclass(frozen=True)
class Issuer:
    """Who issues the document: the parent body and unit (upper-case lines of the header), the
    document number line and the place and date line."""

    parent: str
    unit: str
    number: str
    place: str
    on: datetime | None


def long_date(place: str, on: datetime | None) -> str:
    """"Đà Lạt, ngày 10 tháng 09 năm 2025" (blanks to fill by hand when the date is unknown)."""
    if on is None:
        return f"{place}, ngày {DOTS} tháng {DOTS} năm {DOTS}"
    d = clock.local(on)
    return f"{place}, ngày {d:%d} tháng {d:%m} năm {d:%Y}"


def _place_line(place: str, on: datetime | None) -> str:
    """The place and date line with the place name unbroken."""
    return escape(long_date(nfc(place).replace(" ", NBSP), on))


def time_and_date(at: datetime | None) -> str:
    """"09 giờ 00 phút, ngày 10/09/2025" as the forms write an instant."""
    if at is None:
        return DOTS
    d = clock.local(at)
    return f"{d:%H} giờ {d:%M} phút, ngày {d:%d/%m/%Y}"


def header(issuer: Issuer, width: float) -> Table:
    """The two-column header: issuing unit and number on the left, national motto on the right."""
    left = [para(place_text(issuer.parent.upper()), SMALL_CENTER),
            para(f"<b>{place_text(issuer.unit.upper())}</b>", SMALL_CENTER), para("―――――", SMALL_CENTER),
            para(text(issuer.number), style("number", 7.5, alignment=TA_CENTER))]
    right = [para(f"<b>{NATION}</b>", SMALL_CENTER), para(f"<b><u>{MOTTO}</u></b>", style("motto", 9.5,
                                                                                       alignment=TA_CENTER)),
             Spacer(1, 5), para(f"<i>{_place_line(issuer.place, issuer.on)}</i>", SMALL_CENTER)]
    t = Table([[left, right]], colWidths=[width * 0.40, width * 0.60])
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return t


def title(main: str, sub: str = "") -> list[Flowable]:
    out: list[Flowable] = [Spacer(1, 6), para(f"<b>{text(main.upper())}</b>", TITLE)]
    if sub:
        out.append(para(f"<i>{text(sub)}</i>", CENTER))
    return [*out, Spacer(1, 4)]


def numbered(fields: Sequence[tuple[str, Any]], start: int = 1) -> list[Flowable]:
    """"1. Label: value" lines, the label in bold."""
    return [para(f"<b>{n}. {text(label)}:</b> {place_text(value) or DOTS}", FIELD)
            for n, (label, value) in enumerate(fields, start)]


def labelled(fields: Sequence[tuple[str, Any]]) -> list[Flowable]:
    return [para(f"{text(label)}: <b>{place_text(value) or DOTS}</b>", FIELD) for label, value in fields]


SIGN_ROOM = 14 * mm  # the blank room of a signature block, where a hand or a digital signature goes


class SignatureSpot(Flowable):
    """The blank room of a signature block that also notes where it landed: ``spots[key]`` becomes
    (0-based page, (x1, y1, x2, y2) in PDF points), the first time it is drawn (the first copy of a
    form printed twice). A digital signature's visible block is then placed exactly there."""

    def __init__(self, key: str, spots: dict[str, tuple[int, tuple[float, float, float, float]]],
                 height: float = SIGN_ROOM) -> None:
        super().__init__()
        self.key, self.spots, self.height, self.width = key, spots, height, 0.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, self.height

    def draw(self) -> None:
        x, y = self.canv.absolutePosition(0, 0)
        x2, y2 = self.canv.absolutePosition(self.width, self.height)  # a copy shrunk to fit its page
        page = self.canv.getPageNumber() - 1
        self.spots.setdefault(self.key, (page, (x, y, x2, y2)))


def signature(role: str, name: str, spot: SignatureSpot | None = None) -> list[Flowable]:
    """A signature block: the capacity, room to sign (``spot`` notes where, for a digital signature),
    then the printed name."""
    return [para(f"<b>{text(role.upper())}</b>", CENTER), para("<i>(Ký và ghi rõ họ tên)</i>", SMALL_CENTER),
            spot or Spacer(1, SIGN_ROOM), para(f"<b>{text(name)}</b>", CENTER)]


def side_by_side(cells: Sequence[list[Flowable]], width: float) -> Table:
    t = Table([list(cells)], colWidths=[width / len(cells)] * len(cells))
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return t


def signatures(blocks: Sequence[tuple[str, str]], width: float,
               spots: dict[int, SignatureSpot] | None = None) -> Table:
    """Signature blocks side by side: (capacity, printed name); ``spots`` by block index."""
    return side_by_side([signature(role, name, (spots or {}).get(i)) for i, (role, name) in enumerate(blocks)],
                        width)


def grid(rows: Sequence[Sequence[Any]], widths: Sequence[float], repeat: int = 1,
         table: type[Table] = Table) -> Table:
    """A ruled table whose first ``repeat`` rows are headers (repeated on every page)."""
    t = table(rows, colWidths=list(widths), repeatRows=repeat)
    t.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), SANS, 8.5), ("GRID", (0, 0), (-1, -1), 0.5, "black"),
                           ("VALIGN", (0, 0), (-1, -1), "TOP"), ("BACKGROUND", (0, 0), (-1, repeat - 1), "#e8e8e8"),
                           ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                           ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]))
    return t


MARGIN = 10 * mm


def content_width(pagesize: tuple[float, float]) -> float:
    """Width inside the margins and the frame's own 6-point paddings."""
    return pagesize[0] - 2 * MARGIN - 12


# ReportLab keeps module-level state (the registered TrueType fonts and their per-document subset
# tables among it) that is not safe across threads: a threaded server (runserver, gunicorn gthread)
# building two PDFs at once could lose a glyph's assignment. One build at a time per process.
PDF_LOCK = threading.RLock()


def render(story: list[Flowable], pagesize: tuple[float, float], doc_title: str,
           canvasmaker: type[Canvas] = Canvas) -> bytes:
    """Lay the story out on ``pagesize`` pages and return the PDF."""
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=pagesize, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN, title=nfc(doc_title), author="motcua",
                            creator="motcua", lang="vi")
    with PDF_LOCK:
        doc.build(story, canvasmaker=canvasmaker)
    return buf.getvalue()


def numbered_pages(footer: str, font_size: float = 7.5) -> type[Canvas]:
    """A canvas class that prints ``footer`` and "Trang x/y" at the foot of every page. Pages
    are held until the end so the total is known (fine for a few hundred pages)."""
    footer = nfc(footer)

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                self.setFont(SANS, font_size)
                self.drawString(MARGIN, MARGIN / 2, footer)
                self.drawRightString(self._pagesize[0] - MARGIN, MARGIN / 2, f"Trang {number}/{total}")
                super().showPage()
            super().save()

    return NumberedCanvas
