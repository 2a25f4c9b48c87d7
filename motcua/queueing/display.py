"""The waiting-room display (a TV, public): the number each counter serves now and the last numbers
called, redrawn every 2 s (htmx polling, or a meta refresh without JavaScript); queueing/display.js
chimes (Web Audio) and announces the call in a live region when a number is called or recalled."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.units.models import Unit

from . import calling


def _unit(request: HttpRequest) -> Unit:
    code = (request.GET.get("unit") or "")[:40]
    unit = Unit.objects.filter(code=code).first() if code else None
    if unit is None:
        raise Http404(_("Không có đơn vị với mã này."))
    return unit


@require_GET
def display(request: HttpRequest) -> HttpResponse:
    unit = _unit(request)
    return render(request, "queueing/display.html", {"unit": unit, "b": calling.board(unit)})


@require_GET
def board(request: HttpRequest) -> HttpResponse:
    unit = _unit(request)
    return render(request, "queueing/_board.html", {"unit": unit, "b": calling.board(unit)})
