"""Reconciliation pages under /office/national-portal/reconciliation/: for leaders, monitors and
administrators, scoped to their units. The form creates a run (the worker executes it: the page
never calls the portal), the run page follows its progress (htmx polls a partial) and lists the
differences, filtered by kind, with the re-push button and the Excel export."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.core import clock
from motcua.domain.errors import NotFound, PermissionDenied, ValidationFailed
from motcua.dossiers.services import Actor
from motcua.units.models import Unit

from . import reconcile as rc
from . import reconcile_xlsx
from .models import Difference, ReconciliationRun, RunStatus

View = Callable[..., HttpResponse]
PAGE_SIZE = 100
POLL_SECONDS = 2
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
FIELD_ERRORS = {"start": gettext_lazy("Từ ngày không hợp lệ (năm ngoài phạm vi lịch)."),
                "end": gettext_lazy("Đến ngày phải từ Từ ngày trở đi, kỳ đối soát dài nhất 3 năm.")}


def reconcile_page(view: View) -> View:
    """Signed-in leaders, monitors or administrators; a run or unit outside their scope is refused."""
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from motcua.reports.pages import visible_units

        actor = Actor.of(request.user)
        if not visible_units(actor, rc.ROLES):
            return render(request, "office/forbidden.html", status=403)
        try:
            return view(request, actor, *args, **kwargs)
        except NotFound:
            raise Http404 from None
        except PermissionDenied:
            return render(request, "office/forbidden.html", status=403)

    return wrapper


class RunForm(forms.Form):
    unit = forms.ChoiceField(label=gettext_lazy("Đơn vị"))
    start = forms.DateField(label=gettext_lazy("Từ ngày (dd/mm/yyyy)"), input_formats=DATE_FORMATS,
                            widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}))
    end = forms.DateField(label=gettext_lazy("Đến ngày (dd/mm/yyyy)"), input_formats=DATE_FORMATS,
                          widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}))

    def __init__(self, *args: Any, units: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = units


def _unit_choices(actor: Actor) -> list[tuple[str, str]]:
    from motcua.reports.pages import unit_choices

    return unit_choices(actor, rc.ROLES)


@require_http_methods(["GET", "POST"])
@reconcile_page
def runs(request: HttpRequest, actor: Actor) -> HttpResponse:
    units = _unit_choices(actor)
    today = clock.local_date(clock.now())
    if request.method == "POST":
        form = RunForm(request.POST, units=units)
        if form.is_valid():
            run = _start(actor, form)
            if run is not None:
                messages.success(request, _("Đã tạo lượt đối soát; hệ thống đang tra cứu Cổng DVCQG."))
                return redirect("national_portal:reconcile-run", pk=run.pk)
        status = 400
    else:
        form = RunForm(initial={"unit": units[0][0], "start": today.replace(day=1), "end": today}, units=units)
        status = 200
    ctx = {"form": form, "runs": [_row(r) for r in rc.visible_runs(actor)[:50]]}
    return render(request, "national_portal/reconcile.html", ctx, status=status)


def _start(actor: Actor, form: RunForm) -> ReconciliationRun | None:
    unit = Unit.objects.get(code=form.cleaned_data["unit"])  # one of the choices: the caller's units
    start: date = form.cleaned_data["start"]
    end: date = form.cleaned_data["end"]
    try:
        return rc.start(actor, unit, start, end)
    except ValidationFailed as err:
        for field in err.fields:
            form.add_error(field if field in form.fields else None, str(FIELD_ERRORS.get(field, err.message)))
    return None


def _row(run: ReconciliationRun) -> dict[str, Any]:
    return {"run": run, "progress": _percent(run)}


def _percent(run: ReconciliationRun) -> int:
    if run.status == RunStatus.DONE:
        return 100
    return int(100 * run.checked / run.total) if run.total else 0


def _finished(run: ReconciliationRun) -> bool:
    return run.status in (RunStatus.DONE, RunStatus.FAILED)


@require_GET
@reconcile_page
def run(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    r = rc.get_run(actor, pk)
    kind = request.GET.get("kind") or ""
    if kind and kind not in rc.KINDS:
        kind = ""
    page = Paginator(rc.differences_of(r, kind or None), PAGE_SIZE).get_page(request.GET.get("page"))
    counts = rc.kind_counts(r)
    ctx = {"r": r, "progress": _percent(r), "finished": _finished(r), "poll": POLL_SECONDS, "kind": kind,
           "kinds": [(k, label, counts.get(k, 0)) for k, label in rc.KINDS.items()],
           "total_items": r.items.count(), "page": page,
           "items": [_item(i) for i in page.object_list],
           "may_repush": _finished(r) and r.differences > 0 and rc.may_reconcile(actor, r.unit)}
    return render(request, "national_portal/reconcile_run.html", ctx)


@require_GET
@reconcile_page
def progress(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """The progress bar alone (htmx polls it); once the run ends the whole page reloads."""
    r = rc.get_run(actor, pk)
    resp = render(request, "national_portal/reconcile_progress.html",
                  {"r": r, "progress": _percent(r), "finished": _finished(r), "poll": POLL_SECONDS})
    if _finished(r) and request.headers.get("HX-Request") == "true":
        resp["HX-Refresh"] = "true"
    return resp


@require_GET
@reconcile_page
def export(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    from motcua.reports.exports import content_disposition, xlsx_file

    r = rc.get_run(actor, pk)
    fh = xlsx_file(lambda out: reconcile_xlsx.write(out, r, rc.differences_of(r)))
    resp = FileResponse(fh, content_type=reconcile_xlsx.CONTENT_TYPE)
    resp["Content-Disposition"] = content_disposition(reconcile_xlsx.file_name(r))
    resp["Cache-Control"] = "no-store"
    return resp


@require_POST
@reconcile_page
def repush(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    r = rc.get_run(actor, pk)
    if not _finished(r):
        messages.warning(request, _("Lượt đối soát chưa xong: chờ xong rồi mới gửi lại."))
    else:
        n = rc.repush(actor, r)
        messages.success(request, _("Đã xếp hàng gửi lại đầy đủ %(n)s hồ sơ chênh lệch lên Cổng DVCQG.") % {"n": n})
    return redirect("national_portal:reconcile-run", pk=r.pk)


# ---- a difference as the table shows it -----------------------------------------------------------

def _item(i: Difference) -> dict[str, Any]:
    return {"i": i, "kinds": rc.kind_labels(i.kinds), "values": compared(i),
            "explanation": [f["text"] for f in i.explanation], "portal_explanation": i.portal.get("explanation") or [],
            "missing_rows": i.motcua.get("QuaTrinhThieu") or []}


def compared(i: Difference) -> list[tuple[str, str, str]]:
    """(field, motcua's value, the portal's) of the fields behind the kinds found."""
    m, p, kinds = i.motcua, i.portal, set(i.kinds)
    out: list[tuple[str, str, str]] = []
    if "pending" in kinds:
        return [(_("Sự kiện đã gửi / cần gửi"), f"{m.get('synced_seq', 0)}/{m.get('wanted_seq', 0)}", "")]
    if "status" in kinds or "missing" in kinds:
        out.append((_("Trạng thái"), rc.status_text(m.get("TrangThaiHoSo")),
                    rc.status_text(p.get("TrangThaiHoSo")) if p else ""))
    for name, label in rc.DATE_FIELDS.items():
        if ("dates" in kinds and str(m.get(name) or "") != str(p.get(name) or "")) or (
                "verdict" in kinds and name in ("NgayHenTra", "NgayKetThucXuLy")):
            out.append((str(label), rc.shown(m.get(name)), rc.shown(p.get(name))))
    if "verdict" in kinds:
        out.append((_("Đánh giá"), rc.motcua_verdict_text(m.get("verdict", "")),
                    rc.portal_verdict_text(p.get("DanhGiaDungHan", ""))))
    if "trail" in kinds:
        out.append((_("Số dòng quá trình xử lý"), str(m.get("SoDongQuaTrinh", "")), str(p.get("SoDongQuaTrinh", ""))))
    return out
