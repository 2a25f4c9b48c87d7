"""What the worker runs for the postal service: the ``post.order`` outbox destination (an order
created at the post: ``services.deliver``), the periodic tracking pull (``pull_tracking``), the
event hook (a finished dossier whose result goes by post gets its delivery order) and the client
built from the settings (``client()``: None while ``MOTCUA_POST_URL`` is unset, i.e. the
integration is off).

Settings (environment; to move into motcua.conf.CONFIG, see /work/notes/requests-post.md):
``MOTCUA_POST_URL``, ``MOTCUA_POST_CUSTOMER_CODE``, ``MOTCUA_POST_CUSTOMER_KEY``,
``MOTCUA_POST_CUSTOMER_SECRET`` (development defaults: the simulator's), ``MOTCUA_POST_CONNECT_TIMEOUT``
(5 s), ``MOTCUA_POST_READ_TIMEOUT`` (20 s), ``MOTCUA_POST_TRACK_EVERY`` (seconds between two tracking
pulls, 300), ``MOTCUA_POST_POOL_REFILL`` (codes asked of the post when the pool is empty, 100)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from django_tasks import task

from motcua.conf import CONFIG

from .client import HttpPost
from .simulator import SIM_CUSTOMER, SIM_KEY, SIM_SECRET

DESTINATION = "post.order"


@dataclass(frozen=True)
class Settings:
    url: str = ""
    customer_code: str = ""
    key: str = ""
    secret: str = ""
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    track_every: float = 300.0
    pool_refill: int = 100


def load_settings(environ: dict[str, str] | os._Environ[str] = os.environ) -> Settings:
    g = environ.get
    dev = not CONFIG.production
    s = Settings(url=g("MOTCUA_POST_URL", "").rstrip("/"),
                 customer_code=g("MOTCUA_POST_CUSTOMER_CODE", SIM_CUSTOMER if dev else ""),
                 key=g("MOTCUA_POST_CUSTOMER_KEY", SIM_KEY if dev else ""),
                 secret=g("MOTCUA_POST_CUSTOMER_SECRET", SIM_SECRET if dev else ""),
                 connect_timeout=float(g("MOTCUA_POST_CONNECT_TIMEOUT", "5")),
                 read_timeout=float(g("MOTCUA_POST_READ_TIMEOUT", "20")),
                 track_every=float(g("MOTCUA_POST_TRACK_EVERY", "300")),
                 pool_refill=int(g("MOTCUA_POST_POOL_REFILL", "100")))
    if s.url and CONFIG.production and (not (s.customer_code and s.key and s.secret) or s.secret == SIM_SECRET):
        from motcua.conf import ConfigError

        raise ConfigError("MOTCUA_POST_CUSTOMER_CODE, _KEY and _SECRET must be set (not the simulator's)")
    return s


SETTINGS = load_settings()
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
