"""The dossier page's "order the delivery again" button (after the post cancelled or refused the
last order): the new order goes through the outbox like every order."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

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
