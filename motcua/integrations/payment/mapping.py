"""motcua's payments to the national payment platform's wire format and back (INTEGRATIONS.md
section 2): pure functions, no Django.

Every message carries ``MaXacThuc``, the lower-case hex SHA-256 of some of its fields joined by
``|`` with the partner's secret last. The field lists are ``INIT_FIELDS``, ``CONFIRM_FIELDS`` and
``QUERY_FIELDS`` (QUERY and GET_BILL). Two signatures the section leaves open are fixed here and
used by both ends (motcua and its simulator): the QUERY *reply* is signed like a confirm (with
``LoaiBanTin="QUERY"`` and ``MaLoi`` "00"), and motcua's answer to a confirm is signed over
``MaLoi|MaDoiTac|ThoiGianGD|secret``. Checksums are compared with ``hmac.compare_digest``.

Transaction states (``TrangThaiGD``): 1 paid, 3 pending (the bank timed out: ask again later),
4 failed. A confirm is a success when ``MaLoi == "00"``.

Also fixed here, where section 2 is silent (the simulator follows them; a real platform's
specification replaces them in this module only): the confirm's ``LoaiBanTin`` is "CONFIRM"; the
platform's ``error_code`` "0" is success, "1" a bad checksum or partner, "2" an unknown MaThamChieu;
GET_BILL answers the PDF in base64 as ``BienLai``; motcua answers a confirm with ``MaLoi`` "00"
accepted, "01" bad checksum, "02" unknown reference, "03" amount mismatch, "04" malformed."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
WIRE_TIME = "%Y%m%d%H%M%S"
VERSION = "1.0.6"
INIT, CONFIRM, QUERY, GET_BILL = "INIT", "CONFIRM", "QUERY", "GET_BILL"

INIT_FIELDS = ("LoaiBanTin", "PhienBan", "MaDoiTac", "MaThamChieu", "SoTien", "LoaiHinhThanhToan",
               "MaKenhThanhToan", "MaThietBi", "NgonNgu", "MaTienTe", "MaNganHang", "ThongTinGiaoDich",
               "ThoiGianGD", "Ip")
CONFIRM_FIELDS = ("LoaiBanTin", "MaLoi", "MaDoiTac", "MaThamChieu", "SoTien", "MaTienTe", "MaGiaoDich",
                  "MaNganHang", "ThoiGianGD", "ThongTinGiaoDich")
QUERY_FIELDS = ("LoaiBanTin", "PhienBan", "MaDoiTac", "MaThamChieu", "ThoiGianGD")
ANSWER_FIELDS = ("MaLoi", "MaDoiTac", "ThoiGianGD")

SUCCESS = "00"  # MaLoi of a successful payment, and of an accepted confirm
OK = "0"  # error_code of a successful INIT / QUERY / GET_BILL reply
PAID, PENDING, FAILED = 1, 3, 4  # TrangThaiGD
# motcua's answers to a confirm (MaLoi)
ACCEPTED, BAD_CHECKSUM, UNKNOWN_REFERENCE, AMOUNT_MISMATCH, BAD_REQUEST = "00", "01", "02", "03", "04"
ANSWER_MESSAGES = {ACCEPTED: "Thành công", BAD_CHECKSUM: "Sai mã xác thực",
                   UNKNOWN_REFERENCE: "Không tìm thấy giao dịch", AMOUNT_MISMATCH: "Số tiền không khớp",
                   BAD_REQUEST: "Dữ liệu không hợp lệ"}
RECEIPT_NAME_LIMIT = 250  # TenTTHC


def wire_time(at: datetime) -> str:
    return at.astimezone(LOCAL).strftime(WIRE_TIME)


def parse_time(text: str) -> datetime | None:
    try:
        return datetime.strptime(str(text), WIRE_TIME).replace(tzinfo=LOCAL)
    except ValueError:
        return None


def checksum(values: Sequence[Any], secret: str) -> str:
    """``MaXacThuc``: SHA-256 of the values joined by ``|`` with the secret last (lower-case hex)."""
    text = "|".join("" if v is None else str(v) for v in values) + "|" + secret
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sign(body: Mapping[str, Any], fields: Sequence[str], secret: str) -> str:
    return checksum([body.get(f, "") for f in fields], secret)


def verify(body: Mapping[str, Any], fields: Sequence[str], secret: str) -> bool:
    """Whether ``body["MaXacThuc"]`` is the checksum of its ``fields`` (constant-time comparison)."""
    given = body.get("MaXacThuc")
    if not isinstance(given, str) or not given:
        return False
    return hmac.compare_digest(given.strip().lower().encode("ascii", "replace"), sign(body, fields, secret).encode())


def signed(body: dict[str, Any], fields: Sequence[str], secret: str) -> dict[str, Any]:
    return {**body, "MaXacThuc": sign(body, fields, secret)}


@dataclass(frozen=True)
class Fee:
    kind: int  # LoaiPhiLePhi: 1 fee (phí), 2 charge (lệ phí)
    code: str
    name: str
    amount: int


@dataclass(frozen=True)
class Receipt:
    """``ThongTinBienLai``: what the receipt says (the service, the unit's account, the payer)."""

    procedure_code: str
    procedure_name: str
    unit_code: str
    unit_name: str
    dossier_code: str
    account: str = ""
    bank: str = ""
    account_name: str = ""
    treasury: str = ""
    budget_account: str = ""
    payer_name: str = ""
    payer_id: str = ""
    payer_address: str = ""
    content: str = ""
    service_code: str = ""
    fees: tuple[Fee, ...] = field(default_factory=tuple)


def receipt_info(r: Receipt) -> dict[str, Any]:
    return {
        "MaDichVu": r.service_code or "1", "MaDVC": r.procedure_code, "TenDVC": r.procedure_name[:RECEIPT_NAME_LIMIT],
        "MaTTHC": r.procedure_code, "TenTTHC": r.procedure_name[:RECEIPT_NAME_LIMIT], "MaDonVi": r.unit_code,
        "TenDonVi": r.unit_name, "MaHoSo": r.dossier_code, "TKThuHuong": r.account, "MaNHThuHuong": r.bank,
        "TenTKThuHuong": r.account_name, "KhoBac": r.treasury, "TaiKhoanThuNSNN": r.budget_account,
        "HoTenNguoiNop": r.payer_name, "SoCMNDNguoiNop": r.payer_id, "DiaChiNguoiNop": r.payer_address,
        "NoiDungThanhToan": r.content,
        "PhiLePhi": [{"LoaiPhiLePhi": f.kind, "MaPhiLePhi": f.code, "TenPhiLePhi": f.name, "SoTien": f.amount}
                     for f in r.fees],
    }


def init_body(*, partner: str, reference: str, amount: int, at: datetime, secret: str, receipt: Receipt,
              description: str, ip: str = "", channel: str = "", device: str = "", bank: str = "") -> dict[str, Any]:
    """The INIT message of one payment attempt (``reference`` = MaThamChieu, unique per attempt)."""
    body = {"LoaiBanTin": INIT, "PhienBan": VERSION, "MaDoiTac": partner, "MaThamChieu": reference,
            "SoTien": int(amount), "LoaiHinhThanhToan": "PAY", "MaKenhThanhToan": channel or "1",
            "MaThietBi": device or "1", "NgonNgu": "vi-VN", "MaTienTe": "VND", "MaNganHang": bank,
            "ThongTinGiaoDich": description, "ThoiGianGD": wire_time(at), "Ip": ip}
    return {**signed(body, INIT_FIELDS, secret), "ThongTinBienLai": receipt_info(receipt)}


def query_body(kind: str, *, partner: str, reference: str, at: datetime, secret: str) -> dict[str, Any]:
    """A QUERY or GET_BILL message."""
    body = {"LoaiBanTin": kind, "PhienBan": VERSION, "MaDoiTac": partner, "MaThamChieu": reference,
            "ThoiGianGD": wire_time(at)}
    return signed(body, QUERY_FIELDS, secret)


def confirm_body(*, partner: str, reference: str, amount: int, transaction: str, bank: str, at: datetime,
                 secret: str, error: str = SUCCESS, description: str = "", kind: str = CONFIRM) -> dict[str, Any]:
    """A confirm (IPN) as the platform sends it, or (``kind="QUERY"``) the QUERY reply's signed part."""
    body = {"LoaiBanTin": kind, "PhienBan": VERSION, "MaLoi": error, "MaDoiTac": partner, "MaThamChieu": reference,
            "SoTien": int(amount), "MaTienTe": "VND", "MaGiaoDich": transaction, "MaNganHang": bank,
            "ThoiGianGD": wire_time(at), "ThongTinGiaoDich": description}
    return signed(body, CONFIRM_FIELDS, secret)


def answer(code: str, partner: str, at_text: str, secret: str) -> dict[str, Any]:
    """motcua's reply to a confirm: ``MaLoi`` echoed with the partner, the time and a checksum."""
    body = {"MaLoi": code, "MaDoiTac": partner, "ThoiGianGD": at_text}
    return {**signed(body, ANSWER_FIELDS, secret), "MoTa": ANSWER_MESSAGES.get(code, "")}


@dataclass(frozen=True)
class Confirmation:
    """A confirm (or a QUERY reply) read from the wire; ``amount`` None when not a whole number."""

    reference: str
    error: str
    amount: int | None
    transaction: str
    bank: str
    at: datetime | None
    at_text: str
    partner: str


def parse_confirmation(body: Mapping[str, Any]) -> Confirmation:
    try:
        amount: int | None = int(str(body.get("SoTien", "")).strip())
    except ValueError:
        amount = None
    at_text = str(body.get("ThoiGianGD", ""))
    return Confirmation(reference=str(body.get("MaThamChieu", "")).strip(), error=str(body.get("MaLoi", "")),
                        amount=amount, transaction=str(body.get("MaGiaoDich", "")),
                        bank=str(body.get("MaNganHang", "")),
                        at=parse_time(at_text), at_text=at_text, partner=str(body.get("MaDoiTac", "")))


def payment_url(reply: Mapping[str, Any]) -> str | None:
    """The ``UrlThanhToan`` of a successful INIT reply (``message`` is a JSON string), else None."""
    if str(reply.get("error_code")) != OK:
        return None
    message = reply.get("message")
    try:
        data = json.loads(message) if isinstance(message, str) else message
    except ValueError:
        return None
    url = data.get("UrlThanhToan") if isinstance(data, dict) else None
    return url if isinstance(url, str) and url.startswith(("http://", "https://")) else None


def fee_kind(name: str) -> int:
    return 2 if "lệ phí" in (name or "").lower() else 1
