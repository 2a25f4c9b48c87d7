"""The national portal simulator, over HTTP, as the integrators describe the real one (INTEGRATIONS.md
1A, "Simulator must reproduce"): sessions, every service, limits, rejections and each fault switch."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from motcua.conf import SIMULATOR_PASSWORD, SIMULATOR_USERNAME
from tests.integrations.conftest import AGENCY, DSTCODE, Sim, dossier, trail_row

HEADERS = {"dstcode": DSTCODE}


def login(sim: Sim, **body: Any) -> dict[str, Any]:
    creds = {"username": SIMULATOR_USERNAME, "password": SIMULATOR_PASSWORD, **body}
    return sim.http.post(f"{sim.url}/auth", json=creds, headers=HEADERS).json()


def call(sim: Sim, service: str, session: str | None = None, **fields: Any) -> httpx.Response:
    session = session or login(sim)["session"]
    body = {"session": session, "madonvi": AGENCY, "service": service, **fields}
    return sim.http.post(f"{sim.url}/integration", json=body, headers=HEADERS)


def ok(sim: Sim, service: str, **fields: Any) -> list[dict[str, Any]]:
    reply = call(sim, service, **fields).json()
    assert reply["error_code"] == 0, reply
    return reply["result"]


def refused(sim: Sim, service: str, **fields: Any) -> dict[str, Any]:
    reply = call(sim, service, **fields).json()
    assert reply["error_code"] != 0, reply
    return reply


def test_login_needs_the_credentials_and_the_dstcode_header(sim):
    assert login(sim)["error_code"] == 0 and login(sim)["session"]
    assert login(sim, password="wrong")["error_code"] != 0
    reply = sim.http.post(f"{sim.url}/auth", json={"username": SIMULATOR_USERNAME, "password": SIMULATOR_PASSWORD})
    assert reply.json()["error_code"] != 0 and "dstcode" in reply.json()["message"]


def test_a_call_without_a_valid_session_is_refused(sim):
    assert call(sim, "LayDanhMucLinhVuc", session="made-up").json()["error_code"] != 0


def test_expire_sessions_switch(sim):
    session = login(sim)["session"]
    assert call(sim, "LayDanhMucLinhVuc", session=session).json()["error_code"] == 0
    sim.faults(expire_sessions=True)
    assert call(sim, "LayDanhMucLinhVuc", session=session).json()["error_code"] != 0
    assert call(sim, "LayDanhMucLinhVuc", session=login(sim)["session"]).json()["error_code"] == 0


def test_insert_lookup_update_and_insert_of_an_existing_code(sim):
    code = f"{AGENCY}-261201-0001"
    assert ok(sim, "TraCuuHoSo", MaHoSo=code) == []
    assert ok(sim, "DongBoHoSoMC", isUpdating="False", data=[dossier(code)])[0]["MaHoSo"] == code
    assert ok(sim, "TraCuuHoSo", MaHoSo=code)[0]["TrangThaiHoSo"] == 4
    exists = refused(sim, "DongBoHoSoMC", isUpdating="False", data=[dossier(code)])
    assert "đã tồn tại" in exists["message"]
    ok(sim, "DongBoHoSoMC", isUpdating="True", data=[dossier(code, TrangThaiHoSo=10)])
    found = ok(sim, "TraCuuHoSo", MaHoSo=code)[0]
    assert found["TrangThaiHoSo"] == 10 and found["SoLanCapNhat"] == 2
    assert "không tồn tại" in refused(sim, "DongBoHoSoMC", isUpdating="True",
                                      data=[dossier(f"{AGENCY}-261201-0999")])["message"]
    assert sim.state()["dossiers"] == [code]


@pytest.mark.parametrize("fields, words", [
    ({"MaTTHC": "9.999999"}, "Mã thủ tục"),
    ({"MaHoSo": "HS-261201-0001"}, "tiền tố"),
    ({"TrichYeuHoSo": "x" * 1001}, "TrichYeuHoSo"),
    ({"NgayHenTra": "2026-12-03"}, "yyyyMMddHHmmss"),
    ({"TrangThaiHoSo": 11}, "TrangThaiHoSo"),
    ({"TaiLieuNop": [{"TenTepDinhKem": "a" * 4001}]}, "TenTepDinhKem"),
])
def test_bad_dossiers_are_rejected(sim, fields, words):
    assert words in refused(sim, "DongBoHoSoMC", isUpdating="False", data=[dossier(**fields)])["message"]
    assert sim.state()["dossiers"] == []


def test_the_length_limit_is_inclusive(sim):
    ok(sim, "DongBoHoSoMC", isUpdating="False", data=[dossier(TrichYeuHoSo="x" * 1000)])


def test_reject_tthc_switch_makes_a_known_code_unknown(sim):
    sim.faults(reject_tthc=["1.001193"])
    assert "Mã thủ tục" in refused(sim, "DongBoHoSoMC", isUpdating="False", data=[dossier()])["message"]


def test_trail_rows_ten_at_most_and_a_row_sent_twice_counts_once(sim):
    code = dossier()["MaHoSo"]
    ok(sim, "DongBoHoSoMC", isUpdating="False", data=[dossier(code)])
    assert "tối đa 10" in refused(sim, "CapNhatTienDoHoSoMC", data=[trail_row(code, n) for n in range(11)])["message"]
    ok(sim, "CapNhatTienDoHoSoMC", data=[trail_row(code, n) for n in range(10)])
    ok(sim, "CapNhatTienDoHoSoMC", data=[trail_row(code, n) for n in range(10)])  # idempotent re-push
    assert sim.state()["trail_rows"] == 10
    assert len(ok(sim, "TraCuuHoSo", MaHoSo=code)[0]["QuaTrinhXuLy"]) == 10
    assert "NguoiXuLy" in refused(sim, "CapNhatTienDoHoSoMC", data=[trail_row(code, 1, NguoiXuLy="n" * 51)])["message"]
    assert "không tồn tại" in refused(sim, "CapNhatTienDoHoSoMC", data=[trail_row("nope", 1)])["message"]


def test_fail_trail_call_switch_fails_chunk_2_of_3_once(sim):
    code = dossier()["MaHoSo"]
    ok(sim, "DongBoHoSoMC", isUpdating="False", data=[dossier(code)])
    sim.faults(fail_trail_call=2)
    chunks = [[trail_row(code, n) for n in range(i, i + 3)] for i in (0, 3, 6)]
    replies = [call(sim, "CapNhatTienDoHoSoMC", data=c).json()["error_code"] for c in chunks]
    assert replies[0] == 0 and replies[1] != 0 and replies[2] == 0
    assert sim.state()["trail_rows"] == 6
    assert call(sim, "CapNhatTienDoHoSoMC", data=chunks[1]).json()["error_code"] == 0  # one shot
    assert sim.state()["trail_rows"] == 9


def test_trail_plain_text_switch(sim):
    code = dossier()["MaHoSo"]
    ok(sim, "DongBoHoSoMC", isUpdating="False", data=[dossier(code)])
    sim.faults(trail_plain_text=True)
    reply = call(sim, "CapNhatTienDoHoSoMC", data=[trail_row(code, 1)])
    assert reply.headers["content-type"].startswith("text/plain") and "thành công" in reply.text
    assert "thành công" not in call(sim, "CapNhatTienDoHoSoMC", data=[trail_row("nope", 1)]).text


def test_http_500_switch_counts_down(sim):
    session = login(sim)["session"]
    sim.faults(http_500=2)
    assert [call(sim, "LayDanhMucLinhVuc", session=session).status_code for _ in range(3)] == [500, 500, 200]


def test_delay_switch_makes_calls_slow(sim):
    sim.faults(delay=0.6)
    t0 = time.perf_counter()
    assert call(sim, "LayDanhMucLinhVuc").status_code == 200
    assert time.perf_counter() - t0 >= 0.6
    sim.faults(delay=None)
    assert sim.state()["faults"] == {}


def test_lookup_blind_switch_hides_stored_dossiers(sim):
    ok(sim, "DongBoHoSoMC", isUpdating="False", data=[dossier()])
    sim.faults(lookup_blind=True)
    assert ok(sim, "TraCuuHoSo", MaHoSo=dossier()["MaHoSo"]) == []


def test_catalog_calls(sim):
    procedures = ok(sim, "LayDanhSachTTHC")
    assert len(procedures) == 59 and {"MaTTHC", "TenTTHC", "MaLinhVuc"} <= set(procedures[0])
    assert ok(sim, "LayThuTuc", maTTHC="1.001193")[0]["TenTTHC"] == "Thủ tục đăng ký khai sinh"
    assert ok(sim, "LayThuTuc", maTTHC="9.999999") == []
    assert {"MaLinhVuc": "HT", "TenLinhVuc": "Hộ tịch"} in ok(sim, "LayDanhMucLinhVuc")
    assert ok(sim, "LayDanhMucCoQuan") == []  # no --agencies: any code of the national form is accepted
    assert "không tồn tại" in refused(sim, "KhongCo")["message"]


def test_inbound_online_dossiers_and_their_files(sim):
    first = ok(sim, "LayDanhSachHoSoTrucTuyen")
    assert len(first) == 3 and first == ok(sim, "LayDanhSachHoSoTrucTuyen")  # same codes every time
    assert {d["KenhThucHien"] for d in first} == {2} and {d["TrangThaiHoSo"] for d in first} == {1}
    url = first[0]["TaiLieuNop"][0]["DuongDanTaiTepTin"]
    assert url.startswith(sim.url)
    pdf = sim.http.get(url)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize("end, due, verdict", [
    ("20261203160000", "20261203170000", "DUNG_HAN"),
    ("20261203170000", "20261203170000", "DUNG_HAN"),
    ("20261204080000", "20261203170000", "QUA_HAN"),  # late by the portal's clock, whatever the pauses
    (None, "20200101170000", "QUA_HAN"),
    (None, "20991231170000", "DANG_XU_LY"),
])
def test_the_portals_naive_verdict(sim, end, due, verdict):
    extra = {"NgayKetThucXuLy": end} if end else {}
    supplement = [{"HoSoBoSungId": "1", "NgayBoSung": "20261202090000", "NgayTiepNhanBoSung": "20261203090000"}]
    ok(sim, "DongBoHoSoMC", isUpdating="False", data=[dossier(NgayHenTra=due, DanhSachHoSoBoSung=supplement, **extra)])
    assert ok(sim, "TraCuuHoSo", MaHoSo=dossier()["MaHoSo"])[0]["DanhGiaDungHan"] == verdict


def test_faults_over_http_are_readable_and_reset_clears_everything(sim):
    sim.faults(http_500=1, lookup_blind=True)
    assert sim.http.get(f"{sim.url}/_sim/faults").json() == {"http_500": 1, "lookup_blind": True}
    ok_call = call(sim, "LayDanhMucLinhVuc")
    assert ok_call.status_code == 500
    sim.reset()
    assert sim.state() == {"dossiers": [], "trail_rows": 0, "faults": {}, "logins": 0}
