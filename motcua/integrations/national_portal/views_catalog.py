"""The national catalog mapping page and the inbound dossiers page, under /office/national-portal/.

Mapping (administrators only): every local procedure with its national code (MaTTHC) and its
state, suggestions by accent-free name for the unmapped ones, a form per procedure to set the code
(checked against the national catalog, or asked of the portal by ``LayThuTuc``), and a button that
enqueues a catalog refresh for the worker. Inbound (administrators and counter officers, scoped
to their units): the dossiers pulled from the portal, with the reason of those not created yet,
and a button that enqueues a pull. Neither page's buttons call the portal inside the request.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from motcua.catalog.models import Procedure
from motcua.domain.errors import ValidationFailed
from motcua.dossiers.services import Actor
from motcua.office.views import staff_view
from motcua.units.choices import Role
from motcua.units.models import Unit

from . import catalog_pull as cp
from . import jobs, mapping, tasks
from .models import InboundDossier, NationalProcedure

View = Callable[..., HttpResponse]
PAGE_SIZE = 50
INBOUND_ROLES = (Role.ADMIN, Role.COUNTER_OFFICER)
FIELD_ERRORS = {cp.NOT_NATIONAL: gettext_lazy("Mã không có trong danh mục TTHC quốc gia: kiểm tra lại mã, hoặc cập "
                                              "nhật danh mục từ Cổng."),
                cp.UNREACHABLE: gettext_lazy("Không hỏi được Cổng DVCQG về mã này; thử lại sau.")}


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "office/forbidden.html", status=403)


def admin_page(view: View) -> View:
    """Signed-in staff holding the administrator role."""
    @staff_view
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        actor: Actor = request.actor  # type: ignore[attr-defined]
        if not cp.may_map(actor):
            return _forbidden(request)
        return view(request, actor, *args, **kwargs)

    return wrapper


def inbound_page(view: View) -> View:
    """Signed-in administrators and counter officers."""
    @staff_view
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        actor: Actor = request.actor  # type: ignore[attr-defined]
        if not any(actor.scope.has_role(r) for r in INBOUND_ROLES):
            return _forbidden(request)
        return view(request, actor, *args, **kwargs)

    return wrapper


# ---- the mapping page -------------------------------------------------------------------------

class MappingForm(forms.Form):
    procedure = forms.ModelChoiceField(queryset=Procedure.objects.all(), to_field_name="code",
                                       widget=forms.HiddenInput)
    national_code = forms.CharField(label=gettext_lazy("Mã TTHC quốc gia"), max_length=40, required=False,
                                    strip=True)


def _filters(request: HttpRequest) -> tuple[bool, str]:
    return request.GET.get("unmapped") == "1", (request.GET.get("q") or "")[:100]


@require_http_methods(["GET", "POST"])
@admin_page
def catalog(request: HttpRequest, actor: Actor) -> HttpResponse:
    form, status = None, 200
    if request.method == "POST":
        form = MappingForm(request.POST)
        if form.is_valid() and _save(request, actor, form):
            return redirect(request.get_full_path())
        status = 422
    only_unmapped, q = _filters(request)
    rows = cp.mapping_rows(only_unmapped, q)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    cp.add_suggestions(list(page.object_list))
    failed = form.data.get("procedure") if form is not None else None
    ctx = {"page": page, "rows": page.object_list, "counts": cp.state_counts(cp.mapping_rows()),
           "only_unmapped": only_unmapped, "q": q, "form": form, "failed": failed,
           "national_total": NationalProcedure.objects.count(), "enabled": jobs.enabled(),
           "states": {"mapped": cp.MAPPED, "unknown": cp.UNKNOWN, "unmapped": cp.UNMAPPED}}
    return render(request, "national_portal/catalog.html", ctx, status=status)


def _save(request: HttpRequest, actor: Actor, form: MappingForm) -> bool:
    proc: Procedure = form.cleaned_data["procedure"]
    code = form.cleaned_data["national_code"]
    try:
        n = cp.set_mapping(actor, proc, code, jobs.portal())
    except ValidationFailed as err:
        got = err.fields.get("national_code", "")
        form.add_error("national_code", str(FIELD_ERRORS.get(got, got or err.message)))
        return False
    if not code:
        messages.warning(request, _("Đã bỏ mã TTHC quốc gia của thủ tục %(code)s.") % {"code": proc.code})
    elif n:
        messages.success(request, _("Đã ánh xạ thủ tục %(code)s với mã %(national)s; %(n)s hồ sơ đồng bộ lỗi đã "
                                    "được xếp hàng gửi lại.") % {"code": proc.code, "national": code, "n": n})
    else:
        messages.success(request, _("Đã ánh xạ thủ tục %(code)s với mã %(national)s.")
                         % {"code": proc.code, "national": code})
    return True


@require_POST
@admin_page
def catalog_pull(request: HttpRequest, actor: Actor) -> HttpResponse:
    if not jobs.enabled():
        messages.error(request, _("Kết nối Cổng DVCQG đang tắt."))
    else:
        tasks.pull_catalog.enqueue()
        messages.success(request, _("Đã xếp hàng cập nhật danh mục TTHC từ Cổng DVCQG; tải lại trang sau ít phút."))
    return redirect("national_portal:catalog")


# ---- the inbound page -------------------------------------------------------------------------

def created_inbound(actor: Actor):  # noqa: ANN201
    """The pulled dossiers motcua created whose receiving unit lies in the actor's admin or
    counter units, newest first (a queryset: the table grows with every online dossier)."""
    qs = InboundDossier.objects.filter(dossier__isnull=False).select_related("dossier").order_by("-pulled_at", "-pk")
    if actor.system or actor.scope.is_superuser:
        return qs
    q = Q(pk__in=[])
    for p in actor.scope.paths(INBOUND_ROLES):
        q |= Q(dossier__receiving_path__startswith=p)
    return qs.filter(q)


def failed_inbound(actor: Actor) -> list[InboundDossier]:
    """The records not created yet (few: each waits for a fix) whose prefix names a unit in the
    actor's admin or counter units; a prefix that names no unit: administrators only."""
    rows = list(InboundDossier.objects.filter(dossier__isnull=True).order_by("-pulled_at", "-pk"))
    if actor.system or actor.scope.is_superuser:
        return rows
    paths, admin = actor.scope.paths(INBOUND_ROLES), actor.scope.has_role(Role.ADMIN)
    units = dict(Unit.objects.filter(code__in={r.portal_code.split("-")[0] for r in rows})
                 .values_list("code", "path"))
    out = []
    for r in rows:
        path = units.get(r.portal_code.split("-")[0])
        if (path is None and admin) or (path is not None and any(path.startswith(p) for p in paths)):
            out.append(r)
    return out


def _inbound_row(r: InboundDossier) -> dict[str, Any]:
    p = r.payload or {}
    return {"r": r, "applicant": r.dossier.applicant_name if r.dossier else str(p.get("ChuHoSo") or ""),
            "procedure": str(p.get("TenTTHC") or p.get("MaTTHC") or ""), "tthc": str(p.get("MaTTHC") or ""),
            "filed": _filed(p)}


def _filed(payload: dict[str, Any]) -> datetime | None:
    try:
        return mapping.parse_time(str(payload.get("NgayNopHoSo") or ""))
    except ValueError:
        return None


@require_http_methods(["GET"])
@inbound_page
def inbound(request: HttpRequest, actor: Actor) -> HttpResponse:
    page = Paginator(created_inbound(actor), PAGE_SIZE).get_page(request.GET.get("page"))
    ctx = {"page": page, "rows": [_inbound_row(r) for r in page.object_list], "enabled": jobs.enabled(),
           "failed": [_inbound_row(r) for r in failed_inbound(actor)]}
    return render(request, "national_portal/inbound.html", ctx)


@require_POST
@inbound_page
def inbound_pull(request: HttpRequest, actor: Actor) -> HttpResponse:
    if not jobs.enabled():
        messages.error(request, _("Kết nối Cổng DVCQG đang tắt."))
    else:
        tasks.pull_inbound.enqueue()
        messages.success(request, _("Đã xếp hàng lấy hồ sơ mới từ Cổng DVCQG; tải lại trang sau ít phút."))
    return redirect("national_portal:inbound")
