"""Feedback pages: the citizen's (send from a phone, follow, read the answer, rate it) and the staff's
(queue, case page with its actions, counter and suggestion-box entry, figures, Excel). Views only
parse, authorize, call a service and render."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.core import clock
from motcua.domain import feedback as fb
from motcua.domain.errors import DomainError, NotFound, PermissionDenied
from motcua.dossiers.services import Actor
from motcua.office.views import staff_view
from motcua.portal.views import citizen_view

from . import exports, handling, queries
from . import services as fsvc
from .forms import AnswerForm, InfoForm, NoteForm, RateForm, SendForm, StaffEntryForm, TransferForm
from .models import Case, CaseFile
from .texts import TAB_TITLES, field_label, friendly

PAGE = 25


# ---- sending ------------------------------------------------------------------------------------

def _photos(files: list[Any]) -> list[tuple[str, bytes, str]]:
    return [(f.name, f.read(), getattr(f, "content_type", "")) for f in files or []]


def _submission(data: dict[str, Any], channel: str, **extra: Any) -> fsvc.Submission:
    return fsvc.Submission(
        category_code=data["category"], description=data["description"], title=data.get("title") or "",
        dossier_code=data.get("dossier_code") or "", address=data.get("address") or "",
        lat=data.get("lat"), lon=data.get("lon"), anonymous=bool(data.get("anonymous")),
        sender_name=data.get("sender_name") or "", sender_phone=data.get("sender_phone") or "",
        sender_email=data.get("sender_email") or "", photos=_photos(data.get("photos") or []), channel=channel,
        unit_id=data.get("unit"), **extra)


def _show(form: Any, err: DomainError) -> None:
    """A service error's field messages next to the form's fields."""
    names = {"category_code": "category", "unit_id": "unit", "photos": "photos"}
    for name, message in err.fields.items():
        target = names.get(name, name)
        if target in form.fields:
            form.add_error(target, field_label(message))
        else:
            form.add_error(None, f"{name}: {field_label(message)}")


def _initial_sender(user: Any) -> dict[str, str]:
    if not getattr(user, "is_authenticated", False):
        return {}
    profile = getattr(user, "citizen_profile", None)
    name = f"{user.last_name} {user.first_name}".strip()
    return {"sender_name": name, "sender_phone": getattr(profile, "phone", ""), "sender_email": user.email}


@require_http_methods(["GET", "POST"])
def send(request: HttpRequest) -> HttpResponse:
    """The portal's form: anyone may send (anonymously too); a signed-in citizen follows it later."""
    from motcua.portal import accounts

    if request.user.is_authenticated and accounts.is_staff(request.user):
        return redirect("feedback:entry")
    form = SendForm(request.POST or None, request.FILES or None, initial=_initial_sender(request.user),
                    units=public_units())
    if request.method == "POST" and form.is_valid():
        actor = Actor.of(request.user) if request.user.is_authenticated else None
        try:
            c = fsvc.submit(actor, _submission(form.cleaned_data, "portal",
                                               sender_id_number=_id_number(request.user)))
        except DomainError as err:
            _show(form, err)
        else:
            request.session["feedback_sent"] = c.code
            return redirect("feedback:sent", code=c.code)
    status = 422 if request.method == "POST" else 200
    return render(request, "feedback/send.html", {"form": form}, status=status)


def public_units() -> list[tuple[int, str]]:
    """The units a citizen may address: territorial units and agencies (not their inner departments)."""
    from motcua.units.models import Unit

    qs = Unit.objects.filter(dissolved_on__isnull=True, kind__in=["province", "commune", "agency"]).order_by("path")
    return [(u.pk, u.name) for u in qs]


def _id_number(user: Any) -> str:
    profile = getattr(user, "citizen_profile", None) if getattr(user, "is_authenticated", False) else None
    return getattr(profile, "id_number", "") or ""


@require_GET
def sent(request: HttpRequest, code: str) -> HttpResponse:
    if request.session.get("feedback_sent") != code:
        raise Http404
    c = Case.objects.select_related("unit").get(code=code)
    return render(request, "feedback/sent.html", {"case": c})


# ---- published answers (anyone) -------------------------------------------------------------------

@require_GET
def public(request: HttpRequest) -> HttpResponse:
    """The answers units have published, newest first: no sender's data is shown."""
    page = queries.page_of(fsvc.public_cases(status=fb.CaseStatus.PUBLISHED.value), request.GET.get("page"), PAGE)
    return render(request, "feedback/public.html", {"page": page})


@require_GET
def public_case(request: HttpRequest, code: str) -> HttpResponse:
    try:
        c = fsvc.get_public(code)
    except NotFound as err:
        raise Http404 from err
    if c.status != fb.CaseStatus.PUBLISHED:
        raise Http404
    return render(request, "feedback/public_case.html", {"case": c})


# ---- the citizen's cases --------------------------------------------------------------------------

@require_GET
@citizen_view
def mine(request: HttpRequest) -> HttpResponse:
    qs = fsvc.visible_cases(Actor.of(request.user)).select_related("category", "unit").order_by("-received_at", "-pk")
    return render(request, "feedback/mine.html", {"page": Paginator(qs, PAGE).get_page(request.GET.get("page"))})


def _citizen_page(request: HttpRequest, pk: int, status: int = 200, **extra: Any) -> HttpResponse:
    actor = Actor.of(request.user)
    try:
        c = fsvc.get_case(actor, pk)
    except NotFound as err:
        raise Http404 from err
    ctx: dict[str, Any] = {"case": c, "events": _public_events(c), "files": c.files.filter(event__isnull=True),
                           "answer_files": c.files.filter(kind="answer"), "criteria": fsvc.answer_criteria()}
    if fb.can(fb.CaseAction.RATE, fb.CaseStatus(c.status)) and c.rated_at is None:
        ctx["rate_form"] = RateForm()
    if c.status == fb.CaseStatus.INFO_REQUESTED:
        ctx["info_form"] = InfoForm(initial={"version": c.row_version})
    ctx.update(extra)
    return render(request, "feedback/case.html", ctx, status=status)


def _public_events(c: Case) -> list[Any]:
    """The steps the sender sees: every step, without the staff's names."""
    return list(c.events.order_by("seq"))


@require_GET
@citizen_view
def case(request: HttpRequest, pk: int) -> HttpResponse:
    return _citizen_page(request, pk)


@require_POST
@citizen_view
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    form = RateForm(request.POST)
    if not form.is_valid():
        return _citizen_page(request, pk, 422, rate_form=form, error=_("Vui lòng chọn hài lòng hoặc không hài lòng."))
    crit = {code: True for code in form.cleaned_data["criteria"]}
    try:
        handling.rate(Actor.of(request.user), pk, form.cleaned_data["satisfied"], crit, form.cleaned_data["comment"])
    except DomainError as err:
        if isinstance(err, NotFound):
            raise Http404 from err
        return _citizen_page(request, pk, err.http_status, error=friendly(err))
    messages.success(request, _("Cảm ơn bạn đã đánh giá kết quả xử lý."))
    return redirect("feedback:case", pk=pk)


@require_POST
@citizen_view
def info(request: HttpRequest, pk: int) -> HttpResponse:
    form = InfoForm(request.POST, request.FILES)
    if not form.is_valid():
        return _citizen_page(request, pk, 422, info_form=form, error=_("Vui lòng nhập thông tin bổ sung."))
    files = [(f.name, f.read()) for f in form.cleaned_data["files"] or []]
    try:
        handling.provide_info(Actor.of(request.user), pk, form.cleaned_data["note"], files,
                              expected_version=form.cleaned_data["version"])
    except DomainError as err:
        if isinstance(err, NotFound):
            raise Http404 from err
        return _citizen_page(request, pk, err.http_status, error=friendly(err))
    messages.success(request, _("Đã gửi thông tin bổ sung."))
    return redirect("feedback:case", pk=pk)


@require_GET
def download(request: HttpRequest, pk: int, file_id: int) -> HttpResponse:
    """A case's file, for whoever may see the case (its sender, the units' staff)."""
    from motcua.dossiers.downloads import file_response
    from motcua.dossiers.storage import get_storage

    if not request.user.is_authenticated:
        raise Http404
    try:
        c = fsvc.get_case(Actor.of(request.user), pk)
    except NotFound as err:
        raise Http404 from err
    f = CaseFile.objects.filter(case=c, pk=file_id).first()
    if f is None:
        raise Http404
    return file_response(f, get_storage().open(f.storage_key))  # type: ignore[arg-type]


# ---- staff: queue, case, actions --------------------------------------------------------------------

@require_GET
@staff_view
def queue(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    tab = request.GET.get("tab", "open")
    if tab not in queries.TABS:
        tab = "open"
    now = clock.now()
    qs = queries.queue(actor, tab, request.GET.get("q", ""), now)
    page = queries.page_of(qs, request.GET.get("page"), PAGE)  # no COUNT(*): one row more tells "next"
    until = queries.window(queries._province_of(actor), now)
    for c in page.rows:
        c.flag = queries.flag_of(c, now, until)  # type: ignore[attr-defined]
    tabs = [(t, _(TAB_TITLES[t])) for t in queries.TABS]  # noqa: INT001
    ctx = {"page": page, "tab": tab, "tabs": tabs, "q": request.GET.get("q", ""),
           "counts": queries.tab_counts(actor, now)}
    return render(request, "feedback/queue.html", ctx)


def _units_for_transfer(actor: Actor, c: Case) -> list[tuple[int, str]]:
    from motcua.units.models import Unit

    qs = Unit.objects.filter(path__startswith=f"/{c.province_id}/", dissolved_on__isnull=True).exclude(pk=c.unit_id)
    return [(u.pk, u.name) for u in qs.order_by("path")]


ACTIONS = ("acknowledge", "transfer", "request_info", "provide_info", "answer", "refuse", "publish", "close")


def _staff_page(request: HttpRequest, pk: int, status: int = 200, **extra: Any) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    try:
        c = fsvc.get_case(actor, pk)
    except NotFound as err:
        raise Http404 from err
    allowed = [a.value for a in fb.allowed_actions(fb.CaseStatus(c.status)) if a.value in ACTIONS]
    forms_: dict[str, Any] = {}
    for a in allowed:
        if a == "transfer":
            forms_[a] = TransferForm(initial={"version": c.row_version}, units=_units_for_transfer(actor, c),
                                     prefix=a)
        elif a == "answer":
            forms_[a] = AnswerForm(initial={"version": c.row_version}, prefix=a)
        else:
            forms_[a] = NoteForm(initial={"version": c.row_version}, prefix=a)
    forms_.update(extra.pop("forms", {}))
    now = clock.now()
    j = fb.judge(fsvc.calendar_for(c.province_id), fsvc.clock_of(c), now)
    ctx = {"case": c, "events": c.events.select_related("unit").order_by("seq"), "files": c.files.all(),
           "actions": [(a, forms_[a]) for a in allowed], "judgement": j,
           "flag": queries.flag_of(c, now, queries.window(c.province_id, now))}
    ctx.update(extra)
    return render(request, "feedback/office_case.html", ctx, status=status)


@require_GET
@staff_view
def office_case(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_page(request, pk)


@require_POST
@staff_view
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    actor = request.actor  # type: ignore[attr-defined]
    try:
        c = fsvc.get_case(actor, pk)
    except NotFound as err:
        raise Http404 from err
    if action == "transfer":
        form: Any = TransferForm(request.POST, units=_units_for_transfer(actor, c), prefix=action)
    elif action == "answer":
        form = AnswerForm(request.POST, request.FILES, prefix=action)
    else:
        form = NoteForm(request.POST, prefix=action)
    if not form.is_valid():
        return _staff_page(request, pk, 422, forms={action: form}, error=_("Vui lòng kiểm tra lại thông tin."))
    d = form.cleaned_data
    kw = {"expected_version": d["version"]}
    try:
        _apply(actor, pk, action, d, kw)
    except DomainError as err:
        if isinstance(err, NotFound):
            raise Http404 from err
        for name in err.fields:
            form.add_error("note" if name in ("note", "reason", "answer") else None, friendly(err))
        return _staff_page(request, pk, err.http_status, forms={action: form}, error=friendly(err))
    messages.success(request, _("Đã cập nhật phản ánh, kiến nghị."))
    return redirect("feedback:office_case", pk=pk)


def _apply(actor: Actor, pk: int, action: str, d: dict[str, Any], kw: dict[str, Any]) -> Case:
    note = d.get("note") or ""
    if action == "transfer":
        return handling.transfer(actor, pk, d["unit"], note, **kw)
    if action == "answer":
        files = [(f.name, f.read()) for f in d.get("files") or []]
        return handling.answer(actor, pk, note, files, **kw)
    if action == "refuse":
        return handling.refuse(actor, pk, note, **kw)
    fn = getattr(handling, action)  # acknowledge, request_info, provide_info, publish, close: (actor, pk, note)
    return fn(actor, pk, note, **kw)  # type: ignore[no-any-return]


@require_http_methods(["GET", "POST"])
@staff_view
def entry(request: HttpRequest) -> HttpResponse:
    """Counter entry on the citizen's behalf, or a suggestion-box slip typed in by staff."""
    actor = request.actor  # type: ignore[attr-defined]
    units = _visible_units(actor)
    form = StaffEntryForm(request.POST or None, request.FILES or None, units=units,
                          initial={"channel": request.GET.get("channel", "counter")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            c = fsvc.submit(actor, _submission(d, d["channel"], urgency=d["urgency"],
                                               procedure_code=d.get("procedure_code") or "",
                                               sender_id_number=d.get("sender_id_number") or ""))
        except DomainError as err:
            _show(form, err)
        else:
            messages.success(request, _("Đã ghi nhận phản ánh %(code)s.") % {"code": c.code})
            return redirect("feedback:office_case", pk=c.pk)
    return render(request, "feedback/entry.html", {"form": form}, status=422 if request.method == "POST" else 200)


def _visible_units(actor: Actor) -> list[tuple[int, str]]:
    from motcua.units.models import Unit

    if actor.scope.is_superuser:
        qs = Unit.objects.all()
    else:
        provinces = {p.strip("/").split("/")[0] for p in actor.scope.paths()}
        from django.db.models import Q

        q = Q(pk__in=[])
        for p in provinces:
            q |= Q(path__startswith=f"/{p}/")
        qs = Unit.objects.filter(q)
    return [(u.pk, u.name) for u in qs.filter(dissolved_on__isnull=True).order_by("path")]


# ---- staff: figures and Excel ---------------------------------------------------------------------

REPORT_ROLES = ("leader", "monitor", "admin")


def _period(request: HttpRequest) -> tuple[date, date]:
    today = clock.local_date(clock.now())
    try:
        first = date.fromisoformat(request.GET.get("start", "")) if request.GET.get("start") else today.replace(day=1)
        last = date.fromisoformat(request.GET.get("end", "")) if request.GET.get("end") else today
    except ValueError:
        first, last = today.replace(day=1), today
    return (first, last) if first <= last else (last, first)


def _report_unit(request: HttpRequest) -> Any:
    from motcua.reports.pages import pick_unit

    return pick_unit(request.actor, request.GET.get("unit"), REPORT_ROLES)  # type: ignore[attr-defined]


@require_GET
@staff_view
def report(request: HttpRequest) -> HttpResponse:
    from motcua.reports.services import period_of

    try:
        unit = _report_unit(request)
        first, last = _period(request)
        period = period_of(first, last)
    except PermissionDenied:
        return render(request, "office/forbidden.html", status=403)
    except DomainError as err:
        return render(request, "office/forbidden.html", {"error": friendly(err)}, status=422)
    total, rows = queries.unit_figures(unit, period.start, period.end, period.as_of)
    figure = request.GET.get("figure", "")
    cases = None
    if figure in queries.FIGURES:
        cases = Case.objects.filter(pk__in=total.members.get(figure, [])).select_related("unit", "category").order_by(
            "received_at")[:500]
    params = {"start": first.isoformat(), "end": last.isoformat()}
    return render(request, "feedback/report.html", {
        "unit": unit, "first": first, "last": last, "total": total, "rows": rows, "figure": figure, "cases": cases,
        "params": params, "figures": queries.FIGURES, "as_of": period.as_of,
        "export_url": reverse("feedback:export") + f"?unit={unit.code}&start={first}&end={last}",
    })


@require_GET
@staff_view
def export(request: HttpRequest) -> HttpResponse:
    from motcua.reports.services import period_of

    try:
        unit = _report_unit(request)
        first, last = _period(request)
        period = period_of(first, last)
    except PermissionDenied:
        return render(request, "office/forbidden.html", status=403)
    except DomainError as err:
        return render(request, "office/forbidden.html", {"error": friendly(err)}, status=422)
    qs = Case.objects.filter(unit_path__startswith=unit.path, received_at__gte=period.start,
                             received_at__lt=period.end)
    title = _("Phản ánh, kiến nghị tiếp nhận từ %(s)s đến %(e)s: %(u)s") % {
        "s": f"{first:%d/%m/%Y}", "e": f"{last:%d/%m/%Y}", "u": unit.name}
    body = exports.workbook(qs, title)
    resp = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f'attachment; filename="phan-anh-{unit.code}-{first}-{last}.xlsx"'
    return resp
