"""The declaration on the staff pages, through the office's extension points
(motcua/office/sections.py): a section of the counter's intake form (validated before anything is
written, saved in the intake's transaction) and a section of the dossier page (read; corrected
through a supplement)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from motcua.core import clock
from motcua.domain.errors import DomainError
from motcua.domain.lifecycle import Action, Status

from . import render, services


def _today() -> Any:
    return clock.local_date(clock.now())


def intake_provider(actor: Any, setup: Any, request: Any) -> dict[str, Any] | None:
    form = services.form_of(setup.version)
    if form is None:
        return None
    errors: dict[str, str] = {}
    data: dict[str, Any] = {}
    if request.method == "POST":
        data = render.parse_post(request.POST)
        _, errors = services.validate_for(form, data, lang=render.lang())
    ctx = services.context_for(_today())
    return {"eform": render.form_view(form.definition, data, errors, ctx),
            "live_url": reverse("eforms:live", args=[form.pk])}


def intake_validate(actor: Any, setup: Any, request: Any) -> dict[str, str]:
    form = services.form_of(setup.version)
    if form is None:
        return {}
    _, errors = services.validate_for(form, render.parse_post(request.POST), lang=render.lang())
    return {f"{services.PREFIX}.{k}": v for k, v in errors.items()}


def intake_apply(actor: Any, setup: Any, request: Any, dossier: Any) -> None:
    form = services.form_of(setup.version)
    if form is None:
        return
    cleaned = services.check_or_fail(form, render.parse_post(request.POST), lang=render.lang())
    services.save_declaration(dossier, form, cleaned)


def may_correct(actor: Any, d: Any) -> bool:
    from motcua.dossiers.services import authorize

    if d.status != Status.SUPPLEMENT:
        return False
    try:
        authorize(actor, d, Action.SUPPLEMENT)
    except DomainError:
        return False
    return True


def dossier_provider(actor: Any, d: Any) -> dict[str, Any] | None:
    decl = services.declaration_of(d)
    form = decl.definition if decl else services.form_of(d.version)
    if form is None:
        return None
    ctx = {"units": services.units_on(clock.local_date(d.submitted_at))}
    correct = reverse("eforms:correct", args=[d.pk]) if may_correct(actor, d) else ""
    return {"title": render.ef.text_of(form.definition.get("title"), render.lang()),
            "rows": render.read_view(form.definition, decl.data if decl else {}, ctx), "correct_url": correct}


def citizen_provider(user: Any, d: Any) -> dict[str, Any] | None:
    """The citizen's own declaration, to read (a correction goes through the counter's supplement)."""
    decl = services.declaration_of(d)
    if decl is None:
        return None
    ctx = {"units": services.units_on(clock.local_date(d.submitted_at))}
    return {"title": render.ef.text_of(decl.definition.definition.get("title"), render.lang()),
            "rows": render.read_view(decl.definition.definition, decl.data, ctx)}
