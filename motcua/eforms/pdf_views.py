"""The printed declaration of a dossier (staff who can see the dossier, and its owner) and the
officer's "draft the result from the declaration" action. Views parse, call one service, answer
with the PDF inline or a redirect; domain errors become the documents' short page, never a 500."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from motcua.core import clock
from motcua.domain.errors import DomainError, NotFound, PermissionDenied
from motcua.dossiers.services import Actor, get_dossier

from . import results, services
from .pdf import Paper, render_declaration


@dataclass(frozen=True)
class Printed:
    filename: str
    content: bytes


def _made_on(d: Any) -> date | None:
    at = d.submitted_at or d.received_at
    return clock.local_date(at) if at else None


def _place(d: Any) -> str:
    from motcua.documents.facts import issuer

    return issuer(d.receiving_unit, "", None).place


def print_declaration(actor: Actor, dossier_id: int) -> Printed:
    """The declaration of a dossier the actor can see (get_dossier scopes it: staff of its units, the
    owner), as the official form's PDF. NotFound when the dossier has no declaration."""
    d = get_dossier(actor, dossier_id)
    decl = services.declaration_of(d)
    if decl is None:
        raise NotFound("This dossier has no declaration.")
    on = _made_on(d)
    context = services.context_for(on or clock.local_date(clock.now()))
    paper = Paper(addressee=d.handling_unit.name, place=_place(d), on=on, signer=d.applicant_name or "",
                  reference=d.code, context=context)
    with translation.override("vi"):  # the official text, whatever language the page is in
        pdf = render_declaration(decl.definition.definition, decl.data, paper)
    key = re.sub(r"[^A-Za-z0-9-]", "-", str(decl.definition.definition.get("key") or "to-khai"))
    return Printed(f"to-khai-{key}-{d.code}.pdf", pdf)


def _problem(request: HttpRequest, err: DomainError) -> HttpResponse:
    if isinstance(err, PermissionDenied):
        message = _("Bạn không có quyền thực hiện việc này với hồ sơ.")
    elif isinstance(err, NotFound):
        message = _("Không tìm thấy hồ sơ hoặc hồ sơ không có tờ khai điện tử.")
    else:
        message = _("Thông tin chưa hợp lệ, vui lòng kiểm tra lại.")
    return render(request, "documents/problem.html", {"message": message}, status=err.http_status)


@require_GET
@login_required
def declaration_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        printed = print_declaration(Actor.of(request.user), pk)
    except DomainError as err:
        return _problem(request, err)
    response = HttpResponse(printed.content, content_type="application/pdf")
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", printed.filename)
    response["Content-Disposition"] = f'inline; filename="{safe}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def draft_result(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach the result drawn from the declaration (trích lục...) for the leader to review and sign."""
    try:
        doc = results.draft_result(Actor.of(request.user), pk)
    except DomainError as err:
        return _problem(request, err)
    messages.success(request, _("Đã tạo dự thảo kết quả %(name)s từ tờ khai; lãnh đạo xem xét và ký khi phê duyệt.")
                     % {"name": doc.name})
    return redirect("office:dossier", pk=pk)
