"""The declaration (tờ khai) printed from its data in the layout of the official form: the national
motto, the title, "Kính gửi", the fields in the form's order on dotted lines, the pledge, the place
and date, and the signature block. Civil-status declarations of two parties (marriage) print their
two sides as the official two-column table.

The display values come from the domain's ``flatten`` (the same text search and export show); this
module only lays them out. Pure rendering: no database access."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.platypus import Flowable, Paragraph, Spacer

from motcua.documents.layout import (
    BODY,
    CELL,
    CELL_HEAD,
    CENTER,
    DOTS,
    FIELD,
    MOTTO,
    NATION,
    content_width,
    grid,
    para,
    render,
    side_by_side,
    signature,
    style,
    text,
)
from motcua.domain.eforms import flatten, visible

PAGE = A4
MOTTO_STYLE = style("eform-motto", 11, alignment=TA_CENTER)
SECTION = style("eform-section", 10.5, spaceBefore=5, spaceAfter=2)
DOTTED = style("eform-field", 10.5, leading=16, spaceAfter=0)
TO = style("eform-to", 11.5, alignment=TA_CENTER, spaceBefore=2, spaceAfter=6)
PLACE = style("eform-place", 10, alignment=TA_CENTER)
_INDEX = re.compile(r"\[(\d+)\]")

# Templates whose sections of the same fields print side by side as columns (the official marriage
# declaration: "Thông tin | Bên nữ | Bên nam").
COLUMNS = {"TT04-2020/mau-ket-hon": ("bride", "groom")}
# The signer's capacity printed above the signature, by template (default "Người yêu cầu").
SIGNERS = {"TT02-2023-BKHDT/phu-luc-III-1": "Chủ hộ kinh doanh", "TT66-2023-BCA/ct01": "Người kê khai",
           "ND101-2024/mau-04-dk": "Người viết đơn", "TT04-2020/mau-ket-hon": "Bên nữ|Bên nam"}


@dataclass(frozen=True)
class Paper:
    """What the page prints beside the data: to whom, where and when it was made, who signs."""

    addressee: str = ""
    place: str = ""
    on: date | None = None
    signer: str = ""
    reference: str = ""  # the dossier code, printed small at the foot when known
    context: dict[str, Any] | None = None  # flatten's context: the units' names for addresses, lists


class DottedParagraph(Paragraph):
    """A paragraph written on dotted lines, as the printed forms are: a dotted rule under each line."""

    def draw(self) -> None:
        super().draw()
        lines = len(getattr(self.blPara, "lines", [])) or 1
        leading = self.style.leading
        canv = self.canv
        canv.saveState()
        canv.setDash(0.6, 1.8)
        canv.setLineWidth(0.4)
        for i in range(lines):
            y = self.height - (i + 1) * leading + 2.5
            canv.line(0, y, self.width, y)
        canv.restoreState()


def _label(obj: dict[str, Any]) -> str:
    label = obj.get("label") or obj.get("title") or {}
    return str(label.get("vi") or obj.get("key", "")) if isinstance(label, dict) else str(label)


def _values(defn: dict[str, Any], data: dict[str, Any], context: dict[str, Any] | None) -> dict[str, str]:
    return {path: value for path, _label_vi, value in flatten(defn, data, context=context)}


def _field_line(label: str, value: str) -> Flowable:
    return DottedParagraph(f"{text(label)}: <b>{text(value)}</b>", DOTTED)


def _group(field: dict[str, Any], prefix: str, values: dict[str, str], width: float) -> list[Flowable]:
    """A repeated group as a ruled table: a row per item, a column per sub-field."""
    subs = field.get("fields") or []
    items = sorted({int(m.group(1)) for p in values if p.startswith(prefix + "[")
                    for m in [_INDEX.match(p[len(prefix):])] if m})
    head = [para("<b>TT</b>", CELL_HEAD), *[para(f"<b>{text(_label(s))}</b>", CELL_HEAD) for s in subs]]
    rows = [[para(str(n + 1), CELL), *[para(text(values.get(f"{prefix}[{n}].{s['key']}", "")), CELL) for s in subs]]
            for n in items] or [[para("", CELL) for _ in range(len(subs) + 1)]]
    first = 8 * 3.6
    widths = [first, *[(width - first) / max(len(subs), 1)] * len(subs)]
    return [para(f"{text(_label(field))}:", FIELD), grid([head, *rows], widths), Spacer(1, 3)]


def _section(section: dict[str, Any], values: dict[str, str], shown: set[str], width: float) -> list[Flowable]:
    out: list[Flowable] = [para(f"<b>{text(_label(section))}:</b>", SECTION)]
    for field in section.get("fields") or []:
        path = f"{section['key']}.{field['key']}"
        if path not in shown:
            continue
        if field.get("type") == "group":
            out += _group(field, path, values, width)
        else:
            out.append(_field_line(_label(field), values.get(path, "")))
    return out


def _columns(defn: dict[str, Any], keys: Sequence[str], values: dict[str, str], width: float) -> Flowable:
    """Sections of the same fields as the columns of one table (the marriage declaration)."""
    sections = {s["key"]: s for s in defn.get("sections") or []}
    cols = [sections[k] for k in keys if k in sections]
    head = [para("<b>Thông tin</b>", CELL_HEAD), *[para(f"<b>{text(_label(s))}</b>", CELL_HEAD) for s in cols]]
    rows = [[para(f"<b>{text(_label(f))}</b>", CELL),
             *[para(text(values.get(f"{s['key']}.{f['key']}", "")), CELL) for s in cols]]
            for f in cols[0].get("fields") or []] if cols else []
    label_width = width * 0.3
    return grid([head, *rows], [label_width, *[(width - label_width) / max(len(cols), 1)] * len(cols)])


def _heading(defn: dict[str, Any], paper: Paper) -> list[Flowable]:
    return [para(f"<b>{NATION}</b>", MOTTO_STYLE), para(f"<b>{MOTTO}</b>", MOTTO_STYLE), para("―――――――", CENTER),
            Spacer(1, 8), para(f"<b>{text(_label(defn).upper())}</b>", style("eform-title", 13, alignment=TA_CENTER,
                                                                              spaceAfter=6)),
            para(f"Kính gửi: {text(paper.addressee) or DOTS + DOTS + DOTS}", TO)]


def _made_at(paper: Paper) -> str:
    place = text(paper.place) or DOTS
    if paper.on is None:
        return f"Làm tại: {place}, ngày {DOTS} tháng {DOTS} năm {DOTS}"
    return f"Làm tại: {place}, ngày {paper.on:%d} tháng {paper.on:%m} năm {paper.on:%Y}"


def _closing(defn: dict[str, Any], paper: Paper, width: float) -> list[Flowable]:
    pledge = defn.get("pledge") or {}
    out: list[Flowable] = [Spacer(1, 6)]
    if isinstance(pledge, dict) and pledge.get("vi"):
        out.append(para(text(pledge["vi"]), BODY))
    signers = SIGNERS.get(str(defn.get("template") or ""), "Người yêu cầu").split("|")
    names = paper.signer.split("|") if paper.signer else [""] * len(signers)
    blocks = [signature(role, names[i] if i < len(names) else "") for i, role in enumerate(signers)]
    made = para(f"<i>{_made_at(paper)}</i>", PLACE)
    if len(blocks) == 1:
        out += [Spacer(1, 6), side_by_side([[Spacer(1, 1)], [made, Spacer(1, 3), *blocks[0]]], width)]
    else:
        out += [Spacer(1, 6), made, Spacer(1, 3), side_by_side(blocks, width)]
    if paper.reference:
        out += [Spacer(1, 10), para(f"Mã hồ sơ: {text(paper.reference)}", style("eform-ref", 7.5))]
    return out


def story(defn: dict[str, Any], data: dict[str, Any], paper: Paper) -> list[Flowable]:
    """The flowables of the declaration (for a caller that adds pages of its own)."""
    width = content_width(PAGE)
    values, shown = _values(defn, data, paper.context), visible(defn, data, paper.context)
    columns = COLUMNS.get(str(defn.get("template") or ""), ())
    out = _heading(defn, paper)
    placed = False
    for section in defn.get("sections") or []:
        if section["key"] in columns:
            if not placed:
                out += [_columns(defn, columns, values, width), Spacer(1, 4)]
                placed = True
            continue
        if any(p.startswith(section["key"] + ".") for p in shown):
            out += _section(section, values, shown, width)
    return out + _closing(defn, paper, width)


def render_declaration(defn: dict[str, Any], data: dict[str, Any], paper: Paper | None = None) -> bytes:
    """The declaration as PDF bytes (A4)."""
    return render(story(defn, data, paper or Paper()), PAGE, _label(defn))


