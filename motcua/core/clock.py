"""The one place that knows about local time (Asia/Ho_Chi_Minh) and "now"."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def now() -> datetime:
    return timezone.now()


def local(at: datetime) -> datetime:
    return at.astimezone(LOCAL_TZ)


def local_date(at: datetime) -> date:
    return local(at).date()


def aware(at: datetime) -> datetime:
    """Interpret a naive datetime as local Vietnamese time; pass aware ones through (as UTC)."""
    if at.tzinfo is None:
        return at.replace(tzinfo=LOCAL_TZ).astimezone(UTC)
    return at.astimezone(UTC)


def fmt(at: datetime | None) -> str:
    return "" if at is None else local(at).strftime("%H:%M %d/%m/%Y")
