"""Pages of the population database look-up: the counter's and the portal's "Điền từ Cơ sở dữ liệu
quốc gia về dân cư" (htmx: the officer's applicant fields come back filled, or the citizen's name and
address fields are swapped out of band), and the audit log administrators read.

No view runs inside a database transaction (ATOMIC_REQUESTS is off): the call to the database is made
with the client's time-outs before the audit row is written on its own."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from motcua.core import clock
from motcua.domain.errors import DomainError
from motcua.office.views import staff_view
from motcua.portal.views import citizen_view
from motcua.units.choices import Role

from . import services
from .models import Channel, Outcome, Reason

LOG_PAGE_SIZE = 50


def _ask(data: Any, procedure: Any, reason: str) -> services.Ask:
    return services.Ask(id_number=str(data.get("applicant_id_number", "")).strip()[:20],
                        name=str(data.get("applicant_name", ""))[:120],
                        birth_year=str(data.get("population_year", ""))[:4],
                        reason=reason, reason_text=str(data.get("population_reason_text", ""))[:500],
                        procedure=procedure)


def _run(who: services.Who, ask: services.Ask) -> services.Result:
    try:
        return services.look_up(who, ask)
    except DomainError as err:
        return services.Result("invalid", err.message, fields=err.fields)


# -- the counter ----------------------------------------------------------------------------------
@require_POST
@staff_view
def counter_fill(request: HttpRequest) -> HttpResponse:
    """The intake form's applicant fields again, filled from the population database on a hit."""
    from motcua.office import intake, pages
    from motcua.office.forms import IntakeForm

    actor = request.actor  # type: ignore[attr-defined]
    setup = intake.setup(actor, str(request.POST.get("procedure", ""))[:40])
    if setup is None or not setup.receiving:
        raise Http404
    unit = pages.pick_unit(setup.receiving, request.POST.get("receiving_unit"))
    who = services.Who(request.user, actor.name, Channel.COUNTER, Role.COUNTER_OFFICER, unit,
                       officer_code=request.user.get_username())
    result = _run(who, _ask(request.POST, setup.procedure, str(request.POST.get("population_reason", ""))))
    initial = pages.applicant_initial(request.POST, None)
    if result.hit and result.citizen is not None:
        initial.update(applicant_name=result.citizen.full_name, applicant_address=result.citizen.address,
                       applicant_type=0)
    form = IntakeForm(**pages.intake_form_kwargs(setup) | {"initial": initial})
    response = render(request, "office/_applicant.html", {"form": form, "population": _panel(request.POST, result)})
    return _offer_to_eform(request, result, response)


def _offer_to_eform(request: HttpRequest, result: services.Result, response: HttpResponse) -> HttpResponse:
    """On a hit, the record is kept in the session and the page's declaration form (if any) asked to
    redraw itself with it proposed (the ``eformPrefill`` event: motcua/eforms/templates/eforms/_form.html)."""
    from . import remembered

    if result.hit and result.citizen is not None:
        remembered.remember(request, result.citizen)
        response["HX-Trigger"] = "eformPrefill"
    return response


def _panel(data: Any, result: services.Result) -> dict[str, Any]:
    """What the look-up panel shows after a look-up (its inputs kept as typed)."""
    return {"result": result, "year": str(data.get("population_year", ""))[:4],
            "reason": str(data.get("population_reason", "")),
            "reason_text": str(data.get("population_reason_text", ""))[:500], "ok": result.hit,
            "level": "info" if result.hit else ("warning" if result.outcome != "invalid" else "error")}


# -- the portal -----------------------------------------------------------------------------------
class _Filled(forms.Form):
    """The portal form's name and address inputs, rendered as its own (same names, ids and limits)."""

    applicant_name = forms.CharField(max_length=255)
    applicant_address = forms.CharField(max_length=500, required=False)


@require_POST
@citizen_view
def portal_fill(request: HttpRequest, code: str) -> HttpResponse:
    """The citizen's own record (or a family member's, with the relation and reason stated) into the
    application form: the panel's message, and the name and address inputs swapped out of band."""
    from motcua.portal import accounts, catalog

    version = catalog.in_force(code)
    if version is None:
        raise Http404
    dests = catalog.destinations(version.procedure)
    chosen = [d.receiving for d in dests if str(d.receiving.pk) == str(request.POST.get("receiving_unit", ""))]
    profile = accounts.profile_of(request.user)
    own = profile.id_number if profile else ""
    ask_id = str(request.POST.get("applicant_id_number", "")).strip()
    reason = Reason.SELF if own and ask_id == own else Reason.FAMILY
    name = f"{request.user.last_name} {request.user.first_name}".strip() or request.user.get_username()
    unit = (chosen or [d.receiving for d in dests] or [None])[0]
    who = services.Who(request.user, name, Channel.PORTAL, "citizen", unit,
                       officer_code=f"CONGDAN-{request.user.pk}", own_id=own)
    result = _run(who, _ask(request.POST, version.procedure, reason))
    filled = None
    if result.hit and result.citizen is not None:
        f = _Filled(initial={"applicant_name": result.citizen.full_name, "applicant_address": result.citizen.address})
        filled = [f[n].as_widget(attrs={"hx-swap-oob": "true"}) for n in ("applicant_name", "applicant_address")]
    response = render(request, "population/_portal_result.html",
                      {"population": _panel(request.POST, result), "filled": filled, "version": version})
    return _offer_to_eform(request, result, response)


# -- the audit log --------------------------------------------------------------------------------
def _day(text: str) -> Any:
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        return None


def _filtered(qs: Any, data: Any) -> tuple[Any, dict[str, str]]:
    errors, values = {}, {k: str(data.get(k, ""))[:20].strip() for k in ("from", "to", "officer", "outcome")}
    for key in ("from", "to"):
        if values[key]:
            day = _day(values[key])
            if day is None:
                errors[key] = "dd/mm/yyyy"
                continue
            if key == "from":
                qs = qs.filter(at__gte=clock.aware(datetime.combine(day, time.min)))
            else:
                qs = qs.filter(at__lt=clock.aware(datetime.combine(day + timedelta(days=1), time.min)))
    if values["officer"].isdigit():
        qs = qs.filter(user_id=int(values["officer"]))
    if values["outcome"] in Outcome.values:
        qs = qs.filter(outcome=values["outcome"])
    return qs, errors


@require_GET
@staff_view
def log(request: HttpRequest) -> HttpResponse:
    """The look-up audit log of the units the user administers: read-only, filterable, ID numbers masked."""
    scope = request.actor.scope  # type: ignore[attr-defined]
    if not services.may_read_log(scope):
        return render(request, "office/forbidden.html", status=403)
    visible = services.visible_lookups(scope)
    rows, errors = _filtered(visible, request.GET)
    officers = (visible.exclude(user__isnull=True).order_by().values_list("user_id", "actor_name").distinct()
                .order_by("actor_name")[:200])
    page = Paginator(rows, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "population/log.html", {
        "page": page, "errors": errors, "officers": officers, "outcomes": Outcome.choices,
        "values": {k: str(request.GET.get(k, ""))[:20] for k in ("from", "to", "officer", "outcome")}},
        status=422 if errors else 200)
