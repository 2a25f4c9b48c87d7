"""Letters handed out with a result: which template a dossier's procedure has, whether the letter
may be printed now (the result is back at the one-stop department or returned) and the PDF."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from reportlab.lib.pagesizes import A5
from reportlab.platypus import Spacer

from motcua.core import clock
from motcua.domain.errors import NotFound
from motcua.domain.lifecycle import Status
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier

from .models import LetterTemplate
from .placeholders import fill

PRINTABLE = (Status.PROCESSED, Status.RETURNED)


def template_for(procedure_code: str) -> LetterTemplate | None:
    """The active template that lists ``procedure_code`` (the first by name when several do)."""
    for t in LetterTemplate.objects.filter(active=True, procedure_codes__contains=procedure_code):
        if procedure_code in t.codes():
            return t
    return None


def printable(d: Dossier) -> LetterTemplate | None:
    """The dossier's letter when it may be printed now, else None."""
    if d.status not in PRINTABLE:
        return None
    return template_for(d.procedure.code)


def letter_for(actor: svc.Actor, dossier_id: int) -> tuple[LetterTemplate, Dossier]:
    """The letter of a dossier the actor may see; NotFound when there is none to print."""
    d = svc.get_dossier(actor, dossier_id)
    t = printable(d)
    if t is None:
        raise NotFound("No letter for this dossier now.", fields={"dossier": "no letter"})
    return t, d


def values_for(d: Dossier, on: datetime) -> dict[str, str]:
    from motcua.documents.facts import issuer

    return {"ten_nguoi_nhan": d.applicant_name, "ngay": clock.local(on).strftime("%d/%m/%Y"),
            "don_vi": d.handling_unit.name, "dia_danh": issuer(d.handling_unit, "", on).place,
            "thu_tuc": d.procedure.name, "ma_ho_so": d.code}


def signer_name(d: Dossier) -> str:
    """The name under the signature: the leader who approved the dossier's result (their account's
    full name, else the name on their signing certificate); blank when nobody approved it here."""
    a = d.approvals.select_related("approved_by").order_by("-approved_at", "-pk").first()
    if a is None:
        return ""
    u = a.approved_by
    name = f"{u.last_name} {u.first_name}".strip() if u else ""  # Vietnamese order: family name first
    return name or a.signer


def render_letter(t: LetterTemplate, d: Dossier, on: datetime | None = None) -> bytes:
    """The letter on one A5 page: the unit's header, the title, the filled paragraphs, the signer."""
    from motcua.documents.facts import issuer
    from motcua.documents.fonts import register_fonts
    from motcua.documents.layout import BODY, content_width, header, para, render, signature, style, text, title

    register_fonts()
    on = on or clock.now()
    values = values_for(d, on)
    width = content_width(A5)
    story: list[Any] = [header(issuer(d.handling_unit, "", on), width), Spacer(1, 10),
                        *title(fill(t.title, values))]
    letter = style("letter", 11, leading=15, alignment=BODY.alignment, spaceAfter=6, firstLineIndent=18)
    for paragraph in fill(t.body, values).split("\n\n"):
        if paragraph.strip():
            story.append(para(text(" ".join(paragraph.split())), letter))
    story += [Spacer(1, 10), *signature(fill(t.signer, values), signer_name(d))]
    return render(story, A5, f"{fill(t.title, values)} - {d.code}")


def letter_pdf(actor: svc.Actor, dossier_id: int) -> tuple[bytes, str]:
    t, d = letter_for(actor, dossier_id)
    return render_letter(t, d), f"thu-{d.code}.pdf"


def dossier_provider(actor: svc.Actor, d: Dossier) -> dict[str, Any] | None:
    """The staff dossier page's letter button (motcua.office.sections)."""
    t = printable(d)
    return {"template": t, "dossier": d} if t is not None else None
