"""A sample history workbook for this installation: the two sheets with their header rows and three
example dossiers on the user's own units and a procedure of the catalog, so that an administrator can
fill it in (or export the legacy system's tables into its columns) and see a clean dry run first.

The examples take the codes an export must use (the units' national codes, the procedure's code);
their times are in the previous month, each dossier finished within hours of its start, so the
recomputed verdict is "early" whatever the procedure's time limit.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import xlsxwriter

from motcua.catalog.choices import VersionStatus
from motcua.catalog.models import ProcedureVersion
from motcua.core import clock
from motcua.units.choices import UnitKind
from motcua.units.models import Unit

from . import format as fmt

PREFERRED_PROCEDURE = "1.001193"  # birth registration: a commune's everyday procedure


def _units(may_administer: Callable[[str], bool] | None) -> tuple[Unit, Unit] | None:
    """(receiving, handling): the first commune the user administers, received at its one-stop
    centre when it has one."""
    for commune in Unit.objects.filter(kind=UnitKind.COMMUNE, dissolved_on__isnull=True).order_by("path"):
        if may_administer is None or may_administer(commune.path):
            centre = Unit.objects.filter(parent=commune, kind=UnitKind.SERVICE_CENTRE,
                                         dissolved_on__isnull=True).order_by("path").first()
            return centre or commune, commune
    return None


def _procedure_code(on: date) -> str | None:
    in_force = (ProcedureVersion.objects.filter(effective_from__lte=on).exclude(effective_to__lte=on)
                .exclude(status=VersionStatus.ABOLISHED, effective_to__isnull=True))
    if in_force.filter(procedure__code=PREFERRED_PROCEDURE).exists():
        return PREFERRED_PROCEDURE
    return in_force.order_by("procedure__code").values_list("procedure__code", flat=True).first()


def _working_days(first: date, n: int) -> list[date]:
    """``n`` weekdays from ``first`` on (the examples' days; a holiday among them only moves the clock)."""
    out, d = [], first
    while len(out) < n:
        if d.weekday() < 5:
            out.append(d)
        d += timedelta(days=1)
    return out


def rows(may_administer: Callable[[str], bool] | None = None,
         today: date | None = None) -> tuple[list[list[object]], list[list[object]]]:
    """The example dossier rows and event rows (without headers), in the file's order."""
    today = today or clock.local_date(clock.now())
    month_start = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    days = _working_days(month_start + timedelta(days=7), 3)
    units = _units(may_administer)
    code = _procedure_code(days[0])
    if units is None or code is None:
        return [], []
    receiving, handling = units
    at = lambda d, h, m: datetime.combine(d, time(h, m))  # noqa: E731 - Excel date cells, Vietnam wall time
    stamp = days[0].strftime("%y%m%d")
    people = [("Nguyễn Văn An", "068190000001", "0912000001", 1),
              ("Trần Thị Bình", "068190000002", "0912000002", 2),
              ("Lê Văn Cường", "068190000003", "0912000003", 3)]
    dossiers, events = [], []
    for i, ((name, id_number, phone, channel), day) in enumerate(zip(people, days, strict=True), start=1):
        dossier_code = f"VIDU-{stamp}-{i:04d}"
        dossiers.append([dossier_code, receiving.code, handling.code if handling != receiving else "", code,
                         str(channel), name, id_number, phone, f"{handling.name}", 0, 0, ""])
        if channel == 1:  # handed in at the counter
            life = [(at(day, 8, 0), "intake", ""), (at(day, 8, 30), "start", "")]
        else:  # online or by post: submitted, then received at the counter
            life = [(at(day, 7, 10), "submit", ""), (at(day, 8, 5), "receive", ""), (at(day, 8, 40), "start", "")]
        if i == 2:  # a supplement asked for and brought the same morning (the clock stops meanwhile)
            life += [(at(day, 9, 0), "request_supplement", "Bổ sung bản sao giấy chứng sinh"),
                     (at(day, 10, 30), "supplement", "")]
        life += [(at(day, 14, 0), "finish", ""), (at(day, 16, 0), "return", "")]
        events += [[dossier_code, when, action, note] for when, action, note in life]
    return dossiers, events


def workbook(may_administer: Callable[[str], bool] | None = None, today: date | None = None) -> bytes:
    """The sample as an .xlsx: sheets ``hoso`` and ``sukien``, bold frozen headers, each column's
    description as its header's comment, times as date cells shown dd/mm/yyyy hh:mm."""
    dossiers, events = rows(may_administer, today)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    head = book.add_format({"bold": True, "bg_color": "#e8e8e8", "border": 1})
    when = book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    texts = book.add_format({"num_format": "@"})  # codes and ID numbers kept as text (no lost leading zero)
    for name, columns, data in ((fmt.DOSSIER_SHEET, fmt.DOSSIER_COLUMNS, dossiers),
                                (fmt.EVENT_SHEET, fmt.EVENT_COLUMNS, events)):
        sheet = book.add_worksheet(name)
        sheet.freeze_panes(1, 0)
        for col, c in enumerate(columns):
            sheet.write_string(0, col, c.name, head)
            sheet.write_comment(0, col, ("* " if c.required else "") + str(c.label), {"x_scale": 2.5, "y_scale": 2})
            sheet.set_column(col, col, max(14, len(c.name) + 4), when if c.name == "thoi_diem" else texts)
        for r, row in enumerate(data, start=1):
            for col, value in enumerate(row):
                if isinstance(value, datetime):
                    sheet.write_datetime(r, col, value, when)
                elif isinstance(value, int):
                    sheet.write_number(r, col, value)
                else:
                    sheet.write_string(r, col, value, texts)
    book.close()
    return out.getvalue()
