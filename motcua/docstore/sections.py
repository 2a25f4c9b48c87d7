"""The store's parts of the staff pages: the applicant's stored documents on the dossier page (for staff
who may see the dossier), and "use a document already in the store" inside the counter intake form."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from motcua.office import sections

from . import services, types
from .models import StoredDocument

KEY = "store"
PREFIX = "store-"


def dossier_provider(actor: Any, d: Any) -> dict[str, Any] | None:
    if not (d.applicant_id_number or "").strip():
        return None
    docs = list(services.listing(services.holder_documents(actor, d.pk))[:100])
    reuses = list(services.reuses_of(d))
    if not docs and not reuses:
        return None
    return {"documents": [_row(doc, d.pk) for doc in docs], "reuses": reuses, "holder": d.applicant_id_number}


def _row(doc: StoredDocument, dossier_id: int) -> dict[str, Any]:
    return {"doc": doc, "type_label": types.label(doc.document_type),
            "url": reverse("docstore:staff_file", args=[dossier_id, doc.pk])}


def _holder(request: Any) -> str:
    data = request.POST if request.method == "POST" else request.GET
    return str(data.get("applicant_id_number", "") or "").strip()[:20]


def intake_context(setup: Any, holder: str, data: Any) -> dict[str, Any]:
    offered = services.counter_offers(setup.components, holder)
    rows = [{"component": c, "name": f"{PREFIX}{c.pk}", "chosen": str(data.get(f"{PREFIX}{c.pk}", "") or ""),
             "documents": [{"doc": doc, "type_label": types.label(doc.document_type)} for doc in offered[c.pk]]}
            for c in setup.components if c.pk in offered]
    return {"rows": rows, "holder": holder, "procedure": setup.procedure.code,
            "typed": any(c.document_type for c in setup.components)}


def intake_provider(actor: Any, setup: Any, request: Any) -> dict[str, Any] | None:
    if not any(c.document_type for c in setup.components):
        return None
    data = request.POST if request.method == "POST" else request.GET
    return intake_context(setup, _holder(request), data)


def _choices(setup: Any, request: Any) -> list[services.ReuseChoice]:
    return services.parse_choices(request.POST, PREFIX, [c.pk for c in setup.components])


def intake_validate(actor: Any, setup: Any, request: Any) -> dict[str, str]:
    choices = _choices(setup, request)
    if not choices:
        return {}
    errors = services.check(StoredDocument.objects.all(), setup.components, _holder(request), choices)
    for ch in choices:
        key = services.field(ch.component_id)
        if key not in errors and not request.POST.get(f"c{ch.component_id}"):
            errors[key] = services.not_ticked()
    return {f"{PREFIX}{k.removeprefix('reuse_')}": v for k, v in errors.items()}


def intake_apply(actor: Any, setup: Any, request: Any, dossier: Any) -> None:
    services.apply_reuses(actor, dossier, StoredDocument.objects.all(), _choices(setup, request), "counter")


def register() -> None:
    sections.register_dossier(sections.DossierSection(KEY, "docstore/_dossier_section.html", dossier_provider,
                                                      order=60))
    sections.register_intake(sections.IntakeSection(KEY, "docstore/_intake_section.html", intake_provider,
                                                    intake_validate, intake_apply, order=60))
