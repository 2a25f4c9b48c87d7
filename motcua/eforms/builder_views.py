"""The form builder's pages (administrators): the list of procedure versions and their forms, the
editor (sections, fields, groups, order by buttons or by dragging, each field configured in a
form, never JSON), previews on a phone and on the counter PC, publishing, the next version's draft,
and one form's JSON downloaded or uploaded. Views parse, call builder / builder_services, render;
errors become a friendly message on the page with the matching status, never a 500."""

from __future__ import annotations

from datetime import date
from typing import Any

from csp.constants import SELF
from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.domain.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from motcua.dossiers.services import Actor

from . import builder as b
from . import builder_services as svc
from .render import form_view

PREVIEW_WIDTHS = {"phone": 360, "counter": 1366}


def _problem(request: HttpRequest, err: DomainError) -> HttpResponse:
    if isinstance(err, PermissionDenied):
        message = _("Chỉ quản trị viên mới được soạn biểu mẫu điện tử.")
    elif isinstance(err, NotFound):
        message = _("Không tìm thấy phiên bản thủ tục hoặc biểu mẫu.")
    elif isinstance(err, Conflict):
        message = _("Biểu mẫu đã công bố không sửa trực tiếp; hãy tạo bản nháp cho phiên bản thủ tục tiếp theo.")
    else:
        message = _("Thông tin chưa hợp lệ, vui lòng kiểm tra lại.")
    return render(request, "eforms/builder/problem.html", {"message": message}, status=err.http_status)


def _editor_url(version_id: int) -> str:
    return reverse("eforms_builder:edit", kwargs={"version_id": version_id})


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    try:
        rows = list(svc.versions(Actor.of(request.user), request.GET.get("q", ""))[:200])
    except DomainError as err:
        return _problem(request, err)
    return render(request, "eforms/builder/index.html", {"rows": rows, "q": request.GET.get("q", "")})


def _editor(request: HttpRequest, version_id: int, *, error: b.BuildError | None = None,
            status: int = 200) -> HttpResponse:
    version, form = svc.get_version(Actor.of(request.user), version_id)
    defn = form.definition if form else None
    ctx: dict[str, Any] = {
        "version": version, "form": form, "defn": defn, "problems": b.problems(defn) if defn else [],
        "types": list(b.TYPE_LABELS.items()), "error": error, "widths": PREVIEW_WIDTHS,
        "editing": _editing(defn, request.GET.get("container", ""), request.GET.get("key", "")),
        "later": version.procedure.versions.filter(effective_from__gt=version.effective_from).first(),
    }
    template = "eforms/builder/_sections.html" if request.headers.get("HX-Request") else "eforms/builder/edit.html"
    return render(request, template, ctx, status=status)


def _editing(defn: dict[str, Any] | None, container: str, key: str) -> dict[str, Any] | None:
    """The field open in the field form (its current settings as the form's inputs)."""
    if not defn or not container or not key:
        return None
    try:
        field = next(f for f in b._fields(defn, container) if f.get("key") == key)
    except (b.BuildError, StopIteration):
        return None
    cond = field.get("show_if") or {}
    op = next((k for k in b.SHOW_IF_OPS if k in cond), "equals")
    value = cond.get(op, "")
    return {"container": container, "field": field, "choices": b.choices_text(field.get("choices")),
            "show_if_op": op, "show_if_value": ", ".join(map(str, value)) if isinstance(value, list) else
            ("true" if value is True else "false" if value is False else str(value))}


@require_GET
@login_required
def edit(request: HttpRequest, version_id: int) -> HttpResponse:
    try:
        return _editor(request, version_id)
    except DomainError as err:
        return _problem(request, err)


def _apply(defn: dict[str, Any], post: Any) -> dict[str, Any]:
    """One builder operation named by the form's ``op``."""
    op, container, key = post.get("op", ""), post.get("container", ""), post.get("key", "")
    delta = -1 if post.get("direction") == "up" else 1
    ops = {
        "meta": lambda: b.set_meta(defn, post.get("title_vi", ""), post.get("title_en", ""), post.get("template", "")),
        "add_section": lambda: b.add_section(defn, post.get("section_key", "").strip(), post.get("title_vi", ""),
                                             post.get("title_en", "")),
        "update_section": lambda: b.update_section(defn, key, post.get("title_vi", ""), post.get("title_en", ""),
                                                   post.get("help_vi", ""), post.get("help_en", ""),
                                                   b._show_if(post, {})),
        "remove_section": lambda: b.remove_section(defn, key),
        "move_section": lambda: b.move_section(defn, key, delta),
        "add_field": lambda: b.add_field(defn, container, b.field_from_post(post)),
        "update_field": lambda: b.update_field(defn, container, key, b.field_from_post(post)),
        "remove_field": lambda: b.remove_field(defn, container, key),
        "move_field": lambda: b.move_field(defn, container, key, delta),
        "reorder": lambda: b.reorder_fields(defn, container, [k for k in post.get("order", "").split(",") if k]),
    }
    if op not in ops:
        raise b.BuildError(_("Thao tác không hợp lệ."), {"op": op})
    return ops[op]()


@require_POST
@login_required
def change(request: HttpRequest, version_id: int) -> HttpResponse:
    actor = Actor.of(request.user)
    try:
        _version, form = svc.get_version(actor, version_id)
        if form is None:
            raise NotFound("No form.")
        try:
            defn = _apply(dict(form.definition), request.POST)
        except b.BuildError as err:
            return _editor(request, version_id, error=err, status=400)
        svc.save_draft(actor, version_id, defn)
    except DomainError as err:
        return _problem(request, err)
    if request.headers.get("HX-Request"):
        return _editor(request, version_id)
    return redirect(_editor_url(version_id) + (f"#s-{request.POST.get('anchor')}" if request.POST.get("anchor")
                                               else ""))


@require_POST
@login_required
def start(request: HttpRequest, version_id: int) -> HttpResponse:
    try:
        svc.start(Actor.of(request.user), version_id, from_shipped=request.POST.get("source") != "blank")
    except DomainError as err:
        return _problem(request, err)
    return redirect(_editor_url(version_id))


@require_POST
@login_required
def publish(request: HttpRequest, version_id: int) -> HttpResponse:
    try:
        svc.publish(Actor.of(request.user), version_id)
    except ValidationFailed:
        return _editor(request, version_id, error=b.BuildError(_("Biểu mẫu còn lỗi, chưa công bố được.")),
                       status=400)
    except DomainError as err:
        return _problem(request, err)
    messages.success(request, _("Đã công bố biểu mẫu cùng phiên bản thủ tục."))
    return redirect(_editor_url(version_id))


def _date(raw: str) -> date | None:
    from motcua.domain.eforms import Invalid, parse_date

    try:
        return parse_date(raw) if raw.strip() else None
    except Invalid:
        return None


@require_POST
@login_required
def next_version(request: HttpRequest, version_id: int) -> HttpResponse:
    decided, starts = _date(request.POST.get("decision_date", "")), _date(request.POST.get("effective_from", ""))
    try:
        if decided is None or starts is None:
            return _editor(request, version_id, status=400, error=b.BuildError(
                _("Nhập ngày quyết định và ngày hiệu lực (dd/mm/yyyy)."), {"effective_from": "date"}))
        later = svc.next_version(Actor.of(request.user), version_id, decision_number=request.POST.get(
            "decision_number", ""), decision_date=decided, effective_from=starts)
    except ValidationFailed:
        return _editor(request, version_id, status=400, error=b.BuildError(
            _("Phiên bản mới cần số quyết định và ngày hiệu lực sau phiên bản hiện hành.")))
    except DomainError as err:
        return _problem(request, err)
    messages.success(request, _("Đã tạo bản nháp biểu mẫu cho phiên bản thủ tục tiếp theo."))
    return redirect(_editor_url(later.pk))


@require_GET
@login_required
def export(request: HttpRequest, version_id: int) -> HttpResponse:
    try:
        version, form = svc.get_version(Actor.of(request.user), version_id)
        if form is None:
            raise NotFound("No form.")
    except DomainError as err:
        return _problem(request, err)
    response = HttpResponse(b.export_bytes(form.definition), content_type="application/json; charset=utf-8")
    name = f"{form.definition.get('key') or 'form'}-{version.effective_from:%Y%m%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@login_required
def upload(request: HttpRequest, version_id: int) -> HttpResponse:
    actor = Actor.of(request.user)
    try:
        svc.get_version(actor, version_id)
        file = request.FILES.get("file")
        if file is None:
            return _editor(request, version_id, status=400, error=b.BuildError(_("Chọn tệp JSON của biểu mẫu."),
                                                                              {"file": "required"}))
        try:
            defn = b.parse_upload(file.read(b.MAX_UPLOAD + 1))
        except b.BuildError as err:
            return _editor(request, version_id, error=err, status=400)
        svc.save_draft(actor, version_id, defn)
    except DomainError as err:
        return _problem(request, err)
    messages.success(request, _("Đã nạp biểu mẫu từ tệp vào bản nháp."))
    return redirect(_editor_url(version_id))


@require_http_methods(["GET"])
@login_required
def preview(request: HttpRequest, version_id: int, device: str) -> HttpResponse:
    """The page holding the preview frame at the device's width."""
    if device not in PREVIEW_WIDTHS:
        return _problem(request, NotFound("Unknown device."))
    try:
        version, form = svc.get_version(Actor.of(request.user), version_id)
    except DomainError as err:
        return _problem(request, err)
    return render(request, "eforms/builder/preview.html", {"version": version, "form": form, "device": device,
                                                          "width": PREVIEW_WIDTHS[device]})


@require_GET
@login_required
@xframe_options_sameorigin  # framed by the preview page (the site's default refuses any framing)
@csp_replace({"frame-ancestors": [SELF]})
def preview_frame(request: HttpRequest, version_id: int) -> HttpResponse:
    """The form as the citizen and the officer see it, empty (inside the preview frame)."""
    try:
        _version, form = svc.get_version(Actor.of(request.user), version_id)
        if form is None:
            raise NotFound("No form.")
    except DomainError as err:
        return _problem(request, err)
    if b.problems(form.definition):
        return render(request, "eforms/builder/frame.html", {"broken": True})
    return render(request, "eforms/builder/frame.html", {"eform": form_view(form.definition, {}), "broken": False})
