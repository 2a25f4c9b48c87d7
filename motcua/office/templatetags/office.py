"""Template helpers of the office pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def person(user: object) -> str:
    """A person's name in Vietnamese order (family name first), or their username."""
    if user is None:
        return ""
    name = f"{getattr(user, 'last_name', '')} {getattr(user, 'first_name', '')}".strip()
    return name or str(getattr(user, "username", ""))


@register.filter
def leads(user: object) -> bool:
    """Whether the user sees the leaders' dashboard (leader, monitor or administrator role)."""
    from motcua.units.services import scope_for

    scope = scope_for(user)
    return scope.is_superuser or any(scope.has_role(r) for r in ("leader", "monitor", "admin"))


@register.filter
def administers(user: object) -> bool:
    """Whether the user holds the administrator role somewhere (catalog mapping, inbound dossiers)."""
    from motcua.units.services import scope_for

    scope = scope_for(user)
    return scope.is_superuser or scope.has_role("admin")


@register.simple_tag(takes_context=True)
def office_menu(context: template.Context) -> dict[str, object]:
    """The header's menu entries the signed-in user may open (motcua/office/navigation.py)."""
    from motcua.units.services import scope_for

    from ..navigation import menu

    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    return menu(scope_for(context.get("user")), getattr(match, "view_name", "") or "")
