"""The kiosk at the entrance (public, no sign-in, a touch tablet): choose a service group, say one is a
priority citizen or has an appointment, take a number; the printed ticket (58 or 80 mm receipt paper)
with its QR to follow the queue on a phone; the phone's follow page (no personal data).

Taking a number is rate-limited per client address (:data:`RATE`) so that a script cannot drain the
day's numbers; over the limit the kiosk answers 429 like every other limit (motcua.core.ratelimit)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import segno
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.core import get_usage

from motcua.core import clock
from motcua.core.net import client_ip
from motcua.core.ratelimit import too_many
from motcua.units.models import Unit

from . import calling, services
from .choices import PriorityReason, TicketKind
from .models import ServiceGroup, Ticket

RATE = "20/m"  # numbers taken per client address and minute (a busy entrance issues a few a minute)
PAPERS = ("80", "58")  # receipt printer widths (mm); the kiosk's URL chooses: ?paper=58


def _unit(request: HttpRequest) -> Unit:
    code = (request.GET.get("unit") or request.POST.get("unit") or "")[:40]
    unit = Unit.objects.filter(code=code).first() if code else None
    if unit is None:
        raise Http404(_("Không có đơn vị với mã này."))
    return unit


def _paper(request: HttpRequest) -> str:
    paper = request.GET.get("paper") or request.POST.get("paper") or PAPERS[0]
    return paper if paper in PAPERS else PAPERS[0]


def _check_in(code: str, unit: Unit) -> Ticket:
    """The appointments' check-in (motcua.queueing.appointments), imported when used."""
    try:
        from . import appointments
    except ImportError as err:
        raise services.QueueError(_("Chưa nhận được số theo lịch hẹn, vui lòng lấy số thường.")) from err
    return appointments.check_in(code, unit, clock.now())


def _kiosk_page(request: HttpRequest, unit: Unit, paper: str, error: str = "", status: int = 200) -> HttpResponse:
    groups = list(ServiceGroup.objects.filter(unit=unit, active=True).order_by("position", "letter"))
    return render(request, "queueing/kiosk.html", {
        "unit": unit, "groups": groups, "paper": paper, "reasons": PriorityReason.choices, "error": error,
        "chosen_reason": request.POST.get("reason", "")}, status=status)


@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest) -> HttpResponse:
    unit, paper = _unit(request), _paper(request)
    if request.method == "GET":
        return _kiosk_page(request, unit, paper)
    usage = get_usage(request, group="motcua.kiosk", key=lambda _g, r: client_ip(r), rate=RATE, increment=True)
    if usage is not None and usage["should_limit"]:
        return too_many(request, max(1, int(usage["time_left"])))
    try:
        code = request.POST.get("appointment", "").strip().upper()[:12]
        if "appointment" in request.POST:
            if not code:
                return _kiosk_page(request, unit, paper, _("Vui lòng nhập mã lịch hẹn."), 422)
            t = _check_in(code, unit)
        else:
            group = ServiceGroup.objects.filter(unit=unit, pk=_int(request.POST.get("group"))).first()
            if group is None:
                return _kiosk_page(request, unit, paper, _("Vui lòng chọn một nhóm dịch vụ."), 422)
            reason = request.POST.get("reason", "")
            if reason and reason not in PriorityReason.values:
                return _kiosk_page(request, unit, paper, _("Đối tượng ưu tiên không hợp lệ."), 422)
            t = services.issue_ticket(group, kind=TicketKind.PRIORITY if reason else TicketKind.NORMAL,
                                      priority_reason=reason)
    except services.QueueError as err:
        return _kiosk_page(request, unit, paper, str(err), 422)
    return redirect(reverse("queueing:ticket", args=[t.token]) + "?" + urlencode({"paper": paper}))


def _int(value: Any) -> int | None:  # noqa: ANN401
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def _ticket(token: str) -> Ticket:
    t = Ticket.objects.select_related("group", "unit").filter(token=token[:32]).first()
    if t is None:
        raise Http404(_("Không tìm thấy số thứ tự."))
    return t


def qr_svg(request: HttpRequest, t: Ticket) -> str:
    url = request.build_absolute_uri(reverse("queueing:follow", args=[t.token]))
    return segno.make_qr(url, error="m").svg_inline(scale=4, border=2, title=_("Theo dõi số thứ tự trên điện thoại"))


@require_GET
def ticket(request: HttpRequest, token: str) -> HttpResponse:
    """The printed ticket: printed at once by the kiosk's browser (queueing/ticket.js)."""
    t = _ticket(token)
    n = calling.ahead(t)
    return render(request, "queueing/ticket.html", {
        "t": t, "paper": _paper(request), "ahead": n, "qr": qr_svg(request, t),
        "issued": clock.local(t.issued_at), "kiosk_url": reverse("queueing:kiosk") + "?" + urlencode(
            {"unit": t.unit.code, "paper": _paper(request)})})


@require_GET
def follow(request: HttpRequest, token: str) -> HttpResponse:
    """Your number, the number served now in your group, people ahead, the estimated wait."""
    f = calling.follow(token[:32])
    if f is None:
        raise Http404(_("Không tìm thấy số thứ tự."))
    template = "queueing/_follow.html" if request.headers.get("HX-Request") == "true" else "queueing/follow.html"
    return render(request, template, {"f": f, "t": f.ticket})
