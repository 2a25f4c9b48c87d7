"""The letter's PDF, for the staff who may see the dossier."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from motcua.domain.errors import NotFound
from motcua.office.views import staff_view

from . import services


@require_GET
@staff_view
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        content, filename = services.letter_pdf(request.actor, pk)  # type: ignore[attr-defined]
    except NotFound as err:
        raise Http404 from err
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
