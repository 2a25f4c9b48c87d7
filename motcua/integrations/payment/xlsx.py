"""A payment reconciliation as an Excel workbook (XlsxWriter): a title, the totals, then one row per
difference (dossier, reference, kind, motcua's and the platform's state and amount, note)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.utils.translation import gettext as _

from .models import Difference, Kind, Reconciliation

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_ROW = 3


def headers() -> list[tuple[str, int]]:
    return [(_("STT"), 5), (_("Mã hồ sơ"), 26), (_("Mã tham chiếu"), 28), (_("Loại chênh lệch"), 36),
            (_("Trạng thái motcua"), 16), (_("Số tiền motcua"), 14), (_("Trạng thái nền tảng"), 16),
            (_("Số tiền nền tảng"), 14), (_("Mã giao dịch"), 18), (_("Ghi chú"), 50)]


def row(n: int, d: Difference) -> list[object]:
    return [n, d.payment.dossier.code, d.payment.reference, str(dict(Kind.choices).get(d.kind, d.kind)),
            d.ours.get("state", ""), d.ours.get("amount"), d.theirs.get("state", ""), d.theirs.get("amount"),
            d.theirs.get("transaction") or d.ours.get("transaction") or "", d.note]


def workbook(run: Reconciliation, rows: Sequence[Difference]) -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    ws = wb.add_worksheet(_("Chênh lệch"))
    title = wb.add_format({"bold": True, "font_size": 14})
    head = wb.add_format({"bold": True, "border": 1, "text_wrap": True, "valign": "vcenter", "bg_color": "#DDEBF7"})
    money = wb.add_format({"num_format": "#,##0", "border": 1})
    cell = wb.add_format({"border": 1, "text_wrap": True})
    cols = headers()
    ws.write_string(0, 0, _("ĐỐI SOÁT THANH TOÁN TRỰC TUYẾN VỚI NỀN TẢNG THANH TOÁN"), title)
    ws.write_string(1, 0, _("%(u)s - ngày %(d)s") % {"u": run.unit.name, "d": f"{run.day:%d/%m/%Y}"})
    ws.write_string(2, 0, _("Đã đối chiếu %(c)s giao dịch; %(n)s chênh lệch; tổng thu theo motcua %(h)s VND, theo "
                            "nền tảng %(t)s VND") % {"c": run.checked, "n": run.differences,
                                                     "h": f"{run.total_here:,}", "t": f"{run.total_there:,}"})
    for c, (name, width) in enumerate(cols):
        ws.set_column(c, c, width)
        ws.write_string(HEADER_ROW, c, name, head)
    for n, d in enumerate(rows, start=1):
        for c, value in enumerate(row(n, d)):
            if isinstance(value, int):
                ws.write_number(HEADER_ROW + n, c, value, money if c in (5, 7) else cell)
            else:
                ws.write_string(HEADER_ROW + n, c, "" if value is None else str(value), cell)
    ws.freeze_panes(HEADER_ROW + 1, 0)
    ws.autofilter(HEADER_ROW, 0, HEADER_ROW + max(1, len(rows)), len(cols) - 1)
    wb.close()
    return out.getvalue()
