"""The administrator's reorganization pages (office): the list, a new decision with its preview, then
apply now or schedule for the effective date, and one decision's result. Administrators only."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.domain.errors import DomainError
from motcua.office.views import staff_view

from . import reorganize
from .forms import ReorganizationForm, show_errors
from .models import Reorganization


def _units(request: HttpRequest) -> list[tuple[str, str]]:
    """The live units the administrator may name (by code), in tree order."""
    from .choices import Role

    scope = request.actor.scope  # type: ignore[attr-defined]
    qs = reorganize.live_units().order_by("path").values_list("code", "name", "path", "kind")
    return [(code, f"{name} ({code})") for code, name, path, kind in qs
            if scope.is_superuser or scope.has_role(Role.ADMIN, path)]


def _forbidden(request: HttpRequest) -> HttpResponse | None:
    if not reorganize.may_reorganize(request.user):
        return render(request, "office/forbidden.html", status=403)
    return None


@require_GET
@staff_view
def index(request: HttpRequest) -> HttpResponse:
    refused = _forbidden(request)
    if refused:
        return refused
    return render(request, "units/reorganizations.html",
                  {"items": reorganize.visible_reorganizations(request.user)})


@require_GET
@staff_view
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    refused = _forbidden(request)
    if refused:
        return refused
    r = next((x for x in reorganize.visible_reorganizations(request.user) if x.pk == pk), None)
    if r is None:
        raise Http404
    return render(request, "units/reorganization.html", {"r": r, "counts": (r.summary or {}).get("counts", {})})


@require_http_methods(["GET", "POST"])
@staff_view
def new(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST "preview": what would move. POST "apply"/"schedule": done, then the result."""
    refused = _forbidden(request)
    if refused:
        return refused
    form = ReorganizationForm(request.POST or None, units=_units(request))
    if request.method != "POST":
        return render(request, "units/reorganization_form.html", {"form": form})
    plan, status = None, 200
    if form.is_valid():
        r = _draft(request, form.cleaned_data)
        step = request.POST.get("step", "preview")
        try:
            if not reorganize.may_reorganize(request.user, r.spec):
                raise DomainError(_("Bạn không quản trị tất cả các đơn vị này."), fields={})
            plan = reorganize.preview(r)
            if step in ("apply", "schedule"):
                (reorganize.schedule if step == "schedule" else lambda x: reorganize.apply(x, actor=request.user))(r)
                messages.success(request, _("Đã hẹn thực hiện vào ngày hiệu lực.") if step == "schedule"
                                 else _("Đã thực hiện sắp xếp đơn vị."))
                return redirect("units:reorganization", pk=r.pk)
        except DomainError as exc:
            show_errors(form, exc.fields)
            if not exc.fields:
                form.add_error(None, exc.message)
            plan, status = None, 422
    else:
        status = 422
    return render(request, "units/reorganization_form.html", {"form": form, "plan": plan}, status=status)


def _draft(request: HttpRequest, c: dict[str, Any]) -> Reorganization:
    return Reorganization(kind=c["kind"], decision_number=c["decision_number"].strip(),
                          decision_date=c["decision_date"], issuer=c["issuer"].strip(),
                          effective_on=c["effective_on"], spec=c["spec"], created_by=request.user)
