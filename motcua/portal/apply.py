"""Online application pages: the form of a procedure, saved drafts, submission."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.catalog.choices import ApplicantType, Channel
from motcua.catalog.models import ProcedureVersion
from motcua.domain.errors import DomainError, NotFound
from motcua.eforms import portal as eform_portal

from . import accounts, catalog, services
from .errors import friendly
from .forms import ApplicationForm
from .models import Draft
from .views import citizen_view, error_summary, show_errors

_APP_FIELDS = [f.name for f in fields(services.Application)]


def prefill(user, version: ProcedureVersion, dests: list[catalog.Destination]) -> dict[str, Any]:  # noqa: ANN001
    """The applicant's data from their account, for a new application."""
    profile = accounts.profile_of(user)
    types = version.applicant_types or [ApplicantType.CITIZEN]
    return {
        "receiving_unit": dests[0].receiving.pk if dests else None,
        "applicant_type": ApplicantType.CITIZEN if ApplicantType.CITIZEN in types else types[0],
        "applicant_name": f"{user.last_name} {user.first_name}".strip(),
        "applicant_id_number": profile.id_number if profile else "",
        "applicant_phone": profile.phone if profile else "",
        "applicant_email": user.email, "applicant_address": profile.address if profile else "",
        "result_delivery": "online", "submit_for": "self", "draft_name": services.default_draft_name(version),
    }


def _preview(version: ProcedureVersion, dests: list[catalog.Destination], unit_id: Any) -> list[dict[str, Any]]:
    chosen = [d for d in dests if str(d.receiving.pk) == str(unit_id)] or dests[:1]
    return catalog.due_preview(version, chosen[0].receiving) if chosen else []


def _save(request: HttpRequest, version: ProcedureVersion, form: ApplicationForm, draft: Draft | None) -> Any:
    app = services.Application(**{k: form.cleaned_data[k] for k in _APP_FIELDS})
    uploads = [services.Upload(f, f.name, cid) for cid, f in form.uploads()]
    reuses = services.reuse_choices(form.reuses())
    draft_id = draft.pk if draft else None
    name = form.cleaned_data.get("draft_name", "")
    if request.POST.get("action") == "submit":
        with transaction.atomic():  # the declaration lands with the dossier or not at all
            d = services.save_and_submit(request.user, version, app, uploads, draft_id, reuses=reuses, name=name)
            eform_portal.save_submitted(request, version, d)
        messages.success(request, _("Đã nộp hồ sơ %(code)s. Bộ phận một cửa sẽ kiểm tra và tiếp nhận.")
                         % {"code": d.code})
        return redirect("portal:dossier", pk=d.pk)
    with transaction.atomic():
        saved = services.save_draft(request.user, version, app, uploads, draft_id, reuses=reuses, name=name)
        eform_portal.keep_in_draft(request, saved)
    messages.success(request, _("Đã lưu nháp. Bạn có thể quay lại hoàn thiện và nộp sau."))
    return redirect("portal:draft", pk=saved.pk)


def _application(request: HttpRequest, version: ProcedureVersion, draft: Draft | None = None) -> HttpResponse:
    dests = catalog.destinations(version.procedure)
    ctx: dict[str, Any] = {"version": version, "draft": draft}
    if not version.accepts_channel(Channel.ONLINE) or not dests:
        return render(request, "portal/apply.html", {**ctx, "unavailable": True})
    initial = {**draft.data, "draft_name": draft.name} if draft else prefill(request.user, version, dests)
    holder = request.POST.get("applicant_id_number", "") if request.method == "POST" else initial.get(
        "applicant_id_number", "")
    form = ApplicationForm(request.POST or None, request.FILES or None, version=version, destinations=dests,
                           initial=initial, offers=services.store_offers(request.user, version, holder))
    status = 200
    ctx["eform"] = eform = eform_portal.section(request, version, draft)
    if request.method == "POST":
        status = 422
        if form.is_valid() and not (eform and eform["errors"]):
            try:
                return _save(request, version, form, draft)
            except DomainError as err:
                show_errors(form, err)
                if "handling_unit_code" in err.fields and "handling_unit" not in form.errors:
                    form.add_error("handling_unit", friendly(err))  # not received across provinces
                ctx["summary_message"], status = friendly(err), err.http_status
        else:
            ctx["summary_message"] = _("Vui lòng kiểm tra lại các thông tin được đánh dấu.")
            if eform and eform["errors"] and not form.errors:
                ctx["error"] = ctx.pop("summary_message")  # the declaration's own errors are shown with it
    saved = {f.component_id: f for f in draft.files.all()} if draft else {}
    profile = accounts.profile_of(request.user)
    ctx.update(form=form, saved=saved, errors=error_summary(form), me={
                   "name": f"{request.user.last_name} {request.user.first_name}".strip(),
                   "id_number": profile.id_number if profile else ""},
               preview=_preview(version, dests, form["receiving_unit"].value()))
    return render(request, "portal/apply.html", ctx, status=status)


@require_http_methods(["GET", "POST"])
@citizen_view
def apply(request: HttpRequest, code: str) -> HttpResponse:
    version = catalog.in_force(code)
    if version is None:
        raise Http404
    existing = services.draft_for(request.user, version.procedure_id)
    if existing is not None and request.method == "GET":  # one draft per procedure: resume it
        messages.info(request, _("Bạn đã có hồ sơ nháp \"%(name)s\" cho thủ tục này. Tiếp tục hồ sơ nháp.")
                      % {"name": existing.name or version.name})
        return redirect("portal:draft", pk=existing.pk)
    return _application(request, version, existing)


def _own_draft(request: HttpRequest, pk: int) -> Draft:
    try:
        return services.get_draft(request.user, pk)
    except NotFound as err:
        raise Http404 from err


@require_http_methods(["GET", "POST"])
@citizen_view
def draft(request: HttpRequest, pk: int) -> HttpResponse:
    d = _own_draft(request, pk)
    version = catalog.in_force(d.procedure.code)
    if version is None:
        return render(request, "portal/apply.html", {"draft": d, "unavailable": True})
    return _application(request, version, d)


@require_GET
def preview(request: HttpRequest, code: str) -> HttpResponse:
    """The due-time preview for the chosen receiving centre (htmx swaps it in on change)."""
    version = catalog.in_force(code)
    if version is None:
        raise Http404
    dests = catalog.destinations(version.procedure)
    return render(request, "portal/_preview.html",
                  {"preview": _preview(version, dests, request.GET.get("receiving_unit", "")[:20])})


@require_GET
@citizen_view
def drafts(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/drafts.html", {"drafts": list(services.own_drafts(request.user))})


@require_POST
@citizen_view
def delete_draft(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.delete_draft(request.user, pk)
    except NotFound as err:
        raise Http404 from err
    messages.success(request, _("Đã xóa hồ sơ nháp."))
    return redirect("portal:drafts")
