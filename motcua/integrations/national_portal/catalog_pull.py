"""The national catalog codes (issue 9, part 3) and the mapping of local procedures to them.

``pull(client)`` refreshes ``NationalProcedure`` from ``LayDanhSachTTHC`` (codes the portal no
longer lists are kept, and counted); ``fetch(client, code)`` asks ``LayThuTuc`` for one code (an
administrator typed a code not pulled yet). The mapping page and API read ``mapping_rows`` and
write through ``set_mapping``, which refuses a code the national database does not have and sends
again the procedure's dossiers whose sync failed (a missing code is what made them fail).
"""

from __future__ import annotations

import difflib
import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Procedure
from motcua.core import clock
from motcua.domain.errors import PermissionDenied, ValidationFailed
from motcua.portal.catalog import fold
from motcua.units.choices import Role

from .models import DossierSync, NationalProcedure, SyncState

log = logging.getLogger(__name__)
MAPPED, UNKNOWN, UNMAPPED = "mapped", "unknown", "unmapped"
STATE_TEXT = {
    MAPPED: _("Đã ánh xạ"),
    UNKNOWN: _("Mã không có trong danh mục quốc gia đã lấy về"),
    UNMAPPED: _("Chưa có mã TTHC quốc gia: hồ sơ của thủ tục này không đồng bộ được lên Cổng DVCQG"),
}
NOT_NATIONAL = "not in the national catalog (LayDanhSachTTHC / LayThuTuc)"
UNREACHABLE = "the national portal could not be asked (LayThuTuc); try again later"
SUGGESTIONS = 3
SIMILARITY = 0.6


# ---- pulling the national catalog -------------------------------------------------------------

def _fields(record: dict[str, Any]) -> dict[str, Any] | None:
    code = str(record.get("MaTTHC") or "").strip()
    if not code:
        return None
    return {"code": code[:40], "name": str(record.get("TenTTHC") or code)[:1000],
            "field_code": str(record.get("MaLinhVuc") or "")[:40],
            "field_name": str(record.get("TenLinhVuc") or "")[:500], "data": record}


def pull(client: Any) -> dict[str, int]:
    """Upsert every procedure the portal lists; returns created, updated, unchanged, and missing
    (kept although the portal no longer lists them)."""
    counts = {"created": 0, "updated": 0, "unchanged": 0, "missing": 0}
    records = [f for f in (_fields(r) for r in client.list_procedures()) if f is not None]
    now = clock.now()
    with transaction.atomic():
        known = {p.code: p for p in NationalProcedure.objects.select_for_update()}
        for rec in records:
            p = known.get(rec["code"])
            if p is None:
                known[rec["code"]] = NationalProcedure.objects.create(**rec, pulled_at=now)
                counts["created"] += 1
            elif any(getattr(p, k) != v for k, v in rec.items()):
                NationalProcedure.objects.filter(pk=p.pk).update(**rec, pulled_at=now)
                counts["updated"] += 1
            else:
                NationalProcedure.objects.filter(pk=p.pk).update(pulled_at=now)
                counts["unchanged"] += 1
        listed = {r["code"] for r in records}
        missing = sorted(set(known) - listed)
    counts["missing"] = len(missing)
    if missing:
        log.info("national catalog: %d codes no longer listed by the portal (kept): %s", len(missing),
                 ", ".join(missing[:20]))
    return counts


def fetch(client: Any, code: str) -> NationalProcedure | None:
    """``LayThuTuc`` for one code, stored; None when the portal does not know it."""
    found = client.get_procedure(code)
    rec = _fields(found) if isinstance(found, dict) else None
    if rec is None or rec["code"] != code:
        return None
    p, _ = NationalProcedure.objects.update_or_create(code=code, defaults={**rec, "pulled_at": clock.now()})
    return p


# ---- the mapping --------------------------------------------------------------------------------

@dataclass
class MappingRow:
    procedure: Procedure
    state: str
    national: NationalProcedure | None = None
    suggestions: list[NationalProcedure] = field(default_factory=list)

    @property
    def state_text(self) -> str:
        return str(STATE_TEXT[self.state])


def may_map(actor: Any) -> bool:
    return bool(actor.system or actor.scope.has_role(Role.ADMIN))


def require_admin(actor: Any) -> None:
    if not may_map(actor):
        raise PermissionDenied("Administrators only.")


def mapping_rows(only_unmapped: bool = False, q: str = "") -> list[MappingRow]:
    """Every local procedure (matching ``q``, accent-free) with its mapping state."""
    national = {p.code: p for p in NationalProcedure.objects.all()}
    procs = Procedure.objects.select_related("field").order_by("code")
    rows = []
    needle = fold(q)
    for proc in procs:
        if needle and needle not in fold(f"{proc.code} {proc.national_code} {proc.name}"):
            continue
        if not proc.national_code:
            rows.append(MappingRow(proc, UNMAPPED))
        elif not only_unmapped:
            found = national.get(proc.national_code)
            rows.append(MappingRow(proc, MAPPED if found else UNKNOWN, found))
    return rows


def row_of(proc: Procedure) -> MappingRow:
    """One procedure's mapping state."""
    if not proc.national_code:
        return MappingRow(proc, UNMAPPED)
    found = NationalProcedure.objects.filter(code=proc.national_code).first()
    return MappingRow(proc, MAPPED if found else UNKNOWN, found)


def add_suggestions(rows: list[MappingRow]) -> list[MappingRow]:
    """Suggestions for the unmapped ones among ``rows`` (a page of them: difflib is not free)."""
    if any(r.state == UNMAPPED for r in rows):
        folded = {fold(p.name): p for p in NationalProcedure.objects.all()}
        for r in rows:
            if r.state == UNMAPPED:
                r.suggestions = suggest(r.procedure.name, folded)
    return rows


def suggest(name: str, folded: dict[str, NationalProcedure]) -> list[NationalProcedure]:
    """National procedures whose accent-free name is closest to ``name``."""
    close = difflib.get_close_matches(fold(name), list(folded), n=SUGGESTIONS, cutoff=SIMILARITY)
    return [folded[c] for c in close]


def state_counts(rows: list[MappingRow]) -> dict[str, int]:
    out = dict.fromkeys((MAPPED, UNKNOWN, UNMAPPED), 0)
    for r in rows:
        out[r.state] += 1
    return out


def set_mapping(actor: Any, procedure: Procedure, code: str, client: Any = None) -> int:
    """Map ``procedure`` to the national ``code`` (known, or found by ``LayThuTuc`` through
    ``client``); a blank code unmaps it. Refused with a field error, nothing changed, otherwise.
    Returns how many of its dossiers whose sync had failed were enqueued again."""
    require_admin(actor)
    code = (code or "").strip()
    if code and not NationalProcedure.objects.filter(code=code).exists():
        found = None
        if client is not None and len(code) <= 40:
            try:
                found = fetch(client, code)
            except Exception as exc:  # noqa: BLE001 - the portal unreachable: say so, change nothing
                log.warning("LayThuTuc %s failed: %s", code, exc)
                raise ValidationFailed("The national portal could not be asked.", fields={
                    "national_code": UNREACHABLE}) from exc
        if found is None:
            raise ValidationFailed("Unknown national procedure code.", fields={"national_code": NOT_NATIONAL})
    Procedure.objects.filter(pk=procedure.pk).update(national_code=code)
    procedure.national_code = code
    if not code:
        return 0
    wake_inbound(code)
    return repush_failed(procedure)


def wake_inbound(code: str) -> bool:
    """Pull again now if a dossier from the portal waits for this code (rather than at the next
    scheduled pull); the worker does it. True when a pull was enqueued."""
    from . import jobs, tasks
    from .models import InboundDossier

    waiting = InboundDossier.objects.filter(dossier__isnull=True, payload__MaTTHC=code).exists()
    if waiting and jobs.enabled():
        tasks.pull_inbound.enqueue()
        return True
    return False


def repush_failed(procedure: Procedure) -> int:
    """Send again the procedure's dossiers whose sync failed (a code fixed: they can go now)."""
    from . import sync

    repush = getattr(sync, "repush", None)
    if repush is None:
        return 0
    ids = list(DossierSync.objects.filter(dossier__procedure=procedure, state=SyncState.FAILED)
               .values_list("dossier_id", flat=True))
    return repush(ids) if ids else 0
