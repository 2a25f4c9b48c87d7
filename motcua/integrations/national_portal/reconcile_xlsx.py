"""A reconciliation run as an Excel workbook (XlsxWriter, styled like the periodic report): one row
per dossier that differs, every kind and reason, motcua's and the portal's values side by side,
and for verdict differences motcua's explanation beside the portal's naive one. Times are local,
``dd/mm/yyyy HH:MM`` (real Excel date-times); text is written as text, never as a formula."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import IO, Any

from django.utils.translation import gettext as _

from motcua.core import clock

from . import reconcile as rc
from .models import Difference, ReconciliationRun

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_ROW = 4
Cell = Callable[[Difference], Any]


def _value(side: str, name: str) -> Cell:
    return lambda i: getattr(i, side).get(name)


def _date(side: str, name: str) -> Cell:
    return lambda i: rc.wire_datetime(getattr(i, side).get(name))


def _status(side: str) -> Cell:
    return lambda i: rc.status_text(getattr(i, side).get("TrangThaiHoSo")) if getattr(i, side) else ""


def _motcua_verdict(i: Difference) -> str:
    return rc.motcua_verdict_text(i.motcua.get("verdict", "")) if i.motcua.get("verdict") else ""


def _portal_verdict(i: Difference) -> str:
    code = i.portal.get("DanhGiaDungHan", "")
    return rc.portal_verdict_text(code) if code else ""


def _lines(items: Iterable[Any]) -> str:
    return "\n".join(str(x) for x in items)


def columns() -> list[tuple[str, int, str, Cell]]:
    """(header, width, kind, value) of each column; kind is text, date, int or wrap."""
    cols: list[tuple[str, int, str, Cell]] = [
        (_("Mã hồ sơ"), 26, "text", lambda i: i.dossier.code),
        (_("Loại chênh lệch"), 22, "wrap", lambda i: _lines(rc.kind_labels(i.kinds))),
        (_("Lý do"), 60, "wrap", lambda i: _lines(i.reasons)),
        (_("Trạng thái (motcua)"), 20, "wrap", _status("motcua")),
        (_("Trạng thái (Cổng DVCQG)"), 20, "wrap", _status("portal")),
    ]
    for name, label in rc.DATE_FIELDS.items():
        cols.append((f"{label} (motcua)", 17, "date", _date("motcua", name)))
        cols.append((f"{label} (Cổng DVCQG)", 17, "date", _date("portal", name)))
    cols += [
        (_("Đánh giá (motcua)"), 18, "wrap", _motcua_verdict),
        (_("Đánh giá (Cổng DVCQG)"), 18, "wrap", _portal_verdict),
        (_("Diễn giải của motcua"), 70, "wrap", lambda i: _lines(f["text"] for f in i.explanation)),
        (_("Diễn giải của Cổng DVCQG"), 50, "wrap", lambda i: _lines(i.portal.get("explanation") or [])),
        (_("Số dòng quá trình xử lý (motcua)"), 12, "int", _value("motcua", "SoDongQuaTrinh")),
        (_("Số dòng quá trình xử lý (Cổng DVCQG)"), 12, "int", _value("portal", "SoDongQuaTrinh")),
        (_("Dòng quá trình xử lý Cổng DVCQG còn thiếu"), 50, "wrap",
         lambda i: _lines(i.motcua.get("QuaTrinhThieu") or [])),
        (_("Đã gửi lại lúc"), 17, "date",
         lambda i: clock.local(i.repushed_at).replace(tzinfo=None) if i.repushed_at else None),
    ]
    return cols


def _formats(wb: Any) -> dict[str, Any]:
    base = {"border": 1, "valign": "top", "font_name": "Times New Roman", "font_size": 11}
    return {
        "title": wb.add_format({"bold": True, "font_size": 14, "align": "center", "font_name": "Times New Roman"}),
        "subtitle": wb.add_format({"italic": True, "align": "center", "font_name": "Times New Roman"}),
        "head": wb.add_format({**base, "bold": True, "align": "center", "valign": "vcenter", "text_wrap": True,
                               "bg_color": "#DDEBF7"}),
        "text": wb.add_format(base),
        "wrap": wb.add_format({**base, "text_wrap": True}),
        "int": wb.add_format({**base, "num_format": "#,##0"}),
        "date": wb.add_format({**base, "num_format": "dd/mm/yyyy hh:mm"}),
        "stt": wb.add_format({**base, "align": "center"}),
    }


def _write_cell(ws: Any, r: int, c: int, kind: str, value: Any, fmt: dict[str, Any]) -> None:
    if value is None or value == "":
        ws.write_blank(r, c, None, fmt["text"])
    elif kind == "date":
        ws.write_datetime(r, c, value, fmt["date"])
    elif kind == "int":
        ws.write_number(r, c, value, fmt["int"])
    else:
        ws.write_string(r, c, str(value), fmt[kind])


def write(out: IO[bytes], run: ReconciliationRun, items: Iterable[Difference]) -> int:
    """Write the workbook of ``run`` (its rows ``items``) to ``out``; returns the rows written."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(out)
    ws = wb.add_worksheet(_("Chênh lệch"))
    fmt = _formats(wb)
    cols = columns()
    last = len(cols)
    ws.set_column(0, 0, 5)
    for c, (_h, width, _k, _v) in enumerate(cols, start=1):
        ws.set_column(c, c, width)
    ws.merge_range(0, 0, 0, last, _("ĐỐI SOÁT HỒ SƠ VỚI CỔNG DỊCH VỤ CÔNG QUỐC GIA"), fmt["title"])
    ws.merge_range(1, 0, 1, last, _("%(u)s - hồ sơ tiếp nhận từ ngày %(a)s đến ngày %(b)s") % {
        "u": run.unit.name, "a": f"{run.start:%d/%m/%Y}", "b": f"{run.end:%d/%m/%Y}"}, fmt["subtitle"])
    ws.merge_range(2, 0, 2, last, summary(run), fmt["subtitle"])
    ws.set_row(HEADER_ROW, 45)
    ws.write_string(HEADER_ROW, 0, "STT", fmt["head"])
    for c, (header, _w, _k, _v) in enumerate(cols, start=1):
        ws.write_string(HEADER_ROW, c, header, fmt["head"])
    r = HEADER_ROW + 1
    for n, item in enumerate(items, start=1):
        ws.write_number(r, 0, n, fmt["stt"])
        for c, (_h, _w, kind, value) in enumerate(cols, start=1):
            _write_cell(ws, r, c, kind, value(item), fmt)
        r += 1
    ws.freeze_panes(HEADER_ROW + 1, 2)
    ws.autofilter(HEADER_ROW, 0, max(HEADER_ROW, r - 1), last)
    wb.close()
    return r - HEADER_ROW - 1


def summary(run: ReconciliationRun) -> str:
    finished = clock.local(run.finished_at).strftime(rc.SHOWN_FORMAT) if run.finished_at else ""
    text = _("Trạng thái: %(s)s; đã đối chiếu %(c)s/%(t)s hồ sơ; %(d)s hồ sơ chênh lệch; %(p)s hồ sơ đang chờ "
             "đồng bộ") % {"s": run.get_status_display(), "c": run.checked, "t": run.total, "d": run.differences,
                            "p": rc.pending_count(run)}
    if finished:
        text += "; " + _("xong lúc %(at)s") % {"at": finished}
    if run.error:
        text += "; " + run.error
    return text


def file_name(run: ReconciliationRun) -> str:
    return f"Đối soát Cổng DVCQG - {run.unit.name} - {run.start:%d.%m.%Y}-{run.end:%d.%m.%Y}.xlsx".replace("/", "-")
