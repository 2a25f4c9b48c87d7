"""The postal parts of other apps' pages: the citizen's dossier page (orders, tracking and the
"send my papers by post" form) and the counter's intake form (register a dossier sent by post:
its second submit button posts the same form to ``post:register``)."""

from __future__ import annotations

from typing import Any

from motcua.catalog.choices import Channel


def intake_provider(actor: Any, setup: Any, request: Any) -> dict[str, Any] | None:
    from .jobs import enabled

    if not enabled() or not setup.version.accepts_channel(Channel.POST):
        return None
    return {"address": str(request.POST.get("post-address", ""))[:500]}


def register() -> None:
    from motcua.office import sections as office
    from motcua.portal import sections as portal

    from . import services

    portal.register_dossier(portal.DossierSection("post", "post/_portal_post.html", services.portal_status, order=60))
    office.register_intake(office.IntakeSection("post", "post/_intake_post.html", intake_provider, order=200))
