"""Payment pages under /payments/: the citizen's pay button target (the attempt committed, then
INIT, then the redirect to the platform), the return page (shows the state only: nothing the
browser brings changes anything), the receipt download, and the accountant's reconciliation page
(staff of a unit with an account) with its Excel export."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.core import clock
from motcua.domain.errors import DomainError, NotFound
from motcua.dossiers.downloads import file_response
from motcua.office.views import staff_view
from motcua.units.models import Unit

from . import jobs, reconcile, services, xlsx
from .client import GatewayError
from .models import Difference, Kind, Payment, PaymentAccount, Reconciliation


@require_POST
@login_required(login_url="portal:login")
def pay(request: HttpRequest, pk: int) -> HttpResponse:
    """The "Thanh toán trực tuyến" button. The attempt row is committed by ``services.start``;
    INIT is then sent here, outside any transaction, and the citizen is redirected. INIT is not
    sent through the outbox: the citizen is waiting for the URL, and a lost INIT reply costs only
    an expired attempt (queried later; a new one may be started at once)."""
    g = jobs.gateway()
    if g is None:
        raise Http404
    try:
        p = services.start(request.user, pk, jobs.SETTINGS.attempt_ttl)
        url = services.initiate(p, g, jobs.SETTINGS.partner, jobs.SETTINGS.secret, ip=_ip(request))
    except NotFound as err:
        raise Http404 from err
    except DomainError:
        messages.error(request, _("Hồ sơ hiện không có khoản phí cần thanh toán trực tuyến."))
        return redirect("portal:dossier", pk=pk)
    except GatewayError:
        messages.error(request, _("Chưa kết nối được nền tảng thanh toán. Vui lòng thử lại sau ít phút."))
        return redirect("portal:dossier", pk=pk)
    # not a 302: the portal's Content-Security-Policy (form-action 'self') forbids a form whose
    # answer redirects to another origin; this page of ours sends the browser on (and shows a link)
    return render(request, "payment/redirect.html", {"url": url, "payment": p})


def _ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "")[:45]


@require_GET
def back(request: HttpRequest) -> HttpResponse:
    """Where the platform sends the browser back: the payment's state as motcua knows it (from the
    confirm), for its owner; the query string is only used to find the payment, never believed."""
    ref = str(request.GET.get("MaThamChieu") or "")[:40]
    p = Payment.objects.select_related("dossier").filter(reference=ref).first() if ref else None
    mine = p is not None and request.user.is_authenticated and p.dossier.owner_id == request.user.pk
    return render(request, "payment/return.html", {"payment": p if mine else None, "reference": ref})


@require_GET
@login_required(login_url="portal:login")
def dossier_payments(request: HttpRequest, pk: int) -> HttpResponse:
    """The dossier's payment page for its owner: what is owed now, the pay button, the attempts
    and their receipts (the same section the portal dossier page includes)."""
    from motcua.portal import services as portal

    try:
        d = portal.my_dossier(request.user, pk)
    except NotFound as err:
        raise Http404 from err
    return render(request, "payment/dossier.html", {"dossier": d, "payment": services.offer(request.user, d)})


@require_GET
@login_required(login_url="portal:login")
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        f, stream = services.open_receipt(request.user, pk)
    except NotFound as err:
        raise Http404 from err
    return file_response(f, stream)


# ---- the accountant's reconciliation ------------------------------------------------------------

def accountable_units(actor: Any) -> list[Unit]:
    """Units with an online-payment account that the staff member belongs to (or is above)."""
    units = [a.unit for a in PaymentAccount.objects.select_related("unit").order_by("unit__path")]
    return [u for u in units if actor.scope.covers(u.path)]


def _day(text: str | None, default: date) -> date:
    try:
        return date.fromisoformat(text) if text else default
    except ValueError:
        return default


@require_http_methods(["GET", "POST"])
@staff_view
def reconciliation(request: HttpRequest) -> HttpResponse:
    units = accountable_units(request.actor)  # type: ignore[attr-defined]
    if not units:
        return render(request, "office/forbidden.html", status=403)
    yesterday = clock.local_date(clock.now()) - timedelta(days=1)
    if request.method == "POST":
        unit = next((u for u in units if u.code == request.POST.get("unit")), None)
        if unit is None or not jobs.enabled():
            messages.error(request, _("Không đối soát được: chọn đơn vị có tài khoản thu và bật kết nối thanh toán."))
            return redirect("payment:reconciliation")
        run = reconcile.request(unit, _day(request.POST.get("day"), yesterday), request.user)
        messages.success(request, _("Đã tạo lượt đối soát; hệ thống đang tra cứu nền tảng thanh toán."))
        return redirect("payment:reconciliation-run", pk=run.pk)
    runs = Reconciliation.objects.filter(unit__in=units).select_related("unit")[:50]
    return render(request, "payment/reconciliation.html", {"units": units, "runs": runs, "day": yesterday})


def _run(request: HttpRequest, pk: int) -> Reconciliation:
    run = Reconciliation.objects.select_related("unit").filter(pk=pk).first()
    if run is None or run.unit not in accountable_units(request.actor):  # type: ignore[attr-defined]
        raise Http404
    return run


@require_GET
@staff_view
def reconciliation_run(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    rows = Difference.objects.filter(run=run).select_related("payment__dossier")
    return render(request, "payment/reconciliation_run.html", {"r": run, "rows": rows, "kinds": dict(Kind.choices)})


@require_GET
@staff_view
def reconciliation_export(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    data = xlsx.workbook(run, list(Difference.objects.filter(run=run).select_related("payment__dossier")))
    name = f"doi-soat-thanh-toan-{run.unit.code}-{run.day:%Y%m%d}.xlsx"
    import io

    return FileResponse(io.BytesIO(data), as_attachment=True, filename=name, content_type=xlsx.CONTENT_TYPE)
