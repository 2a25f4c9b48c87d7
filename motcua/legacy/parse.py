"""Reading a legacy history file, streaming: two CSV files or one .xlsx with the sheets hoso and sukien.

Both tables are sorted by ``ma_ho_so``; :func:`groups` walks them side by side (a merge join) and
yields one dossier row with its event rows at a time, with the problems the order itself shows (a
table out of order, a dossier without events, events of no dossier, the same code twice). Memory
stays constant whatever the file's size.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from . import format as fmt


@dataclass(frozen=True)
class Problem:
    """One problem of the file: where (file, row, column), what (Vietnamese), its kind and severity."""

    file: str
    row: int | None
    column: str
    message: str
    kind: str
    code: str = ""  # the dossier it concerns
    severity: str = "error"  # error: the dossier is not imported; warning: imported, worth a look

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "row": self.row, "column": self.column, "message": self.message,
                "kind": self.kind, "code": self.code, "severity": self.severity}


class FileProblem(Exception):
    """The file cannot be read at all (wrong type, missing sheet or column): nothing is checked further."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclass
class Row:
    file: str
    number: int  # as the user sees it: the header is row 1
    values: dict[str, Any]

    def get(self, name: str) -> str:
        return fmt.text(self.values.get(name))


@dataclass
class Table:
    file: str
    columns: tuple[fmt.Column, ...]
    rows: Iterator[Row]


@dataclass
class Group:
    """A dossier row (None: events of no dossier) and its event rows, with the order's problems."""

    dossier: Row | None
    events: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    refused: bool = False  # a dossier row that cannot be joined (out of order, repeated): counted as failed

    @property
    def code(self) -> str:
        return self.dossier.get("ma_ho_so") if self.dossier else (self.events[0].get("ma_ho_so") if self.events else "")

    @property
    def rows(self) -> int:
        return (1 if self.dossier else 0) + len(self.events)


def _header(file: str, cells: list[Any], columns: tuple[fmt.Column, ...]) -> list[str]:
    names = [fmt.text(c).lower() for c in cells]
    missing = [c.name for c in columns if c.required and c.name not in names]
    if missing:
        raise FileProblem(Problem(file, 1, ", ".join(missing), _("Thiếu cột bắt buộc: %(cols)s.")
                                  % {"cols": ", ".join(missing)}, "missing_column"))
    return names


def _rows(file: str, names: list[str], cells: Iterator[Any], first: int = 2) -> Iterator[Row]:
    for number, values in enumerate(cells, first):
        if not any(fmt.text(v) for v in values):
            continue  # blank lines (Excel's trailing rows)
        yield Row(file, number, dict(zip(names, values, strict=False)))


def _kind_of(names: list[str]) -> tuple[fmt.Column, ...]:
    return fmt.EVENT_COLUMNS if "thoi_diem" in names else fmt.DOSSIER_COLUMNS


def _csv_table(path: Path, stack: ExitStack) -> Table:
    fh = stack.enter_context(open(path, encoding="utf-8-sig", newline=""))  # noqa: SIM115
    reader = csv.reader(fh)
    try:
        head = next(reader)
    except StopIteration:
        raise FileProblem(Problem(path.name, None, "", _("Tệp rỗng."), "empty_file")) from None
    except (UnicodeDecodeError, csv.Error):
        raise FileProblem(Problem(path.name, 1, "", _("Tệp CSV không đọc được (cần mã hóa UTF-8)."),
                                  "bad_file")) from None
    columns = _kind_of([fmt.text(c).lower() for c in head])
    names = _header(path.name, head, columns)
    return Table(path.name, columns, _safe_csv(path.name, _rows(path.name, names, reader)))


def _safe_csv(file: str, rows: Iterator[Row]) -> Iterator[Row]:
    try:
        yield from rows
    except (UnicodeDecodeError, csv.Error) as exc:
        raise FileProblem(Problem(file, None, "", _("Tệp CSV không đọc được (cần mã hóa UTF-8): %(e)s")
                                  % {"e": exc}, "bad_file")) from None


def _xlsx_tables(path: Path, stack: ExitStack) -> tuple[Table, Table]:
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise FileProblem(Problem(path.name, None, "", _("Tệp Excel (.xlsx) không đọc được."), "bad_file")) from None
    stack.callback(wb.close)
    for sheet in (fmt.DOSSIER_SHEET, fmt.EVENT_SHEET):
        if sheet not in wb.sheetnames:
            raise FileProblem(Problem(path.name, None, "", _("Thiếu trang tính \"%(s)s\".") % {"s": sheet},
                                      "missing_sheet"))
    tables = []
    for sheet, columns in ((fmt.DOSSIER_SHEET, fmt.DOSSIER_COLUMNS), (fmt.EVENT_SHEET, fmt.EVENT_COLUMNS)):
        name = f"{path.name} › {sheet}"
        it = wb[sheet].iter_rows(values_only=True)
        head = next(it, None)
        if head is None:
            raise FileProblem(Problem(name, None, "", _("Trang tính rỗng."), "empty_file"))
        names = _header(name, list(head), columns)
        tables.append(Table(name, columns, _rows(name, names, it)))
    return tables[0], tables[1]


def open_tables(paths: list[Path], stack: ExitStack) -> tuple[Table, Table]:
    """The dossier and event tables of one .xlsx or two CSV files (in either order)."""
    if len(paths) == 1 and paths[0].suffix.lower() == ".xlsx":
        return _xlsx_tables(paths[0], stack)
    if len(paths) != 2 or any(p.suffix.lower() != ".csv" for p in paths):
        name = ", ".join(p.name for p in paths)
        raise FileProblem(Problem(name, None, "", _("Cần một tệp .xlsx (hai trang hoso, sukien) hoặc hai tệp .csv "
                                                    "(hồ sơ và sự kiện)."), "bad_file"))
    a, b = (_csv_table(p, stack) for p in paths)
    if a.columns is b.columns:
        raise FileProblem(Problem(f"{a.file}, {b.file}", 1, "", _("Hai tệp CSV phải là một tệp hồ sơ và một tệp sự "
                                                                  "kiện (có cột thoi_diem)."), "bad_file"))
    return (a, b) if a.columns is fmt.DOSSIER_COLUMNS else (b, a)


def count_rows(paths: list[Path]) -> int:
    """Data rows of both tables (a quick first pass, for the progress bar)."""
    if len(paths) == 2:
        n = 0
        for p in paths:
            with open(p, "rb") as fh:
                n += max(0, sum(1 for _ in fh) - 1)
        return n
    with ExitStack() as stack:
        d, e = open_tables(paths, stack)
        return sum(1 for _ in d.rows) + sum(1 for _ in e.rows)


def _sorted(table: Table, unique: bool) -> Iterator[tuple[Row | None, list[Problem]]]:
    """The rows with their order problems; a row out of order (or a repeated dossier) is given as
    ``(None, problems)`` when unique: it cannot be joined."""
    last = ""
    for row in table.rows:
        code = row.get("ma_ho_so")
        if not code:
            yield None, [Problem(row.file, row.number, "ma_ho_so", _("Thiếu mã hồ sơ."), "missing_value")]
            continue
        if code < last:
            yield None, [Problem(row.file, row.number, "ma_ho_so",
                                 _("Bảng chưa sắp xếp theo ma_ho_so: mã %(c)s đứng sau %(p)s.")
                                 % {"c": code, "p": last},
                                 "not_sorted", code)]
            continue
        if unique and code == last:
            yield None, [Problem(row.file, row.number, "ma_ho_so",
                                 _("Mã hồ sơ %(c)s xuất hiện lần nữa trong bảng hồ sơ.") % {"c": code},
                                 "duplicate_code", code)]
            continue
        last = code
        yield row, []


def groups(dossiers: Table, events: Table) -> Iterator[Group]:
    """Merge-join the two sorted tables on ``ma_ho_so``."""
    evs = _sorted(events, unique=False)
    head: tuple[Row | None, list[Problem]] | None = next(evs, None)
    for drow, dprob in _sorted(dossiers, unique=True):
        if drow is None:
            yield Group(None, [], dprob, refused=True)
            continue
        code = drow.get("ma_ho_so")
        g = Group(drow)
        while head is not None:
            erow, eprob = head
            if erow is None:
                yield Group(None, [], eprob)
            elif erow.get("ma_ho_so") < code:
                yield Group(None, [erow], [_orphan(erow)])
            elif erow.get("ma_ho_so") == code:
                g.events.append(erow)
            else:
                break
            head = next(evs, None)
        if not g.events:
            g.problems.append(Problem(drow.file, drow.number, "ma_ho_so", _("Hồ sơ không có sự kiện nào (bảng sự kiện "
                                                                          "phải cùng sắp xếp theo ma_ho_so)."),
                                      "no_events", code))
        yield g
    while head is not None:
        erow, eprob = head
        yield Group(None, [erow] if erow else [], eprob if erow is None else [_orphan(erow)])
        head = next(evs, None)


def _orphan(row: Row) -> Problem:
    return Problem(row.file, row.number, "ma_ho_so", _("Sự kiện của mã hồ sơ %(c)s không có trong bảng hồ sơ "
                                                       "(hoặc bảng hồ sơ chưa sắp xếp theo ma_ho_so).")
                   % {"c": row.get("ma_ho_so")}, "unknown_dossier", row.get("ma_ho_so"))
