"""What the worker runs for the national portal.

Today: the client built from the settings (``portal()``: None while ``MOTCUA_NATIONAL_PORTAL_URL``
is unset, i.e. the integration is off). The outbox destination that pushes dossiers and trails
(``national_portal``), the inbound pull and the catalog pull register here when they are built
(issue 9, parts 2 and 3); until then nothing is sent to the portal."""

from __future__ import annotations

from motcua.conf import CONFIG

from .client import HttpPortal

_client: HttpPortal | None = None


def portal() -> HttpPortal | None:
    """This process's portal client, or None when the integration is off."""
    global _client
    if not CONFIG.national_portal_url:
        return None
    if _client is None:
        _client = HttpPortal.from_config(CONFIG)
    return _client
