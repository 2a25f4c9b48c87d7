"""The staff dossier page's "electronic certified copy" section (motcua.office.sections, key "certcopy")."""

from __future__ import annotations

from typing import Any

from . import services


def dossier_section(actor: Any, d: Any) -> dict[str, Any] | None:
    if d.procedure.code != services.PROCEDURE_CODE:
        return None
    entry = services.entry_of(d)
    may = services.may_certify(actor, d)
    if entry is None and not may:
        return None
    return {"entry": entry, "may_certify": may and entry is None and services.certifiable(d), "dossier_id": d.pk}
