"""The national portal simulator as a real HTTP server in a subprocess (one per test module,
emptied before each test), and the real client pointed at it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from motcua.conf import SIMULATOR_PASSWORD, SIMULATOR_USERNAME

DSTCODE = "000.00.00.H39"
AGENCY = "000.00.11.H39"


@dataclass
class Sim:
    url: str
    process: subprocess.Popen[str]
    http: httpx.Client  # one client: creating one per call costs more than the call

    def faults(self, **switches: Any) -> dict[str, Any]:
        return self.http.post(f"{self.url}/_sim/faults", json=switches).json()

    def state(self) -> dict[str, Any]:
        return self.http.get(f"{self.url}/_sim/state").json()

    def reset(self) -> None:
        self.http.post(f"{self.url}/_sim/reset", json={}).raise_for_status()


def start_simulator(cmd: list[str], state: Path) -> Sim:
    process = subprocess.Popen([*cmd, "--port", "0", "--state", str(state)], stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline() if process.stdout else ""
    if "listening on" not in line:
        process.kill()
        raise RuntimeError(f"the simulator did not start: {line!r}")
    return Sim(url=line.strip().rsplit(" ", 1)[-1], process=process, http=httpx.Client(timeout=5))


@pytest.fixture(scope="module")
def sim_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sim]:
    sim = start_simulator([sys.executable, "-m", "motcua.integrations.national_portal.simulator"],
                          tmp_path_factory.mktemp("sim") / "portal.sqlite3")
    yield sim
    sim.http.close()
    sim.process.terminate()
    sim.process.wait(10)


@pytest.fixture
def sim(sim_server: Sim) -> Sim:
    sim_server.reset()
    return sim_server


@pytest.fixture
def portal(sim: Sim) -> Iterator[Any]:
    from motcua.integrations.national_portal.client import HttpPortal

    client = HttpPortal(sim.url, username=SIMULATOR_USERNAME, password=SIMULATOR_PASSWORD, dstcode=DSTCODE,
                        unit_code=AGENCY, read_timeout=1.0, connect_timeout=1.0, trail_chunk=3)
    yield client
    client.close()


def dossier(code: str = f"{AGENCY}-261201-0001", **fields: Any) -> dict[str, Any]:
    """A dossier as the portal takes it (the mapping from motcua's data comes with part 2)."""
    return {"MaHoSo": code, "MaTTHC": "1.001193", "TenTTHC": "Thủ tục đăng ký khai sinh", "KenhThucHien": 1,
            "ChuHoSo": "Nguyễn Văn A", "LoaiDoiTuong": 1, "TrichYeuHoSo": "Đăng ký khai sinh",
            "NgayTiepNhan": "20261201090000", "NgayHenTra": "20261203170000", "TrangThaiHoSo": 4, **fields}


def trail_row(code: str, n: int, **fields: Any) -> dict[str, Any]:
    return {"MaHoSo": code, "NguoiXuLy": "Cán bộ một cửa", "ChucDanh": "Chuyên viên",
            "ThoiDiemXuLy": f"2026120109{n:02d}00", "PhongBanXuLy": "Bộ phận một cửa",
            "NoiDungXuLy": f"Bước {n}", "TrangThai": 4, **fields}
