"""Citizen portal pages. Each view parses, calls one portal service and renders; domain errors
become a friendly Vietnamese message on the same page, never a 500."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.catalog.models import Field
from motcua.core import clock
from motcua.domain.errors import DomainError, NotFound
from motcua.dossiers.downloads import file_response
from motcua.office import auth as office_auth

from . import accounts, catalog, pages, ratings, services
from .errors import friendly
from .forms import CatalogForm, CitizenLoginForm, LookupForm, RatingForm, SignupForm, SupplementForm

View = Callable[..., HttpResponse]
PAGE_SIZE = 20


def citizen_view(view: View) -> View:
    """Signed-in citizens only: staff accounts are refused (they work in the office)."""
    @login_required(login_url="portal:login")
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if accounts.is_staff(request.user):
            return render(request, "portal/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _page(request: HttpRequest, items: Any) -> Any:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def show_errors(form: Any, err: DomainError) -> None:
    """Put a service error's field messages next to the form fields they belong to."""
    for name, message in err.fields.items():
        if name in form.fields and name not in form.errors:
            form.add_error(name, friendly(err) if message in ("required", "missing") else message)


def error_summary(form: Any) -> list[dict[str, str]]:
    """The error summary at the top of a form (GOV.UK pattern): each field's message linked to it."""
    out = []
    for name, errors in form.errors.items():
        if name == "__all__":
            out += [{"href": "", "text": str(e)} for e in errors]
            continue
        if name not in form.fields:
            continue
        bf = form[name]
        anchor = bf.id_for_label or f"{bf.auto_id}_0"  # a radio group: its first choice
        out.append({"href": f"#{anchor}", "text": f"{bf.label}: {' '.join(str(e) for e in errors)}"})
    return out


# ---- accounts -------------------------------------------------------------------------------

@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"provinces": catalog.served_provinces()})


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            user = accounts.register(accounts.Registration(cd["full_name"], cd["id_number"], cd["phone"],
                                                           cd["password"], cd["email"]))
        except DomainError as err:
            show_errors(form, err)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Đã tạo tài khoản. Chào mừng bạn đến Cổng dịch vụ công."))
            return redirect("portal:home")
    return render(request, "portal/signup.html", {"form": form, "errors": error_summary(form)},
                  status=422 if form.is_bound else 200)


class LoginView(office_auth.LoginView):
    """The staff sign-in with its lockout, for citizens: CCCD number and password."""

    template_name = "portal/login.html"
    authentication_form = CitizenLoginForm
    next_page = "portal:home"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from motcua.integrations.vneid import client as vneid

        return {**super().get_context_data(**kwargs), "vneid": vneid.enabled()}


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    from motcua.integrations.vneid.views import revoke_session

    revoke_session(request)  # an e-ID session's token is revoked at the provider
    logout(request)
    messages.success(request, _("Bạn đã đăng xuất."))
    return redirect("portal:home")


# ---- catalog --------------------------------------------------------------------------------

@require_GET
def procedures(request: HttpRequest) -> HttpResponse:
    form = CatalogForm(request.GET, fields=list(Field.objects.order_by("name").values_list("pk", "name")))
    cd = form.cleaned_data if form.is_valid() else {}
    query = catalog.CatalogQuery(q=cd.get("q") or "", field=cd.get("field"), level=cd.get("level") or "",
                                 applicant_type=cd.get("applicant_type"))
    page = _page(request, catalog.search(query))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "portal/procedures.html", {"form": form, "page": page, "query": params.urlencode()})


@require_GET
def procedure(request: HttpRequest, code: str) -> HttpResponse:
    version = catalog.in_force(code)
    if version is None:
        raise Http404
    draft = None
    if request.user.is_authenticated and not accounts.is_staff(request.user):
        draft = services.draft_for(request.user, version.procedure_id)
    return render(request, "portal/procedure.html", {"p": catalog.procedure_page(version), "draft": draft,
                                                     "form_files": catalog.form_downloads(version)})


@require_GET
def procedure_form(request: HttpRequest, code: str) -> HttpResponse:
    """The procedure's form template (its e-form printed blank) to download, fill in by hand and scan."""
    version = catalog.in_force(code)
    found = catalog.blank_form(version) if version is not None else None
    if found is None:
        raise Http404
    name, pdf = found
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# ---- lookup ---------------------------------------------------------------------------------

@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "")[:200]
    ctx: dict[str, Any] = {"form": LookupForm(initial={"code": code[:60]}), "code": code}
    if "code" in request.GET:
        try:
            ctx["found"] = services.public_lookup(code)
        except NotFound:
            ctx["not_found"] = True
        except DomainError:
            ctx["malformed"] = True
    return render(request, "portal/lookup.html", ctx)


@require_GET
def lookup_token(request: HttpRequest, token: str) -> HttpResponse:
    """The page a receipt's QR code opens: the same masked data, found by an unguessable token (a
    forged or altered token is a 404)."""
    from motcua.documents.qr import dossier_id_from_token

    dossier_id = dossier_id_from_token(token)
    if dossier_id is None:
        raise Http404
    try:
        found = services.public_lookup("", dossier_id=dossier_id)
    except NotFound as exc:
        raise Http404 from exc
    return render(request, "portal/lookup.html", {"form": LookupForm(), "code": "", "found": found})


# ---- my dossiers ----------------------------------------------------------------------------

@require_GET
@citizen_view
def dossiers(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/dossiers.html", {"page": _page(request, services.my_dossiers(request.user))})


def _dossier_page(request: HttpRequest, pk: int, status: int = 200, **extra: Any) -> HttpResponse:
    try:
        ctx = pages.dossier_context(request.user, pk)
    except NotFound as err:
        raise Http404 from err
    d = ctx["dossier"]
    ctx["supplement_form"] = SupplementForm(initial={"version": d.row_version}) if ctx["supplement"] else None
    ctx["rating_form"] = RatingForm() if ctx["can_rate"] else None
    ctx.update(extra)
    return render(request, "portal/dossier.html", ctx, status=status)


@require_GET
@citizen_view
def dossier(request: HttpRequest, pk: int) -> HttpResponse:
    return _dossier_page(request, pk)


@require_GET
@citizen_view
def download(request: HttpRequest, pk: int, file_id: int) -> HttpResponse:
    try:
        f, stream = services.open_file(request.user, pk, file_id)
    except NotFound as err:
        raise Http404 from err
    return file_response(f, stream)


@require_POST
@citizen_view
def supplement(request: HttpRequest, pk: int) -> HttpResponse:
    form = SupplementForm(request.POST, request.FILES)
    if not form.is_valid():
        return _dossier_page(request, pk, 422, supplement_form=form,
                             error=_("Vui lòng chọn tệp bổ sung và kiểm tra lại thông tin."))
    uploads = [services.Upload(f, f.name) for f in form.cleaned_data["files"]]
    try:
        services.submit_supplement(request.user, pk, form.cleaned_data["note"], uploads, form.cleaned_data["version"])
    except DomainError as err:
        if isinstance(err, NotFound):
            raise Http404 from err
        return _dossier_page(request, pk, err.http_status, supplement_form=form, error=friendly(err))
    messages.success(request, _("Đã nộp bổ sung. Hồ sơ được tiếp tục xử lý."))
    return redirect("portal:dossier", pk=pk)


@require_POST
@citizen_view
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _dossier_page(request, pk, 422, rating_form=form, error=_("Vui lòng chọn mức độ hài lòng."))
    try:
        rating = services.rate(request.user, pk, form.cleaned_data["score"], form.cleaned_data["comment"],
                               form.answers())
    except DomainError as err:
        if isinstance(err, NotFound):
            raise Http404 from err
        return _dossier_page(request, pk, err.http_status, error=friendly(err))
    messages.success(request, _("Cảm ơn bạn đã đánh giá."))
    followup = ratings.followup_of(rating)
    if followup is not None:
        messages.info(request, _("Lãnh đạo %(unit)s sẽ xem xét ý kiến của bạn (mã phản ánh %(code)s) và trả lời "
                                 "trước %(due)s.") % {"unit": followup.unit.name, "code": followup.code,
                                                      "due": clock.local(followup.due_at).strftime("%d/%m/%Y")})
    return redirect("portal:dossier", pk=pk)
