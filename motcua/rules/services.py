"""The rule set of a dossier: the rules in force on its receipt day (local Vietnamese date).

A dossier not yet received (registered online, refused before receipt) is shown the rules of the day
it was submitted; at receipt it takes those of the receipt day, which it keeps for good.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from motcua.core import clock
from motcua.domain.rules import FormSpec, RuleSet, rules_for


def receipt_day(d: Any) -> date:
    """The local date whose rules judge the dossier ``d`` (received, else submitted, else today)."""
    at: datetime = d.received_at or d.submitted_at or clock.now()
    return clock.local_date(at)


def rules_at(at: datetime) -> RuleSet:
    """The rules in force at the instant ``at`` (its date in Vietnam: the boundary is local midnight)."""
    return rules_for(clock.local_date(at))


def rules_of(d: Any) -> RuleSet:
    return rules_for(receipt_day(d))


def form_of(d: Any, role: str) -> FormSpec | None:
    """The official form of ``role`` for the dossier's rules (None: no form number known)."""
    return rules_of(d).form(role)


def title_of(d: Any, role: str, default: str) -> str:
    form = form_of(d, role)
    return form.title if form is not None else default
