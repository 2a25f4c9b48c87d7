"""The catalog board page under /office/catalog/board/ (administrators and counter officers): the
unit and the filter chosen, the board shown for printing (A4 print CSS) or as a PDF."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from motcua.core import clock
from motcua.domain.errors import NotFound
from motcua.office.views import staff_view

from . import board as boards

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class BoardForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Đơn vị"), coerce=int)
    mode = forms.ChoiceField(label=_("Niêm yết"), choices=list(boards.MODES.items()), initial=boards.IN_FORCE,
                             widget=forms.RadioSelect)
    since = forms.DateField(label=_("Từ ngày"), required=False, input_formats=DATE_FORMATS,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                            help_text=_("Ngày của quyết định công bố đầu tiên cần niêm yết."))
    orientation = forms.ChoiceField(label=_("Khổ giấy"), initial="landscape", choices=[
        ("landscape", _("A4 ngang")), ("portrait", _("A4 dọc"))])

    def __init__(self, units: list[Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, u.name) for u in units]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("mode") == boards.CHANGES and not cleaned.get("since"):
            self.add_error("since", _("Nhập ngày bắt đầu để niêm yết các thủ tục công bố từ ngày đó."))
        return cleaned


@require_GET
@staff_view
def board(request: HttpRequest) -> HttpResponse:
    scope = request.actor.scope  # type: ignore[attr-defined]
    if not boards.may_post(scope):
        return render(request, "office/forbidden.html", status=403)
    units = boards.units_for(scope)
    form = BoardForm(units, request.GET or None)
    ctx: dict[str, Any] = {"form": form, "board": None}
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        try:
            b = boards.board(scope, d["unit"], d["mode"], clock.local_date(clock.now()), d.get("since"))
        except NotFound:
            form.add_error("unit", _("Không tìm thấy đơn vị."))
        else:
            if request.GET.get("format") == "pdf":
                response = HttpResponse(boards.render_pdf(b, d["orientation"] == "landscape"),
                                        content_type="application/pdf")
                response["Content-Disposition"] = f'inline; filename="niem-yet-tthc-{b.unit.code}.pdf"'
                return response
            ctx.update(board=b, orientation=d["orientation"], pdf_query=_pdf_query(request))
    return render(request, "catalog/board.html", ctx, status=400 if form.is_bound and form.errors else 200)


def _pdf_query(request: HttpRequest) -> str:
    q = request.GET.copy()
    q["format"] = "pdf"
    return q.urlencode()
