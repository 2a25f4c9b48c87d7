"""Lock out password guessing: MAX_FAILURES failed sign-ins for one username from one address
within WINDOW lock that pair for LOCK_FOR after the last failure. Attempts while locked are
refused without checking the password and are not recorded (they do not extend the lock)."""

from __future__ import annotations

from datetime import datetime, timedelta

from motcua.core import clock

from .models import LoginFailure

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
LOCK_FOR = timedelta(minutes=15)


def _key(username: str) -> str:
    return (username or "").strip().lower()[:150]


def locked_until(username: str, ip: str) -> datetime | None:
    """When the lock on ``username`` from ``ip`` lifts, or None if it is not locked now."""
    now = clock.now()
    recent = list(LoginFailure.objects.filter(username=_key(username), ip=ip, at__gt=now - WINDOW - LOCK_FOR)
                  .order_by("-at").values_list("at", flat=True)[:MAX_FAILURES])
    if len(recent) < MAX_FAILURES or recent[0] - recent[-1] > WINDOW:
        return None
    until = recent[0] + LOCK_FOR
    return until if until > now else None


def record_failure(username: str, ip: str) -> None:
    now = clock.now()
    key = _key(username)
    LoginFailure.objects.filter(username=key, ip=ip, at__lte=now - WINDOW - LOCK_FOR).delete()
    LoginFailure.objects.create(username=key, ip=ip, at=now)


def clear_failures(username: str, ip: str) -> None:
    LoginFailure.objects.filter(username=_key(username), ip=ip).delete()
