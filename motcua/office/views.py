"""Office pages. Each view parses, authorizes through the service layer, calls one service and
renders; domain errors become a friendly Vietnamese message on the same page, never a 500."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.catalog.choices import Channel
from motcua.core import clock
from motcua.domain.errors import Conflict, DomainError, NotFound
from motcua.domain.lifecycle import Action
from motcua.dossiers import services as svc
from motcua.dossiers.downloads import file_response
from motcua.units.choices import Role

from . import actions, bulk, intake, pages, queues, sections
from .errors import friendly, status_of
from .forms import FilterForm, IntakeForm, UploadForm
from .reasons import of_error

View = Callable[..., HttpResponse]
RECEIVED_KEY = "office.received"  # the dossier just received at the counter (its page shows the receipt banner)


def staff_view(view: View) -> View:
    """Signed-in staff only; the request gets its service-layer actor as ``request.actor``."""
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.actor = svc.Actor.of(request.user)  # type: ignore[attr-defined]
        if not request.actor.scope.is_staff_member:  # type: ignore[attr-defined]
            return render(request, "office/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def counter_view(view: View) -> View:
    """Staff with the counter officer's role (or a superuser): the intake pages. Whoever else comes (a
    leader, a monitor) is told why at once, not after choosing a procedure."""
    @staff_view
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        scope = request.actor.scope  # type: ignore[attr-defined]
        if not (scope.is_superuser or scope.has_role(Role.COUNTER_OFFICER)):
            return render(request, "office/forbidden.html", {"message": _(
                "Bạn không phải cán bộ một cửa: chỉ cán bộ một cửa tiếp nhận hồ sơ tại quầy.")}, status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _is_htmx(request: HttpRequest) -> bool:
    """A partial is wanted (not when htmx restores a page from history: that needs the whole page)."""
    return (request.headers.get("HX-Request") == "true"
            and request.headers.get("HX-History-Restore-Request") != "true")


@require_GET
@staff_view
def home(request: HttpRequest) -> HttpResponse:
    available = queues.queues_for(request.actor)  # type: ignore[attr-defined]
    if not available:
        return render(request, "office/forbidden.html", status=403)
    return redirect("office:queue", slug=available[0].slug)


@require_GET
@staff_view
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    available = queues.queues_for(actor)
    q = queues.BY_SLUG.get(slug)
    if q is None or q not in available:
        raise Http404
    form = FilterForm(request.GET, **pages.filter_choices(q))
    filters = pages.filters_from(form)
    page = queues.page_of(actor, q, filters)
    ctx = {"queue": q, "queues": available, "form": form, "page": page, "filters": filters,
           "next_query": urlencode(filters.query(after=page.next_after)) if page.next_after else "",
           "first_query": urlencode(filters.query(after=None))}
    if _is_htmx(request):
        return render(request, "office/_queue_table.html", ctx)
    counts = queues.counts(actor, available)  # the tabs' counts, one query
    ctx["tabs"] = [(t, counts.get(t.slug) or 0) for t in available]
    return render(request, "office/queue.html", ctx)


@require_POST
@staff_view
def bulk_forward(request: HttpRequest, slug: str) -> HttpResponse:
    q = queues.BY_SLUG.get(slug)
    if q is None or not q.bulk_forward or q not in queues.queues_for(request.actor):  # type: ignore[attr-defined]
        raise Http404
    selection = bulk.parse_selection(request.POST.getlist("selected"))
    if not selection:
        messages.warning(request, _("Chưa chọn hồ sơ nào."))
        return redirect("office:queue", slug=slug)
    result = bulk.forward_batch(request.actor, selection,  # type: ignore[attr-defined]
                                _("Chỉ chuyển hàng loạt được các hồ sơ đang ở cùng một bước."))
    pages.report_batch(request, result)
    return redirect("office:queue", slug=slug)


@require_GET
@staff_view
def dossier(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        ctx = pages.dossier_context(request.actor, pk)  # type: ignore[attr-defined]
    except NotFound as err:
        raise Http404 from err
    if request.session.get(RECEIVED_KEY) == pk:  # just received at the counter: print the receipt, or the next
        del request.session[RECEIVED_KEY]
        ctx["received_banner"] = pages.received_banner(ctx)
    return render(request, "office/dossier.html", ctx)


@require_POST
@staff_view
def dossier_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    if action in actions.HOLDER_ACTIONS:
        return _holder_action(request, pk, action)
    try:
        act = Action(action)
        ctx = pages.dossier_context(actor, pk)
    except (ValueError, NotFound) as err:
        raise Http404 from err
    if act not in actions.ACTIONS:
        raise Http404
    form = actions.make_form(act, ctx["dossier"], ctx["steps"], request.POST, results=ctx["results"])
    if not form.is_valid():
        return _action_failed(request, ctx, act, form, _("Vui lòng kiểm tra lại thông tin đã nhập."), 422)
    try:
        actions.ACTIONS[act].run(actor, pk, form.cleaned_data)
    except DomainError as err:
        ctx["stale"] = isinstance(err, Conflict) and not of_error(err)
        return _action_failed(request, ctx, act, form, friendly(err), status_of(err))
    messages.success(request, _("Đã thực hiện: %(a)s.") % {"a": actions.label(act)})
    return redirect("office:dossier", pk=pk)


def _holder_action(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """Claim, assign or hand over the current step (the service decides who may)."""
    actor = request.actor  # type: ignore[attr-defined]
    try:
        ctx = pages.dossier_context(actor, pk)
    except NotFound as err:
        raise Http404 from err
    spec = actions.HOLDER_ACTIONS[slug]
    form = actions.make_holder_form(slug, ctx["dossier"], actor, request.POST)
    error, status = _("Vui lòng kiểm tra lại thông tin đã nhập."), 422
    if form.is_valid():
        try:
            spec.run(actor, pk, form.cleaned_data)
        except DomainError as err:
            ctx["stale"] = isinstance(err, Conflict) and not of_error(err)
            error, status = friendly(err), status_of(err)
        else:
            messages.success(request, _("Đã thực hiện: %(a)s.") % {"a": spec.label})
            return redirect("office:dossier", pk=pk)
    for item in ctx["holder_forms"]:
        if item["slug"] == slug:
            item["form"], item["open"] = form, True
    ctx["error"] = error
    return render(request, "office/dossier.html", ctx, status=status)


@require_POST
@staff_view
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a scan, a result or another file to the dossier (the service decides who may)."""
    actor = request.actor  # type: ignore[attr-defined]
    try:
        ctx = pages.dossier_context(actor, pk)
    except NotFound as err:
        raise Http404 from err
    form = UploadForm(request.POST, request.FILES, components=pages.component_choices(ctx))
    if not form.is_valid():
        ctx.update(upload_form=form, error=_("Vui lòng kiểm tra lại tệp tải lên."))
        return render(request, "office/dossier.html", ctx, status=422)
    cd = form.cleaned_data
    try:
        f = svc.attach_file(actor, pk, cd["file"], cd["file"].name, cd["kind"], cd["component"])
    except DomainError as err:
        ctx.update(upload_form=form, error=friendly(err))
        return render(request, "office/dossier.html", ctx, status=status_of(err))
    messages.success(request, _("Đã tải lên tệp %(name)s.") % {"name": f.name})
    return redirect("office:dossier", pk=pk)


@require_GET
@staff_view
def download(request: HttpRequest, pk: int, file_id: int) -> HttpResponse:
    try:
        f, stream = svc.open_file(request.actor, file_id, pk)  # type: ignore[attr-defined]
    except NotFound as err:
        raise Http404 from err
    return file_response(f, stream)


def _action_failed(request: HttpRequest, ctx: dict[str, Any], act: Action, form: Any, message: str,
                   status: int) -> HttpResponse:
    pages.replace_form(ctx, act, form)
    ctx["error"] = message
    return render(request, "office/dossier.html", ctx, status=status)


@require_http_methods(["GET", "POST"])
@counter_view
def intake_page(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    code = request.POST.get("procedure") or request.GET.get("procedure", "")
    setup = intake.setup(actor, code) if code else None
    if setup is None or not setup.receiving:
        q = request.GET.get("q", "")[:100]
        return render(request, "office/intake.html", {"setup": setup, "code": code, "q": q,
                                                      "found": intake.search_procedures(q),
                                                      "frequent": intake.frequent_procedures(actor),
                                                      "no_counter": setup is not None})
    form = IntakeForm(request.POST or None, **pages.intake_form_kwargs(setup))
    if not form.is_bound:  # the procedure just chosen: the applicant's ID number comes next
        form.fields["applicant_id_number"].widget.attrs["autofocus"] = True
    base = {"setup": setup, "form": form, "code": code, "frequent": intake.frequent_procedures(actor),
            "preview": _due_preview(setup, request.POST)}
    if request.method == "POST" and form.is_valid():
        section_errors = sections.validate_intake(actor, setup, request)
        if section_errors:
            return render(request, "office/intake.html",
                          base | {"error": _("Vui lòng kiểm tra lại các mục được đánh dấu."),
                                  "section_errors": section_errors,
                                  "sections": sections.intake_sections(actor, setup, request)}, status=422)
        try:
            with transaction.atomic():  # the sections' parts (scans, fees, reuse) land with the dossier or not at all
                d = svc.intake(actor, pages.intake_request(setup, form))
                sections.apply_intake(actor, setup, request, d)
        except DomainError as err:
            pages.mark_unit_errors(form, err, friendly(err))
            return render(request, "office/intake.html",
                          base | {"error": friendly(err), "field_errors": err.fields,
                                  "sections": sections.intake_sections(actor, setup, request)},
                          status=status_of(err))
        messages.success(request, _("Đã tiếp nhận hồ sơ %(code)s.") % {"code": d.code})
        request.session[RECEIVED_KEY] = d.pk  # the dossier page shows the receipt banner once
        return redirect("office:dossier", pk=d.pk)
    ctx = base | {"sections": sections.intake_sections(actor, setup, request)}
    return render(request, "office/intake.html", ctx, status=422 if form.is_bound else 200)


@require_GET
@counter_view
def intake_procedures(request: HttpRequest) -> HttpResponse:
    found = intake.search_procedures(request.GET.get("q", "")[:100])
    return render(request, "office/_procedure_results.html", {"found": found, "q": request.GET.get("q", "")})


@require_GET
@counter_view
def intake_preview(request: HttpRequest) -> HttpResponse:
    setup = intake.setup(request.actor, request.GET.get("procedure", ""))  # type: ignore[attr-defined]
    if setup is None or not setup.receiving:
        raise Http404
    return render(request, "office/_preview.html", {"preview": _due_preview(setup, request.GET), "now": clock.now()})


def _due_preview(setup: Any, data: Any) -> list[dict[str, Any]]:  # noqa: ANN401
    """The due time if received now at the chosen receiving unit, by the chosen arrival (a dossier the
    post brought has the version's time limit for channel 3, which may differ from the counter's)."""
    unit = pages.pick_unit(setup.receiving, data.get("receiving_unit"))
    by_post = data.get("channel") == str(Channel.POST) and setup.version.accepts_channel(Channel.POST)
    return intake.preview_due(setup.version, unit, channel=Channel.POST if by_post else Channel.DIRECT)


@require_GET
@counter_view
def intake_applicant(request: HttpRequest) -> HttpResponse:
    """The applicant fields again, filled from the applicant's latest dossier if there is one."""
    actor = request.actor  # type: ignore[attr-defined]
    setup = intake.setup(actor, request.GET.get("procedure", ""))
    if setup is None or not setup.receiving:
        raise Http404
    found = svc.returning_applicant(actor, request.GET.get("applicant_id_number", "")[:20])
    initial = pages.applicant_initial(request.GET, found[0] if found else None)
    form = IntakeForm(**pages.intake_form_kwargs(setup) | {"initial": initial})
    return render(request, "office/_applicant.html", {"form": form, "returning": found[1] if found else None})
