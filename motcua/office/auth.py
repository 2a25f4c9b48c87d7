"""Staff sign-in and sign-out: Django's auth views with Vietnamese templates.

The lockout is django-axes (settings ``AXES_*``), the same for every entrance: the office's /login/,
the portal's /portal/login/ and the admin site's /admin/login/ all authenticate through the axes
backend, so a username locked out from one address at one entrance is locked out at all of them.
This module gives axes our username key and our 429 answer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from motcua.core.clock import fmt
from motcua.core.net import client_ip

__all__ = ["LoginView", "LogoutView", "client_ip", "lockout_response", "lockout_username"]


def lockout_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """The lockout key: the username as typed, trimmed and case-folded (``Counter_A`` is ``counter_a``)."""
    username = (credentials or {}).get("username")
    if username is None and request is not None:
        username = request.POST.get("username", "")
    return str(username or "").strip().lower()[:150]


def locked_until(request: HttpRequest, username: str) -> datetime | None:
    """When the lock on ``username`` from this request's address lifts (15 minutes after the last failure)."""
    from axes.models import AccessAttempt

    last = (AccessAttempt.objects.filter(username=username, ip_address=client_ip(request))
            .order_by("-attempt_time").values_list("attempt_time", flat=True).first())
    return last + settings.AXES_COOLOFF_TIME if last else None


def lockout_response(request: HttpRequest, original_response: HttpResponse | None,
                     credentials: dict[str, Any] | None = None) -> HttpResponse:
    """Axes' answer to a locked-out sign-in: 429 with a Vietnamese message on the entrance's own page
    (or the API's JSON envelope), and a Retry-After header."""
    username = lockout_username(request, credentials)
    until = locked_until(request, username)
    retry = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    message = _("Tài khoản tạm bị khóa do đăng nhập sai nhiều lần. "
                "Vui lòng thử lại sau %(at)s.") % {"at": fmt(until)}
    path = request.path_info
    if path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"error": {"code": "locked_out", "message": message, "fields": {}}},
                                              status=429, json_dumps_params={"ensure_ascii": False})
    elif path.startswith("/admin/"):
        response = render(request, "core/problem.html", {"title": _("Tài khoản tạm bị khóa"), "message": message},
                          status=429)
    else:
        portal = path.startswith("/portal/")
        if portal:
            from motcua.portal.forms import CitizenLoginForm as form_class
        else:
            form_class = AuthenticationForm
        form = form_class(request, initial={"username": request.POST.get("username", "")})
        response = render(request, "portal/login.html" if portal else "office/login.html",
                          {"form": form, "locked_message": message, "next": request.POST.get("next", "")},
                          status=429)
    response["Retry-After"] = retry
    return response


class LoginView(auth_views.LoginView):
    template_name = "office/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    template_name = "office/logged_out.html"
