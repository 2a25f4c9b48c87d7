"""Public pages of electronic results (no login): a result's verification by its code (the QR code on
the document opens it) and a form where anyone checks a signed PDF; the remote signing service's
callback; and the leader's "waiting for confirmation" fragment, polled by htmx."""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import get_usage

from motcua.conf import CONFIG
from motcua.core.net import client_ip
from motcua.core.ratelimit import too_many
from motcua.domain.errors import NotFound

from . import remote, services
from .errors import SigningError

log = logging.getLogger(__name__)
MAX_CHECK_BYTES = 20 * 1024 * 1024  # an uploaded PDF to check (results are a few pages)


def over_limit(request: HttpRequest) -> HttpResponse | None:
    """The public lookup's limit (``MOTCUA_RATE_LOOKUP`` per address), counted for these pages too."""
    usage = get_usage(request, group="motcua.results", key=lambda _g, r: client_ip(r), rate=CONFIG.rate_lookup,
                      increment=True)
    if usage is not None and usage["should_limit"]:
        return too_many(request, max(1, int(usage["time_left"])))
    return None


class CheckForm(forms.Form):
    file = forms.FileField(label=_("Tệp PDF cần kiểm tra"))

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if f.size > MAX_CHECK_BYTES:
            raise forms.ValidationError(_("Tệp lớn quá 20 MB."))
        head = f.read(5)
        f.seek(0)
        if head != b"%PDF-":
            raise forms.ValidationError(_("Tệp không phải là tệp PDF."))
        return f


@require_GET
def result(request: HttpRequest, code: str) -> HttpResponse:
    if (limited := over_limit(request)) is not None:
        return limited
    try:
        check = services.verify_result(code[:100])
    except NotFound as err:
        raise Http404 from err
    return render(request, "signing/result.html", {"check": check, "report": check.report, "form": CheckForm()})


@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    ctx: dict[str, Any] = {"form": CheckForm()}
    if request.method == "POST":
        if (limited := over_limit(request)) is not None:
            return limited
        form = ctx["form"] = CheckForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, "signing/check.html", ctx, status=422)
        ctx["report"] = services.verify_bytes(form.cleaned_data["file"].read())
        ctx["name"] = form.cleaned_data["file"].name
    return render(request, "signing/check.html", ctx)


@csrf_exempt
@require_POST
def callback(request: HttpRequest) -> HttpResponse:
    """The remote signing service's webhook: HMAC-authenticated, idempotent (200 again for a repeat)."""
    try:
        outcome = services.handle_callback(request.body, request.headers.get("X-Signature"))
    except remote.CallbackRejected as e:
        log.warning("remote signing callback rejected: %s", e)
        return HttpResponse(status=403)
    except SigningError as e:  # a timestamp that failed: the service (or the polling job) tries again
        log.warning("remote signing callback not finished: %s", e)
        return HttpResponse(status=503)
    return HttpResponse("ok" if outcome.changed else "already done", content_type="text/plain")


@require_GET
def remote_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The leader's "waiting for confirmation" box: asks the service while waiting (outside transactions)."""
    from motcua.dossiers import services as svc

    from .models import RemoteSignature, RemoteState

    if not request.user.is_authenticated:
        raise Http404
    actor = svc.Actor.of(request.user)
    rs = (RemoteSignature.objects.select_related("approval")
          .filter(pk=pk, approval__dossier__in=svc.visible_dossiers(actor)).first())
    if rs is None or not actor.scope.is_staff_member:
        raise Http404
    if rs.state == RemoteState.WAITING:
        try:
            services.poll_remote(rs.transaction_id)
        except (SigningError, remote.CallbackRejected) as e:
            log.info("polling %s: %s", rs.transaction_id, e)
        rs.refresh_from_db()
    return render(request, "signing/_remote_status.html", {"rs": rs, "a": rs.approval, "poll": 3})


@require_POST
def remote_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask the remote service again for an approval whose request was refused or failed (a leader of the
    handling unit; the HTTP call runs outside any transaction)."""
    from django.contrib import messages
    from django.shortcuts import redirect
    from django.utils.translation import gettext

    from motcua.domain.errors import DomainError
    from motcua.domain.lifecycle import Action
    from motcua.dossiers import services as svc
    from motcua.dossiers.models import Approval

    if not request.user.is_authenticated:
        raise Http404
    actor = svc.Actor.of(request.user)
    a = Approval.objects.select_related("dossier").filter(pk=pk, dossier__in=svc.visible_dossiers(actor)).first()
    if a is None:
        raise Http404
    try:
        svc.authorize(actor, a.dossier, Action.APPROVE)
    except DomainError as err:
        raise Http404 from err
    last = a.remote
    if a.signature_status != "signed" and (last is None or last.state in ("refused", "failed")):
        rs = services.request_remote(a.pk)
        if rs is not None and rs.state == "waiting":
            messages.success(request, gettext("Đã gửi lại yêu cầu ký số đến điện thoại của người ký."))
        elif rs is not None:
            messages.error(request, rs.message)
    return redirect("office:dossier", pk=a.dossier_id)


@require_POST
def initial(request: HttpRequest, pk: int) -> HttpResponse:
    """The specialist's initials (ký nháy) on the dossier's latest result (or ``document`` in the form)."""
    from django.contrib import messages
    from django.shortcuts import redirect
    from django.utils.translation import gettext

    from motcua.domain.errors import DomainError
    from motcua.dossiers import services as svc
    from motcua.dossiers.results import SigningFailed

    if not request.user.is_authenticated:
        raise Http404
    actor = svc.Actor.of(request.user)
    doc = request.POST.get("document", "")
    try:
        f = svc.initial_result(actor, pk, int(doc) if doc.isdigit() else None)
    except NotFound as err:
        raise Http404 from err
    except SigningFailed as err:
        messages.error(request, gettext("Chưa ký số được kết quả: %(message)s") % {"message": err.message})
    except DomainError:
        messages.error(request, gettext("Bạn không ký nháy được kết quả của hồ sơ này."))
    else:
        messages.success(request, gettext("Đã ký nháy kết quả: %(name)s.") % {"name": f.name})
    return redirect("office:dossier", pk=pk)
