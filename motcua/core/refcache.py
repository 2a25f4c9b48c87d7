"""Caches of data read on every request.

Two layers, for two kinds of data:

* ``shared(kind, key, load)``: authorization data several servers must agree on at once: staff roles
  and API tokens. It lives in Django's cache (``CACHES["default"]``: Redis when ``MOTCUA_REDIS_URL``
  is set, so every server process reads the same entry) and is deleted from it when a role, a token or
  a user is saved or deleted. A revoked role or token stops working at once in every server. There is
  no per-process copy of these: a process cannot know another one changed them. (Without Redis, the
  default per-process memory cache gives the same guarantee to a single-process server only: run
  several server processes with ``MOTCUA_REDIS_URL``.)
* ``cached(kind, key, load, ttl)``: a tiny per-process layer for reference data that changes rarely
  and where a short delay is harmless or checked: units by code, procedures with their versions and
  components (``TTL`` seconds, dropped at once in the process that saves a change), and the calendar
  revision number, which the calendar service re-reads at most once a second and compares with the
  database before reusing a calendar.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

TTL = 30.0
SHARED_TTL = 300  # seconds; only a safety net: entries are deleted when their data change
_lock = threading.Lock()
_entries: dict[tuple[str, str], tuple[float, Any]] = {}
_MISSING = object()


def cached(kind: str, key: str, load: Callable[[], Any], ttl: float = TTL) -> Any:
    """Per-process, for reference data only (see the module docstring)."""
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
    """Drop this process's reference-data entries (the shared entries are deleted one by one)."""
    with _lock:
        _entries.clear()


def _shared_key(kind: str, key: str) -> str:
    return f"motcua:ref:{kind}:{key}"


def shared(kind: str, key: str, load: Callable[[], Any], ttl: int = SHARED_TTL) -> Any:
    """From Django's cache, shared by every server process (see the module docstring)."""
    from django.core.cache import cache

    k = _shared_key(kind, key)
    value = cache.get(k, _MISSING)
    if value is _MISSING:
        value = load()
        cache.set(k, value, ttl)
    return value


def forget_shared(kind: str, *keys: str) -> None:
    from django.core.cache import cache

    if keys:
        cache.delete_many([_shared_key(kind, k) for k in keys])


# ---- invalidation of the shared entries ----------------------------------------------------------

def _role_changed(sender: Any, instance: Any, **_kwargs: Any) -> None:
    forget_shared("roles", str(instance.user_id))


def _token_changed(sender: Any, instance: Any, **_kwargs: Any) -> None:
    forget_shared("token", instance.key_hash)


def _user_changed(sender: Any, instance: Any, update_fields: Any = None, **_kwargs: Any) -> None:
    """A deactivated user's tokens and roles must stop working everywhere at once."""
    from motcua.core.models import ApiToken

    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a sign-in, not a change of rights

    forget_shared("roles", str(instance.pk))
    forget_shared("token", *ApiToken.objects.filter(user_id=instance.pk).values_list("key_hash", flat=True))


def connect_signals() -> None:
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_delete, post_save, pre_delete

    from motcua.catalog.models import Component, Procedure, ProcedureVersion, ProcessStep
    from motcua.core.models import ApiToken
    from motcua.units.models import StaffRole, Unit

    for model in (Unit, Procedure, ProcedureVersion, Component, ProcessStep):
        post_save.connect(clear, sender=model, dispatch_uid=f"refcache-save-{model.__name__}")
        post_delete.connect(clear, sender=model, dispatch_uid=f"refcache-delete-{model.__name__}")
    for model, handler in ((StaffRole, _role_changed), (ApiToken, _token_changed)):
        post_save.connect(handler, sender=model, dispatch_uid=f"refcache-shared-save-{model.__name__}")
        post_delete.connect(handler, sender=model, dispatch_uid=f"refcache-shared-delete-{model.__name__}")
    user = get_user_model()
    post_save.connect(_user_changed, sender=user, dispatch_uid="refcache-shared-save-user")
    pre_delete.connect(_user_changed, sender=user, dispatch_uid="refcache-shared-delete-user")
    # a unit's path is in every role entry (scope by unit path): moving a unit changes what roles cover
    post_save.connect(_unit_moved, sender=Unit, dispatch_uid="refcache-shared-unit")


def _unit_moved(sender: Any, instance: Any, created: bool = False, **_kwargs: Any) -> None:
    if not created:
        from motcua.units.models import StaffRole

        users = StaffRole.objects.filter(unit_id=instance.pk).values_list("user_id", flat=True).distinct()
        forget_shared("roles", *(str(u) for u in users))
