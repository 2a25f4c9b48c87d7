"""The portal's appointment pages (signed-in citizens): book a slot to submit a dossier for a procedure
(at a receiving unit that accepts it) or to collect a dossier's result (at its return unit, from its
appointment time on), see "Lịch hẹn của tôi" and cancel. Views parse, call motcua.queueing.appointments
and render; a refusal is a friendly message on the same page (422), never a 500."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.core import clock
from motcua.domain.errors import NotFound
from motcua.domain.slots import Slot
from motcua.portal import catalog
from motcua.portal import services as portal
from motcua.portal.views import citizen_view
from motcua.units.models import Unit

from . import appointments as appts
from . import slots as slotsvc
from .choices import AppointmentPurpose, AppointmentStatus
from .models import ServiceGroup
from .services import QueueError

WEEKDAYS = (gettext_lazy("Thứ Hai"), gettext_lazy("Thứ Ba"), gettext_lazy("Thứ Tư"), gettext_lazy("Thứ Năm"),
            gettext_lazy("Thứ Sáu"), gettext_lazy("Thứ Bảy"), gettext_lazy("Chủ nhật"))


def day_label(d: date) -> str:
    return f"{WEEKDAYS[d.weekday()]}, {d:%d/%m/%Y}"


@dataclass
class Choice:
    """What the booking page offers: the units (and their groups), the days, the slots of the chosen day."""

    units: list[tuple[Unit, ServiceGroup]]
    unit: Unit | None
    group: ServiceGroup | None
    days: list[date]
    day: date | None
    slots: list[Slot]


def unit_options(procedure) -> list[tuple[Unit, ServiceGroup]]:  # noqa: ANN001
    """The receiving units that accept the procedure (the portal's own intake rule) and take appointments
    for its field."""
    out = []
    for dest in catalog.destinations(procedure):
        g = slotsvc.group_for(dest.receiving.pk, procedure.field_id)
        if g is not None:
            out.append((dest.receiving, g))
    return out


def _int(value: Any) -> int | None:
    try:
        return int(str(value)[:12])
    except (TypeError, ValueError):
        return None


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def choose(units: list[tuple[Unit, ServiceGroup]], params: Any, now: datetime,
           not_before: datetime | None = None) -> Choice:
    wanted = _int(params.get("unit"))
    unit, group = next(((u, g) for u, g in units if u.pk == wanted), units[0] if units else (None, None))
    if group is None:
        return Choice(units, None, None, [], None, [])
    days = slotsvc.days_offered(group, now, not_before)
    day = _day(params.get("day"))
    day = day if day in days else (days[0] if days else None)
    found = slotsvc.slots_of_day(group, day, now, not_before) if day else []
    if not found and day == (days[0] if days else None) and len(days) > 1 and not params.get("day"):
        day = days[1]  # today has no slot left: show the next working day
        found = slotsvc.slots_of_day(group, day, now, not_before)
    return Choice(units, unit, group, days, day, found)


def _starts(value: Any) -> datetime | None:
    try:
        at = datetime.fromisoformat(str(value)[:40])
    except ValueError:
        return None
    return clock.aware(at)


def _render_choice(request: HttpRequest, ctx: dict[str, Any], status: int = 200) -> HttpResponse:
    c: Choice = ctx["choice"]
    ctx["day_options"] = [(d.isoformat(), day_label(d)) for d in c.days]
    ctx["day_label"] = day_label(c.day) if c.day else ""
    return render(request, "queueing/booking/book.html", ctx, status=status)


def _book(request: HttpRequest, ctx: dict[str, Any], **kw: Any) -> HttpResponse:
    c: Choice = ctx["choice"]
    starts = _starts(request.POST.get("slot"))
    if c.group is None or starts is None:
        ctx["error"] = _("Vui lòng chọn một khung giờ.")
        return _render_choice(request, ctx, 422)
    try:
        a = appts.book(c.group, starts, appts.person_of(request.user), **kw)
    except QueueError as err:
        ctx["error"] = str(err)
        return _render_choice(request, ctx, 422)
    messages.success(request, _("Đã đặt lịch hẹn. Mã lịch hẹn của bạn: %(code)s.") % {"code": a.code})
    return redirect("booking:detail", a.code)


@require_http_methods(["GET", "POST"])
@citizen_view
def book(request: HttpRequest, code: str) -> HttpResponse:
    """Book an appointment to submit a dossier of the procedure ``code``."""
    version = catalog.in_force(code[:40])
    if version is None:
        raise Http404
    params = request.POST if request.method == "POST" else request.GET
    choice = choose(unit_options(version.procedure), params, clock.now())
    ctx = {"purpose": AppointmentPurpose.SUBMIT, "title": version.name, "version": version, "choice": choice,
           "action": reverse("booking:book", args=[version.procedure.code])}
    if request.method == "POST":
        return _book(request, ctx, procedure_id=version.procedure_id)
    return _render_choice(request, ctx)


@require_http_methods(["GET", "POST"])
@citizen_view
def collect(request: HttpRequest, pk: int) -> HttpResponse:
    """Book an appointment to collect the result of the citizen's dossier ``pk``."""
    try:
        d = portal.my_dossier(request.user, pk)
    except NotFound as err:
        raise Http404 from err
    offer = appts.collect_offer(d)
    if offer is None:
        messages.warning(request, _("Hồ sơ này chưa đến lúc đặt lịch hẹn nhận kết quả."))
        return redirect("portal:dossier", pk)
    params = request.POST if request.method == "POST" else request.GET
    choice = choose([(offer.group.unit, offer.group)], params, clock.now(), offer.not_before)
    ctx = {"purpose": AppointmentPurpose.COLLECT, "title": d.procedure.name, "dossier": d, "choice": choice,
           "action": reverse("booking:collect", args=[pk]), "existing": appts.open_collect(pk)}
    if request.method == "POST":
        return _book(request, ctx, dossier=d, purpose=AppointmentPurpose.COLLECT)
    return _render_choice(request, ctx)


@require_GET
@citizen_view
def mine(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    items = list(appts.mine(request.user.pk)[:100])
    for a in items:
        a.cancellable = a.status == AppointmentStatus.BOOKED and a.ends_at > now  # type: ignore[attr-defined]
    return render(request, "queueing/booking/mine.html", {"items": items})


@require_GET
@citizen_view
def detail(request: HttpRequest, code: str) -> HttpResponse:
    a = appts.of_owner(request.user.pk, code)
    if a is None:
        raise Http404
    qr = catalog.qr_svg(a.code, _("Mã lịch hẹn %(code)s") % {"code": a.code})
    cancellable = a.status == AppointmentStatus.BOOKED and a.ends_at > clock.now()
    return render(request, "queueing/booking/detail.html", {"a": a, "qr_svg": qr, "cancellable": cancellable})


@require_POST
@citizen_view
def cancel(request: HttpRequest, code: str) -> HttpResponse:
    a = appts.of_owner(request.user.pk, code)
    if a is None:
        raise Http404
    try:
        appts.cancel(a, request.user.pk)
    except QueueError as err:
        messages.error(request, str(err))
    else:
        messages.success(request, _("Đã hủy lịch hẹn %(code)s.") % {"code": a.code})
    return redirect("booking:mine")
