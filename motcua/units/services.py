"""Unit tree maintenance and the scoping rules every query goes through."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from .choices import Role


def refresh_path(unit) -> None:  # noqa: ANN001
    """Recompute the materialized path of ``unit`` and its descendants after a save, and rewrite
    the copies of those paths every query scopes by: the dossiers' receiving/handling paths (open
    and finished: they belong to their unit) and the staff roles' cached scopes."""
    from .models import Unit

    expected = (unit.parent.path if unit.parent_id else "/") + f"{unit.pk}/"
    if unit.path == expected:
        return
    old = unit.path
    Unit.objects.filter(pk=unit.pk).update(path=expected)
    unit.path = expected
    if old:
        rewrite_prefix(old, expected)


def rewrite_prefix(old: str, new: str) -> None:
    """Every path under ``old`` now lies under ``new``: units and dossiers rewritten in bulk SQL, the
    moved dossiers queued for the statistics read model, the roles of the subtree's staff forgotten."""
    from django.db import connection, transaction
    from django.db.models import Value
    from django.db.models.functions import Concat, Substr

    from motcua.core.refcache import forget_shared
    from motcua.dossiers.models import Dossier

    from .models import StaffRole, Unit

    def moved(field: str):  # noqa: ANN202
        return Concat(Value(new), Substr(field, len(old) + 1))

    Unit.objects.filter(path__startswith=old).update(path=moved("path"))
    for field in ("receiving_path", "handling_path"):
        Dossier.objects.filter(**{f"{field}__startswith": old}).update(**{field: moved(field)})
    with connection.cursor() as cur:
        cur.execute("INSERT INTO reports_dirtydossier (dossier_id) SELECT id FROM dossiers_dossier "
                    "WHERE handling_path LIKE %s", [new + "%"])
    users = [str(u) for u in StaffRole.objects.filter(unit__path__startswith=new)
             .values_list("user_id", flat=True).distinct()]
    forget_shared("roles", *users)
    transaction.on_commit(lambda: forget_shared("roles", *users))


@dataclass(frozen=True)
class Scope:
    """What a user may see: the unit subtrees per role. Superusers see everything."""

    user_id: int | None
    is_superuser: bool
    roles: tuple[tuple[str, str, int], ...]  # (role, unit path, unit id)

    @property
    def is_staff_member(self) -> bool:
        return self.is_superuser or bool(self.roles)

    def paths(self, roles: Iterable[str] | None = None) -> list[str]:
        wanted = set(roles) if roles is not None else None
        return sorted({p for r, p, _ in self.roles if wanted is None or r in wanted})

    def has_role(self, role: str, path: str | None = None) -> bool:
        """True if the user holds ``role`` at a unit whose subtree contains ``path``."""
        if self.is_superuser:
            return True
        return any(r == role and (path is None or path.startswith(p)) for r, p, _ in self.roles)

    def covers(self, path: str) -> bool:
        return self.is_superuser or any(path.startswith(p) for _, p, _ in self.roles)

    def dossier_filter(self, *prefixes: str) -> Q:
        """Q restricting dossiers to those received or handled inside the user's units."""
        if self.is_superuser:
            return Q()
        q = Q(pk__in=[])
        for p in self.paths():
            for field in prefixes or ("receiving_path", "handling_path"):
                q |= Q(**{f"{field}__startswith": p})
        return q


def scope_for(user) -> Scope:  # noqa: ANN001
    if user is None or not getattr(user, "is_authenticated", False):
        return Scope(None, False, ())
    from motcua.core.refcache import shared

    roles = shared("roles", str(user.pk),  # shared by every server: a revoked role stops at once
                   lambda: tuple(user.staff_roles.values_list("role", "unit__path", "unit_id")))
    return Scope(user.pk, bool(user.is_superuser), roles)


STAFF_ROLES = tuple(Role.values)
