"""The unsubscribe link of every e-mail: works without signing in (the token is signed). A GET
only asks (mail scanners follow links); the button, or a mail client's one-click POST (RFC 8058),
opts the address out."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import services


@csrf_exempt  # the signed token is the authority; mail clients' one-click POST carries no CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    found = services.read_unsubscribe(token)
    if found is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    channel, address = found
    done = request.method == "POST"
    if done:
        services.unsubscribe(token)
    return render(request, "notifications/unsubscribe.html", {"address": address, "done": done, "channel": channel})
