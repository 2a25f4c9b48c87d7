"""``{% collect_offer dossier %}``: the portal dossier page's offer of an appointment to collect the result."""

from __future__ import annotations

import logging
from typing import Any

from django import template

register = template.Library()
log = logging.getLogger("motcua.queueing")


@register.inclusion_tag("queueing/booking/_collect_offer.html")
def collect_offer(dossier: Any) -> dict[str, Any]:
    from motcua.queueing import appointments

    try:
        offer = appointments.collect_offer(dossier)
        existing = appointments.open_collect(dossier.pk) if offer else None
    except Exception:  # noqa: BLE001 - an offer must never break the dossier page
        log.exception("appointment offer of dossier %s", getattr(dossier, "pk", None))
        return {}
    return {"offer": offer, "existing": existing, "dossier": dossier}
