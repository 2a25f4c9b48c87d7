"""The guides: pages for signed-in staff (screenshots: tests/browser/test_guide_screenshots.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from motcua.office.views import staff_view


@require_GET
@staff_view
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "guides/index.html")


@require_GET
@staff_view
def officer(request: HttpRequest) -> HttpResponse:
    return render(request, "guides/officer.html")


@require_GET
@staff_view
def administrator(request: HttpRequest) -> HttpResponse:
    return render(request, "guides/admin.html")
