"""Reorganizations of the unit tree as dated operations: preview, apply (one transaction), schedule.

Specs, by kind (unit codes, never ids; see :mod:`motcua.units.reorgplan`)::

    merge            {"sources": [codes], "target_code": code}
                     or {"sources": [...], "target": {code, name, kind, parent_code}}
    split            {"source": code, "targets": [{code, name, kind, parent_code}, ...], "primary_code": code,
                      "children": {child code: target code}}
    dissolve         {"unit": district code}          its children move up to its parent
    rename           {"unit": code, "name": "..."}
    move             {"unit": code, "parent_code": code}
    merge_provinces  {"sources": [province codes], "target_code": code} (or "target": {...})

Applying: new units are created (established on the effective date), the children of ended units
move to their successor, open dossiers move to the successor with a TRANSFER event appended by the
dossier service layer (hash chain, hooks and read model as any event), finished ones stay with the
unit that handled them; staff roles, internal processes and (provinces) calendar overrides follow;
ended units keep their rows with ``dissolved_on`` and ``successor``; UnitSuccession and UnitVersion
rows record it all. Counters and code sequences stay with the unit that issued them: a gapless book
is per unit, the successor continues its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.domain.errors import Conflict, ValidationFailed

from . import reorgapply
from .models import Reorganization, ReorganizationKind, ReorganizationStatus, Unit
from .reorgplan import Spec, resolve

S = ReorganizationStatus
OPEN_STATUSES = (1, 2, 4, 5, 6, 9)  # NEW..FINANCIAL and PROCESSED (the result not yet collected)
COUNT_KEYS = ("open_dossiers", "finished_dossiers_kept", "staff_roles", "process_steps", "counters",
              "catalog_assignments", "calendar_overrides", "code_sequences", "units", "dossier_paths")


@dataclass
class Plan:
    """What applying a reorganization does: ``counts`` by COUNT_KEYS and human-readable ``lines``."""

    counts: dict[str, int]
    lines: list[str]
    spec: Spec = field(repr=False)


def create(*, kind: str, decision_number: str, decision_date: date | None, issuer: str,
           effective_on: date | None, spec: dict[str, Any], created_by: Any = None) -> Reorganization:
    """A draft reorganization, checked first (ValidationFailed with field errors, nothing written)."""
    r = Reorganization(kind=kind, decision_number=(decision_number or "").strip(), decision_date=decision_date,
                       issuer=(issuer or "").strip(), effective_on=effective_on, spec=spec,
                       created_by=created_by if getattr(created_by, "pk", None) else None)
    preview(r)
    r.save()
    return r


def preview(r: Reorganization) -> Plan:
    """What ``apply(r)`` would move, without writing anything."""
    spec = resolve(r)
    return reorgapply.measure(spec, r.effective_on)


def apply(r: Reorganization, actor: Any = None, at: datetime | None = None) -> dict[str, Any]:
    """Apply ``r`` in one transaction; returns its summary. A second apply is refused (Conflict).
    ``at``: when the TRANSFER events happen (default now; the demo replays its history)."""
    with transaction.atomic():
        if r.pk is None:
            preview(r)
            r.save()
        locked = Reorganization.objects.select_for_update().get(pk=r.pk)
        if locked.status == S.APPLIED:
            raise Conflict(_("Quyết định này đã được thực hiện."), fields={"status": locked.status})
        if locked.status == S.CANCELLED:
            raise Conflict(_("Quyết định này đã bị hủy."), fields={"status": locked.status})
        spec = resolve(locked)
        plan = reorgapply.measure(spec, locked.effective_on)
        summary = reorgapply.execute(locked, spec, actor, at or clock.now())
        summary["counts"] = {**plan.counts, **summary.get("counts", {})}
        locked.status, locked.summary, locked.applied_at = S.APPLIED, summary, clock.now()
        locked.save(update_fields=["status", "summary", "applied_at"])
    r.status, r.summary, r.applied_at = locked.status, locked.summary, locked.applied_at
    return summary


def schedule(r: Reorganization) -> Reorganization:
    """Mark a checked draft to be applied by the job on its effective date."""
    with transaction.atomic():
        if r.pk is None:
            preview(r)
            r.save()
        locked = Reorganization.objects.select_for_update().get(pk=r.pk)
        if locked.status != S.DRAFT:
            raise Conflict(_("Chỉ quyết định dự thảo mới được hẹn ngày thực hiện."), fields={"status": locked.status})
        preview(locked)
        locked.status = S.SCHEDULED
        locked.save(update_fields=["status"])
    r.status = locked.status
    return r


def cancel(r: Reorganization) -> Reorganization:
    updated = Reorganization.objects.filter(pk=r.pk, status__in=[S.DRAFT, S.SCHEDULED]).update(status=S.CANCELLED)
    if not updated:
        raise Conflict(_("Quyết định đã thực hiện không thể hủy."), fields={"status": r.status})
    r.status = S.CANCELLED
    return r


def apply_due(today: date | None = None) -> list[Reorganization]:
    """The job: apply the scheduled reorganizations whose effective date has come, in date order.
    One that no longer validates (the tree changed meanwhile) stays scheduled and is logged."""
    import logging

    today = today or clock.local_date(clock.now())
    done = []
    for r in Reorganization.objects.filter(status=S.SCHEDULED, effective_on__lte=today).order_by("effective_on", "pk"):
        try:
            apply(r)
        except (ValidationFailed, Conflict) as exc:
            logging.getLogger("motcua.units").error("reorganization %s not applied: %s %s", r.pk, exc, exc.fields)
            continue
        done.append(r)
    return done


def kinds() -> list[tuple[str, str]]:
    return list(ReorganizationKind.choices)


def live_units(on: date | None = None) -> Any:
    on = on or clock.local_date(clock.now())
    return Unit.objects.filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=on))


def named_codes(spec: dict[str, Any]) -> set[str]:
    """Every existing unit code a spec names (sources, target, unit, parents)."""
    codes: set[str] = set()
    for key in ("sources",):
        codes |= {c for c in spec.get(key) or [] if isinstance(c, str)}
    for key in ("source", "unit", "target_code", "parent_code"):
        if isinstance(spec.get(key), str):
            codes.add(spec[key])
    news = [spec.get("target")] + list(spec.get("targets") or [])
    codes |= {t["parent_code"] for t in news if isinstance(t, dict) and isinstance(t.get("parent_code"), str)}
    return codes


def may_reorganize(user: Any, spec: dict[str, Any] | None = None) -> bool:
    """Administrators only: a superuser, or the admin role over every unit the spec names."""
    from .choices import Role
    from .services import scope_for

    scope = scope_for(user)
    if scope.is_superuser:
        return True
    if not scope.has_role(Role.ADMIN):
        return False
    paths = Unit.objects.filter(code__in=named_codes(spec or {})).values_list("path", flat=True)
    return all(scope.has_role(Role.ADMIN, p) for p in paths)


def visible_reorganizations(user: Any) -> Any:
    """The reorganizations an administrator may list: all of them for a superuser, else those they
    created or that name a unit inside their admin subtrees (small table: filtered in Python)."""
    from .services import scope_for

    scope = scope_for(user)
    qs = Reorganization.objects.order_by("-effective_on", "-pk")
    if scope.is_superuser:
        return list(qs)
    return [r for r in qs if r.created_by_id == getattr(user, "pk", None)
            or (named_codes(r.spec if isinstance(r.spec, dict) else {}) and may_reorganize(user, r.spec))]
