"""Pages of the postal integration (under /office/post/): the staff dossier page's "order the
delivery again" button, the counter's "register for a pick-up by post" (the intake form's second
button), the postal figures, and the citizen's "send my papers by post" form (portal dossier page).
Every order goes through the outbox like every order."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from motcua.domain.errors import DomainError, NotFound
from motcua.dossiers import services as svc
from motcua.office.views import staff_view

from . import services


@require_POST
@staff_view
def reorder(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    try:
        d = svc.get_dossier(actor, pk)
    except NotFound as err:
        raise Http404 from err
    if not services.may_reorder(actor, d, services.orders_of(d.pk)):
        messages.error(request, _("Không thể lập lại đơn phát kết quả qua bưu chính cho hồ sơ này."))
        return redirect("office:dossier", pk=pk)
    try:
        services.order_delivery(d)
    except DomainError as exc:
        messages.error(request, _("Không lập được đơn phát kết quả: %(reason)s") % {"reason": exc})
    else:
        messages.success(request, _("Đã lập đơn phát kết quả mới; Bưu điện sẽ nhận đơn trong ít phút."))
    return redirect("office:dossier", pk=pk)


@require_POST
@staff_view
def register(request: HttpRequest) -> HttpResponse:
    """The intake form sent by its "Đăng ký thu gom qua bưu chính" button: the same form, registered
    as a dossier sent by post (channel 3, status 1, not yet received) with its pick-up ordered from
    the applicant's address (or the one typed in the section); received once the parcel arrives."""
    from motcua.office import intake, pages, sections
    from motcua.office.errors import friendly, status_of
    from motcua.office.forms import IntakeForm

    actor = request.actor  # type: ignore[attr-defined]
    code = request.POST.get("procedure", "")
    setup = intake.setup(actor, code) if code else None
    if setup is None or not setup.receiving:
        return redirect("office:intake")
    form = IntakeForm(request.POST, **pages.intake_form_kwargs(setup))
    base = {"setup": setup, "form": form, "code": code, "sections": sections.intake_sections(actor, setup, request),
            "preview": intake.preview_due(setup.version, setup.receiving[0])}
    if not form.is_valid():
        return render(request, "office/intake.html", base, status=422)
    req = pages.intake_request(setup, form)
    try:
        with transaction.atomic():
            d = services.register_by_post(actor, req, address=request.POST.get("post-address", ""))
    except DomainError as err:
        return render(request, "office/intake.html", base | {"error": friendly(err), "field_errors": err.fields},
                      status=status_of(err))
    messages.success(request, _("Đã đăng ký hồ sơ %(code)s gửi qua bưu chính; Bưu điện sẽ đến thu gom hồ sơ tại "
                                "địa chỉ người nộp.") % {"code": d.code})
    return redirect("office:dossier", pk=d.pk)


@require_GET
@staff_view
def figures(request: HttpRequest) -> HttpResponse:
    """Dossiers received and results returned by post, by year, over the units the staff member sees."""
    return render(request, "post/figures.html", {"figures": services.figures(request.actor)})  # type: ignore[attr-defined]


@require_POST
@login_required(login_url="portal:login")
def portal_pickup(request: HttpRequest, pk: int) -> HttpResponse:
    """The citizen's "Gửi hồ sơ giấy qua bưu điện": the post collects the papers at their address."""
    try:
        order = services.request_pickup(request.user, pk, request.POST.get("address", ""),
                                        request.POST.get("phone", ""))
    except NotFound as err:
        raise Http404 from err
    except DomainError as exc:
        messages.error(request, _("Chưa đặt được lịch thu gom hồ sơ qua bưu điện: %(reason)s")
                       % {"reason": _portal_reason(exc)})
    else:
        messages.success(request, _("Đã đặt lịch: Bưu điện sẽ đến %(address)s để nhận hồ sơ giấy và chuyển đến "
                                    "bộ phận một cửa.") % {"address": order.sender.get("address", "")})
    return redirect("portal:dossier", pk=pk)


def _portal_reason(exc: DomainError) -> str:
    fields = getattr(exc, "fields", {}) or {}
    if "address" in fields:
        return _("cần địa chỉ để Bưu điện đến nhận hồ sơ")
    if "post" in fields:
        return _("dịch vụ bưu chính đang tạm ngừng kết nối")
    return _("hồ sơ này không cần gửi hồ sơ giấy qua bưu điện")
