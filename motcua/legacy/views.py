"""The administrator's legacy import pages under /office/legacy/: the upload (one .xlsx or two .csv) that
starts a dry run, a run's page (its progress polled by htmx, the problems by row, the import button, then
the counts), and the file format's documentation. Administrators only (the format page: any staff)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.domain.errors import NotFound, PermissionDenied, ValidationFailed
from motcua.office.views import staff_view

from . import format as fmt
from . import services
from .models import ImportRun, RunStatus

View = Callable[..., HttpResponse]
POLL_SECONDS = 1
PAGE_SIZE = 200
MOVING = (RunStatus.CHECKING, RunStatus.QUEUED, RunStatus.IMPORTING)


def admin_page(view: View) -> View:
    """Signed-in staff with the administrator role (as the reorganization pages); 403 otherwise."""
    @staff_view
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not services.may_import(request.user):
            return render(request, "office/forbidden.html", status=403)
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404 from None
        except PermissionDenied:
            return render(request, "office/forbidden.html", status=403)

    return wrapper


@require_http_methods(["GET", "POST"])
@admin_page
def index(request: HttpRequest) -> HttpResponse:
    error, status = "", 200
    if request.method == "POST":
        uploads = request.FILES.getlist("files")
        try:
            if not uploads:
                raise ValidationFailed("No file.", fields={"file": _("Chọn tệp cần nhập.")})
            run = services.create_run(request.user, [(f, f.name) for f in uploads])
        except ValidationFailed as exc:
            error, status = str(exc.fields.get("file") or exc.message), 400
        else:
            messages.success(request, _("Đã tải tệp lên; hệ thống đang kiểm tra (chạy thử, chưa ghi gì)."))
            return redirect("legacy:run", pk=run.pk)
    runs = services.visible_runs(request.user)[:30]
    return render(request, "legacy/index.html", {"runs": runs, "error": error}, status=status)


def _ctx(run: ImportRun) -> dict[str, Any]:
    return {"r": run, "moving": run.status in MOVING, "poll": POLL_SECONDS, "s": run.summary or {}}


@require_GET
@admin_page
def run(request: HttpRequest, pk: int) -> HttpResponse:
    r = services.get_run(request.user, pk)
    severity = request.GET.get("severity") or ""
    problems = [p for p in r.problems if not severity or p.get("severity") == severity]
    page = Paginator(problems, PAGE_SIZE).get_page(request.GET.get("page"))
    ctx = _ctx(r) | {"page": page, "severity": severity,
                     "may_import": r.status == RunStatus.CHECKED and not r.summary.get("unreadable")
                     and r.summary.get("new", 0) > 0,
                     "verdicts": [(fmt.VERDICT_LABELS[k], n) for k, n in (r.summary.get("verdicts") or {}).items()
                                  if k in fmt.VERDICT_LABELS]}
    return render(request, "legacy/run.html", ctx)


@require_GET
@admin_page
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment (htmx polls it); once the job ends the whole page reloads."""
    r = services.get_run(request.user, pk)
    resp = render(request, "legacy/_progress.html", _ctx(r))
    if r.status not in MOVING and request.headers.get("HX-Request") == "true":
        resp["HX-Refresh"] = "true"
    return resp


@require_POST
@admin_page
def start(request: HttpRequest, pk: int) -> HttpResponse:
    r = services.get_run(request.user, pk)
    try:
        services.start_import(request.user, r)
    except ValidationFailed as exc:
        messages.error(request, str(exc.fields.get("run") or exc.message))
    else:
        messages.success(request, _("Đã xếp hàng nhập dữ liệu; trang tự cập nhật tiến độ."))
    return redirect("legacy:run", pk=r.pk)


@require_GET
@staff_view
def format_page(request: HttpRequest) -> HttpResponse:
    actions = [(code, label) for code, label in fmt.ACTION_LABELS.items()]
    return render(request, "legacy/format.html", {
        "dossier_columns": fmt.DOSSIER_COLUMNS, "event_columns": fmt.EVENT_COLUMNS, "actions": actions,
        "dossier_sheet": fmt.DOSSIER_SHEET, "event_sheet": fmt.EVENT_SHEET,
        "verdicts": list(fmt.VERDICT_LABELS.items()), "may_import": services.may_import(request.user)})


@require_GET
@admin_page
def sample(request: HttpRequest) -> HttpResponse:
    """The sample workbook on the administrator's own units (fill it in, or try a dry run with it)."""
    from .sample import workbook

    resp = HttpResponse(workbook(services.administered(request.user)),
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = 'attachment; filename="lich-su-mau.xlsx"'
    return resp
