"""The digitization parts of the staff pages (motcua/office/sections.py).

Intake: a file input per component (``digit-<catalog component id>``) to scan or upload at the
counter, the must-digitize ones marked and a list of those still missing that follows the chosen
files (a small script; without it the list is the server's). ``apply`` stores and marks the scans
in the intake's transaction, so a refused file refuses the whole intake.

Missing must-digitize scans do **not** block the intake (a warning, not a refusal): Circular
01/2023 asks for digitization at receipt, but the counter may not turn away a complete dossier for
a reason outside the procedure (a scanner down, an A0 land map, an original only shown for
comparison). The gap stays visible: the dossier page highlights what is still to digitize and the
figures count the dossier as not fully digitized until someone scans it.

Dossier page: each component digitized or not (who, when), a form to upload and mark a scan or to
mark the file already attached; the result's digitization.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from motcua.domain.errors import ValidationFailed
from motcua.domain.lifecycle import Status
from motcua.office.sections import DossierSection, IntakeSection

from . import services

PREFIX = "digit-"


def field_name(component_id: int) -> str:
    return f"{PREFIX}{component_id}"


def _scans(setup: Any, request: Any) -> dict[int, Any]:
    """The uploaded scans of the intake POST, by catalog component id."""
    files = getattr(request, "FILES", {})
    return {c.pk: files[field_name(c.pk)] for c in setup.components if field_name(c.pk) in files}


def intake_provider(actor: Any, setup: Any, request: Any) -> dict[str, Any]:
    """Every component with its file input; every must-digitize one in the "still missing" list,
    shown when it is ticked as received (the form's default: the required ones) without a scan."""
    posted = request.method == "POST"
    scans = _scans(setup, request) if posted else {}
    rows = [{"component": c, "name": field_name(c.pk), "must": c.must_digitize} for c in setup.components]
    must = [{"component": c, "missing": (bool(request.POST.get(f"c{c.pk}")) if posted else c.required)
             and c.pk not in scans} for c in setup.components if c.must_digitize]
    return {"rows": rows, "must": must, "missing": [m["component"] for m in must if m["missing"]]}


def intake_validate(actor: Any, setup: Any, request: Any) -> dict[str, str]:
    """A scan of a component the officer did not tick as received is a mistake: say so."""
    errors: dict[str, str] = {}
    for cid in _scans(setup, request):
        if not request.POST.get(f"c{cid}"):
            name = next(c.name for c in setup.components if c.pk == cid)
            errors[field_name(cid)] = _("Có bản quét của thành phần chưa được đánh dấu đã nhận: %(name)s.") % {
                "name": name}
    return errors


def intake_apply(actor: Any, setup: Any, request: Any, dossier: Any) -> None:
    """Store and mark the scans (in the intake's transaction: a refused file refuses the intake)."""
    scans = _scans(setup, request)
    if not scans:
        return
    by_catalog = {c.component_id: c.pk for c in dossier.components.all()}
    for cid, upload in scans.items():
        if cid not in by_catalog:  # validate() refuses this; a direct call must not lose a scan silently
            raise ValidationFailed("A scan of a component that was not received.",
                                   fields={field_name(cid): "not ticked"})
        services.digitize_component(actor, dossier.pk, by_catalog[cid], upload, upload.name)


def dossier_provider(actor: Any, d: Any) -> dict[str, Any] | None:
    rows = services.states(d)
    result = services.result_of(d)
    if not rows and result is None and Status(d.status) not in services.RESULT_READY:
        return None
    may = services.may_digitize(actor, d)
    return {"rows": rows, "missing": [r for r in rows if r.missing], "result": result, "may": may,
            "may_result": may and Status(d.status) in services.RESULT_READY,
            "digitized": sum(1 for r in rows if r.digitized)}


INTAKE = IntakeSection("digit", "digitization/_intake.html", intake_provider, intake_validate, intake_apply, order=20)
DOSSIER = DossierSection("digit", "digitization/_dossier.html", dossier_provider, order=20)
