"""What the worker runs for the postal service: the ``post.order`` outbox destination (an order
created at the post: ``services.deliver``), the periodic tracking pull (``pull_tracking``), the
event hook (a finished dossier whose result goes by post gets its delivery order) and the client
built from the settings (``client()``: None while ``MOTCUA_POST_URL`` is unset, i.e. the
integration is off).

Settings: ``motcua.conf.CONFIG.post`` (a typed :class:`motcua.conf.PostConfig`, validated at start):
``MOTCUA_POST_URL``, ``MOTCUA_POST_CUSTOMER_CODE``, ``MOTCUA_POST_CUSTOMER_KEY``,
``MOTCUA_POST_CUSTOMER_SECRET`` (development defaults: the simulator's), ``MOTCUA_POST_CONNECT_TIMEOUT``
(5 s), ``MOTCUA_POST_READ_TIMEOUT`` (20 s), ``MOTCUA_POST_TRACK_EVERY`` (seconds between two tracking
pulls, 300), ``MOTCUA_POST_POOL_REFILL`` (codes asked of the post when the pool is empty, 100)."""

from __future__ import annotations

import os

from django_tasks import task

from motcua.conf import CONFIG, PostConfig, load_post

from .client import HttpPost

DESTINATION = "post.order"


Settings = PostConfig  # the name the postal code and its tests use


def load_settings(environ: dict[str, str] | os._Environ[str] = os.environ) -> Settings:
    """The settings from ``environ`` (what CONFIG.post was read with at start), validated."""
    return load_post(environ, CONFIG.production)


SETTINGS: Settings = CONFIG.post  # tests replace it (monkeypatch.setattr(jobs, "SETTINGS", ...))
_client: HttpPost | None = None


def enabled() -> bool:
    return bool(SETTINGS.url)


def client() -> HttpPost | None:
    """This process's postal client, or None when the integration is off."""
    global _client
    if not SETTINGS.url:
        return None
    if _client is None or _client.url != SETTINGS.url:
        _client = HttpPost.from_settings(SETTINGS)
    return _client


@task()
def pull_tracking() -> str:
    """Read the post's tracking feed from the saved cursor and apply every status to its order."""
    from . import services

    c = client()
    if c is None:
        return "integration off"
    return str(services.pull_tracking(c))


def register() -> None:
    """The destination, the event hook and the periodic tracking pull."""
    from motcua.dossiers import services as dossiers
    from motcua.jobs import periodic, registry

    from . import services

    registry.register(DESTINATION, services.deliver)
    if services.on_event not in dossiers.EVENT_HOOKS:
        dossiers.EVENT_HOOKS.append(services.on_event)
    periodic.register("post.tracking", lambda: SETTINGS.track_every,
                      lambda: enabled() and pull_tracking.using(priority=10).enqueue())
