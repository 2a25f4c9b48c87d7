"""E-form pages: the htmx redraw of a form while typing (conditions shown or hidden, the errors of
what was typed), and the officer's correction of a declaration when its supplement arrives."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.core import clock
from motcua.domain.errors import DomainError, NotFound
from motcua.office.errors import friendly, status_of
from motcua.office.views import staff_view

from . import render as rd
from . import services
from .models import FormDefinition
from .sections import may_correct


@require_GET
def live(request: HttpRequest, pk: int) -> HttpResponse:
    """The form redrawn for the values typed so far (GET: a pure function of the inputs)."""
    form = get_object_or_404(FormDefinition, pk=pk)
    data = rd.parse_post(request.GET)
    notes: dict[str, str] = {}
    if request.GET.get("prefill") == "population":  # a look-up just found the applicant's record
        data, notes = _with_population(request, form.definition, data)
    _cleaned, errors = services.validate_for(form, data, lang=rd.lang())
    ctx = services.context_for(clock.local_date(clock.now()))
    view = rd.form_view(form.definition, data, rd.live_errors(data, errors), ctx, notes=notes)
    return render(request, "eforms/_live.html", {"eform": view, "live_url": request.path})


def _with_population(request: HttpRequest, defn: dict[str, Any],
                     data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """What was typed, with the remembered population record proposed for the fields still empty."""
    try:
        from motcua.integrations.population import remembered

        from . import prefill
    except ImportError:  # pragma: no cover - the look-up is an optional integration
        return data, {}
    citizen = remembered.recall(request)
    if citizen is None:
        return data, {}
    return prefill.merge(data, prefill.propose(defn, [prefill.PopulationProvider(citizen)]))


def _load(request: HttpRequest, pk: int) -> Any:
    from motcua.dossiers import services as svc

    try:
        return svc.get_dossier(request.actor, pk)  # type: ignore[attr-defined]
    except NotFound as err:
        raise Http404 from err


@require_http_methods(["GET", "POST"])
@staff_view
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct the declaration with the supplement that arrived (recorded as the SUPPLEMENT event)."""
    d = _load(request, pk)
    decl = services.declaration_of(d)
    form = decl.definition if decl else services.form_of(d.version)
    if form is None or not may_correct(request.actor, d):  # type: ignore[attr-defined]
        raise Http404
    ctx = services.context_for(clock.local_date(d.submitted_at))
    page = {"dossier": d, "live_url": reverse("eforms:live", args=[form.pk]), "note": ""}
    if request.method == "POST":
        data = rd.parse_post(request.POST)
        note = request.POST.get("note", "")[:1000]
        version = request.POST.get("version", "")
        try:
            services.correct_declaration(request.actor, d.pk, data, note=note, lang=rd.lang(),  # type: ignore[attr-defined]
                                         expected_version=int(version) if version.isdigit() else None)
        except DomainError as err:
            errors = {k.removeprefix(f"{services.PREFIX}."): v for k, v in err.fields.items()}
            return render(request, "eforms/correct.html",
                          page | {"eform": rd.form_view(form.definition, data, errors, ctx), "note": note,
                                  "error": friendly(err)}, status=status_of(err))
        messages.success(request, _("Đã nhận hồ sơ bổ sung và lưu tờ khai đã sửa."))
        return redirect("office:dossier", pk=d.pk)
    return render(request, "eforms/correct.html",
                  page | {"eform": rd.form_view(form.definition, decl.data if decl else {}, {}, ctx)})
