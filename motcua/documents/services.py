"""Printable documents as use cases: which documents an actor may print for a dossier, rendering
one, and the tracking book of a unit. Views and other apps call these functions only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.urls import reverse
from django.utils import translation

from motcua.domain.errors import NotFound, PermissionDenied, ValidationFailed
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import Actor, get_dossier
from motcua.rules.services import rules_of, title_of
from motcua.units.models import Unit

from . import book, facts, signed
from .control import render_control_slip
from .letters import LETTERS, Letter, render_letter
from .receipt import render_receipt

NOT_APPLICABLE = "This document does not apply to this dossier."
MAX_BOOK_ROWS = 10_000  # about 250 pages and 8 seconds: larger books are split into shorter periods
MAX_BOOK_DAYS = 366

Renderer = Callable[[Dossier, bool], bytes]


@dataclass(frozen=True)
class Document:
    """A printable document of a dossier: whether the owner may print it, when it applies
    (given the actions in the dossier's event log), how it is rendered (staff or owner copy)."""

    slug: str
    label: str
    filename: str
    for_owner: bool
    applies: Callable[[Dossier, set[str]], bool]
    render: Renderer


def _received(d: Dossier, actions: set[str]) -> bool:
    return d.received_at is not None


def _letter(letter: Letter, filename: str) -> Document:
    def draw(d: Dossier, staff: bool) -> bytes:
        ev = facts.latest_event(d, letter.action)
        if ev is None:
            raise NotFound(NOT_APPLICABLE)
        return render_letter(d, letter, ev)

    def applies(d: Dossier, actions: set[str]) -> bool:  # the stop notice is a form from Decree 118 on only
        return letter.action.value in actions and (letter.slug != "stop" or rules_of(d).stop_notice)

    return Document(letter.slug, letter.label, filename, True, applies, draw)


DOCUMENTS: dict[str, Document] = {doc.slug: doc for doc in (
    Document("receipt", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "giay-tiep-nhan", True, _received,
             lambda d, staff: render_receipt(d, copies=2 if staff else 1)),
    _letter(LETTERS["supplement"], "phieu-yeu-cau-bo-sung"),
    _letter(LETTERS["refusal"], "phieu-tu-choi"),
    _letter(LETTERS["apology"], "phieu-xin-loi-hen-lai"),
    _letter(LETTERS["stop"], "thong-bao-dung-xu-ly"),
    Document("control", "Phiếu kiểm soát quá trình giải quyết hồ sơ", "phieu-kiem-soat", False, _received,
             lambda d, staff: render_control_slip(d)),
)}


def _is_staff(actor: Actor) -> bool:
    return actor.system or actor.scope.is_staff_member


def _may_print(actor: Actor, d: Dossier, doc: Document) -> bool:
    """Staff print every document of a dossier they can see; the owner only those addressed to them."""
    owner = actor.user_id is not None and d.owner_id == actor.user_id
    return _is_staff(actor) or (owner and doc.for_owner)


def _actions(d: Dossier) -> set[str]:
    return set(d.events.values_list("action", flat=True).distinct())


def available_documents(actor: Actor, dossier: Dossier) -> list[tuple[str, str, str]]:
    """(slug, label, url) of the documents ``actor`` may print for ``dossier`` (one query)."""
    actions = _actions(dossier)
    return [(doc.slug, title_of(dossier, doc.slug, doc.label),
             reverse("documents:dossier", kwargs={"pk": dossier.pk, "slug": doc.slug}))
            for doc in DOCUMENTS.values() if _may_print(actor, dossier, doc) and doc.applies(dossier, actions)]


def render_document(actor: Actor, dossier_id: int, slug: str) -> tuple[str, bytes]:
    """(filename, PDF) of document ``slug`` of a dossier the actor can see; NotFound when the
    dossier is out of reach or the document does not apply, PermissionDenied for the owner
    asking for an internal document."""
    d = get_dossier(actor, dossier_id)
    doc = DOCUMENTS.get(slug)
    if doc is None:
        raise NotFound(NOT_APPLICABLE)
    if not _may_print(actor, d, doc):
        raise PermissionDenied("You may not print this document.")
    if not doc.applies(d, _actions(d)):
        raise NotFound(NOT_APPLICABLE)
    with translation.override("vi"):  # official text, whatever language the page is in
        staff = _is_staff(actor)
        pdf = signed.signed_pdf(d, slug, staff) or doc.render(d, staff)
    return f"{doc.filename}-{d.code}.pdf", pdf


def tracking_book(actor: Actor, unit_code: str, start: date, end: date) -> tuple[str, bytes]:
    """(filename, PDF) of the tracking book of a unit the actor's scope covers."""
    unit = Unit.objects.filter(code=unit_code.strip()).first()
    if unit is None:
        raise ValidationFailed("Unknown unit.", fields={"unit": "unknown unit"})
    if not (_is_staff(actor) and actor.scope.covers(unit.path)):
        raise PermissionDenied("This unit is outside your scope.")
    if end < start or (end - start).days >= MAX_BOOK_DAYS:
        raise ValidationFailed("Invalid period.", fields={"end": f"after the start, at most {MAX_BOOK_DAYS} days"})
    rows = book.book_rows(unit, start, end, MAX_BOOK_ROWS + 1)
    if len(rows) > MAX_BOOK_ROWS:
        raise ValidationFailed("Too many dossiers.", fields={"end": f"more than {MAX_BOOK_ROWS} dossiers"})
    with translation.override("vi"):
        pdf = book.render_book(unit, start, end, rows)
    return f"so-theo-doi-{unit.code}-{start:%Y%m%d}-{end:%Y%m%d}.pdf", pdf
