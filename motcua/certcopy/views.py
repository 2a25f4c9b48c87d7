"""The counter's pages: the register of electronic certified copies and the certification of one dossier."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.domain.errors import DomainError, NotFound, PermissionDenied
from motcua.office.views import staff_view

from . import services
from .forms import CopyForm


@require_GET
@staff_view
def register(request: HttpRequest) -> HttpResponse:
    year = request.GET.get("year", "")
    entries = services.register_of(request.actor, int(year) if year.isdigit() else None)  # type: ignore[attr-defined]
    return render(request, "certcopy/register.html", {"entries": entries, "year": year})


@require_http_methods(["GET", "POST"])
@staff_view
def certify(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    try:
        d = services.load(actor, pk)
    except NotFound as err:
        raise Http404 from err
    except PermissionDenied:
        return render(request, "office/forbidden.html", status=403)
    entry = services.entry_of(d)
    form = CopyForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and entry is None:
        if form.is_valid():
            try:
                entry = services.certify(actor, d.pk, _request(request, form))
            except DomainError as exc:
                _show(form, exc)
                status = 422
            else:
                messages.success(request, _("Đã chứng thực bản sao điện tử số %(number)s.")
                                 % {"number": entry.register_number})
                return redirect("certcopy:certify", pk=d.pk)
        else:
            status = 422
    return render(request, "certcopy/certify.html", {
        "d": d, "dossier": d, "form": form, "entry": entry, "certifiable": services.certifiable(d)}, status=status)


def _request(request: HttpRequest, form: CopyForm) -> services.CopyRequest:
    c = form.cleaned_data
    files = [(f.name, f.read()) for f in request.FILES.getlist("scan")]
    return services.CopyRequest(files=files, document_type=c["document_type"] or "", pages=c["pages"],
                                copies=c["copies"] if c["copies"] is not None else 1,
                                document_number=c["document_number"] or "", issuer=c["issuer"] or "",
                                issued_on=c["issued_on"], certifier_title=c["certifier_title"] or "",
                                return_now=bool(c["return_now"]))


def _show(form: CopyForm, exc: DomainError) -> None:
    fields = getattr(exc, "fields", None) or {}
    shown = False
    for name, message in fields.items():
        if isinstance(exc, services.CopyRefused) or name in ("dossier", "number", "signature"):
            form.add_error(name if name in form.fields else None, str(message))
            shown = True
    if not shown:
        form.add_error(None, _("Không chứng thực được: %(reason)s") % {"reason": exc})
