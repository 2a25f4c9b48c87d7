"""Results filled from the declaration: the civil-status extract (trích lục khai sinh, khai tử...)
drawn from what the citizen declared, attached to the dossier as a draft result file that the
leader reviews and signs through the existing approval (motcua.dossiers.results.approve signs the
latest result file). Nothing here signs: a draft is an ordinary result upload by the officer."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.platypus import Flowable, Spacer

from motcua.documents.layout import (
    DOTS,
    Issuer,
    content_width,
    header,
    para,
    render,
    side_by_side,
    signature,
    style,
    text,
    title,
)
from motcua.domain.eforms import flatten

PAGE = A4
ROW = style("result-row", 10.5, leading=15)

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def _tens(n: int, in_hundreds: bool) -> str:
    """0..99 in words ("linh" for 1..9 after a hundred: "không trăm linh năm")."""
    tens, units = divmod(n, 10)
    if tens == 0:
        return ("linh " + _DIGITS[units] if in_hundreds else _DIGITS[units]) if units else ""
    head = "mười" if tens == 1 else f"{_DIGITS[tens]} mươi"
    if units == 0:
        return head
    unit = "mốt" if units == 1 and tens > 1 else "lăm" if units == 5 else _DIGITS[units]
    return f"{head} {unit}"


def number_words(n: int) -> str:
    """0..9999 in Vietnamese words, as extracts write years: 2026 "hai nghìn không trăm hai mươi sáu"."""
    if n == 0:
        return "không"
    thousands, rest = divmod(n, 1000)
    hundreds, tail = divmod(rest, 100)
    parts = [f"{_DIGITS[thousands]} nghìn"] if thousands else []
    if hundreds or (thousands and tail):
        parts.append(f"{_DIGITS[hundreds]} trăm")
    words = _tens(tail, bool(parts))
    return " ".join([*parts, words] if words else parts)


def date_words(value: date) -> str:
    """"Ngày hai mươi tháng mười một năm hai nghìn không trăm hai mươi sáu"."""
    return f"Ngày {number_words(value.day)} tháng {number_words(value.month)} năm {number_words(value.year)}"


Row = tuple[str, Callable[[Mapping[str, Any], Mapping[str, str]], str]]


def _path(path: str) -> Callable[[Mapping[str, Any], Mapping[str, str]], str]:
    return lambda data, shown: shown.get(path, "")


def _in_words(path: str) -> Callable[[Mapping[str, Any], Mapping[str, str]], str]:
    def words(data: Mapping[str, Any], shown: Mapping[str, str]) -> str:
        section, _, key = path.partition(".")
        raw = (data.get(section) or {}).get(key)
        return date_words(date.fromisoformat(raw)) if isinstance(raw, str) and raw else ""

    return words


@dataclass(frozen=True)
class ResultTemplate:
    """A result drawn from a declaration: its title, the number's suffix and the rows it prints."""

    form_key: str
    slug: str
    title: str
    number_suffix: str
    rows: tuple[Row, ...]
    signer: str = "Người ký Trích lục"


def _parent(prefix: str, who: str) -> tuple[Row, ...]:
    return ((f"Họ, chữ đệm, tên người {who}", _path(f"{prefix}.full_name")),
            ("Năm sinh", _path(f"{prefix}.birth_year")),
            ("Dân tộc", _path(f"{prefix}.ethnicity")), ("Quốc tịch", _path(f"{prefix}.nationality")),
            ("Nơi cư trú", _path(f"{prefix}.residence")))


TEMPLATES: dict[str, ResultTemplate] = {t.form_key: t for t in (
    ResultTemplate("khai-sinh", "trich-luc-khai-sinh", "Trích lục khai sinh", "TLKS", (
        ("Họ, chữ đệm, tên", _path("child.full_name")), ("Ngày, tháng, năm sinh", _path("child.birth_date")),
        ("Ghi bằng chữ", _in_words("child.birth_date")), ("Giới tính", _path("child.sex")),
        ("Dân tộc", _path("child.ethnicity")), ("Quốc tịch", _path("child.nationality")),
        ("Nơi sinh", _path("child.birth_place")), ("Quê quán", _path("child.home_town")),
        *_parent("mother", "mẹ"), *_parent("father", "cha"))),
    ResultTemplate("khai-tu", "trich-luc-khai-tu", "Trích lục khai tử", "TLKT", (
        ("Họ, chữ đệm, tên", _path("deceased.full_name")), ("Ngày, tháng, năm sinh", _path("deceased.birth_date")),
        ("Giới tính", _path("deceased.sex")), ("Dân tộc", _path("deceased.ethnicity")),
        ("Quốc tịch", _path("deceased.nationality")), ("Nơi cư trú cuối cùng", _path("deceased.residence")),
        ("Đã chết vào ngày", _path("deceased.death_date")), ("Ghi bằng chữ", _in_words("deceased.death_date")),
        ("Nơi chết", _path("deceased.death_place")), ("Nguyên nhân chết", _path("deceased.cause")))),
    ResultTemplate("ket-hon", "trich-luc-ket-hon", "Trích lục kết hôn", "TLKH", (
        ("Họ, chữ đệm, tên bên nữ", _path("bride.full_name")), ("Ngày, tháng, năm sinh", _path("bride.birth_date")),
        ("Dân tộc", _path("bride.ethnicity")), ("Quốc tịch", _path("bride.nationality")),
        ("Nơi cư trú", _path("bride.residence")),
        ("Họ, chữ đệm, tên bên nam", _path("groom.full_name")), ("Ngày, tháng, năm sinh", _path("groom.birth_date")),
        ("Dân tộc", _path("groom.ethnicity")), ("Quốc tịch", _path("groom.nationality")),
        ("Nơi cư trú", _path("groom.residence")))),
)}


@dataclass(frozen=True)
class Registration:
    """Where and when the registry records it: the registering unit, the date, the officer."""

    issuer: Issuer
    registered_on: date | None
    officer: str = ""
    signer_name: str = ""


def render_result(template: ResultTemplate, defn: Mapping[str, Any], data: Mapping[str, Any],
                  reg: Registration, context: Mapping[str, Any] | None = None) -> bytes:
    """The result as PDF bytes, every row from the declared data (dotted blanks where none)."""
    width = content_width(PAGE)
    shown = {path: value for path, _label, value in flatten(defn, data, context=context)}
    story: list[Flowable] = [header(reg.issuer, width), *title(template.title, "(Bản chính)")]
    for label, value in template.rows:
        story.append(para(f"{text(label)}: <b>{text(value(data, shown)) or DOTS * 4}</b>", ROW))
    story += [Spacer(1, 4), para(f"Nơi đăng ký: <b>{text(reg.issuer.unit)}</b>", ROW),
              para(f"Ngày, tháng, năm đăng ký: <b>{reg.registered_on:%d/%m/%Y}</b>" if reg.registered_on
                   else f"Ngày, tháng, năm đăng ký: {DOTS}", ROW),
              Spacer(1, 10),
              side_by_side([signature("Người thực hiện", reg.officer), signature(template.signer, reg.signer_name)],
                           width)]
    return render(story, PAGE, template.title)


def draft_result(actor: Any, dossier_id: int) -> Any:
    """Attach the result drawn from the dossier's declaration as its latest result file (the draft the
    leader's approval signs). NotFound when the dossier has no declaration or its form no result
    template; the officer's right to upload results is checked by ``attach_file``."""
    from django.utils import translation

    from motcua.documents import facts
    from motcua.domain.errors import NotFound
    from motcua.dossiers.results import attach_file
    from motcua.dossiers.services import get_dossier

    from .models import Declaration

    d = get_dossier(actor, dossier_id)
    declaration = Declaration.objects.select_related("definition").filter(dossier=d).first()
    defn = declaration.definition.definition if declaration else {}
    template = TEMPLATES.get(str(defn.get("key")))
    if declaration is None or template is None:
        raise NotFound("This dossier's form has no result template.")
    with translation.override("vi"):
        issuer = facts.issuer(d.handling_unit, f"Số: {DOTS}/{template.number_suffix}", None)
        pdf = render_result(template, defn, declaration.data, Registration(issuer, None), _context(d))
    return attach_file(actor, d.pk, io.BytesIO(pdf), f"{template.slug}-{d.code}.pdf", kind="result")


def _context(d: Any) -> dict[str, Any]:
    """The units' names of the declaration's date, for its addresses."""
    from motcua.core import clock

    from .services import context_for

    at = d.submitted_at or d.received_at
    return context_for(clock.local_date(at) if at else clock.local_date(clock.now()))
