"""motcua's data to the postal service's wire format and back: pure functions, no Django.

An order (``Order``) is what motcua asks the post to carry: a dossier collected from the
applicant (``SERVICE_PICKUP``) or a result delivered to them (``SERVICE_DELIVERY``). Its
``OrderNumber`` is the dossier code, its ``ItemCode`` a tracking code from the pool the post
office allocated in advance (UPU S10: two letters, eight digits, a check digit, ``VN``).

Tracking statuses (INTEGRATIONS.md section 3): 0 unused, 1 registered, 2 collecting (picked up,
on its way), 3 delivered, 4 cancelled. A status never moves an order backwards: ``rank`` orders
them and both 3 and 4 are final (the first final status wins)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
WIRE_TIME = "%d/%m/%Y %H:%M:%S"
CREATED = "100"  # the post's reply Status for a created order (and any successful call)
DUPLICATE = "102"  # OrderNumber already has an order of this service
BAD_ITEM_CODE = "103"  # the ItemCode was not allocated to this customer, or is used already
SERVICE_PICKUP = "THU_GOM_HO_SO"  # collect the dossier from the applicant, bring it to the unit
SERVICE_DELIVERY = "PHAT_KET_QUA"  # carry the result from the unit to the applicant

UNUSED, REGISTERED, COLLECTING, DELIVERED, CANCELLED = 0, 1, 2, 3, 4
STATUS_LABELS = {UNUSED: "Chưa sử dụng", REGISTERED: "Đã đăng ký", COLLECTING: "Đang thu gom / vận chuyển",
                 DELIVERED: "Đã phát thành công", CANCELLED: "Đã hủy"}
FINAL = frozenset({DELIVERED, CANCELLED})
LIMITS = {"SenderName": 200, "ReceiverName": 200, "SenderAddress": 500, "ReceiverAddress": 500,
          "SenderPhone": 20, "ReceiverPhone": 20, "SenderEmail": 100, "ReceiverEmail": 100,
          "SenderDesc": 1000, "Description": 500}
S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


@dataclass(frozen=True)
class Party:
    """A sender or receiver as the post takes it (province and district: VNPost's codes)."""

    name: str
    address: str = ""
    phone: str = ""
    email: str = ""
    province: str = ""
    district: str = ""

    def fields(self, prefix: str) -> dict[str, str]:
        return {f"{prefix}Name": self.name, f"{prefix}Address": self.address, f"{prefix}Phone": self.phone,
                f"{prefix}Email": self.email, f"{prefix}Province": self.province,
                f"{prefix}District": self.district}


def rank(status: int) -> int:
    """How far along an order is: a status of a lower or equal rank never replaces the current one."""
    return {UNUSED: 0, REGISTERED: 1, COLLECTING: 2, DELIVERED: 3, CANCELLED: 3}.get(status, -1)


def moves_forward(current: int, new: int) -> bool:
    return current not in FINAL and rank(new) > rank(current)


def s10_check_digit(serial: str) -> int:
    """The UPU S10 check digit of an eight-digit serial number."""
    if len(serial) != 8 or not serial.isdigit():
        raise ValueError(f"an S10 serial has eight digits: {serial!r}")
    check = 11 - sum(int(c) * w for c, w in zip(serial, S10_WEIGHTS, strict=True)) % 11
    return {10: 0, 11: 5}.get(check, check)


def item_code(prefix: str, number: int) -> str:
    """The S10 item code ``prefix`` + serial + check digit + ``VN`` (``EB00000017VN``)."""
    serial = f"{number:08d}"
    return f"{prefix}{serial}{s10_check_digit(serial)}VN"


def valid_item_code(code: str) -> bool:
    return (len(code) == 13 and code[:2].isalpha() and code[:2].isupper() and code[2:11].isdigit()
            and code[11:] == "VN" and s10_check_digit(code[2:10]) == int(code[10]))


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def components_text(components: list[tuple[str, int, int]]) -> str:
    """SenderDesc: the dossier's components, "name (originals bản chính, copies bản sao)"."""
    parts = []
    for name, originals, copies in components:
        counts = [f"{originals} bản chính"] if originals else []
        counts += [f"{copies} bản sao"] if copies else []
        parts.append(f"{name} ({', '.join(counts)})" if counts else name)
    return "; ".join(parts)


def order_body(*, customer_code: str, service: str, order_number: str, item_code: str, cod_amount: int,
               sender: Party, receiver: Party, sender_desc: str, description: str) -> dict[str, Any]:
    """The post's create-order request body, every text cut to the post's limits."""
    body: dict[str, Any] = {
        "CustomerCode": customer_code, "ServiceType": service, "OrderNumber": order_number,
        "ItemCode": item_code, "CODAmount": int(cod_amount), **sender.fields("Sender"),
        **receiver.fields("Receiver"), "SenderDesc": sender_desc, "Description": description,
    }
    return {k: truncate(v, LIMITS[k]) if k in LIMITS and isinstance(v, str) else v for k, v in body.items()}


def format_time(moment: datetime) -> str:
    return moment.astimezone(LOCAL).strftime(WIRE_TIME)


def parse_time(text: str) -> datetime | None:
    """The post's ``dd/MM/yyyy HH:mm:ss`` local time (None when absent or malformed)."""
    try:
        return datetime.strptime(str(text), WIRE_TIME).replace(tzinfo=LOCAL)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class TrackingRow:
    """One row of the tracking feed: the post's id (the paging cursor) and the order's new status."""

    id: int
    order_number: str
    item_code: str
    status: int
    message: str
    at: datetime | None


def parse_tracking(row: dict[str, Any]) -> TrackingRow:
    """A feed row (``{id, orderNumber, itemCode, statusCode, statusMessage, time}``); ValueError if unusable."""
    try:
        status = int(row["statusCode"])
        row_id = int(row["id"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"unusable tracking row: {row!r}") from exc
    return TrackingRow(id=row_id, order_number=str(row.get("orderNumber") or ""),
                       item_code=str(row.get("itemCode") or ""), status=status,
                       message=str(row.get("statusMessage") or STATUS_LABELS.get(status, "")),
                       at=parse_time(row.get("time", "")))
