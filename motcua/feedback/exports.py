"""The list of feedback cases as an Excel workbook (XlsxWriter, in constant-memory mode: rows are
written as they are read, in id batches). Times are local (Asia/Ho_Chi_Minh), real Excel
date-times shown dd/mm/yyyy hh:mm."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import xlsxwriter
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from motcua.core import clock

from .choices import Channel, Kind, StatusChoices, Urgency, VerdictChoices
from .models import Case

BATCH = 2000


def _local(at: datetime | None) -> datetime | None:
    return None if at is None else clock.local(at).replace(tzinfo=None)


def columns() -> list[str]:
    return [_("Mã phản ánh"), _("Lĩnh vực"), _("Loại"), _("Kênh"), _("Đơn vị xử lý"), _("Thủ tục"), _("Mã hồ sơ"),
            _("Tiêu đề"), _("Nội dung"), _("Người gửi"), _("Trạng thái"), _("Mức độ"), _("Tiếp nhận lúc"),
            _("Hạn trả lời"), _("Trả lời lúc"), _("Đánh giá thời hạn"), _("Câu trả lời"), _("Hài lòng")]


def _batches(qs: QuerySet[Case]) -> Iterator[list[Case]]:
    last = 0
    base = (qs.select_related("category", "unit", "procedure", "dossier")
            .only("code", "kind", "channel", "title", "description", "anonymous", "sender_name", "status", "urgency",
                  "received_at", "due_at", "answered_at", "verdict", "answer", "satisfied", "category__name",
                  "unit__name", "procedure__code", "dossier__code").order_by("pk"))
    while True:
        batch = list(base.filter(pk__gt=last)[:BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def labels() -> dict[str, dict[Any, str]]:
    """Each coded column's labels, translated once per export (not once per cell)."""
    coded = (("kind", Kind), ("channel", Channel), ("status", StatusChoices), ("urgency", Urgency),
             ("verdict", VerdictChoices))
    out: dict[str, dict[Any, str]] = {name: {k: str(v) for k, v in choices.choices} for name, choices in coded}
    out["satisfied"] = {None: "", True: _("Hài lòng"), False: _("Không hài lòng")}
    out["sender"] = {True: _("Ẩn danh")}
    return out


def _row(c: Case, lb: dict[str, dict[Any, str]]) -> list[object]:
    return [c.code, c.category.name, lb["kind"].get(c.kind, c.kind), lb["channel"].get(c.channel, c.channel),
            c.unit.name, c.procedure.code if c.procedure else "", c.dossier.code if c.dossier else "", c.title,
            c.description, lb["sender"][True] if c.anonymous else c.sender_name, lb["status"].get(c.status, c.status),
            lb["urgency"].get(c.urgency, c.urgency), _local(c.received_at), _local(c.due_at), _local(c.answered_at),
            lb["verdict"].get(c.verdict, ""), c.answer, lb["satisfied"][c.satisfied]]


def workbook(qs: QuerySet[Case], title: str) -> bytes:
    """The cases of ``qs`` as an .xlsx file (one sheet, a header row, frozen, filterable)."""
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": False})
    ws = wb.add_worksheet(_("Phản ánh, kiến nghị")[:31])
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    when = wb.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    ws.write(0, 0, title, wb.add_format({"bold": True}))
    cols = columns()
    for i, name in enumerate(cols):
        ws.write(1, i, name, head)
    widths = [16, 30, 18, 16, 28, 12, 22, 24, 50, 20, 18, 10, 16, 16, 16, 18, 50, 14]
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    n, lb = 2, labels()
    for batch in _batches(qs):
        for c in batch:
            for i, value in enumerate(_row(c, lb)):  # typed writes: write() would test every string for
                if isinstance(value, datetime):  # a formula, a number or a URL
                    ws.write_datetime(n, i, value, when)
                elif value:
                    ws.write_string(n, i, str(value))
            n += 1
    ws.freeze_panes(2, 0)
    ws.autofilter(1, 0, max(1, n - 1), len(cols) - 1)
    wb.close()
    return out.getvalue()
