"""``{% rules_of dossier as rs %}``: the rule set a dossier is judged under (motcua.rules.services)."""

from __future__ import annotations

from typing import Any

from django import template

from motcua.domain.rules import RuleSet

from .. import services

register = template.Library()


@register.simple_tag
def rules_of(dossier: Any) -> RuleSet:
    return services.rules_of(dossier)
