"""Fee pages under /office/fees/: cash collected at the counter, a receipt cancelled, the printed
receipt (for the staff who may see the dossier and for its owner), and the public payment page a
payment link opens. Views parse, authorize through the services, call one service and render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.domain.errors import DomainError, NotFound
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier
from motcua.office.views import staff_view

from . import pdf, services, tokens

# field codes of the services' errors, as the counter reads them
FIELD_MESSAGES = {
    "not a number": "Số tiền phải là số nguyên (đồng), không có phần thập phân.",
    "must be > 0": "Số tiền phải lớn hơn 0.",
    "nothing is due now": "Hồ sơ hiện không có khoản phí, lệ phí nào phải nộp.",
    "required": "Vui lòng nhập lý do.",
    "already cancelled": "Biên lai này đã được hủy.",
}


def message_of(err: DomainError) -> str:
    """The counter's sentence for a refusal of the fee services."""
    from motcua.office.errors import friendly

    if isinstance(err, services.FeeUnpaid):
        return friendly(err)
    for field, code in err.fields.items():
        if code in FIELD_MESSAGES:
            return _(FIELD_MESSAGES[code])
        if field == "amount" and code.startswith("at most "):
            due = int(code.split()[2])
            return _("Số tiền vượt quá số phải nộp lúc này (%(due)s).") % {"due": services.vnd(due)}
        if field == "amount":
            return _("Số tiền quá lớn.")
    return friendly(err)


def _problem(request: HttpRequest, d_id: int, err: DomainError) -> HttpResponse:
    return render(request, "fees/problem.html", {"message": message_of(err), "dossier_id": d_id},
                  status=err.http_status)


@require_POST
@staff_view
def collect(request: HttpRequest, pk: int) -> HttpResponse:
    """The dossier page's "Thu tiền mặt" form."""
    actor: svc.Actor = request.actor  # type: ignore[attr-defined]
    try:
        r = services.collect_cash(actor, pk, request.POST.get("amount", ""), request.POST.get("payer", ""),
                                  client_key=request.POST.get("key") or None)
    except DomainError as err:
        return _problem(request, pk, err)
    messages.success(request, _("Đã thu %(amount)s, biên lai số %(number)s.") % {
        "amount": services.vnd(r.amount), "number": r.label})
    return redirect("office:dossier", pk=pk)


@require_POST
@staff_view
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    actor: svc.Actor = request.actor  # type: ignore[attr-defined]
    r = services.FeeReceipt.objects.filter(pk=pk).values_list("dossier_id", flat=True).first()
    try:
        receipt = services.cancel_receipt(actor, pk, request.POST.get("reason", ""))
    except DomainError as err:
        if isinstance(err, NotFound):
            raise Http404 from err
        return _problem(request, r or 0, err)
    messages.success(request, _("Đã hủy biên lai số %(number)s.") % {"number": receipt.label})
    return redirect("office:dossier", pk=receipt.dossier_id)


@require_GET
@login_required
def receipt_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The printed receipt, for the staff who may see its dossier and for the dossier's owner."""
    try:
        r = services.receipt_for(svc.Actor.of(request.user), pk)
    except NotFound as err:
        raise Http404 from err
    response = HttpResponse(pdf.render_receipt(r), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bien-lai-{r.year}-{r.number:07d}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, token: str) -> HttpResponse:
    """The payment link's page (no account needed): the dossier code, what is due now and the
    button to pay online through the national payment platform."""
    dossier_id = tokens.dossier_id_from_token(token)
    d = (Dossier.objects.select_related("version", "procedure").filter(pk=dossier_id).first()
         if dossier_id is not None else None)
    if d is None:
        raise Http404
    ctx: dict[str, Any] = {"dossier": d, "summary": services.summary(d), "token": token}
    ctx["may_pay"] = _online_enabled(d) and ctx["summary"]["due_now"] > 0
    if request.method == "POST":
        return _start_online(request, d, ctx)
    return render(request, "fees/pay.html", ctx)


def _online_enabled(d: Dossier) -> bool:
    from motcua.integrations.payment import jobs
    from motcua.integrations.payment import services as payment

    return jobs.enabled() and payment.account_for(d) is not None


def _start_online(request: HttpRequest, d: Dossier, ctx: dict[str, Any]) -> HttpResponse:
    from motcua.integrations.payment import jobs
    from motcua.integrations.payment import services as payment
    from motcua.integrations.payment.client import GatewayError

    g = jobs.gateway()
    if g is None or not ctx["may_pay"]:
        ctx["error"] = _("Hồ sơ hiện không có khoản phí cần thanh toán trực tuyến.")
        return render(request, "fees/pay.html", ctx, status=409)
    try:
        p = payment.start(None, d.pk, jobs.SETTINGS.attempt_ttl, by_token=True)
        url = payment.initiate(p, g, jobs.SETTINGS.partner, jobs.SETTINGS.secret,
                               ip=str(request.META.get("REMOTE_ADDR") or "")[:45])
    except DomainError:
        ctx["error"] = _("Hồ sơ hiện không có khoản phí cần thanh toán trực tuyến.")
        return render(request, "fees/pay.html", ctx, status=409)
    except GatewayError:
        ctx["error"] = _("Chưa kết nối được nền tảng thanh toán. Vui lòng thử lại sau ít phút.")
        return render(request, "fees/pay.html", ctx, status=503)
    return render(request, "payment/redirect.html", {"url": url, "payment": p})
