"""Form 7: the tracking book (Sổ theo dõi hồ sơ) of a unit for a period, A4 landscape: one row
per dossier received, the header row repeated on every page, numbered pages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.platypus import Flowable, LongTable, Spacer, TableStyle

from motcua.core import clock
from motcua.domain.rules import rules_for
from motcua.dossiers.choices import StatusChoices
from motcua.dossiers.models import Dossier
from motcua.units.models import Unit

from . import facts
from .fonts import SANS
from .layout import CELL_HEAD, content_width, grid, header, nfc, numbered_pages, para, render, title
from .legal import form_mark, form_title, period_note

PAGE = landscape(A4)
FONT_SIZE = 7
PAD = 6  # points of horizontal cell padding (left + right)
COLUMNS = (("STT", 10), ("Mã hồ sơ", 46), ("Tổ chức, cá nhân", 42), ("Thủ tục hành chính", 62),
           ("Ngày tiếp nhận", 22), ("Ngày hẹn trả", 22), ("Ngày xử lý xong", 22), ("Ngày trả kết quả", 22),
           ("Trạng thái", 24))
FIELDS = ("code", "applicant_name", "procedure__name", "received_at", "appointment_at", "ended_at", "returned_at",
          "status")


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Local days ``start`` to ``end`` inclusive, as UTC instants [from, to)."""
    return (clock.aware(datetime.combine(start, time.min)),
            clock.aware(datetime.combine(end + timedelta(days=1), time.min)))


def book_rows(unit: Unit, start: date, end: date, limit: int) -> list[tuple[Any, ...]]:
    """Dossiers received in the unit's subtree during the period, oldest first (at most ``limit``)."""
    since, until = period_bounds(start, end)
    qs = (Dossier.objects.filter(receiving_path__startswith=unit.path, received_at__gte=since,
                                 received_at__lt=until)
          .order_by("received_at", "code").values_list(*FIELDS))
    return list(qs[:limit])


def _wrap(value: str, width_mm: float) -> str:
    """Wrap into lines the cell can hold (plain strings are far cheaper than paragraphs)."""
    return "\n".join(simpleSplit(nfc(value), SANS, FONT_SIZE, width_mm * mm - PAD))


def _when(at: datetime | None) -> str:
    return "" if at is None else clock.local(at).strftime("%d/%m/%Y\n%H:%M")


def _line(n: int, row: Sequence[Any], statuses: dict[int, str]) -> list[str]:
    code, applicant, procedure, received, due, ended, returned, status = row
    return [str(n), _wrap(code, COLUMNS[1][1]), _wrap(applicant, COLUMNS[2][1]), _wrap(procedure, COLUMNS[3][1]),
            _when(received), _when(due), _when(ended), _when(returned), _wrap(statuses.get(status, ""), COLUMNS[8][1])]


def _table(rows: Sequence[Sequence[Any]]) -> Flowable:
    statuses = {value: str(label) for value, label in StatusChoices.choices}
    data: list[list[Any]] = [[para(name, CELL_HEAD) for name, _ in COLUMNS]]
    data += [_line(n, row, statuses) for n, row in enumerate(rows, 1)]
    t = grid(data, [w * mm for _, w in COLUMNS], table=LongTable)
    t.setStyle(TableStyle([("FONT", (0, 1), (-1, -1), SANS, FONT_SIZE, FONT_SIZE + 1.5),
                           ("ALIGN", (0, 1), (0, -1), "RIGHT")]))
    return t


def render_book(unit: Unit, start: date, end: date, rows: Sequence[Sequence[Any]]) -> bytes:
    period = f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"
    rules = rules_for(end)  # the book's form in force on the period's last day
    story: list[Flowable] = [*form_mark(rules, "book"), header(facts.issuer(unit, "", None), content_width(PAGE)),
                             *title(form_title(rules, "book", "Sổ theo dõi hồ sơ"),
                                    f"{unit.name} - {period} - {len(rows)} hồ sơ"),
                             *period_note(start, end), Spacer(1, 2), _table(rows)]
    footer = f"Sổ theo dõi hồ sơ - {unit.name} - {period}"
    return render(story, PAGE, f"Sổ theo dõi hồ sơ {unit.code}", canvasmaker=numbered_pages(footer))
