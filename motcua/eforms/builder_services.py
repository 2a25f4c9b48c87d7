"""The builder's use cases: which forms an administrator edits, a draft saved (only a draft: a
published form is never edited in place), published with its procedure version, and the draft of
the next procedure version (a new catalog version published through ``catalog.services.amend``,
the way the catalog publishes versions, with a copy of the form to edit). Views call these only."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.domain.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from motcua.dossiers.services import Actor

from . import builder, shipped
from .models import FormDefinition

PUBLISHED_LOCKED = "A published form is not edited in place; create the draft for the next procedure version."


def may_build(actor: Actor) -> bool:
    """Administrators (the admin role anywhere: the catalog is the province's) and superusers."""
    return actor.system or actor.scope.is_superuser or actor.scope.has_role("admin")


def _require(actor: Actor) -> None:
    if not may_build(actor):
        raise PermissionDenied("Only administrators build forms.")


def versions(actor: Actor, q: str = "") -> QuerySet[ProcedureVersion]:
    """Procedure versions in force or to come, with their form, for the builder's list."""
    _require(actor)
    qs = (ProcedureVersion.objects.select_related("procedure", "form").filter(effective_to__isnull=True)
          .order_by("procedure__code", "effective_from"))
    if q.strip():
        qs = qs.filter(Q(procedure__code__icontains=q.strip()) | Q(name__icontains=q.strip()))
    return qs


def get_version(actor: Actor, version_id: int) -> tuple[ProcedureVersion, FormDefinition | None]:
    _require(actor)
    version = ProcedureVersion.objects.select_related("procedure").filter(pk=version_id).first()
    if version is None:
        raise NotFound("Unknown procedure version.")
    return version, FormDefinition.objects.filter(version=version).first()


def _draft(actor: Actor, version_id: int) -> tuple[ProcedureVersion, FormDefinition]:
    version, form = get_version(actor, version_id)
    if form is None:
        raise NotFound("This version has no form yet.")
    if form.published:
        raise Conflict(PUBLISHED_LOCKED, fields={"form": "published"})
    return version, form


def start(actor: Actor, version_id: int, *, from_shipped: bool = True) -> FormDefinition:
    """A draft for a version without a form: the shipped form of its procedure, or a blank one."""
    version, form = get_version(actor, version_id)
    if form is not None:
        raise Conflict("This version already has a form.", fields={"form": "exists"})
    code = version.procedure.national_code or version.procedure.code
    defn = shipped.for_procedure(code) if from_shipped else None
    if defn is None:
        defn = builder.new_definition(_key_for(version.procedure), version.name)
    return FormDefinition.objects.create(version=version, definition=defn, published=False)


def _key_for(procedure: Procedure) -> str:
    return "tt-" + procedure.code.replace(".", "-").lower()[:50]


def save_draft(actor: Actor, version_id: int, definition: dict[str, Any]) -> FormDefinition:
    """Store the draft as it is (problems are listed, publishing refuses them)."""
    with transaction.atomic():
        _version, form = _draft(actor, version_id)
        form = FormDefinition.objects.select_for_update().get(pk=form.pk)
        if form.published:
            raise Conflict(PUBLISHED_LOCKED, fields={"form": "published"})
        form.definition = definition
        form.save(update_fields=["definition", "updated_at"])
    return form


def publish(actor: Actor, version_id: int) -> FormDefinition:
    """Publish the draft with its version: from now on dossiers of the version declare on it."""
    from .services import set_form

    version, form = _draft(actor, version_id)
    problems = builder.problems(form.definition)
    if problems:
        raise ValidationFailed("The form has problems.", fields={"form": "; ".join(problems[:10])})
    return set_form(version, form.definition, published=True)


def next_version(actor: Actor, version_id: int, *, decision_number: str, decision_date: date,
                 effective_from: date) -> ProcedureVersion:
    """The draft to change a published form: the procedure's next version (an existing later
    version, or one published now from ``effective_from`` by the catalog, its content copied), with a
    copy of the form as a draft. The published form and its declarations stay as they are."""
    from motcua.catalog.services import _export_version, amend

    version, form = get_version(actor, version_id)
    if form is None:
        raise NotFound("This version has no form.")
    later = (ProcedureVersion.objects.filter(procedure=version.procedure, effective_from__gt=version.effective_from)
             .order_by("effective_from").first())
    with transaction.atomic():
        if later is None:
            if effective_from <= version.effective_from:
                raise ValidationFailed("The next version starts after this one.",
                                       fields={"effective_from": "after the current version's start"})
            data = {**_export_version(version), "form": None, "decision_number": decision_number.strip(),
                    "decision_date": decision_date, "effective_from": effective_from, "effective_to": None,
                    "status": "published"}
            if not data["decision_number"]:
                raise ValidationFailed("The decision number is required.", fields={"decision_number": "required"})
            later = amend(version.procedure, data)
        if not FormDefinition.objects.filter(version=later).exists():
            FormDefinition.objects.create(version=later, definition=dict(form.definition), published=False)
    return later
