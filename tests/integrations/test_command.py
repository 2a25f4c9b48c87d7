"""`motcua simulate national-portal` is the same server, with fault switches from the command line."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.integrations.conftest import AGENCY, DSTCODE, start_simulator


def test_motcua_simulate_national_portal_with_a_fault_flag(tmp_path: Path):
    motcua = str(Path(sys.executable).with_name("motcua"))
    sim = start_simulator([motcua, "simulate", "national-portal", "--fault", "http_500=1",
                           "--fault", "lookup_blind=true", "--agencies", AGENCY], tmp_path / "state.sqlite3")
    try:
        assert sim.http.get(f"{sim.url}/_sim/faults").json() == {"http_500": 1, "lookup_blind": True}
        session = sim.http.post(f"{sim.url}/auth", headers={"dstcode": DSTCODE},
                                json={"username": "motcua-sim", "password": "motcua-sim-password"}).json()["session"]
        body = {"session": session, "madonvi": AGENCY, "service": "LayDanhMucCoQuan"}
        assert sim.http.post(f"{sim.url}/integration", json=body, headers={"dstcode": DSTCODE}).status_code == 500
        reply = sim.http.post(f"{sim.url}/integration", json=body, headers={"dstcode": DSTCODE}).json()
        assert reply["result"] == [{"MaCoQuan": AGENCY, "TenCoQuan": AGENCY}]
        assert (tmp_path / "state.sqlite3").exists()
    finally:
        sim.http.close()
        sim.process.terminate()
        assert sim.process.wait(10) == 0
