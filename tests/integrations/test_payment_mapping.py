"""The payment platform's wire format: the exact MaXacThuc strings of INTEGRATIONS.md section 2
(recomputed here from the joined text, not from the code under test), bodies and replies."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from motcua.integrations.payment import mapping

AT = datetime(2026, 12, 2, 2, 30, 5, tzinfo=UTC)  # 09:30:05 in Hanoi
SECRET = "s3cr3t"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def receipt() -> mapping.Receipt:
    return mapping.Receipt(procedure_code="2.000815", procedure_name="Chứng thực bản sao từ bản chính" * 20,
                           unit_code="000.00.11.H39", unit_name="Sở Tư pháp", dossier_code="HS-1",
                           fees=(mapping.Fee(1, "1", "Phí chứng thực", 2000),))


def test_init_checksum_is_the_sha256_of_the_listed_fields_with_the_secret_last():
    body = mapping.init_body(partner="MOTCUA", reference="MC1", amount=2000, at=AT, secret=SECRET,
                             receipt=receipt(), description="Thanh toan ho so HS-1", ip="10.0.0.1")
    assert body["ThoiGianGD"] == "20261202093005"
    assert body["MaXacThuc"] == sha("INIT|1.0.6|MOTCUA|MC1|2000|PAY|1|1|vi-VN|VND||Thanh toan ho so HS-1|"
                                    "20261202093005|10.0.0.1|s3cr3t")
    info = body["ThongTinBienLai"]
    assert len(info["TenTTHC"]) == 250 and info["MaHoSo"] == "HS-1"
    assert info["PhiLePhi"] == [{"LoaiPhiLePhi": 1, "MaPhiLePhi": "1", "TenPhiLePhi": "Phí chứng thực", "SoTien": 2000}]


def test_query_and_get_bill_checksums():
    for kind in ("QUERY", "GET_BILL"):
        body = mapping.query_body(kind, partner="MOTCUA", reference="MC1", at=AT, secret=SECRET)
        assert body["MaXacThuc"] == sha(f"{kind}|1.0.6|MOTCUA|MC1|20261202093005|s3cr3t")


def test_confirm_checksum_verified_in_constant_time_and_any_change_breaks_it():
    body = mapping.confirm_body(partner="MOTCUA", reference="MC1", amount=2000, transaction="GD1", bank="VCB",
                                at=AT, secret=SECRET, description="x")
    assert body["MaXacThuc"] == sha("CONFIRM|00|MOTCUA|MC1|2000|VND|GD1|VCB|20261202093005|x|s3cr3t")
    assert mapping.verify(body, mapping.CONFIRM_FIELDS, SECRET)
    assert mapping.verify({**body, "MaXacThuc": body["MaXacThuc"].upper()}, mapping.CONFIRM_FIELDS, SECRET)
    for field, value in (("SoTien", 20000), ("MaThamChieu", "MC2"), ("MaLoi", "24"), ("MaXacThuc", "")):
        assert not mapping.verify({**body, field: value}, mapping.CONFIRM_FIELDS, SECRET)
    assert not mapping.verify(body, mapping.CONFIRM_FIELDS, "other")
    assert not mapping.verify({**body, "MaXacThuc": 12}, mapping.CONFIRM_FIELDS, SECRET)
    assert not mapping.verify({**body, "MaXacThuc": "đ" * 64}, mapping.CONFIRM_FIELDS, SECRET)


def test_answer_echoes_and_signs():
    a = mapping.answer("00", "MOTCUA", "20261202093005", SECRET)
    assert a["MaXacThuc"] == sha("00|MOTCUA|20261202093005|s3cr3t") and a["MaLoi"] == "00"


def test_payment_url_from_an_init_reply():
    assert mapping.payment_url({"error_code": "0", "message": json.dumps({"UrlThanhToan": "https://p/x"})}) == \
        "https://p/x"
    assert mapping.payment_url({"error_code": "1", "message": "sai"}) is None
    assert mapping.payment_url({"error_code": "0", "message": "not json"}) is None
    assert mapping.payment_url({"error_code": "0", "message": json.dumps({"UrlThanhToan": "javascript:x"})}) is None


def test_parse_confirmation():
    c = mapping.parse_confirmation({"MaThamChieu": " MC1 ", "SoTien": "2000", "ThoiGianGD": "20261202093005",
                                    "MaLoi": "00"})
    assert (c.reference, c.amount, c.at) == ("MC1", 2000, AT)
    assert mapping.parse_confirmation({"SoTien": "2,000"}).amount is None
    assert mapping.parse_confirmation({"ThoiGianGD": "02/12/2026"}).at is None


def test_motcua_simulate_payment_serves_the_platform_with_fault_flags(tmp_path):  # noqa: ANN001
    import sys
    from pathlib import Path

    from motcua.integrations.payment.simulator import SIM_PARTNER, SIM_SECRET
    from tests.integrations.conftest import start_simulator

    motcua = str(Path(sys.executable).with_name("motcua"))
    sim = start_simulator([motcua, "simulate", "payment", "--fault", "lose_confirm=2", "--callback-url", ""],
                          tmp_path / "ledger.sqlite3")
    try:
        assert sim.state()["faults"] == {"lose_confirm": 2}
        init = mapping.init_body(partner=SIM_PARTNER, reference="MC9", amount=5000, at=AT, secret=SIM_SECRET,
                                 receipt=receipt(), description="x")
        reply = sim.http.post(f"{sim.url}/api/payment", json=init).json()
        assert mapping.payment_url(reply).startswith(f"{sim.url}/pay/")
        assert sim.http.post(f"{sim.url}/api/payment", json=init).json()["error_code"] == "4"  # MaThamChieu reused
        forged = {**init, "SoTien": 1}
        assert sim.http.post(f"{sim.url}/api/payment", json=forged).json()["error_code"] == "1"
        query = mapping.query_body("QUERY", partner=SIM_PARTNER, reference="MC9", at=AT, secret=SIM_SECRET)
        assert sim.http.post(f"{sim.url}/api/payment", json=query).json()["TrangThaiGD"] == 3
        assert (tmp_path / "ledger.sqlite3").exists()
    finally:
        sim.http.close()
        sim.process.terminate()
        assert sim.process.wait(10) == 0
