"""Detailed dossier lists (CSV and Excel) with the filters of the figures, streamed.

The rows are the figure engine's own: the subtree's dossier ids are read in keyset batches
(``id > last ORDER BY id LIMIT BATCH``), and each batch goes through the same
:func:`~motcua.reports.facts.load_facts` / :func:`~motcua.reports.services.load_extras` /
:func:`~motcua.reports.figures.memberships` as :func:`~motcua.reports.services.compute_figures`.
Facts are per dossier, so the union of the batches is exactly the engine's set: an export for a
figure lists the very dossiers :func:`~motcua.reports.services.dossiers_for` returns, in the same
(ascending id) order, and as many as the figure counts. Without a figure, the export lists every
dossier that counts in at least one figure of the period.

Memory is bounded by one batch (a few thousand dossiers), whatever the size of the export:

* CSV (UTF-8 with a BOM so that Excel reads Vietnamese correctly) is generated batch by batch
  into a :class:`~django.http.StreamingHttpResponse`; the first bytes leave at once.
* Excel (.xlsx) is streamed too: the first bytes (the zip header of the first worksheet) leave
  before any query, then the rows follow batch by batch. An .xlsx file is a zip archive of XML
  parts whose central directory, at the end, lists every part, so the archive itself can be
  written as it goes; only the order of the parts matters here: the data worksheets come first,
  and the parts that must know how many sheets and rows there are (workbook, relationships,
  content types, the information sheet) come last. Strings are inline (no shared-string table),
  sheets roll over at Excel's limit of 1,048,576 rows.

  Library choice (2026-11): ``stream-zip`` (uktrade; maintained, typed, ZIP64-aware, no other
  runtime dependency than pycryptodome) writes the zip while we generate the worksheet XML, with
  text escaped by :func:`xml_text` (``xml.sax.saxutils.escape``, characters illegal in XML 1.0
  dropped). ``xlsx_streaming`` (Polyconseil) was set aside: it depends on ``zipstream``, unmaintained
  since 2016; it writes a single worksheet cloned from a template (no roll-over at the row limit,
  no information sheet); it builds every cell through ElementTree, slower than formatting the XML;
  and it logs a value that does not fit its column's type at DEBUG level instead of failing.
  Members are plain (ZIP_32) zip entries with data descriptors, as Excel expects from a streamed
  archive (it is known to reject ZIP64 entries that were not needed); a worksheet part is kept
  under 4 GB by rolling over early (``SHEET_MAX_BYTES``), so the limit left is 4 GB of compressed
  archive, some 30 million rows (130 bytes a row). XlsxWriter, which cannot stream (it assembles
  the zip in ``close()``: 426 s before the first byte at 1M rows), still writes the small, styled
  periodic report.

Times are local (Asia/Ho_Chi_Minh), ``dd/mm/yyyy HH:MM`` (real date-times in Excel); a dossier's
state is as of the period end (the event log before it), like every figure.
"""

from __future__ import annotations

import csv
import io
import re
import stat
import tempfile
import time
import unicodedata
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from itertools import chain, islice
from typing import IO, Any
from urllib.parse import quote
from xml.sax.saxutils import escape

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _
from stream_zip import ZIP_32, stream_zip

from motcua.calendars.services import calendar_for
from motcua.catalog.choices import Channel
from motcua.core import clock
from motcua.domain.verdict import Category
from motcua.dossiers.choices import StatusChoices, VerdictChoices
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.units.models import Unit

from . import boundaries as bd
from .facts import Facts, Filters, load_facts
from .figures import memberships
from .reasons import _WHY
from .services import Period, as_of_text, load_extras

BATCH = 2000  # dossiers per keyset batch (module attribute: the benchmark tunes it)
XLSX_MAX_ROWS = 1_048_576  # rows per worksheet in Excel, header included
DATETIME_FORMAT = "%d/%m/%Y %H:%M"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

HEADERS = (
    "Mã hồ sơ", "Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Kênh nộp", "Người nộp", "Nơi tiếp nhận",
    "Cơ quan giải quyết", "Ngày tiếp nhận", "Hạn xử lý", "Ngày hẹn trả", "Kết thúc xử lý", "Ngày trả kết quả",
    "Trạng thái", "Kết quả đánh giá", "Số giờ trễ", "Lý do",
    "Dữ liệu tờ khai",  # the e-form's declared values, "label: value; ..." (motcua/eforms)
)
DATE_COLUMNS = frozenset(range(8, 13))
HOURS_COLUMN = 15
WIDTHS = (22, 11, 48, 24, 12, 26, 28, 28, 17, 17, 17, 17, 17, 18, 20, 10, 60, 80)

# the figure whose reason explains a dossier best when no figure was asked for
_PRINCIPAL = ("resolved_late", "in_progress_late", "refused", "withdrawn", "stopped", "resolved_on_time",
              "resolved_early", "in_progress_on_time", "not_collected")
_DETAILS = ("id", "procedure__code", "version__name", "procedure__field__name", "applicant_name",
            "receiving_unit__name", "handling_unit__name", "appointment_at")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportQuery:
    """What to export: the subtree of ``unit``, the period, the filters, optionally one figure."""

    unit: Unit
    period: Period
    filters: Filters
    figure: str | None = None


@dataclass(frozen=True)
class Row:
    """One dossier of an export. Times are POSIX seconds (columns ``DATE_COLUMNS``), hours are
    working hours past the due time."""

    values: tuple[Any, ...]

    def csv_values(self) -> list[str]:
        out = []
        for i, v in enumerate(self.values):
            if v is None:
                out.append("")
            elif i in DATE_COLUMNS:
                out.append(local_text(v))
            elif i == HOURS_COLUMN:
                out.append(f"{v:.2f}")
            else:
                out.append(_safe_text(str(v)))
        return out


# Vietnam has kept UTC+7 without daylight saving since 1975 (periods start in 2010 at the
# earliest): local times of a million rows are formatted by arithmetic on POSIX seconds (tests
# check them against zoneinfo).
UTC_OFFSET = 7 * 3600
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_EXCEL_EPOCH_DAYS = 25569  # 1970-01-01 as an Excel serial day number


@lru_cache(maxsize=8192)
def _day_text(day: int) -> str:
    d = date.fromordinal(_EPOCH_ORDINAL + day)
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def local_text(epoch: int) -> str:
    """``dd/mm/yyyy HH:MM`` in Asia/Ho_Chi_Minh."""
    day, sec = divmod(epoch + UTC_OFFSET, 86400)
    return f"{_day_text(day)} {sec // 3600:02d}:{sec % 3600 // 60:02d}"


def excel_serial(epoch: int) -> float:
    """The Excel date-time number of the local wall time (to the second)."""
    return (epoch + UTC_OFFSET) / 86400 + _EXCEL_EPOCH_DAYS


def _safe_text(text: str) -> str:
    """Text a spreadsheet would run as a formula (``=HYPERLINK(...)`` as a name) is quoted."""
    return "'" + text if text.startswith(_FORMULA_START) else text


# ---- the rows, from the figure engine ---------------------------------------------------------

def iter_facts(q: ExportQuery, batch: int | None = None) -> Iterator[list[tuple[Facts, list[str]]]]:
    """Batches of (facts, figure keys) of the dossiers to export, by ascending id. Only one batch
    is in memory at a time."""
    size = batch or BATCH
    cal = calendar_for(q.unit.province_id)
    start, end = q.period.epochs
    scope = bd.scope_of(q.unit, q.filters.boundaries, q.period.end, q.filters.basis)
    where = q.filters.dossier_q(q.unit.path) if scope.trivial else scope.dossier_q() & q.filters.dossier_q("/")
    ids_qs = Dossier.objects.filter(where).order_by("pk").values_list("pk", flat=True)
    after = 0
    while True:
        ids = list(ids_qs.filter(pk__gt=after)[:size])
        if not ids:
            return
        after = ids[-1]
        facts = load_facts(q.unit.path, q.period.start, q.period.end, q.filters, cal, ids, scope)
        extras = load_extras(q.unit, facts, q.filters, q.period)
        chosen = []
        for f in facts:
            keys = memberships(f, start, end, extras)
            if (q.figure in keys) if q.figure else keys:
                chosen.append((f, keys))
        if chosen:
            yield chosen


def export_count(unit: Unit, period: Period, filters: Filters, figure: str | None = None) -> int:
    """How many rows the export of these parameters has (reads the same batches)."""
    return sum(len(chunk) for chunk in iter_facts(ExportQuery(unit, period, filters, figure)))


def _details(ids: list[int], end: datetime) -> dict[int, tuple[Any, ...]]:
    """Names and the status as of the period end (the last event before it) of the dossiers."""
    status = DossierEvent.objects.filter(dossier=OuterRef("pk"), at__lt=end).order_by("-seq").values("to_status")
    rows = Dossier.objects.filter(pk__in=ids).annotate(status_at_end=Subquery(status[:1]))
    return {r[0]: r for r in rows.values_list(*_DETAILS, "status_at_end")}


def _epoch(at: datetime | None) -> int | None:
    return None if at is None else int(at.timestamp())


def _hours_late(f: Facts) -> float | None:
    if f.category is None:
        return None
    if f.category in (Category.LATE, Category.IN_PROGRESS_LATE):
        return round(max(0, f.over) / 3600, 2)
    return 0.0


def _reason(f: Facts, keys: list[str], figure: str | None) -> str:
    key = figure or next((k for k in _PRINCIPAL if k in keys), keys[0])
    return _WHY[key](f)  # the "because" of reasons.reasons(), without the label


def _labels() -> tuple[dict[int, str], dict[int, str], dict[str, str]]:
    return ({c.value: str(c.label) for c in Channel}, {s.value: str(s.label) for s in StatusChoices},
            {v.value: str(v.label) for v in VerdictChoices})


def iter_rows(q: ExportQuery, batch: int | None = None) -> Iterator[list[Row]]:
    """The export's rows, one batch (list) at a time."""
    channels, statuses, verdicts = _labels()
    from motcua.eforms.services import declared_texts

    for chunk in iter_facts(q, batch):
        details = _details([f.id for f, _keys in chunk], q.period.end)
        declared = declared_texts([f.id for f, _keys in chunk])
        rows = []
        for f, keys in chunk:
            d = details[f.id]
            category = f.category.value if f.category is not None else Category.NOT_STARTED.value
            rows.append(Row((
                f.code, d[1], d[2], d[3], channels.get(f.channel, str(f.channel)), d[4], d[5], d[6],
                f.received, f.due, _epoch(d[7]), f.end, f.returned,
                statuses.get(d[8], "") if d[8] is not None else "", verdicts[category], _hours_late(f),
                _reason(f, keys, q.figure), declared.get(f.id, ""),
            )))
        yield rows


# ---- CSV ---------------------------------------------------------------------------------------

def csv_chunks(q: ExportQuery, batch: int | None = None) -> Iterator[bytes]:
    """UTF-8 bytes with a BOM: the header, then one chunk per batch of rows."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(HEADERS)
    yield ("\ufeff" + buf.getvalue()).encode("utf-8")
    for rows in iter_rows(q, batch):
        buf.seek(0)
        buf.truncate()
        writer.writerows(r.csv_values() for r in rows)
        yield buf.getvalue().encode("utf-8")


# ---- Excel -------------------------------------------------------------------------------------
# The parts of the workbook besides the worksheets. Only inline strings (no shared-string table,
# which would have to come before the rows or hold every string in memory); four cell formats:
# 0 default, 1 header, 2 date-time, 3 hours.

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_FONT = '<sz val="11"/><name val="Calibri"/><family val="2"/><scheme val="minor"/>'
_THIN = "".join(f'<{side} style="thin"><color auto="1"/></{side}>' for side in ("left", "right", "top", "bottom"))
_STYLES = (
    f'{_XML_DECL}<styleSheet {_NS}>'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy hh:mm"/></numFmts>'
    f'<fonts count="2"><font>{_FONT}</font><font><b/>{_FONT}</font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill>'
    '</fills>'
    f'<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border>{_THIN}<diagonal/></border>'
    '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1"'
    ' applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
_ROOT_RELS = (f'{_XML_DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
              f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_HEADER_STYLE, _DATE_STYLE, _HOURS_STYLE = 1, 2, 3
SHEET_MAX_BYTES = 4_000_000_000  # a worksheet part stays below the 4 GiB of a (non-ZIP64) zip member
CHUNK_ROWS = 256  # rows per piece of XML handed to the compressor
FLUSH_SECONDS = 1.0  # the compressor releases what it holds at least this often (see _Deflate)
ZIP_CHUNK = 16 * 1024  # bytes per chunk of the response

# XML 1.0 forbids these characters even as references; they are dropped.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Excel reads "_xHHHH_" in a string as an escaped character: a literal one gets its "_" escaped
_OOXML_ESCAPE = re.compile("_(x[0-9A-Fa-f]{4}_)")
# A raw carriage return would be read back as a line feed: it goes as a character reference.
_CR = {"\r": "&#13;"}
_PLAIN = re.compile("[^&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]*")  # nothing to do


def xml_text(text: str) -> str:
    """``text`` as the content of an XML 1.0 element in a worksheet."""
    if "_x" not in text and _PLAIN.fullmatch(text):
        return text  # most text: one scan
    text = _ILLEGAL_XML.sub("", text)
    if "_x" in text:
        text = _OOXML_ESCAPE.sub(r"_x005F_\1", text)
    return escape(text, _CR)


def _attr(text: str) -> str:
    return escape(_ILLEGAL_XML.sub("", text), {'"': "&quot;", **_CR})


def _column(i: int) -> str:
    """0 -> "A", 26 -> "AA"."""
    name = ""
    i += 1
    while i:
        i, rest = divmod(i - 1, 26)
        name = chr(65 + rest) + name
    return name


_LETTERS = tuple(_column(i) for i in range(len(HEADERS)))


def _text_cell(ref: str, text: str, style: int = 0) -> str:
    s = f' s="{style}"' if style else ""
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{xml_text(text)}</t></is></c>'


def _row_xml(values: tuple[Any, ...], r: int) -> str:
    """One data row: date-times and hours as numbers, everything else as (never formula) text."""
    cells = []
    for i, v in enumerate(values):
        if v is None or v == "":
            continue
        if i in DATE_COLUMNS:
            cells.append(f'<c r="{_LETTERS[i]}{r}" s="{_DATE_STYLE}"><v>{excel_serial(v)!r}</v></c>')
        elif i == HOURS_COLUMN:
            cells.append(f'<c r="{_LETTERS[i]}{r}" s="{_HOURS_STYLE}"><v>{float(v)!r}</v></c>')
        else:
            cells.append(_text_cell(f"{_LETTERS[i]}{r}", str(v)))
    return f'<row r="{r}">{"".join(cells)}</row>'


def _sheet_start(widths: tuple[float, ...], selected: bool, frozen: bool) -> str:
    tab = ' tabSelected="1"' if selected else ""
    pane = ('<pane xSplit="1" ySplit="1" topLeftCell="B2" activePane="bottomRight" state="frozen"/>'
            '<selection pane="bottomRight" activeCell="B2" sqref="B2"/>') if frozen else ""
    cols = "".join(f'<col min="{i}" max="{i}" width="{w + 0.7109375}" customWidth="1"/>'
                   for i, w in enumerate(widths, 1))
    return (f'{_XML_DECL}<worksheet {_NS} {_NS_R}><sheetViews><sheetView{tab} workbookViewId="0">{pane}'
            f'</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>')


_HEADER_ROW = '<row r="1">' + "".join(_text_cell(f"{c}1", h, _HEADER_STYLE) for c, h in zip(_LETTERS, HEADERS,
                                                                                             strict=True)) + "</row>"


class _Book:
    """The rows still to write and the data sheets written so far, as (name, last row number)."""

    def __init__(self, rows: Iterator[Row], title: str) -> None:
        self.rows, self.title, self.ahead = rows, title, list[Row]()
        self.sheets: list[tuple[str, int]] = []
        self.full = False  # the last sheet stopped at a limit, not at the end of the rows

    @property
    def count(self) -> int:
        return sum(last - 1 for _name, last in self.sheets)

    def next_name(self) -> str | None:
        """The name of the next data sheet, or None when every row has been written."""
        if self.sheets and not (self.full and self._more()):
            return None
        n = len(self.sheets) + 1
        return self.title if n == 1 else f"{self.title} ({n})"

    def _more(self) -> bool:
        self.ahead = self.ahead or list(islice(self.rows, 1))
        return bool(self.ahead)

    def take(self) -> Iterator[Row]:
        """The rows of one sheet at most (the caller stops early at ``SHEET_MAX_BYTES``)."""
        rows, self.ahead = chain(self.ahead, self.rows), []
        return islice(rows, XLSX_MAX_ROWS - 1)


def _data_sheet(book: _Book, name: str) -> Iterator[bytes]:
    """The XML of one data worksheet, in pieces of ``CHUNK_ROWS`` rows; rows are pulled as it goes."""
    head = (_sheet_start(WIDTHS, not book.sheets, frozen=True) + _HEADER_ROW).encode()
    yield head
    size, r, parts = len(head), 1, []
    book.full = False
    for row in book.take():
        r += 1
        parts.append(_row_xml(row.values, r))
        if len(parts) == CHUNK_ROWS or r == XLSX_MAX_ROWS:
            piece = "".join(parts).encode()
            parts, size = [], size + len(piece)
            yield piece
            if r == XLSX_MAX_ROWS or size > SHEET_MAX_BYTES:
                book.full = True
                break
    yield ("".join(parts) + f'</sheetData><autoFilter ref="A1:{_LETTERS[-1]}{max(2, r)}"/></worksheet>').encode()
    book.sheets.append((name, r))


def _info_sheet(info: list[tuple[str, str]]) -> bytes:
    rows = "".join(f'<row r="{r}">{_text_cell(f"A{r}", k, _HEADER_STYLE)}{_text_cell(f"B{r}", v)}</row>'
                   for r, (k, v) in enumerate(info, 1))
    return (_sheet_start((24, 70), False, frozen=False) + rows + "</sheetData></worksheet>").encode()


def _sheet_ref(name: str, last: int) -> str:
    return "'" + name.replace("'", "''") + f"'!$A$1:${_LETTERS[-1]}${max(2, last)}"


def _workbook(names: list[str], filters: list[tuple[str, int]]) -> bytes:
    sheets = "".join(f'<sheet name="{_attr(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, 1))
    defined = "".join(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
                      f"{xml_text(_sheet_ref(n, last))}</definedName>" for i, (n, last) in enumerate(filters))
    return (f"{_XML_DECL}<workbook {_NS} {_NS_R}><bookViews><workbookView/></bookViews><sheets>{sheets}</sheets>"
            f"<definedNames>{defined}</definedNames></workbook>").encode()


def _workbook_rels(n: int) -> bytes:
    rels = "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                   for i in range(1, n + 1))
    return (f'{_XML_DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'{rels}<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>').encode()


def _content_types(n: int) -> bytes:
    sheets = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_CT}.worksheet+xml"/>'
                     for i in range(1, n + 1))
    return (f'{_XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>{sheets}</Types>').encode()


class _Deflate:
    """zlib (raw deflate, as in a zip) that also hands over what it holds when ``FLUSH_SECONDS`` have
    passed since it last did, so that a sparse export (a rare figure: few rows per batch) is not
    held back by the compressor's own buffer, only by the ``ZIP_CHUNK`` of the response."""

    def __init__(self) -> None:
        self._z = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        self._at = time.monotonic()

    def compress(self, data: bytes) -> bytes:
        out = self._z.compress(data)
        if time.monotonic() - self._at >= FLUSH_SECONDS:
            out += self._z.flush(zlib.Z_SYNC_FLUSH)
            self._at = time.monotonic()
        return out

    def flush(self, mode: int = zlib.Z_FINISH) -> bytes:
        return self._z.flush(mode)


def _members(book: _Book, info: list[tuple[str, str]]) -> Iterator[Any]:
    """The zip members, data sheets first: the workbook, which lists the sheets, and the other
    parts come last, once the number of sheets and of rows is known (a zip's parts may come in any
    order; its central directory, at the end, lists them)."""
    at, mode = clock.local(clock.now()), stat.S_IFREG | 0o644
    n = 0
    while (name := book.next_name()) is not None:
        n += 1
        yield f"xl/worksheets/sheet{n}.xml", at, mode, ZIP_32, _data_sheet(book, name)
    info_sheet = _info_sheet([*info, (_("Số hồ sơ"), str(book.count))])
    names = [name for name, _last in book.sheets] + [_("Thông tin")]
    for path, data in ((f"xl/worksheets/sheet{n + 1}.xml", info_sheet), ("xl/styles.xml", _STYLES.encode()),
                       ("xl/workbook.xml", _workbook(names, book.sheets)),
                       ("xl/_rels/workbook.xml.rels", _workbook_rels(n + 1)), ("_rels/.rels", _ROOT_RELS.encode()),
                       ("[Content_Types].xml", _content_types(n + 1))):
        yield path, at, mode, ZIP_32, (data,)


def xlsx_chunks(q: ExportQuery, batch: int | None = None, title: str = "Hồ sơ",
                info: list[tuple[str, str]] | None = None) -> Iterator[bytes]:
    """The export as .xlsx bytes, streamed: the first chunk (the zip header of the first sheet) comes
    before any query, then the rows as they are read, one batch at a time."""
    return _zip(_book(q, batch, title), info)


def write_dossiers_xlsx(q: ExportQuery, out: IO[bytes], batch: int | None = None, title: str = "Hồ sơ",
                        info: list[tuple[str, str]] | None = None) -> int:
    """Write the export as .xlsx to ``out`` (jobs, scripts); returns the number of rows."""
    book = _book(q, batch, title)
    for chunk in _zip(book, info):
        out.write(chunk)
    return book.count


def _book(q: ExportQuery, batch: int | None, title: str) -> _Book:
    return _Book(chain.from_iterable(iter_rows(q, batch)), title)


def _zip(book: _Book, info: list[tuple[str, str]] | None) -> Iterator[bytes]:
    return iter(stream_zip(_members(book, info or []), chunk_size=ZIP_CHUNK, get_compressobj=_Deflate))


def xlsx_file(write: Any) -> IO[bytes]:
    """Run ``write(file)`` into an anonymous temporary file (gone when closed), rewound (the
    periodic report, small and styled, is written with XlsxWriter)."""
    fh = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    try:
        write(fh)
    except BaseException:
        fh.close()
        raise
    fh.seek(0)
    return fh


# ---- file names --------------------------------------------------------------------------------

def ascii_name(text: str) -> str:
    """"Xã Đạ Huoai 01.03" -> "Xa-Da-Huoai-01.03" (Content-Disposition fallback)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    out = "".join(c if c.isalnum() or c in "._-" else "-" for c in text)
    while "--" in out:
        out = out.replace("--", "-")
    return out.strip("-") or "export"


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII ``filename`` and the exact UTF-8 ``filename*`` (RFC 6266)."""
    return f"attachment; filename=\"{ascii_name(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


def export_name(kind: str, unit: Unit, period: Period, figure: str | None, ext: str) -> str:
    first, last = clock.local_date(period.start), period.last_day
    parts = [kind, unit.name, f"{first:%d.%m.%Y}-{last:%d.%m.%Y}"]
    if figure:
        parts.append(figure)
    return " - ".join(parts).replace("/", "-") + "." + ext


def describe(q: ExportQuery, figure_label: str | None) -> list[tuple[str, str]]:
    """The parameters of an export, for the information sheet."""
    f = q.filters
    first, last = clock.local_date(q.period.start), q.period.last_day
    return [
        (_("Đơn vị"), f"{q.unit.name} ({q.unit.code})"),
        (_("Kỳ báo cáo"), f"{first:%d/%m/%Y} - {last:%d/%m/%Y}"),
        (_("Chỉ tiêu"), figure_label or _("Mọi hồ sơ có trong ít nhất một chỉ tiêu của kỳ")),
        (_("Lĩnh vực"), f.field or ""), (_("Thủ tục"), f.procedure or ""),
        (_("Kênh nộp"), str(Channel(f.channel).label) if f.channel else ""),
        (_("Theo"), _("cơ quan giải quyết") if f.basis == "handling" else _("nơi tiếp nhận")),
        (_("Đơn vị theo"), str(bd.LABELS[f.boundaries]) if f.boundaries else ""),
        (_("Thời điểm xuất"), clock.local(clock.now()).strftime(DATETIME_FORMAT)),
        (_("Thời điểm tính số liệu"), as_of_text(q.period)),
    ]
