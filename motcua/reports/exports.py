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
* Excel: an .xlsx file is a zip archive whose central directory, at the end, lists every part,
  and XlsxWriter assembles the archive only in ``close()``. XlsxWriter in ``constant_memory``
  mode writes each row to a temporary worksheet file as it comes (no shared-string table, one
  row in memory), then the archive is built into an anonymous temporary file, which
  :class:`~django.http.FileResponse` sends in blocks. Nothing is sent before the file is complete
  (see :mod:`motcua.reports.api` for the consequences); sheets roll over at Excel's limit of
  1,048,576 rows.

Times are local (Asia/Ho_Chi_Minh), ``dd/mm/yyyy HH:MM`` (real date-times in Excel); a dossier's
state is as of the period end (the event log before it), like every figure.
"""

from __future__ import annotations

import csv
import io
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import IO, Any
from urllib.parse import quote

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from motcua.calendars.services import calendar_for
from motcua.catalog.choices import Channel
from motcua.core import clock
from motcua.domain.verdict import Category
from motcua.dossiers.choices import StatusChoices, VerdictChoices
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.units.models import Unit

from .facts import Facts, Filters, load_facts
from .figures import memberships
from .reasons import _WHY
from .services import Period, load_extras

BATCH = 2000  # dossiers per keyset batch (module attribute: the benchmark tunes it)
XLSX_MAX_ROWS = 1_048_576  # rows per worksheet in Excel, header included
DATETIME_FORMAT = "%d/%m/%Y %H:%M"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

HEADERS = (
    "Mã hồ sơ", "Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Kênh nộp", "Người nộp", "Nơi tiếp nhận",
    "Cơ quan giải quyết", "Ngày tiếp nhận", "Hạn xử lý", "Ngày hẹn trả", "Kết thúc xử lý", "Ngày trả kết quả",
    "Trạng thái", "Kết quả đánh giá", "Số giờ trễ", "Lý do",
)
DATE_COLUMNS = frozenset(range(8, 13))
HOURS_COLUMN = 15
WIDTHS = (22, 11, 48, 24, 12, 26, 28, 28, 17, 17, 17, 17, 17, 18, 20, 10, 60)

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
    ids_qs = Dossier.objects.filter(q.filters.dossier_q(q.unit.path)).order_by("pk").values_list("pk", flat=True)
    after = 0
    while True:
        ids = list(ids_qs.filter(pk__gt=after)[:size])
        if not ids:
            return
        after = ids[-1]
        facts = load_facts(q.unit.path, q.period.start, q.period.end, q.filters, cal, ids)
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
    for chunk in iter_facts(q, batch):
        details = _details([f.id for f, _keys in chunk], q.period.end)
        rows = []
        for f, keys in chunk:
            d = details[f.id]
            category = f.category.value if f.category is not None else Category.NOT_STARTED.value
            rows.append(Row((
                f.code, d[1], d[2], d[3], channels.get(f.channel, str(f.channel)), d[4], d[5], d[6],
                f.received, f.due, _epoch(d[7]), f.end, f.returned,
                statuses.get(d[8], "") if d[8] is not None else "", verdicts[category], _hours_late(f),
                _reason(f, keys, q.figure),
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

class _Sheets:
    """Data worksheets of a constant-memory workbook, rolling over at Excel's row limit."""

    def __init__(self, wb: Any, title: str) -> None:
        self.wb, self.title, self.count, self.sheet, self.row = wb, title, 0, None, 0
        self.header = wb.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7",
                                     "border": 1})
        self.date = wb.add_format({"num_format": "dd/mm/yyyy hh:mm"})
        self.hours = wb.add_format({"num_format": "0.00"})
        self.sheets: list[Any] = []

    def _new(self) -> None:
        self.count += 1
        ws = self.wb.add_worksheet(self.title if self.count == 1 else f"{self.title} ({self.count})")
        for i, w in enumerate(WIDTHS):
            ws.set_column(i, i, w)
        ws.freeze_panes(1, 1)
        for i, h in enumerate(HEADERS):
            ws.write_string(0, i, h, self.header)
        self.sheet, self.row = ws, 1
        self.sheets.append(ws)

    def write(self, row: Row) -> None:
        if self.sheet is None or self.row >= XLSX_MAX_ROWS:
            self._finish()
            self._new()
        ws, r = self.sheet, self.row
        for i, v in enumerate(row.values):
            if v is None:
                continue
            if i in DATE_COLUMNS:
                ws.write_number(r, i, excel_serial(v), self.date)
            elif i == HOURS_COLUMN:
                ws.write_number(r, i, v, self.hours)
            else:
                ws.write_string(r, i, str(v))  # never write(): a name starting with "=" is no formula
        self.row += 1

    def _finish(self) -> None:
        if self.sheet is not None:
            self.sheet.autofilter(0, 0, max(1, self.row - 1), len(HEADERS) - 1)

    def close(self) -> int:
        if self.sheet is None:
            self._new()
        self._finish()
        return sum(1 for _ in self.sheets)


def write_dossiers_xlsx(q: ExportQuery, out: IO[bytes], batch: int | None = None, title: str = "Hồ sơ",
                        info: list[tuple[str, str]] | None = None) -> int:
    """Write the export as .xlsx to ``out`` (a seekable binary file); returns the number of rows."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(out, {"constant_memory": True, "tmpdir": tempfile.gettempdir(),
                                   "default_date_format": "dd/mm/yyyy hh:mm"})
    sheets = _Sheets(wb, title)
    n = 0
    for rows in iter_rows(q, batch):
        for r in rows:
            sheets.write(r)
        n += len(rows)
    sheets.close()
    meta = wb.add_worksheet(_("Thông tin"))
    meta.set_column(0, 0, 24)
    meta.set_column(1, 1, 70)
    for i, (k, v) in enumerate([*(info or []), (_("Số hồ sơ"), str(n))]):
        meta.write_string(i, 0, k, sheets.header)
        meta.write_string(i, 1, v)
    wb.close()
    return n


def xlsx_file(write: Any) -> IO[bytes]:
    """Run ``write(file)`` into an anonymous temporary file (gone when closed), rewound."""
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
        (_("Thời điểm xuất"), clock.local(clock.now()).strftime(DATETIME_FORMAT)),
    ]
