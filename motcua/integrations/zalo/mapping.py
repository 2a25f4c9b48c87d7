"""Zalo ZNS wire format, pure functions.

``POST {api}/message/template`` with header ``access_token``, body ``{phone: "84...", template_id,
template_data: {name: value}, tracking_id}``; reply ``{error, message, data: {msg_id, sent_time,
quota}}`` (``error`` 0 is success). Access tokens are refreshed at ``POST {oauth}/v4/oa/access_token``
(header ``secret_key``, form ``refresh_token, app_id, grant_type=refresh_token``) -> ``{access_token,
refresh_token, expires_in}``; a refresh token is good for one refresh only (the new pair replaces it).

Error codes as modelled by our simulator after Zalo's published list (``DUPLICATE`` is the
simulator's: Zalo documents tracking_id as the sender's own reference)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

OK = 0
TOKEN_INVALID = -124  # access token invalid or expired: refresh, then repeat
PHONE_INVALID = -108
TEMPLATE_INVALID = -109
TEMPLATE_DATA_INVALID = -112
USER_UNREACHABLE = -118  # no Zalo account for this number, or inactive
USER_REFUSED = -139  # the user refused ZNS from this OA
QUOTA_EXCEEDED = -144  # the OA's daily quota is used up
DUPLICATE = -150  # this tracking_id was already sent: data.msg_id is the first message's
SYSTEM_ERROR = -100
REFRESH_INVALID = -14014  # OAuth: refresh token invalid or already used

SENT, RETRY, REFUSED, REFRESH = "sent", "retry", "refused", "refresh"
OUTCOMES: dict[int, tuple[str, str]] = {
    OK: (SENT, "Thành công"),
    DUPLICATE: (SENT, "Trùng tracking_id: tin đã gửi"),
    TOKEN_INVALID: (REFRESH, "Access token không hợp lệ hoặc hết hạn"),
    PHONE_INVALID: (REFUSED, "Số điện thoại không hợp lệ"),
    TEMPLATE_INVALID: (REFUSED, "Mẫu ZNS không tồn tại hoặc chưa được duyệt"),
    TEMPLATE_DATA_INVALID: (REFUSED, "Dữ liệu mẫu không hợp lệ"),
    USER_UNREACHABLE: (REFUSED, "Số điện thoại không có tài khoản Zalo"),
    USER_REFUSED: (REFUSED, "Người dùng từ chối nhận tin ZNS"),
    QUOTA_EXCEEDED: (RETRY, "Hết hạn mức gửi trong ngày"),
    SYSTEM_ERROR: (RETRY, "Lỗi hệ thống Zalo"),
}
PARAM_LIMIT = 100  # the longest value of one template parameter accepted


@dataclass(frozen=True)
class Reply:
    outcome: str
    error: int
    message: str
    msg_id: str = ""
    quota_left: int | None = None


def phone(number: str) -> str:
    """``0912345678`` -> ``84912345678`` (ZNS wants the international form without +)."""
    digits = "".join(c for c in number or "" if c.isdigit())
    return "84" + digits[1:] if digits.startswith("0") else digits


def template_data(values: dict[str, Any], names: list[str]) -> dict[str, str]:
    """The template's parameters, each as text within the parameter limit."""
    out = {}
    for n in names:
        v = str(values.get(n, "") if values.get(n) is not None else "")
        out[n] = v if len(v) <= PARAM_LIMIT else v[: PARAM_LIMIT - 3].rstrip() + "..."
    return out


def message_body(number: str, template_id: str, data: dict[str, str], tracking_id: str) -> dict[str, Any]:
    return {"phone": phone(number), "template_id": template_id, "template_data": data, "tracking_id": tracking_id}


def read_reply(data: object) -> Reply:
    if not isinstance(data, dict) or "error" not in data:
        return Reply(RETRY, SYSTEM_ERROR, "Trả lời không đúng dạng")
    try:
        error = int(data["error"])
    except (TypeError, ValueError):
        return Reply(RETRY, SYSTEM_ERROR, "Mã lỗi không đọc được")
    outcome, meaning = OUTCOMES.get(error, (RETRY, "Mã lỗi không rõ"))
    body = data.get("data") if isinstance(data.get("data"), dict) else {}
    quota = body.get("quota") if isinstance(body.get("quota"), dict) else {}
    left = quota.get("remainingQuota")
    return Reply(outcome, error, str(data.get("message") or meaning), str(body.get("msg_id") or ""),
                 int(left) if isinstance(left, int) else None)


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: float


def read_token(data: object) -> TokenPair | None:
    if not isinstance(data, dict) or not data.get("access_token") or not data.get("refresh_token"):
        return None
    return TokenPair(str(data["access_token"]), str(data["refresh_token"]), float(data.get("expires_in") or 3600))
