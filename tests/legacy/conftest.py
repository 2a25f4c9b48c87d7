"""Legacy history files written for the tests: two CSV files or one .xlsx, from plain rows."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from motcua.legacy import format as fmt

COMMUNE_CENTRE = "000.31.90.H39"  # TTPVHCC xã A (tests.factories)
COMMUNE = "000.31.10.H39"


def dossier(code: str, **over: Any) -> dict[str, Any]:
    row = {"ma_ho_so": code, "ma_don_vi_tiep_nhan": COMMUNE_CENTRE, "ma_don_vi_xu_ly": COMMUNE,
           "ma_thu_tuc": "1.001193", "kenh": "1", "ten_nguoi_nop": "Nguyễn Văn An", "so_dinh_danh": "068123456789",
           "so_dien_thoai": "0912345678", "dia_chi": "Xã A", "le_phi": "0", "da_nop": "0", "ket_qua_cu": ""}
    row.update(over)
    return row


def finished_early(code: str, day: str = "08/09/2025") -> list[list[str]]:
    """Received, processed and finished the same day (the limit is one working day), returned."""
    return [[code, f"{day} 08:00", "intake", ""], [code, f"{day} 08:30", "start", ""],
            [code, f"{day} 15:00", "finish", ""], [code, f"{day} 16:00", "return", ""]]


def finished_late(code: str) -> list[list[str]]:
    """Received on Wednesday 03/09/2025, finished on Friday afternoon: past the one-day limit."""
    return [[code, "03/09/2025 08:00", "intake", ""], [code, "03/09/2025 09:00", "start", ""],
            [code, "05/09/2025 16:00", "finish", ""]]


def with_supplement(code: str) -> list[list[str]]:
    """Three days waiting for a supplement (the clock paused), then on time."""
    return [[code, "03/09/2025 08:00", "intake", ""], [code, "03/09/2025 09:00", "start", ""],
            [code, "03/09/2025 10:00", "request_supplement", "Thiếu giấy chứng sinh"],
            [code, "08/09/2025 08:00", "supplement", ""], [code, "08/09/2025 14:00", "finish", ""]]


def write_csv(folder: Path, dossiers: list[dict[str, Any]], events: list[list[str]],
              names: tuple[str, str] = ("hoso.csv", "sukien.csv")) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    d, e = folder / names[0], folder / names[1]
    with open(d, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(fmt.DOSSIER_NAMES))
        w.writeheader()
        w.writerows(dossiers)
    with open(e, "w", encoding="utf-8", newline="") as fh:
        w2 = csv.writer(fh)
        w2.writerow(fmt.EVENT_NAMES)
        w2.writerows(events)
    return [d, e]


def write_xlsx(path: Path, dossiers: list[dict[str, Any]], events: list[list[str]]) -> list[Path]:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = fmt.DOSSIER_SHEET
    ws.append(list(fmt.DOSSIER_NAMES))
    for row in dossiers:
        ws.append([row.get(n, "") for n in fmt.DOSSIER_NAMES])
    ws2 = wb.create_sheet(fmt.EVENT_SHEET)
    ws2.append(list(fmt.EVENT_NAMES))
    for ev in events:
        ws2.append(ev)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return [path]


@pytest.fixture
def files(tmp_path: Path) -> Callable[..., list[Path]]:
    """``files(dossiers, events, kind="csv"|"xlsx")``: the paths of a legacy file."""
    n = [0]

    def make(dossiers: list[dict[str, Any]], events: list[list[str]], kind: str = "csv") -> list[Path]:
        n[0] += 1
        folder = tmp_path / f"f{n[0]}"
        if kind == "xlsx":
            return write_xlsx(folder / "lichsu.xlsx", dossiers, events)
        return write_csv(folder, dossiers, events)

    return make
