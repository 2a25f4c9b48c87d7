"""The periodic report in the provinces' table layout (Excel): one row per unit and a total row.

Every number is a figure of the statistics engine: the parent's subtree is read once, in keyset
batches of per-dossier facts and figure memberships (the engine's own functions, as for the
exported lists), the dossiers are split between the listed units by path, and each row folds
them as :func:`~motcua.reports.figures.summarize` does, which is what
:func:`~motcua.reports.services.compute_figures` returns for the unit (tests check every cell).
The channel columns are the ``received`` figure with the channel filter. Dossiers handled by no
listed unit (e.g. at the parent itself, or a unit of another kind) get a row of their own, so
the total row is both the sum of the rows and the parent's own figure. Rates are the engine's:
truncated to two decimals, N/A on an empty denominator. Memory stays bounded by one batch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import IO, Any

from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.domain import indicators as ind
from motcua.units.models import Unit

from . import boundaries as bd
from . import storedfiles
from .facts import Facts, Filters
from .figures import COUNT_FIGURES, Extras, Figures, _rates, processing_seconds
from .index766 import units_on
from .readmodel import prefixes
from .services import Period


@dataclass(frozen=True)
class Column:
    key: str  # figure key, "received@<channel>", "in_progress" or "on_time_rate"
    group: str  # top header ("" when the column spans the three header rows)
    sub: str  # second header row ("" when the leaf spans rows 2-3)
    leaf: str


COLUMNS = (
    Column("to_process", "Tổng số hồ sơ tiếp nhận", "", "Tổng số"),
    Column("carried_over", "Tổng số hồ sơ tiếp nhận", "", "Kỳ trước chuyển sang"),
    Column("received@2", "Tổng số hồ sơ tiếp nhận", "Mới tiếp nhận", "Trực tuyến"),
    Column("received@1", "Tổng số hồ sơ tiếp nhận", "Mới tiếp nhận", "Trực tiếp"),
    Column("received@3", "Tổng số hồ sơ tiếp nhận", "Mới tiếp nhận", "Bưu chính"),
    Column("resolved", "Số hồ sơ đã giải quyết", "", "Tổng số"),
    Column("resolved_early", "Số hồ sơ đã giải quyết", "", "Trước hạn"),
    Column("resolved_on_time", "Số hồ sơ đã giải quyết", "", "Đúng hạn"),
    Column("resolved_late", "Số hồ sơ đã giải quyết", "", "Quá hạn"),
    Column("in_progress", "Số hồ sơ đang giải quyết", "", "Tổng số"),
    Column("in_progress_on_time", "Số hồ sơ đang giải quyết", "", "Trong hạn"),
    Column("in_progress_late", "Số hồ sơ đang giải quyết", "", "Quá hạn"),
    Column("withdrawn", "", "", "Hồ sơ rút"),
    Column("on_time_rate", "", "", "Tỷ lệ đúng hạn (%)"),
)
FIRST = 2  # data columns start after STT and Đơn vị
RATE_NOTE = ("Tỷ lệ đúng hạn = 100% - (số hồ sơ quá hạn đã giải quyết + đang giải quyết quá hạn) / tổng số hồ sơ "
             "tiếp nhận (kỳ trước chuyển sang + mới tiếp nhận), cắt (không làm tròn) đến 2 chữ số thập phân. "
             "Hồ sơ rút được tính trong số đã giải quyết (kết thúc xử lý khi rút).")


@dataclass
class ReportRow:
    label: str
    unit: Unit | None  # None: the total row, or dossiers of no listed unit
    figures: Figures
    received_by_channel: dict[int, int]

    def value(self, key: str) -> int | float | None:
        c = self.figures.counts
        if key.startswith("received@"):
            return self.received_by_channel[int(key.split("@")[1])]
        if key == "in_progress":
            return c["in_progress_on_time"] + c["in_progress_late"]
        if key == "on_time_rate":
            rate = self.figures.rates["on_time_rate"].value
            return None if rate is None else float(rate)
        return c[key]


class _Tally:
    """The fold of :func:`~motcua.reports.figures.summarize` (membership counts, processing time),
    plus ``received`` per channel, accumulated batch by batch."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.seconds = 0
        self.received: Counter[int] = Counter()

    def add(self, f: Facts, keys: list[str]) -> None:
        self.counts.update(keys)
        if "processed" in keys:
            self.seconds += processing_seconds(f)
        if "received" in keys:
            self.received[f.channel] += 1

    def row(self, label: str, unit: Unit | None, extras: Extras) -> ReportRow:
        c = self.counts
        avg = ind.average(Decimal(self.seconds) / 3600, c["processed"])
        figs = Figures({k: c[k] for k in COUNT_FIGURES}, _rates(c, extras), avg, self.seconds)
        return ReportRow(label, unit, figs, {ch: self.received[ch] for ch in (1, 2, 3)})


def report_rows(parent: Unit, period: Period, filters: Filters, kind: str | None = None
                ) -> tuple[list[ReportRow], ReportRow]:
    """Rows of the units under ``parent`` (its descendants of ``kind``, or its direct children
    that handle dossiers), a row for dossiers of no listed unit when there are any, and the total.
    The subtree is read in keyset batches (:func:`motcua.reports.exports.iter_facts`): memory
    stays bounded whatever the number of dossiers."""
    from .exports import ExportQuery, iter_facts

    filters = replace(filters, boundaries=bd.resolve(parent, filters.boundaries))
    units = units_on(parent, period, kind, filters.boundaries)
    umap = bd.current_map() if filters.boundaries == bd.THEN else None
    by_path = {(umap.path_on(u.pk, bd.period_day(period.end)) if umap else None) or u.path: u.pk for u in units}
    tallies: dict[int | None, _Tally] = {u.pk: _Tally() for u in units}
    tallies[None], total = _Tally(), _Tally()
    for chunk in iter_facts(ExportQuery(parent, period, filters)):
        for f, keys in chunk:
            unit_id = next((by_path[p] for p in prefixes(f.path) if p in by_path), None)
            tallies[unit_id].add(f, keys)
            total.add(f, keys)
    has_components, has_results = storedfiles.province_stores(parent.province_id, filters.basis)
    extras = Extras(has_component_files=has_components, has_result_files=has_results)
    rows = [tallies[u.pk].row(u.name, u, extras) for u in units]
    if tallies[None].counts:
        label = _("Khác (%(unit)s trực tiếp giải quyết hoặc đơn vị không liệt kê)") % {"unit": parent.name}
        rows.append(tallies[None].row(label, None, extras))
    return rows, total.row(_("Tổng cộng"), parent, extras)


# ---- Excel -------------------------------------------------------------------------------------

HEADER_ROW = 4  # title rows above
DATA_ROW = HEADER_ROW + 4  # three header rows and a row of column numbers


def _formats(wb: Any) -> dict[str, Any]:
    base = {"border": 1, "valign": "vcenter", "font_name": "Times New Roman", "font_size": 11}
    return {
        "title": wb.add_format({"bold": True, "font_size": 14, "align": "center", "font_name": "Times New Roman"}),
        "subtitle": wb.add_format({"italic": True, "align": "center", "font_name": "Times New Roman"}),
        "head": wb.add_format({**base, "bold": True, "align": "center", "text_wrap": True, "bg_color": "#DDEBF7"}),
        "num_head": wb.add_format({**base, "italic": True, "align": "center"}),
        "text": wb.add_format({**base, "text_wrap": True}),
        "int": wb.add_format({**base, "num_format": "#,##0"}),
        "rate": wb.add_format({**base, "num_format": "0.00"}),
        "stt": wb.add_format({**base, "align": "center"}),
        "total_text": wb.add_format({**base, "bold": True}),
        "total_int": wb.add_format({**base, "bold": True, "num_format": "#,##0"}),
        "total_rate": wb.add_format({**base, "bold": True, "num_format": "0.00"}),
        "note": wb.add_format({"italic": True, "text_wrap": True, "valign": "top", "font_name": "Times New Roman"}),
    }


def _merge(ws: Any, r1: int, c1: int, r2: int, c2: int, text: str, fmt: Any) -> None:
    if (r1, c1) == (r2, c2):
        ws.write_string(r1, c1, text, fmt)
    else:
        ws.merge_range(r1, c1, r2, c2, text, fmt)


def _spans(items: list[str], first: int) -> list[tuple[int, int, str]]:
    """Runs of equal consecutive labels: (first column, last column, label)."""
    out: list[tuple[int, int, str]] = []
    for i, label in enumerate(items):
        col = first + i
        if out and out[-1][2] == label and label:
            out[-1] = (out[-1][0], col, label)
        else:
            out.append((col, col, label))
    return out


def _headers(ws: Any, fmt: dict[str, Any]) -> None:
    """Three merged header rows (group / sub-group / column) and the column numbers."""
    top, last = HEADER_ROW, HEADER_ROW + 2
    _merge(ws, top, 0, last, 0, "STT", fmt["head"])
    _merge(ws, top, 1, last, 1, "Đơn vị", fmt["head"])
    for c1, c2, group in _spans([c.group for c in COLUMNS], FIRST):
        cols = COLUMNS[c1 - FIRST:c2 - FIRST + 1]
        if not group:  # a single column spanning the three rows
            _merge(ws, top, c1, last, c1, cols[0].leaf, fmt["head"])
            continue
        _merge(ws, top, c1, top, c2, group, fmt["head"])
        for s1, s2, sub in _spans([c.sub for c in cols], c1):
            if sub:
                _merge(ws, top + 1, s1, top + 1, s2, sub, fmt["head"])
                for col in range(s1, s2 + 1):
                    ws.write_string(last, col, COLUMNS[col - FIRST].leaf, fmt["head"])
            else:
                _merge(ws, top + 1, s1, last, s1, COLUMNS[s1 - FIRST].leaf, fmt["head"])
    for col in range(FIRST + len(COLUMNS)):
        ws.write_string(last + 1, col, f"({col + 1})", fmt["num_head"])


def _write_row(ws: Any, r: int, stt: int | None, row: ReportRow, fmt: dict[str, Any], total: bool) -> None:
    if stt is None:
        ws.write_blank(r, 0, None, fmt["stt"])
    else:
        ws.write_number(r, 0, stt, fmt["stt"])
    ws.write_string(r, 1, row.label, fmt["total_text" if total else "text"])
    for i, col in enumerate(COLUMNS):
        v = row.value(col.key)
        kind = "rate" if col.key == "on_time_rate" else "int"
        f = fmt[f"total_{kind}" if total else kind]
        if v is None:
            ws.write_string(r, FIRST + i, "N/A", f)
        else:
            ws.write_number(r, FIRST + i, v, f)


def write_report_xlsx(out: IO[bytes], parent: Unit, period: Period, rows: list[ReportRow], total: ReportRow,
                      filters_text: str) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(out)  # one row per unit: small; merged headers need random access
    ws = wb.add_worksheet(_("Báo cáo"))
    fmt = _formats(wb)
    width = FIRST + len(COLUMNS)
    ws.set_column(0, 0, 5)
    ws.set_column(1, 1, 36)
    ws.set_column(FIRST, width - 1, 11)
    first, last = clock.local_date(period.start), period.last_day
    ws.merge_range(0, 0, 0, width - 1, _("BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"), fmt["title"])
    ws.merge_range(1, 0, 1, width - 1, f"{parent.name} - " + _("Kỳ báo cáo: từ ngày %(a)s đến ngày %(b)s") % {
        "a": f"{first:%d/%m/%Y}", "b": f"{last:%d/%m/%Y}"}, fmt["subtitle"])
    ws.merge_range(2, 0, 2, width - 1, filters_text, fmt["subtitle"])
    ws.set_row(HEADER_ROW + 2, 30)
    _headers(ws, fmt)
    r = DATA_ROW
    for i, row in enumerate(rows, start=1):
        _write_row(ws, r, i, row, fmt, total=False)
        r += 1
    _write_row(ws, r, None, total, fmt, total=True)
    ws.merge_range(r + 2, 0, r + 3, width - 1, RATE_NOTE, fmt["note"])
    ws.freeze_panes(DATA_ROW, FIRST)
    wb.close()


def write_report(out: IO[bytes], parent: Unit, period: Period, filters: Filters, kind: str | None,
                 describe: Callable[[Filters], str]) -> tuple[list[ReportRow], ReportRow]:
    rows, total = report_rows(parent, period, filters, kind)
    write_report_xlsx(out, parent, period, rows, total, describe(filters))
    return rows, total
