"""motcua's feedback data to GeoReport v2 fields and back: pure functions on plain values.

Only the spec's public fields leave motcua: a request's answer never carries the sender's name,
phone, e-mail or identity number (the spec's GET answers have no such fields)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from motcua.core import clock

SPEC_URL = "http://wiki.open311.org/GeoReport_v2"
MAX_RESULTS = 1000
WINDOW = timedelta(days=90)
DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
_ATTRIBUTE = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")
_LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


class BadInput(ValueError):
    """A parameter the spec defines has a value it does not allow: a 400 answer."""


def when(at: datetime | None) -> str | None:
    """ISO 8601 with the offset (local time of Vietnam, +07:00), as the spec's examples."""
    return None if at is None else clock.local(at).isoformat(timespec="seconds")


def parse_when(name: str, raw: str) -> datetime:
    """A W3C datetime (``2010-01-01T00:00:00Z``, with an offset, or a local date/time)."""
    try:
        at = datetime.fromisoformat(raw.strip())
    except ValueError as err:
        raise BadInput(_("%(name)s phải là thời điểm theo ISO 8601 (ví dụ 2026-01-01T00:00:00+07:00).")
                       % {"name": name}) from err
    return at if at.tzinfo else at.replace(tzinfo=_LOCAL)


def localized(obj: Any, name: str) -> str:
    """``obj.<name>_en`` when the page's language is English and it is filled, else ``obj.<name>``."""
    if (get_language() or "vi").startswith("en"):
        english = getattr(obj, f"{name}_en", "")
        if english:
            return str(english)
    return str(getattr(obj, name, "") or "")


# ---- services ---------------------------------------------------------------------------------

def _keywords(category: Any) -> str:
    words = getattr(category, "keywords", "")
    return ", ".join(words) if isinstance(words, list | tuple) else str(words or "")


def _group(category: Any) -> str:
    group = getattr(category, "group", "")
    if group and not isinstance(group, str):
        return localized(group, "name")
    if callable(getattr(category, "get_group_display", None)):
        return str(category.get_group_display())
    return str(group or "")


def service_of(category: Any, attributes: list[Any]) -> dict[str, Any]:
    return {"service_code": category.code, "service_name": localized(category, "name"),
            "description": localized(category, "description"), "metadata": bool(attributes),
            "type": "realtime", "keywords": _keywords(category), "group": _group(category)}


def _values(values: Any) -> list[dict[str, str]] | None:
    values = values or []
    if isinstance(values, dict):
        values = list(values.items())
    out = []
    for v in values:
        key, name = (v.get("key"), v.get("name")) if isinstance(v, dict) else (v[0], v[1])
        out.append({"key": str(key), "name": str(name)})
    return out or None


def _get(attribute: Any, name: str, default: Any = "") -> Any:
    if isinstance(attribute, dict):
        return attribute.get(name, default)
    return getattr(attribute, name, default)


def attribute_of(attribute: Any, index: int) -> dict[str, Any]:
    datatype = str(_get(attribute, "datatype", "string") or "string")
    values = _values(_get(attribute, "values", None))
    return {"variable": True, "code": str(_get(attribute, "code")),
            "datatype": datatype if datatype in DATATYPES else "string",
            "required": bool(_get(attribute, "required", False)),
            "datatype_description": str(_get(attribute, "datatype_description", "") or ""),
            "order": int(_get(attribute, "order", index + 1) or index + 1),
            "description": str(_get(attribute, "description", "") or _get(attribute, "label", "")),
            "values": values if datatype.endswith("valuelist") else None}


def definition_of(category: Any, attributes: list[Any]) -> dict[str, Any]:
    return {"service_code": category.code,
            "attributes": [attribute_of(a, i) for i, a in enumerate(attributes)]}


# ---- service requests -------------------------------------------------------------------------

def _notice(case: Any) -> str:
    unit = getattr(case.unit, "name", "") if getattr(case, "unit", None) else ""
    if case.is_open and case.due_at and unit:
        return _("%(unit)s giải quyết, trả lời trước %(due)s.") % {
            "unit": unit, "due": clock.local(case.due_at).strftime("%d/%m/%Y")}
    return ""


def request_of(case: Any, media_url: str | None = None) -> dict[str, Any]:
    """A case as the spec's request (GET requests, requests/{id}): public fields only."""
    unit = case.unit.name if getattr(case, "unit", None) else ""
    return {
        "service_request_id": case.code,
        "status": "open" if case.is_open else "closed",
        "status_notes": str(case.public_status_note() or ""),
        "service_name": localized(case.category, "name"),
        "service_code": case.category.code,
        "description": case.description,
        "agency_responsible": unit,
        "service_notice": _notice(case),
        "address_id": None,
        "requested_datetime": when(case.received_at),
        "updated_datetime": when(case.updated_at),
        "expected_datetime": when(case.due_at) if case.is_open else None,
        "address": case.address or "",
        "zipcode": None,
        "lat": None if case.lat is None else float(case.lat),
        "long": None if case.lon is None else float(case.lon),
        "media_url": media_url or None,
    }


def created_of(case: Any) -> dict[str, Any]:
    """The answer to a POST that created the case at once."""
    return {"service_request_id": case.code, "service_notice": _notice(case), "account_id": None}


# ---- the request filters (GET requests) -------------------------------------------------------

@dataclass
class Filters:
    codes: list[str] = field(default_factory=list)  # service_request_id: overrides the others
    service_codes: list[str] = field(default_factory=list)
    start: datetime | None = None
    end: datetime | None = None
    is_open: bool | None = None


def _csv(raw: str) -> list[str]:
    return [p.strip() for p in raw.split(",") if p.strip()]


def _status(raw: str) -> bool | None:
    wanted = {s.lower() for s in _csv(raw)}
    if wanted - {"open", "closed"}:
        raise BadInput(_("status chỉ nhận open hoặc closed."))
    return None if len(wanted) != 1 else wanted == {"open"}


def _window(start: datetime | None, end: datetime | None, now: datetime) -> tuple[datetime, datetime | None]:
    """The requested range (both ends included), at most 90 days; by default the last 90 days."""
    if start and end and start > end:
        raise BadInput(_("start_date phải trước end_date."))
    if start and end and end - start > WINDOW:
        raise BadInput(_("Khoảng thời gian tìm kiếm không được quá 90 ngày."))
    if start is None:
        return (end or now) - WINDOW, end
    return start, end or start + WINDOW


def filters_of(params: dict[str, str], now: datetime) -> Filters:
    """The spec's filters; without dates the window is the last 90 days."""
    codes = _csv(params.get("service_request_id", ""))
    if codes:
        return Filters(codes=codes[:MAX_RESULTS])
    start = parse_when("start_date", params["start_date"]) if params.get("start_date") else None
    end = parse_when("end_date", params["end_date"]) if params.get("end_date") else None
    start, end = _window(start, end, now)
    return Filters(service_codes=_csv(params.get("service_code", "")), start=start, end=end,
                   is_open=_status(params.get("status", "")))


# ---- a POSTed request to a feedback submission ------------------------------------------------

def attributes_of(post: Any) -> dict[str, Any]:
    """``attribute[CODE]=v`` (one value) and ``attribute[CODE][]=v`` (repeated: multivaluelist)."""
    out: dict[str, Any] = {}
    for key in post:
        m = _ATTRIBUTE.match(key)
        if m:
            values = post.getlist(key)
            out[m.group(1)] = values if m.group(2) or len(values) > 1 else values[0]
    return out


def _coordinate(post: Any, name: str, limit: float) -> float | None:
    raw = (post.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError as err:
        raise BadInput(_("%(name)s phải là số thập phân (WGS84).") % {"name": name}) from err
    if not -limit <= value <= limit:
        raise BadInput(_("%(name)s nằm ngoài khoảng cho phép.") % {"name": name})
    return value


def submission_of(post: Any) -> dict[str, Any]:
    """The feedback Submission's keyword arguments from the spec's POST fields (without photos)."""
    lat, lon = _coordinate(post, "lat", 90), _coordinate(post, "long", 180)
    address = (post.get("address_string") or "").strip() or (post.get("address_id") or "").strip()
    if (lat is None) != (lon is None):
        raise BadInput(_("Cần gửi cả lat và long."))
    if lat is None and not address:
        raise BadInput(_("Cần vị trí: lat và long, address_string hoặc address_id."))
    name = " ".join(p for p in ((post.get("first_name") or "").strip(), (post.get("last_name") or "").strip()) if p)
    phone, email = (post.get("phone") or "").strip(), (post.get("email") or "").strip()
    return {"category_code": (post.get("service_code") or "").strip(),
            "description": (post.get("description") or "").strip(),
            "sender_name": name, "sender_phone": phone, "sender_email": email,
            "anonymous": not (name or phone or email), "lat": lat, "lon": lon, "address": address,
            "attributes": attributes_of(post)}


# Submission field names (the feedback service's errors) to the spec's POST field names
FIELD_NAMES = {"category_code": "service_code", "lon": "long", "address": "address_string",
               "sender_email": "email", "sender_phone": "phone", "sender_name": "first_name",
               "photos": "media_url"}


def field_name(name: str) -> str:
    if name.startswith("attributes."):
        return f"attribute[{name.split('.', 1)[1]}]"
    return FIELD_NAMES.get(name, name)
