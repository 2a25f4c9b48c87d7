"""``{% population_options as pop %}``: whether the look-up is on, and the counter's reasons."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def population_options() -> dict[str, Any]:
    from .. import services
    from ..models import COUNTER_REASONS

    return {"enabled": services.enabled(), "reasons": [(r.value, r.label) for r in COUNTER_REASONS]}


@register.filter
def birth_text(citizen: Any) -> str:
    """dd/mm/yyyy, or the year alone when the record holds only the year."""
    if citizen is None:
        return ""
    return citizen.birth_date.strftime("%d/%m/%Y") if citizen.birth_date else str(citizen.birth_year)
