"""The payment gateways as motcua sees them: the ``PaymentGateway`` interface (a bank or a wallet
is added by writing another one and naming it in ``jobs.gateway``) and the national payment
platform's HTTP client.

A call without a usable reply (timeout, HTTP 5xx, garbled body, a reply whose checksum is wrong)
is ``GatewayUnavailable``: nothing is concluded from it and the caller asks again later. A reply
with an ``error_code`` other than "0" is ``GatewayRejected``."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import httpx

from . import mapping


class GatewayError(Exception):
    """A call to a payment gateway did not succeed."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class GatewayUnavailable(GatewayError):
    """No usable answer: retry later, conclude nothing."""


class GatewayRejected(GatewayError):
    """The gateway answered and refused."""


@dataclass(frozen=True)
class Status:
    """A transaction as the gateway's ledger holds it (QUERY): ``state`` 1 paid, 3 pending, 4 failed."""

    state: int
    amount: int | None
    transaction: str = ""
    bank: str = ""
    at: datetime | None = None


class PaymentGateway(Protocol):
    name: str
    partner: str

    def init(self, body: dict[str, Any]) -> str: ...  # the URL the payer is sent to
    def query(self, reference: str, at: datetime) -> Status | None: ...  # None: the gateway does not know it
    def bill(self, reference: str, at: datetime) -> bytes | None: ...  # the receipt PDF, None while none
    def verify(self, body: dict[str, Any]) -> bool: ...  # a confirm's checksum
    def answer(self, code: str, at_text: str) -> dict[str, Any]: ...  # the reply to a confirm


class NationalPlatform:
    """The national payment platform of the portal (INTEGRATIONS.md section 2)."""

    name = "national"

    def __init__(self, url: str, *, partner: str, secret: str, token: str = "", connect_timeout: float = 5.0,
                 read_timeout: float = 20.0) -> None:
        self.url = url.rstrip("/")
        self.partner, self.secret = partner, secret
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.Client(timeout=httpx.Timeout(read_timeout, connect=connect_timeout), headers=headers)

    def close(self) -> None:
        self.http.close()

    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        try:
            response = self.http.post(self.url, json=body)
        except httpx.TimeoutException as exc:
            raise GatewayUnavailable(f"Nền tảng thanh toán không trả lời kịp ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise GatewayUnavailable(f"Không kết nối được nền tảng thanh toán: {exc}") from exc
        if response.status_code >= 500:
            raise GatewayUnavailable(f"Nền tảng thanh toán lỗi HTTP {response.status_code}")
        try:
            data = response.json()
        except ValueError as exc:
            raise GatewayUnavailable("Nền tảng thanh toán trả dữ liệu không đọc được") from exc
        if not isinstance(data, dict):
            raise GatewayUnavailable("Nền tảng thanh toán trả dữ liệu không đúng dạng")
        return data

    def _checked(self, data: dict[str, Any]) -> dict[str, Any]:
        code = str(data.get("error_code", ""))
        if code != mapping.OK:
            raise GatewayRejected(f"Nền tảng thanh toán từ chối: {data.get('message', '')} (mã {code})", code)
        return data

    def init(self, body: dict[str, Any]) -> str:
        data = self._checked(self.post(body))
        url = mapping.payment_url(data)
        if url is None:
            raise GatewayUnavailable("Nền tảng thanh toán không trả địa chỉ thanh toán (UrlThanhToan)")
        return url

    def query(self, reference: str, at: datetime) -> Status | None:
        data = self.post(mapping.query_body(mapping.QUERY, partner=self.partner, reference=reference, at=at,
                                            secret=self.secret))
        if str(data.get("error_code")) == "2":  # no such transaction in the platform's ledger
            return None
        self._checked(data)
        if not mapping.verify(data, mapping.CONFIRM_FIELDS, self.secret):
            raise GatewayUnavailable("Trả lời QUERY sai mã xác thực: không tin kết quả")
        c = mapping.parse_confirmation(data)
        if c.reference != reference:
            raise GatewayUnavailable("Trả lời QUERY cho giao dịch khác")
        try:
            state = int(data.get("TrangThaiGD"))
        except (TypeError, ValueError) as exc:
            raise GatewayUnavailable("Trả lời QUERY thiếu TrangThaiGD") from exc
        return Status(state=state, amount=c.amount, transaction=c.transaction, bank=c.bank, at=c.at)

    def bill(self, reference: str, at: datetime) -> bytes | None:
        data = self._checked(self.post(mapping.query_body(mapping.GET_BILL, partner=self.partner, reference=reference,
                                                          at=at, secret=self.secret)))
        text = data.get("BienLai") or ""
        if not text:
            return None
        try:
            pdf = base64.b64decode(text, validate=True)
        except ValueError as exc:
            raise GatewayUnavailable("Biên lai không đọc được") from exc
        return pdf if pdf.startswith(b"%PDF-") else None

    def verify(self, body: dict[str, Any]) -> bool:
        return mapping.verify(body, mapping.CONFIRM_FIELDS, self.secret)

    def answer(self, code: str, at_text: str) -> dict[str, Any]:
        return mapping.answer(code, self.partner, at_text, self.secret)
