"""Pages of the document store: the citizen's "Kho dữ liệu của tôi" (list and download), a stored
document's file for staff through a dossier they may see, and the counter intake's offers (htmx)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from motcua.core import clock
from motcua.domain.errors import NotFound
from motcua.dossiers.downloads import file_response
from motcua.office import intake
from motcua.office.views import staff_view
from motcua.portal.views import citizen_view

from . import sections, services, types


def _groups(docs: list, today) -> list[dict]:  # noqa: ANN001
    groups: dict[str, dict] = {}
    for doc in docs:
        g = groups.setdefault(doc.document_type, {"type": doc.document_type, "label": types.label(doc.document_type),
                                                  "rows": []})
        g["rows"].append({"doc": doc, "valid": services.is_valid_on(doc, today)})
    return sorted(groups.values(), key=lambda g: g["label"])


@require_GET
@citizen_view
def mine(request: HttpRequest) -> HttpResponse:
    docs = list(services.listing(services.citizen_documents(request.user))[:500])
    return render(request, "docstore/mine.html", {"groups": _groups(docs, clock.local_date(clock.now())),
                                                  "count": len(docs)})


@require_GET
@citizen_view
def my_file(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        f, stream = services.open_mine(request.user, pk)
    except NotFound as err:
        raise Http404 from err
    return file_response(f, stream)


@require_GET
@staff_view
def staff_file(request: HttpRequest, dossier_id: int, pk: int) -> HttpResponse:
    try:
        f, stream = services.open_for_dossier(request.actor, dossier_id, pk)  # type: ignore[attr-defined]
    except NotFound as err:
        raise Http404 from err
    return file_response(f, stream)


@require_GET
@staff_view
def intake_offers(request: HttpRequest) -> HttpResponse:
    setup = intake.setup(request.actor, request.GET.get("procedure", "")[:60])  # type: ignore[attr-defined]
    if setup is None or not setup.receiving:
        raise Http404
    ctx = sections.intake_context(setup, request.GET.get("applicant_id_number", "").strip()[:20], request.GET)
    return render(request, "docstore/_intake_offers.html", {"section": ctx})
