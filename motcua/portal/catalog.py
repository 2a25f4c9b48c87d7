"""Read side of the public catalog: search procedures in force, one procedure's page, where an
online dossier can be sent, its QR code, and the due time an applicant can expect."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import segno
from django.urls import reverse
from django.utils.translation import gettext as _

from motcua.catalog.choices import ApplicantType, Channel, Level
from motcua.catalog.models import Component, Procedure, ProcedureVersion, ProcessStep
from motcua.catalog.services import in_force_on, procedures_in_force
from motcua.conf import CONFIG
from motcua.core import clock, numbers
from motcua.units.choices import UnitKind
from motcua.units.models import Unit


def fold(text: str) -> str:
    """Lower case without Vietnamese diacritics, so "dang ky" finds "Đăng ký"."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold().strip()


@dataclass(frozen=True)
class CatalogQuery:
    """Catalog filters; empty values mean "any"."""

    q: str = ""
    field: int | None = None
    level: str = ""
    applicant_type: int | None = None

    def matches(self, v: ProcedureVersion) -> bool:
        if self.level and self.level not in (v.procedure.levels or []):
            return False
        if self.applicant_type is not None and v.applicant_types and self.applicant_type not in v.applicant_types:
            return False
        if not self.q:
            return True
        needle = fold(self.q)
        return v.procedure.code.startswith(self.q.strip()) or needle in fold(f"{v.name} {' '.join(v.keywords)}")


def search(query: CatalogQuery) -> list[ProcedureVersion]:
    """Versions in force today matching ``query``, by procedure code. The catalog of a province is
    a few thousand procedures, so text, level and applicant type are matched in Python (accent-
    and case-insensitive on every database)."""
    qs = procedures_in_force(clock.local_date(clock.now())).select_related("procedure__field")
    if query.field is not None:
        qs = qs.filter(procedure__field_id=query.field)
    qs = qs.only("name", "keywords", "applicant_types", "online_level", "procedure__code", "procedure__levels",
                 "procedure__field__name")
    return [v for v in qs.order_by("procedure__code") if query.matches(v)]


def in_force(code: str) -> ProcedureVersion | None:
    """The version in force today of the procedure ``code``, or None."""
    return in_force_on(code, clock.local_date(clock.now()))


def vnd(amount: int) -> str:
    """An amount of VND the Vietnamese way: "2.000 đồng"."""
    return f"{int(amount):,}".replace(",", ".") + " " + str(_("đồng"))


def money(amount: int) -> str:
    """A fee: "2.000 đồng", or "Không thu" when free."""
    return vnd(amount) if amount else str(_("Không thu"))


def duration(amount: Any, unit: str) -> str:
    return numbers.limit_text(amount, unit)  # as the explanations show it (1 day = 8 working hours)


@dataclass
class ChannelRow:
    label: str
    limit: str
    fee: str
    description: str


def channels(v: ProcedureVersion) -> list[ChannelRow]:
    """How the procedure can be carried out: per channel, the time limit and the fee."""
    rows = []
    for ch in Channel:
        if not v.accepts_channel(ch):
            continue
        m = v.method_for(ch) or {}
        limit = duration(m.get("processing_time", v.processing_time), m.get("time_unit", v.time_unit))
        rows.append(ChannelRow(str(ch.label), limit, money(v.fee_total(ch)), m.get("description", "")))
    return rows


@dataclass
class ProcedurePage:
    version: ProcedureVersion
    components: list[Component]
    channels: list[ChannelRow]
    fees: list[tuple[str, str]]
    levels: list[str]
    applicant_types: list[str]
    online: bool
    url: str
    qr_svg: str


def absolute(url: str) -> str:
    return CONFIG.public_url + url


def qr_svg(url: str, title: str) -> str:
    """An inline SVG QR code for ``url`` (no external request, no image file)."""
    return segno.make_qr(url, error="m").svg_inline(scale=4, border=2, title=title)


def procedure_page(v: ProcedureVersion) -> ProcedurePage:
    url = absolute(reverse("portal:procedure", args=[v.procedure.code]))
    types = v.applicant_types or list(ApplicantType.values)
    return ProcedurePage(
        version=v, components=list(v.components.order_by("order")), channels=channels(v),
        fees=[(str(f.get("name", "")), money(int(f.get("amount") or 0))) for f in v.fees or []],
        levels=[str(Level(lv).label) for lv in v.procedure.levels or [] if lv in Level.values],
        applicant_types=[str(ApplicantType(t).label) for t in types], online=v.accepts_channel(Channel.ONLINE),
        url=url, qr_svg=qr_svg(url, v.procedure.code))


def served_provinces() -> list[str]:
    """The names of the provinces the portal serves today (the root units not dissolved)."""
    today = clock.local_date(clock.now())
    rows = Unit.objects.filter(kind=UnitKind.PROVINCE, parent__isnull=True).exclude(dissolved_on__lte=today)
    return list(rows.order_by("path").values_list("name", flat=True))


def form_downloads(v: ProcedureVersion) -> dict[int, str]:
    """{component id: the URL of its form template's file}: the catalog names each component's template
    (``Component.form_template``, text); the file is the procedure's e-form printed blank, for the first
    component that names a template (the declaration)."""
    from motcua.eforms.services import form_of

    if form_of(v) is None:
        return {}
    first = v.components.exclude(form_template="").order_by("order").values_list("pk", flat=True).first()
    return {first: reverse("portal:procedure_form", args=[v.procedure.code])} if first else {}


def blank_form(v: ProcedureVersion) -> tuple[str, bytes] | None:
    """(file name, PDF) of the procedure's e-form printed blank, or None when it has none."""
    import re

    from django.utils import translation

    from motcua.eforms.pdf import render_declaration
    from motcua.eforms.services import form_of

    form = form_of(v)
    if form is None:
        return None
    with translation.override("vi"):  # the official text
        pdf = render_declaration(form.definition, {})
    key = re.sub(r"[^A-Za-z0-9-]", "-", str(form.definition.get("key") or "to-khai"))
    return f"mau-{key}.pdf", pdf


# ---- where an online dossier goes ----------------------------------------------------------

@dataclass(frozen=True)
class Destination:
    """A service centre that receives the dossier and the unit that handles it."""

    receiving: Unit
    handling: Unit


def destinations(procedure: Procedure) -> list[Destination]:
    """Service centres that can receive an online dossier of ``procedure``: those inside a unit
    with an internal process for it, or else the province's own centre. The deepest handling
    unit wins when a centre lies inside several."""
    handling = Unit.objects.filter(pk__in=ProcessStep.objects.filter(procedure=procedure).values("unit_id"),
                                   dissolved_on__isnull=True).order_by("path")
    centres = list(Unit.objects.filter(kind=UnitKind.SERVICE_CENTRE, dissolved_on__isnull=True).order_by("path"))
    found: dict[int, Destination] = {}
    for h in handling:
        inside = [c for c in centres if c.path.startswith(h.path)]
        for c in inside or [c for c in centres if c.parent_id == h.province_id]:
            found[c.pk] = Destination(c, h)
    return sorted(found.values(), key=lambda d: d.receiving.path)


def due_preview(v: ProcedureVersion, receiving: Unit, at: datetime | None = None) -> list[dict[str, Any]]:
    """The explained due time if the dossier were received online now (nothing is saved)."""
    from motcua.dossiers.services import preview_due

    return preview_due(v, receiving, Channel.ONLINE, at)
