"""Template helpers of the queue pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def calls_numbers(user: object) -> bool:
    """Whether the user is a counter officer with a counter to call at (the "Gọi số" menu entry)."""
    from motcua.dossiers.services import Actor
    from motcua.units.choices import Role

    if not getattr(user, "is_authenticated", False):
        return False
    actor = Actor.of(user)
    if not actor.scope.is_superuser and not actor.scope.has_role(Role.COUNTER_OFFICER):
        return False
    from motcua.queueing.calling import is_counter_officer

    return is_counter_officer(actor)
