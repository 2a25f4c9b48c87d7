"""The declaration in the citizen's online application (motcua/portal/apply.py): drawn from the
draft (or proposed by prefill for a new one), kept with the draft as typed, validated on submission
by the same rules as everywhere, and saved with the dossier in the submission's transaction."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from motcua.core import clock

from . import render, services

DRAFT_KEY = "declaration"


def _submitting(request: Any) -> bool:
    return request.method == "POST" and request.POST.get("action") == "submit"


def section(request: Any, version: Any, draft: Any = None) -> dict[str, Any] | None:
    """The template's ``eform`` context (None: the procedure has no e-form); ``errors`` set when
    a submission's declaration is refused (the page then saves nothing)."""
    form = services.form_of(version)
    if form is None:
        return None
    notes: dict[str, str] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        data = render.parse_post(request.POST)
        if _submitting(request):
            _, errors = services.validate_for(form, data, lang=render.lang())
    elif draft is not None and isinstance((draft.data or {}).get(DRAFT_KEY), dict):
        data = draft.data[DRAFT_KEY]
    else:
        data, notes = _prefill(request.user, form.definition, population=_remembered(request))
    ctx = services.context_for(clock.local_date(clock.now()))
    return {"eform": render.form_view(form.definition, data, errors, ctx, notes=notes),
            "live_url": reverse("eforms:live", args=[form.pk]), "errors": errors}


def _prefill(user: Any, defn: dict[str, Any], population: Any = None) -> tuple[dict[str, Any], dict[str, str]]:
    try:
        from . import prefill
    except ImportError:  # the prefill module is optional
        return {}, {}
    return prefill.merge({}, prefill.prefill_for(user, defn, population=population))


def _remembered(request: Any) -> Any:
    """The citizen's own population record, if their look-up found it a moment ago."""
    try:
        from motcua.integrations.population import remembered
    except ImportError:  # pragma: no cover - the look-up is an optional integration
        return None
    profile = getattr(request.user, "citizen_profile", None)
    return remembered.recall(request, profile.id_number) if profile is not None and profile.id_number else None


def keep_in_draft(request: Any, draft: Any) -> None:
    """Keep the declaration as typed with the draft (a draft may be incomplete)."""
    if services.form_of(_version_of(draft)) is None:
        return
    draft.data = {**(draft.data or {}), DRAFT_KEY: render.parse_post(request.POST)}
    draft.save(update_fields=["data", "updated_at"])


def _version_of(draft: Any) -> Any:
    from motcua.catalog.services import in_force_on

    return in_force_on(draft.procedure.code, clock.local_date(clock.now()))


def save_submitted(request: Any, version: Any, dossier: Any) -> None:
    """Save the submitted declaration with its dossier (call in the submission's transaction)."""
    form = services.form_of(version)
    if form is None:
        return
    cleaned = services.check_or_fail(form, render.parse_post(request.POST), lang=render.lang())
    services.save_declaration(dossier, form, cleaned)
