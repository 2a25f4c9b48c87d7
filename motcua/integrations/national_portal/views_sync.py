"""The dossier page's "send to the national portal again" button (counter officers, leaders and
administrators of the dossier's units): the re-push goes through the outbox like every send."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.domain.errors import NotFound
from motcua.dossiers import services as svc
from motcua.office.views import staff_view

from . import sync

REPUSH_ROLES = ("counter_officer", "leader", "admin")


def may_repush(actor: svc.Actor, d: object) -> bool:
    paths = (getattr(d, "receiving_path", ""), getattr(d, "handling_path", ""))
    return any(actor.scope.has_role(r, p) for r in REPUSH_ROLES for p in paths)


@require_POST
@staff_view
def repush_dossier(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    try:
        d = svc.get_dossier(actor, pk)
    except NotFound as err:
        raise Http404 from err
    if not may_repush(actor, d):
        messages.error(request, _("Bạn không có quyền gửi lại hồ sơ này lên Cổng DVCQG."))
    elif not sync.enabled():
        messages.error(request, _("Kết nối Cổng DVCQG đang tắt."))
    else:
        sync.repush([d.pk])
        messages.success(request, _("Đã xếp hồ sơ vào hàng đợi gửi lại lên Cổng DVCQG."))
    return redirect("office:dossier", pk=pk)
