"""What the worker runs for the national portal: the ``national_portal`` outbox destination (every
dossier event reaches the portal, in order: ``sync.deliver``), the periodic pulls of inbound
dossiers and catalog codes, and the client built from the settings (``portal()``: None while
``MOTCUA_NATIONAL_PORTAL_URL`` is unset, i.e. the integration is off)."""

from __future__ import annotations

from motcua.conf import CONFIG

from .client import HttpPortal

DESTINATION = "national_portal"
_client: HttpPortal | None = None


def enabled() -> bool:
    return bool(CONFIG.national_portal_url)


def portal() -> HttpPortal | None:
    """This process's portal client, or None when the integration is off."""
    global _client
    if not CONFIG.national_portal_url:
        return None
    if _client is None:
        _client = HttpPortal.from_config(CONFIG)
    return _client


def register() -> None:
    """The destination, the event hook and the periodic pulls (ahead of a delivery backlog: an
    online dossier filed on the portal should not wait behind a history being synced)."""
    from motcua.dossiers import services
    from motcua.jobs import periodic, registry

    from . import sync, tasks

    registry.register(DESTINATION, sync.deliver)
    if sync.on_event not in services.EVENT_HOOKS:
        services.EVENT_HOOKS.append(sync.on_event)
    periodic.register("national_portal.pull", lambda: CONFIG.national_portal_pull_every,
                      lambda: enabled() and tasks.pull_inbound.using(priority=10).enqueue())
    periodic.register("national_portal.catalog", lambda: CONFIG.national_portal_catalog_every,
                      lambda: enabled() and tasks.pull_catalog.using(priority=10).enqueue())
