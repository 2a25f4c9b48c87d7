"""The printed declaration and the result drawn from it, as sections of the staff and citizen dossier
pages (registered by the app's ready()): a link to the declaration's PDF for whoever sees the
dossier, and for the officers who may upload results, the button that drafts the result (trích lục)
from the declaration for the leader to review and sign."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from motcua.domain.errors import PermissionDenied

from . import results, services


def _has_declaration(d: Any) -> Any:
    return services.declaration_of(d)


def staff_provider(actor: Any, d: Any) -> dict[str, Any] | None:
    decl = _has_declaration(d)
    if decl is None:
        return None
    template = results.TEMPLATES.get(str(decl.definition.definition.get("key")))
    draft_url = ""
    if template is not None and d.ended_at is None:
        from motcua.dossiers.results import authorize_upload

        try:
            authorize_upload(actor, d, "result")
            draft_url = reverse("eforms:draft_result", args=[d.pk])
        except PermissionDenied:
            pass
    return {"pdf_url": reverse("eforms:declaration_pdf", args=[d.pk]), "draft_url": draft_url,
            "result_title": template.title if template else ""}


def citizen_provider(user: Any, d: Any) -> dict[str, Any] | None:
    if _has_declaration(d) is None:
        return None
    return {"pdf_url": reverse("eforms:declaration_pdf", args=[d.pk]), "draft_url": ""}


def register() -> None:
    from motcua.office import sections as office
    from motcua.portal import sections as portal

    office.register_dossier(office.DossierSection("eform-print", "eforms/_print.html", staff_provider, order=6))
    portal.register_dossier(portal.DossierSection("eform-print", "eforms/_print.html", citizen_provider, order=6))
