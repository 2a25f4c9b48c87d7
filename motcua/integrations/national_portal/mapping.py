"""motcua's data to the portal's wire format and back: pure functions, no Django.

Dates travel as local time (Asia/Ho_Chi_Minh) ``yyyyMMddHHmmss``; text longer than the portal's
limit is cut with a marker rather than refused (the portal refuses it)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
WIRE_FORMAT = "%Y%m%d%H%M%S"
TRUNCATED = " […]"
TRAIL_ROWS_PER_CALL = 10  # CapNhatTienDoHoSoMC takes at most 10 rows
DOSSIER_LIMITS = {"TrichYeuHoSo": 1000}  # the limits the integrators document
FILE_NAME_LIMIT = 4000  # TaiLieuNop[].TenTepDinhKem
TRAIL_LIMITS = {"NguoiXuLy": 50}
STATUS_WORDS = {1: "receiving", 2: "new", 3: "denied", 4: "processing", 5: "waiting", 6: "paying",
                7: "cancelled", 8: "unresolved", 9: "releasing", 10: "done"}
T = TypeVar("T")


def format_time(moment: datetime) -> str:
    """An aware instant as the portal's local ``yyyyMMddHHmmss`` (a naive one is taken as local)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(LOCAL)
    return moment.strftime(WIRE_FORMAT)


def parse_time(text: str) -> datetime:
    """The portal's ``yyyyMMddHHmmss`` as an aware local datetime (ValueError when malformed)."""
    if len(text) != 14 or not text.isdigit():
        raise ValueError(f"not a yyyyMMddHHmmss date: {text!r}")
    return datetime.strptime(text, WIRE_FORMAT).replace(tzinfo=LOCAL)


def truncate(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, ending with a marker when it was cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(TRUNCATED))] + TRUNCATED[: limit]


def fit(record: dict[str, Any], limits: dict[str, int]) -> dict[str, Any]:
    """A copy of ``record`` with every limited text field truncated to its limit."""
    return {k: truncate(v, limits[k]) if k in limits and isinstance(v, str) else v for k, v in record.items()}


def chunks(rows: Sequence[T], size: int) -> Iterator[list[T]]:
    """``rows`` in consecutive chunks of at most ``size`` (the trail is sent this way)."""
    if not 1 <= size <= TRAIL_ROWS_PER_CALL:
        raise ValueError(f"chunk size must be 1-{TRAIL_ROWS_PER_CALL}")
    for i in range(0, len(rows), size):
        yield list(rows[i : i + size])
