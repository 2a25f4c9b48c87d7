"""SMS brandname wire formats, pure functions: numbers, the carrier picked by prefix, and each
carrier's request and reply with its own error codes.

Two carriers, as the integrators describe them (codes as modelled by our simulator; the real
contracts are signed per province):

- ``viettel``: JSON ``POST /viettel/api/sms/send`` ``{user, password, brandname, phone, message,
  requestId}`` -> ``{code, message, msgId}``; ``code`` "00" is success.
- ``vnpt``: SOAP-like XML ``POST /vnpt/ws`` (``SOAPAction: sendSMS``), ``<sendSMS>`` with
  ``username, password, brandname, receiver, content, requestid`` -> ``<sendSMSResponse>`` with
  ``result`` (0 is success), ``message``, ``smsid``. It carries VinaPhone and the other networks.

Both refuse a repeated request id with their "duplicate" code and the first message's id: a retry
after a lost reply is recognised as already sent, so nothing is sent twice."""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.etree import ElementTree as ET  # noqa: S405 - our own carrier replies and simulator requests, no DTDs
from xml.sax.saxutils import escape

VIETTEL, VNPT = "viettel", "vnpt"
# the networks' three-digit prefixes (0 + two digits) after the 2018 renumbering
PREFIXES: dict[str, tuple[str, ...]] = {
    VIETTEL: ("086", "096", "097", "098", "032", "033", "034", "035", "036", "037", "038", "039"),
    VNPT: ("088", "091", "094", "081", "082", "083", "084", "085"),
}
DEFAULT_CARRIER = VNPT  # MobiFone, Vietnamobile, Gmobile, Itel: through the VNPT gateway
MOBILE = re.compile(r"^84[35789]\d{8}$")


class BadNumber(ValueError):
    """Not a Vietnamese mobile number."""


def normalize(phone: str) -> str:
    """``0912 345 678`` / ``+84912345678`` -> ``84912345678``; BadNumber if not a mobile number."""
    digits = re.sub(r"[\s.\-()]", "", phone or "").lstrip("+")
    if digits.startswith("0"):
        digits = "84" + digits[1:]
    if not MOBILE.match(digits):
        raise BadNumber(f"không phải số di động Việt Nam: {phone!r}")
    return digits


def carrier_for(phone: str) -> str:
    """The carrier that sends to ``phone``, by its network prefix."""
    local = "0" + normalize(phone)[2:]
    for carrier, prefixes in PREFIXES.items():
        if local[:3] in prefixes:
            return carrier
    return DEFAULT_CARRIER


@dataclass(frozen=True)
class Reply:
    """A carrier's answer, read: ``outcome`` is sent / retry / refused."""

    outcome: str
    code: str
    message: str
    message_id: str = ""


SENT, RETRY, REFUSED = "sent", "retry", "refused"

# carrier code -> (outcome, what it means). "retry": the carrier may take it later (busy, balance
# topped up, credentials fixed); "refused": no retry can help this message.
VIETTEL_CODES: dict[str, tuple[str, str]] = {
    "00": (SENT, "Thành công"),
    "01": (RETRY, "Sai tài khoản hoặc mật khẩu"),
    "02": (REFUSED, "Số điện thoại không hợp lệ"),
    "03": (RETRY, "Brandname chưa đăng ký hoặc bị khoá"),
    "04": (REFUSED, "Nội dung không hợp lệ (có dấu hoặc quá dài)"),
    "05": (RETRY, "Tài khoản hết tiền"),
    "07": (SENT, "Trùng requestId: tin đã gửi"),
    "99": (RETRY, "Hệ thống bận, thử lại sau"),
}
VNPT_CODES: dict[str, tuple[str, str]] = {
    "0": (SENT, "Success"),
    "1": (RETRY, "Authentication failed"),
    "2": (REFUSED, "Invalid receiver"),
    "3": (RETRY, "Brandname not registered"),
    "4": (REFUSED, "Content invalid (unicode or too long)"),
    "5": (RETRY, "Quota exceeded"),
    "6": (SENT, "Duplicate requestid"),
    "-1": (RETRY, "System error"),
}


def read_code(table: dict[str, tuple[str, str]], code: str, message: str, message_id: str) -> Reply:
    outcome, meaning = table.get(code, (RETRY, "Mã lỗi không rõ"))
    return Reply(outcome, code, message or meaning, message_id)


# ---- viettel: JSON ------------------------------------------------------------------------------

def viettel_request(*, user: str, password: str, brandname: str, phone: str, text: str, request_id: str) -> dict:
    return {"user": user, "password": password, "brandname": brandname, "phone": normalize(phone),
            "message": text, "requestId": request_id}


def viettel_reply(data: object) -> Reply:
    if not isinstance(data, dict) or "code" not in data:
        return Reply(RETRY, "", "Trả lời không đúng dạng")
    return read_code(VIETTEL_CODES, str(data["code"]), str(data.get("message") or ""), str(data.get("msgId") or ""))


# ---- vnpt: SOAP-like XML ------------------------------------------------------------------------

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
VNPT_FIELDS = ("username", "password", "brandname", "receiver", "content", "requestid")


def vnpt_request(*, user: str, password: str, brandname: str, phone: str, text: str, request_id: str) -> str:
    values = dict(zip(VNPT_FIELDS, (user, password, brandname, normalize(phone), text, request_id), strict=True))
    inner = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in values.items())
    return (f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{SOAP}"><soap:Body>'
            f"<sendSMS>{inner}</sendSMS></soap:Body></soap:Envelope>")


def _find(root: ET.Element, tag: str) -> ET.Element | None:
    return next((e for e in root.iter() if e.tag.rsplit("}", 1)[-1] == tag), None)


def parse_vnpt_request(body: bytes | str) -> dict[str, str]:
    """The simulator's side: the fields of a ``sendSMS`` call (ValueError if it is not one)."""
    try:
        root = ET.fromstring(body)  # noqa: S314 - the standard library refuses external entities
    except ET.ParseError as exc:
        raise ValueError(f"XML không hợp lệ: {exc}") from exc
    call = _find(root, "sendSMS")
    if call is None:
        raise ValueError("thiếu sendSMS")
    return {k: (_find(call, k).text or "") if _find(call, k) is not None else "" for k in VNPT_FIELDS}


def vnpt_response(result: str, message: str, smsid: str = "") -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{SOAP}"><soap:Body>'
            f"<sendSMSResponse><result>{escape(result)}</result><message>{escape(message)}</message>"
            f"<smsid>{escape(smsid)}</smsid></sendSMSResponse></soap:Body></soap:Envelope>")


def vnpt_reply(body: bytes | str) -> Reply:
    try:
        root = ET.fromstring(body)  # noqa: S314
    except ET.ParseError:
        return Reply(RETRY, "", "Trả lời XML không đọc được")
    resp = _find(root, "sendSMSResponse")
    result = _find(resp, "result") if resp is not None else None
    if result is None:
        fault = _find(root, "faultstring")
        return Reply(RETRY, "", f"SOAP Fault: {fault.text if fault is not None else 'trả lời không đúng dạng'}")

    def text(tag: str) -> str:
        e = _find(resp, tag)
        return (e.text or "") if e is not None else ""

    return read_code(VNPT_CODES, (result.text or "").strip(), text("message"), text("smsid"))


def is_plain(text: str) -> bool:
    """What both carriers accept for a brandname SMS: printable ASCII (no diacritics)."""
    return all(32 <= ord(c) < 127 or c == "\n" for c in text)
