"""Shared fixtures: a small province built through the real services, actors, frozen time."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

os.environ.setdefault("MOTCUA_ENV", "test")

from tests.factories import WEDNESDAY_9AM, World, build_world  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """Per-process caches (reference data, calendars) and Django's cache (roles, tokens, rate-limit
    counters, dashboard) must not leak ids or counts between tests."""
    from django.core.cache import cache

    from motcua.calendars import services as calendars
    from motcua.core import refcache

    refcache.clear()
    calendars._cache.clear()
    cache.clear()
    yield
    refcache.clear()
    calendars._cache.clear()
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts in the interface's default language (Vietnamese): a request served in
    English (LocaleMiddleware activates the language in the thread) must not leak into the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _flushable_event_log(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every transactional test ends with its event log emptied (triggers lifted), so Django's flush
    can run: the append-only triggers refuse DELETE, and on PostgreSQL TRUNCATE of a non-empty log."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (bool({"transactional_db", "live_server"} & set(request.fixturenames))
                     or (marker is not None and marker.kwargs.get("transaction", False)))
    if not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")  # set up first, so torn down after the purge below
    _reseed_shipped_data()  # an earlier transactional test's flush emptied what migrations load
    yield
    from tests.api.conftest import purge_event_log

    purge_event_log()


SHIPPED_DATA = [  # (migration module, its loading function): reference data migrations load
    ("motcua.feedback.migrations.0002_categories", "load"),
    ("motcua.portal.migrations.0002_rating_criteria", "load"),
    ("motcua.notifications.migrations.0002_default_templates", "install"),
    ("motcua.letters.migrations.0002_seed_templates", "seed"),
]


def _reseed_shipped_data() -> None:
    """Django's flush after a transactional test empties every table, the migrations' shipped rows too
    (feedback categories, rating criteria, message templates): put them back (each loader is idempotent)."""
    import importlib

    from django.apps import apps

    for module, func in SHIPPED_DATA:
        getattr(importlib.import_module(module), func)(apps, None)


@pytest.fixture(autouse=True)
def media(tmp_path: Path) -> Iterator[Path]:
    """Uploaded files go to a fresh folder per test (a live server's thread shares the process)."""
    from motcua.dossiers.storage import LocalStorage, set_storage

    root = tmp_path / "media"
    root.mkdir()
    set_storage(LocalStorage(root))
    yield root
    set_storage(None)


@pytest.fixture
def now(clock):  # noqa: ANN001, ANN201
    """A working morning: page and document tests run at a known instant."""
    return clock.set(WEDNESDAY_9AM)


@pytest.fixture
def world(db) -> World:  # noqa: ANN001
    return build_world()


@pytest.fixture
def client_of(world):  # noqa: ANN001, ANN201
    """``client_of("counter_a")``: a Django test client signed in (session) as that user."""
    from django.test import Client

    cache: dict[str, Client] = {}

    def make(username: str) -> Client:
        if username not in cache:
            c = Client()
            c.force_login(world.users[username])
            cache[username] = c
        return cache[username]

    return make


class FrozenClock:
    """Set the service layer's "now" (Asia/Ho_Chi_Minh wall time when naive)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.current: datetime | None = None
        monkeypatch.setattr("motcua.core.clock.now", self._now)

    def _now(self) -> datetime:
        from django.utils import timezone

        return self.current or timezone.now()

    def set(self, value: str | datetime) -> datetime:
        from motcua.core.clock import aware

        at = datetime.fromisoformat(value) if isinstance(value, str) else value
        self.current = aware(at)
        return self.current


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    return FrozenClock(monkeypatch)
