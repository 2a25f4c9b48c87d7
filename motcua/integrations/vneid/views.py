"""The portal's e-ID sign-in pages: start (POST, rate-limited like every sign-in), the provider's
callback, and the confirmation that links an existing local account (its password, checked through
the axes lockout like the portal's own sign-in). Any refusal is a friendly Vietnamese page and
nobody is signed in."""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.domain.errors import DomainError

from . import client, services
from .backend import PATH as BACKEND

TOKEN_KEY = "vneid_access_token"
PENDING_KEY = "vneid_pending"
PENDING_TTL = 600  # seconds a linking confirmation stays open


def _messages() -> dict[str, tuple[int, str]]:
    return {
        client.CANCELLED: (200, _("Bạn đã hủy đăng nhập bằng VNeID. Bạn có thể đăng nhập lại bất cứ lúc nào.")),
        client.STATE: (400, _("Phiên đăng nhập không hợp lệ hoặc đã hết hạn. Vui lòng bấm đăng nhập bằng VNeID "
                              "lại từ đầu.")),
        client.PROVIDER_DOWN: (502, _("Hệ thống định danh điện tử VNeID đang không phản hồi. Vui lòng thử lại sau "
                                      "ít phút, hoặc đăng nhập bằng tài khoản của cổng.")),
        client.CODE_REFUSED: (403, _("Hệ thống VNeID không chấp nhận yêu cầu đăng nhập này (mã đã dùng hoặc hết "
                                     "hạn). Vui lòng đăng nhập lại.")),
        client.BAD_TOKEN: (403, _("Không xác minh được thông tin đăng nhập nhận từ VNeID. Vì an toàn, bạn chưa "
                                  "được đăng nhập. Vui lòng thử lại.")),
        client.EXPIRED: (403, _("Phiên xác thực VNeID đã hết hạn. Vui lòng đăng nhập lại.")),
        client.LOA_LOW: (403, _("Tài khoản định danh điện tử của bạn chưa đạt mức độ 2, mức cổng dịch vụ công yêu "
                                "cầu. Vui lòng nâng cấp tài khoản trên ứng dụng VNeID rồi đăng nhập lại.")),
        client.BAD_CLAIMS: (403, _("Thông tin định danh nhận từ VNeID chưa đầy đủ để mở tài khoản. Vui lòng liên "
                                   "hệ bộ phận một cửa.")),
    }


def refused(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "portal/vneid/refused.html", {"message": message}, status=status)


@require_POST
def start(request: HttpRequest) -> HttpResponse:
    if not client.enabled():
        raise Http404
    try:
        url = client.begin(request)["Location"]
    except client.EidRefused as exc:
        status, message = _messages()[exc.reason]
        return refused(request, message, status)
    # a page that moves on by itself (meta refresh), not a redirect: the form-action 'self' of our
    # Content Security Policy refuses a form submission redirected to another site
    response = render(request, "portal/vneid/redirect.html", {"url": url})
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    if not client.enabled():
        raise Http404
    try:
        sign_in = client.finish(request)
    except client.EidRefused as exc:
        status, message = _messages()[exc.reason]
        return refused(request, message, status)
    try:
        found = services.resolve(sign_in.identity)
    except DomainError as err:
        client.revoke(sign_in.access_token)
        return refused(request, err.message, err.http_status)
    if found.pending is not None:
        request.session[PENDING_KEY] = {"identity": services.identity_to_session(sign_in.identity),
                                        "profile": found.pending.pk, "token": sign_in.access_token,
                                        "until": time.time() + PENDING_TTL}
        return redirect("portal:vneid:link")
    return _signed_in(request, found.user, sign_in.access_token, found.outcome)


def _signed_in(request: HttpRequest, user: object, token: str, outcome: str) -> HttpResponse:
    login(request, user, backend=BACKEND)  # type: ignore[arg-type]
    request.session[TOKEN_KEY] = token
    name = " ".join(filter(None, (user.last_name, user.first_name))) or user.get_username()  # type: ignore[attr-defined]
    if outcome == "created":
        messages.success(request, _("Xin chào %(name)s. Tài khoản của bạn đã được tạo từ thông tin định danh "
                                    "điện tử VNeID.") % {"name": name})
    elif outcome == "linked":
        messages.success(request, _("Xin chào %(name)s. Tài khoản của bạn đã được liên kết với VNeID.")
                         % {"name": name})
    else:
        messages.success(request, _("Xin chào %(name)s. Bạn đã đăng nhập bằng VNeID.") % {"name": name})
    return redirect("portal:home")


def _pending(request: HttpRequest) -> dict | None:
    data = request.session.get(PENDING_KEY)
    if not data or data.get("until", 0) < time.time():
        request.session.pop(PENDING_KEY, None)
        return None
    return data


@require_http_methods(["GET", "POST"])
def link(request: HttpRequest) -> HttpResponse:
    from motcua.portal.models import CitizenProfile

    data = _pending(request)
    profile = CitizenProfile.objects.select_related("user").filter(pk=(data or {}).get("profile")).first()
    if data is None or profile is None:
        return refused(request, _("Yêu cầu liên kết tài khoản đã hết hạn. Vui lòng đăng nhập bằng VNeID lại."), 400)
    identity = services.identity_from_session(data["identity"])
    needs_password = profile.user.has_usable_password()
    ctx = {"identity": identity, "needs_password": needs_password, "error": ""}
    if request.method == "GET":
        return render(request, "portal/vneid/link.html", ctx)
    if request.POST.get("action") == "cancel":
        request.session.pop(PENDING_KEY, None)
        client.revoke(data["token"])
        messages.info(request, _("Chưa liên kết tài khoản. Bạn chưa được đăng nhập."))
        return redirect("portal:login")
    if needs_password:
        user = authenticate(request, username=profile.user.get_username(), password=request.POST.get("password", ""))
        if user is None or user.pk != profile.user_id:
            ctx["error"] = _("Mật khẩu không đúng. Vui lòng nhập mật khẩu tài khoản của cổng.")
            return render(request, "portal/vneid/link.html", ctx, status=422)
    try:
        user = services.link(profile, identity)
    except DomainError as err:
        request.session.pop(PENDING_KEY, None)
        client.revoke(data["token"])
        return refused(request, err.message, err.http_status)
    request.session.pop(PENDING_KEY, None)
    return _signed_in(request, user, data["token"], "linked")


def revoke_session(request: HttpRequest) -> None:
    """At sign-out: revoke the e-ID access token of this session at the provider (if any)."""
    token = request.session.pop(TOKEN_KEY, "")
    if token:
        client.revoke(token)
