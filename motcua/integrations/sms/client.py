"""SMS brandname as motcua sees it: the ``SmsGateway`` interface and the HTTP client that routes each
number to its carrier (JSON or SOAP-like XML) by prefix.

``send`` returns the carrier's ``Reply`` when the message was taken (or was already taken under this
request id); a refusal no retry can help raises ``SmsRefused``; no usable answer (timeout, HTTP 5xx,
a "busy" or "balance" code) raises ``SmsUnavailable``: the caller retries with the same request id."""

from __future__ import annotations

from typing import Protocol

import httpx

from . import mapping


class SmsError(Exception):
    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class SmsUnavailable(SmsError):
    """Try again later (same request id)."""


class SmsRefused(SmsError):
    """The carrier refused this message for good (bad number, content)."""


class SmsGateway(Protocol):
    def send(self, phone: str, text: str, request_id: str) -> mapping.Reply: ...


class HttpSms:
    """The real client of both carriers (thread-safe: one httpx client)."""

    def __init__(self, url: str, *, brandname: str, user: str, password: str, connect_timeout: float = 5.0,
                 read_timeout: float = 15.0, carrier_urls: dict[str, str] | None = None) -> None:
        self.url = url.rstrip("/")
        self.urls = {mapping.VIETTEL: f"{self.url}/viettel/api/sms/send", mapping.VNPT: f"{self.url}/vnpt/ws",
                     **(carrier_urls or {})}
        self.brandname, self.user, self.password = brandname, user, password
        self.http = httpx.Client(timeout=httpx.Timeout(read_timeout, connect=connect_timeout))

    def close(self) -> None:
        self.http.close()

    def send(self, phone: str, text: str, request_id: str) -> mapping.Reply:
        try:
            carrier = mapping.carrier_for(phone)
        except mapping.BadNumber as exc:
            raise SmsRefused(str(exc), "number") from exc
        if not mapping.is_plain(text):
            raise SmsRefused("tin nhắn còn ký tự có dấu", "content")
        args = dict(user=self.user, password=self.password, brandname=self.brandname, phone=phone, text=text,
                    request_id=request_id)
        if carrier == mapping.VIETTEL:
            response = self._post(carrier, json=mapping.viettel_request(**args))
            reply = mapping.viettel_reply(self._json(response))
        else:
            body = mapping.vnpt_request(**args).encode("utf-8")
            response = self._post(carrier, content=body, headers={"Content-Type": "text/xml; charset=utf-8",
                                                                  "SOAPAction": "sendSMS"})
            reply = mapping.vnpt_reply(response.content)
        return self._verdict(carrier, reply)

    @staticmethod
    def _verdict(carrier: str, reply: mapping.Reply) -> mapping.Reply:
        if reply.outcome == mapping.SENT:
            return reply
        what = f"{carrier} mã {reply.code or '?'}: {reply.message}"
        if reply.outcome == mapping.REFUSED:
            raise SmsRefused(what, reply.code)
        raise SmsUnavailable(what, reply.code)

    def _post(self, carrier: str, **kw: object) -> httpx.Response:
        try:
            response = self.http.post(self.urls[carrier], **kw)  # type: ignore[arg-type]
        except httpx.TimeoutException as exc:
            raise SmsUnavailable(f"{carrier} không trả lời kịp ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise SmsUnavailable(f"không kết nối được {carrier}: {exc}") from exc
        if response.status_code >= 500 and carrier == mapping.VIETTEL:
            raise SmsUnavailable(f"{carrier} lỗi HTTP {response.status_code}")
        if response.status_code >= 500 and b"sendSMSResponse" not in response.content:
            # a SOAP Fault comes with HTTP 500; its faultstring says why
            raise SmsUnavailable(f"{carrier} lỗi HTTP {response.status_code}: "
                                 f"{mapping.vnpt_reply(response.content).message}")
        if response.status_code >= 400:
            raise SmsUnavailable(f"{carrier} trả HTTP {response.status_code}")
        return response

    @staticmethod
    def _json(response: httpx.Response) -> object:
        try:
            return response.json()
        except ValueError as exc:
            raise SmsUnavailable("trả lời JSON không đọc được") from exc
