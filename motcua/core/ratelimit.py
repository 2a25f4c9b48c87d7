"""Rate limits, counted in Django's cache (Redis when ``MOTCUA_REDIS_URL`` is set, so every server
process shares the counts) with django-ratelimit's fixed windows:

* the public lookup (portal page by code or QR token, and ``/api/v1/lookup/``): ``MOTCUA_RATE_LOOKUP``
  per client address (default 30 a minute), against enumerating the sequential dossier codes;
* sign-in attempts (POST to ``/login/``, ``/portal/login/``, ``/admin/login/``, and the e-ID sign-in's
  ``/portal/vneid/login/`` and ``/portal/vneid/link/``): ``MOTCUA_RATE_LOGIN``
  per client address (default 20 a minute), on top of the per-username lockout (django-axes);
* the API (``/api/``): ``MOTCUA_RATE_API`` per bearer token, else per signed-in user, else per client
  address (default 600 a minute).

Over the limit: 429 with ``Retry-After`` (seconds to the end of the window), a Vietnamese page for the
web pages, the JSON error envelope (code ``rate_limited``) for the API. The client address is
:func:`motcua.core.net.client_ip` (REMOTE_ADDR unless a trusted proxy is configured).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

from motcua.conf import CONFIG

from .net import client_ip

SIGN_IN_PATHS = ("/login/", "/portal/login/", "/admin/login/", "/portal/vneid/login/", "/portal/vneid/link/")


def _ip_key(_group: str, request: HttpRequest) -> str:
    return client_ip(request)


def _api_key(_group: str, request: HttpRequest) -> str:
    auth = request.META.get("HTTP_AUTHORIZATION", "")
    if auth.lower().startswith("bearer "):
        return "token:" + hashlib.sha256(auth[7:].strip().encode()).hexdigest()
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return "ip:" + client_ip(request)


def rule_for(request: HttpRequest) -> tuple[str, str, Callable[[str, HttpRequest], str]] | None:
    """(group, rate, key) of the limit that applies to this request, or None."""
    path = request.path_info
    if path.startswith("/api/v1/lookup/") or path.startswith("/portal/lookup/t/") or (
            path == "/portal/lookup/" and "code" in request.GET):
        return "lookup", CONFIG.rate_lookup, _ip_key
    if request.method == "POST" and path in SIGN_IN_PATHS:
        return "login", CONFIG.rate_login, _ip_key
    if path == "/api/v1/payments/national/confirm":
        return None  # the platform's callback: authenticated by its checksum; a refused one waits for QUERY
    if path.startswith("/api/"):
        return "api", CONFIG.rate_api, _api_key
    return None


def too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"error": {"code": "rate_limited", "message": f"Too many requests; retry in {retry_after} s.",
                       "fields": {}}}, status=429, json_dumps_params={"ensure_ascii": False})
    else:
        response = render(request, "core/problem.html", {
            "title": _("Quá nhiều yêu cầu"),
            "message": _("Bạn đã gửi quá nhiều yêu cầu trong thời gian ngắn."),
            "retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


class RateLimitMiddleware:
    """Count the request against its limit (see the module docstring); refuse it when over."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rule = rule_for(request)
        if rule is not None:
            group, rate, key = rule
            usage = get_usage(request, group=f"motcua.{group}", key=key, rate=rate, increment=True)
            if usage is not None and usage["should_limit"]:
                return too_many(request, max(1, int(usage["time_left"])))
        return self.get_response(request)
