"""Report pages. Each view parses and authorizes (through :mod:`motcua.reports.pages`), calls the
statistics services and renders; bad parameters give a friendly page with status 400, a unit
outside the caller's scope 403, never a 500."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from motcua.domain.errors import DomainError
from motcua.dossiers.services import Actor

from . import dashboard as dash
from . import pages

View = Callable[..., HttpResponse]


def report_page(roles: Iterable[str] | None = None) -> Callable[[View], View]:
    """Signed-in staff holding one of ``roles`` somewhere (any role by default); the view gets the
    service-layer actor, and a domain error becomes the friendly error page."""
    def decorate(view: View) -> View:
        @require_GET
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            actor = Actor.of(request.user)
            if not pages.visible_units(actor, roles):
                return render(request, "reports/forbidden.html", status=403)
            try:
                return view(request, actor, *args, **kwargs)
            except DomainError as err:
                form = pages.form_context(actor, request.GET) if roles is None else {}  # the report's form
                ctx = {"errors": pages.friendly(err), **form}
                return render(request, "reports/error.html", ctx, status=pages.status_of(err))

        return wrapper

    return decorate


@report_page()
def report(request: HttpRequest, actor: Actor) -> HttpResponse:
    q = pages.parse_query(actor, request.GET)
    ctx = {**pages.report_context(q), **pages.form_context(actor, request.GET, q=q)}
    return render(request, "reports/report.html", ctx)


@report_page()
def drill(request: HttpRequest, actor: Actor, figure: str) -> HttpResponse:
    q = pages.parse_query(actor, request.GET)
    return render(request, "reports/drill.html", pages.drill_context(q, figure, request.GET))


@report_page()
def why(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    q = pages.parse_query(actor, request.GET)
    return render(request, "reports/why.html", pages.why_context(actor, q, pk))


@report_page(pages.DASHBOARD_ROLES)
def dashboard(request: HttpRequest, actor: Actor) -> HttpResponse:
    q = dash.dashboard_query(actor, request.GET)
    ctx = {**dash.dashboard_context(q), "units": pages.unit_choices(actor, pages.DASHBOARD_ROLES)}
    return render(request, "reports/dashboard.html", ctx)


@report_page(pages.DASHBOARD_ROLES)
def dashboard_body(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The dashboard's body alone: htmx reloads it every minute."""
    q = dash.dashboard_query(actor, request.GET)
    return render(request, "reports/_dashboard_body.html", dash.dashboard_context(q))


@report_page(pages.DASHBOARD_ROLES)
def dashboard_ranking(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The ranking panel alone: the page loads it after its first paint (htmx)."""
    q = dash.dashboard_query(actor, request.GET)
    return render(request, "reports/_dashboard_ranking.html", dash.ranking_context(q))
