"""Template helpers of the portal pages."""

from __future__ import annotations

from django import template

from motcua.portal.catalog import vnd as _vnd

register = template.Library()


@register.filter
def vnd(amount: int | None) -> str:
    """``{{ dossier.fees_due|vnd }}`` -> "50.000 đồng"."""
    return _vnd(amount or 0)
