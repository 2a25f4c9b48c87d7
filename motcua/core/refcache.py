"""A small per-process cache of data read on every request that changes rarely: units by code,
procedures with their versions and components, API tokens and staff roles (authorization
data uses a shorter TTL: a revoked token or role stops working within ``AUTH_TTL`` seconds in
every server process, at once in the one that saved the change).

Reference data changes rarely (an administrator edits the catalog or the unit tree). Entries
live for ``TTL`` seconds and are dropped at once in the process that saves a change (signals);
other server processes see the change within ``TTL`` seconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

TTL = 30.0
AUTH_TTL = 10.0
_lock = threading.Lock()
_entries: dict[tuple[str, str], tuple[float, Any]] = {}


def cached(kind: str, key: str, load: Callable[[], Any], ttl: float = TTL) -> Any:
    now = time.monotonic()
    hit = _entries.get((kind, key))
    if hit is not None and now - hit[0] < ttl:
        return hit[1]
    value = load()
    with _lock:
        _entries[(kind, key)] = (now, value)
    return value


def forget(kind: str, key: str) -> None:
    with _lock:
        _entries.pop((kind, key), None)


def clear(*_args: Any, **_kwargs: Any) -> None:
    with _lock:
        _entries.clear()


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    from motcua.catalog.models import Component, Procedure, ProcedureVersion, ProcessStep
    from motcua.core.models import ApiToken
    from motcua.units.models import StaffRole, Unit

    for model in (Unit, Procedure, ProcedureVersion, Component, ProcessStep, StaffRole, ApiToken):
        post_save.connect(clear, sender=model, dispatch_uid=f"refcache-save-{model.__name__}")
        post_delete.connect(clear, sender=model, dispatch_uid=f"refcache-delete-{model.__name__}")
