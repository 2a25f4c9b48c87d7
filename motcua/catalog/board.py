"""The catalog board posted at the counter (niêm yết công khai thủ tục hành chính): a unit's
procedures grouped by field, each with the QR code of its portal page; either every procedure in
force, or what the publishing decisions since a date published, amended and abolished (each
decision must be posted). The same board is a print page and a PDF."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from motcua.conf import CONFIG
from motcua.domain.errors import NotFound, PermissionDenied
from motcua.units.choices import Role
from motcua.units.models import Unit
from motcua.units.services import Scope

from .choices import VersionStatus
from .models import ProcedureVersion

IN_FORCE, CHANGES = "in_force", "changes"
MODES = {IN_FORCE: _("Tất cả thủ tục đang có hiệu lực"),
         CHANGES: _("Thủ tục công bố mới, sửa đổi, bổ sung và bãi bỏ từ ngày")}
ROLES = (Role.ADMIN, Role.COUNTER_OFFICER)
NEW, AMENDED, ABOLISHED, CURRENT = "new", "amended", "abolished", "in_force"
CHANGE_LABELS = {NEW: _("Công bố mới"), AMENDED: _("Sửa đổi, bổ sung"), ABOLISHED: _("Bãi bỏ"),
                 CURRENT: _("Đang có hiệu lực")}


@dataclass(frozen=True)
class Entry:
    code: str
    name: str
    field: str
    decision_number: str
    decision_date: date
    effective_from: date
    effective_to: date | None
    change: str
    url: str

    @property
    def change_label(self) -> str:
        return str(CHANGE_LABELS[self.change])

    @property
    def qr_data_uri(self) -> str:
        """The QR code of the portal page as an SVG data URI (the page's images allow data:)."""
        import segno

        return segno.make_qr(self.url, error="m").svg_data_uri(scale=3, border=4)


@dataclass(frozen=True)
class Board:
    unit: Unit
    mode: str
    since: date | None
    on: date
    groups: list[tuple[str, list[Entry]]]

    @property
    def count(self) -> int:
        return sum(len(entries) for _f, entries in self.groups)

    @property
    def mode_label(self) -> str:
        return str(MODES[self.mode])


def may_post(scope: Scope) -> bool:
    return scope.is_superuser or any(scope.has_role(r) for r in ROLES)


def _branch(path: str) -> str:
    """The path of the unit above ``path`` (a service centre's commune, the provincial centre's
    province), or ``path`` itself at the top."""
    ids = path.strip("/").split("/")
    return "/" + "/".join(ids[:-1]) + "/" if len(ids) > 1 else path


def units_for(scope: Scope) -> list[Unit]:
    """The units whose board the user may print: units with an internal process for some procedure,
    under the unit above the user's own (the commune of a commune's service centre, the province of
    the provincial centre, whose departments' procedures it receives)."""
    units = Unit.objects.filter(process_steps__isnull=False, dissolved_on__isnull=True).distinct().order_by("path")
    if scope.is_superuser:
        return list(units)
    branches = {_branch(p) for p in scope.paths(ROLES)}
    return [u for u in units if any(u.path.startswith(b) for b in branches)]


def portal_url(code: str) -> str:
    return CONFIG.public_url + reverse("portal:procedure", args=[code])


def board(scope: Scope, unit_id: int, mode: str, on: date, since: date | None = None) -> Board:
    """The board of ``unit_id`` as of ``on``; CHANGES needs ``since``."""
    if not may_post(scope):
        raise PermissionDenied("Only administrators and counter officers post the catalog.")
    unit = next((u for u in units_for(scope) if u.pk == unit_id), None)
    if unit is None:
        raise NotFound("No such unit.", fields={"unit": "not found"})
    if mode not in MODES:
        raise NotFound("No such board.", fields={"mode": "unknown"})
    versions = (ProcedureVersion.objects.select_related("procedure__field")
                .filter(procedure__process_steps__unit=unit).distinct())
    if mode == IN_FORCE:
        rows = _in_force(versions, on)
    else:
        if since is None:
            raise NotFound("A start date is needed.", fields={"since": "required"})
        rows = _changes(versions, since, on)
    return Board(unit, mode, since, on, _grouped(rows))


def _in_force(versions: Any, on: date) -> Iterable[tuple[ProcedureVersion, str]]:
    qs = (versions.filter(effective_from__lte=on).filter(Q(effective_to__isnull=True) | Q(effective_to__gt=on))
          .exclude(status=VersionStatus.ABOLISHED, effective_to__isnull=True))
    return [(v, CURRENT) for v in qs]


def _changes(versions: Any, since: date, on: date) -> Iterable[tuple[ProcedureVersion, str]]:
    """Versions whose decision was made from ``since`` to ``on`` (new when the procedure had no
    earlier version, else amended), and the procedures abolished from ``since``."""
    out: list[tuple[ProcedureVersion, str]] = []
    published = list(versions.filter(decision_date__gte=since, decision_date__lte=on))
    earlier = set(ProcedureVersion.objects.filter(procedure_id__in=[v.procedure_id for v in published])
                  .values_list("procedure_id", "effective_from"))
    for v in published:
        had_one = any(pid == v.procedure_id and start < v.effective_from for pid, start in earlier)
        out.append((v, AMENDED if had_one else NEW))
    for v in versions.filter(status=VersionStatus.ABOLISHED, effective_to__gte=since, effective_to__lte=on):
        out.append((v, ABOLISHED))
    return out


def _grouped(rows: Iterable[tuple[ProcedureVersion, str]]) -> list[tuple[str, list[Entry]]]:
    groups: dict[str, list[Entry]] = {}
    for v, change in rows:
        p = v.procedure
        groups.setdefault(p.field.name, []).append(Entry(
            p.code, v.name or p.name, p.field.name, v.decision_number, v.decision_date, v.effective_from,
            v.effective_to, change, portal_url(p.code)))
    return [(name, sorted(entries, key=lambda e: (e.code, e.change))) for name, entries in sorted(groups.items())]


# ---- the PDF --------------------------------------------------------------------------------

def render_pdf(b: Board, landscape_page: bool = True) -> bytes:
    """The board on A4 pages (landscape by default): one table per field, a QR code a row."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import Spacer

    from motcua.documents.fonts import register_fonts
    from motcua.documents.layout import (
        CELL,
        CELL_HEAD,
        CENTER,
        content_width,
        grid,
        numbered_pages,
        para,
        render,
        text,
        title,
    )
    from motcua.documents.qr import QRCode

    register_fonts()
    size = landscape(A4) if landscape_page else A4
    width = content_width(size)
    qr = 52.0
    story: list[Any] = [para(f"<b>{text(b.unit.name.upper())}</b>", CENTER),
                        *title(str(_("Danh mục thủ tục hành chính niêm yết công khai")), _subtitle(b))]
    if not b.groups:
        story.append(para(text(str(_("Không có thủ tục nào."))), CENTER))
    widths = [24.0, 70.0, width - 24 - 70 - 150 - 70 - qr - 8, 150.0, 70.0, qr + 8]
    n = 0
    for field, entries in b.groups:
        story += [Spacer(1, 6), para(f"<b>{text(str(_('Lĩnh vực')))}: {text(field)}</b>")]
        head = [para(f"<b>{text(str(h))}</b>", CELL_HEAD) for h in (
            _("STT"), _("Mã thủ tục"), _("Tên thủ tục"), _("Quyết định công bố"), _("Hiệu lực"), _("Mã QR"))]
        rows: list[list[Any]] = [head]
        for e in entries:
            n += 1
            label = f"<br/><i>{text(e.change_label)}</i>" if e.change != CURRENT else ""
            decision = str(_("%(n)s ngày %(d)s")) % {"n": e.decision_number, "d": e.decision_date.strftime("%d/%m/%Y")}
            rows.append([para(str(n), CELL), para(text(e.code), CELL), para(f"{text(e.name)}{label}", CELL),
                         para(text(decision), CELL), para(text(_validity(e)), CELL), QRCode(e.url, qr)])
        story.append(grid(rows, widths))
    footer = f"{b.unit.name} - {_subtitle(b)}"
    return render(story, size, str(_("Niêm yết thủ tục hành chính")), canvasmaker=numbered_pages(footer))


def _validity(e: Entry) -> str:
    if e.change == ABOLISHED and e.effective_to:
        return str(_("Bãi bỏ từ %(d)s")) % {"d": e.effective_to.strftime("%d/%m/%Y")}
    return str(_("Từ %(d)s")) % {"d": e.effective_from.strftime("%d/%m/%Y")}


def _subtitle(b: Board) -> str:
    if b.mode == CHANGES and b.since:
        return str(_("Công bố mới, sửa đổi, bổ sung và bãi bỏ từ ngày %(since)s đến ngày %(on)s")) % {
            "since": b.since.strftime("%d/%m/%Y"), "on": b.on.strftime("%d/%m/%Y")}
    return str(_("Các thủ tục đang có hiệu lực ngày %(on)s")) % {"on": b.on.strftime("%d/%m/%Y")}
