"""Document downloads. Views parse, call one service and answer with the PDF inline; domain
errors become a short Vietnamese page with the matching status, never a 500."""

from __future__ import annotations

import re
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET

from motcua.domain.errors import DomainError, NotFound, PermissionDenied
from motcua.dossiers.services import Actor

from . import services
from .forms import BookForm


def _pdf(filename: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", filename)  # codes are ASCII; never let one break the header
    response["Content-Disposition"] = f'inline; filename="{safe}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _problem(request: HttpRequest, err: DomainError) -> HttpResponse:
    if isinstance(err, NotFound):
        message = (_("Biểu mẫu này không áp dụng cho hồ sơ (ví dụ: hồ sơ chưa từng bị từ chối hoặc yêu cầu bổ sung).")
                   if err.message == services.NOT_APPLICABLE else _("Không tìm thấy hồ sơ."))
    elif isinstance(err, PermissionDenied):
        message = _("Bạn không có quyền in biểu mẫu này.")
    else:
        message = _("Thông tin chưa hợp lệ, vui lòng kiểm tra lại.")
    return render(request, "documents/problem.html", {"message": message}, status=err.http_status)


@require_GET
@login_required
def dossier_document(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    try:
        filename, content = services.render_document(Actor.of(request.user), pk, slug)
    except DomainError as err:
        return _problem(request, err)
    return _pdf(filename, content)


_BOOK_ERRORS = {
    "Unknown unit.": gettext_noop("Không tìm thấy đơn vị có mã này."),
    "Invalid period.": gettext_noop("Kỳ theo dõi không hợp lệ (tối đa một năm)."),
    "Too many dossiers.": gettext_noop("Kỳ theo dõi có quá nhiều hồ sơ để in một lần; vui lòng chọn kỳ ngắn hơn."),
}


@require_GET
@login_required
def tracking_book(request: HttpRequest) -> HttpResponse:
    """Without parameters: the form to choose a unit and period (the officer's unit and the current
    month filled in). With them: the PDF; a wrong or missing value shows the form again with a message."""
    actor = Actor.of(request.user)
    if not actor.scope.is_staff_member:
        return _problem(request, PermissionDenied("Staff only."))
    if not request.GET:
        return render(request, "documents/book.html", {"form": BookForm(initial=_book_defaults(actor))})
    form = BookForm(request.GET)
    if not form.is_valid():
        return render(request, "documents/book.html", {"form": form}, status=400)
    try:
        data = form.cleaned_data
        filename, content = services.tracking_book(actor, data["unit"], data["start"], data["end"])
    except PermissionDenied:
        ctx = {"form": form, "error": _("Đơn vị này nằm ngoài phạm vi bạn được xem; vui lòng chọn đơn vị của bạn.")}
        return render(request, "documents/book.html", ctx, status=403)
    except DomainError as err:
        ctx = {"form": form, "error": _(_BOOK_ERRORS.get(err.message, "Thông tin chưa hợp lệ, vui lòng kiểm tra lại."))}
        return render(request, "documents/book.html", ctx, status=400)
    return _pdf(filename, content)


def _book_defaults(actor: Actor) -> dict[str, object]:
    """The officer's own unit (a counter's first) and the current month, from its first to its last day."""
    from motcua.core import clock
    from motcua.units.models import Unit

    roles = sorted(actor.scope.roles, key=lambda r: (r[0] != "counter_officer", r[1]))
    code = Unit.objects.filter(pk=roles[0][2]).values_list("code", flat=True).first() if roles else None
    today = clock.local_date(clock.now())
    first = today.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return {"unit": code or "", "start": first, "end": last}
