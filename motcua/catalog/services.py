"""Catalog use cases: find the version in force, publish / amend / abolish, import and export."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q

from motcua.core.validation import full_clean_or_fail
from motcua.domain.errors import NotFound, ValidationFailed

from .choices import IntakeAnywhere, Level, OnlineLevel, TimeUnit, VersionStatus
from .models import Component, Field, Procedure, ProcedureVersion, ProcessStep

FORMAT = "motcua.catalog/1"
_VERSION_SCALARS = (
    "name", "procedure_type", "applicant_types", "online_level", "time_unit", "methods", "fees",
    "results", "legal_basis", "requirements", "competent_agency", "executing_agency",
    "receiving_address", "steps", "keywords", "fee_pay_later", "intake_anywhere",
)
_COMPONENT_FIELDS = ("name", "originals", "copies", "required", "must_digitize", "form_template", "document_type")


def version_in_force(procedure: Procedure | int, on: date) -> ProcedureVersion:
    """The version of ``procedure`` in force on ``on``; NotFound if none (or abolished)."""
    pid = procedure if isinstance(procedure, int) else procedure.pk
    v = (ProcedureVersion.objects.filter(procedure_id=pid, effective_from__lte=on)
         .filter(Q(effective_to__isnull=True) | Q(effective_to__gt=on))
         .exclude(status=VersionStatus.ABOLISHED, effective_to__isnull=True)
         .order_by("-effective_from").first())
    if v is None:
        raise NotFound("No version of this procedure is in force on that date.",
                       fields={"procedure": "not in force"})
    return v


def in_force_on(code: str, on: date) -> ProcedureVersion | None:
    """The version of the procedure ``code`` in force on ``on`` (with its procedure and field
    loaded), or None when there is no such procedure or no version in force."""
    proc = Procedure.objects.select_related("field").filter(code=code[:40]).first()
    if proc is None:
        return None
    try:
        v = version_in_force(proc, on)
    except NotFound:
        return None
    v.procedure = proc
    return v


def procedures_in_force(on: date):  # noqa: ANN201
    return (ProcedureVersion.objects.filter(effective_from__lte=on)
            .filter(Q(effective_to__isnull=True) | Q(effective_to__gt=on))
            .exclude(status=VersionStatus.ABOLISHED, effective_to__isnull=True))


# ---- publish, amend, abolish ----------------------------------------------------------------

def _check_version_data(data: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.get("online_level", "partial") not in OnlineLevel.values:
        errors["online_level"] = "must be full, partial or none"
    if data.get("time_unit", "day") not in TimeUnit.values:
        errors["time_unit"] = "must be day or hour"
    try:
        if Decimal(str(data.get("processing_time"))) < 0:
            errors["processing_time"] = "must not be negative"
    except Exception:  # noqa: BLE001 - any unparsable value is a field error
        errors["processing_time"] = "must be a number"
    if any(t not in (0, 1, 2) for t in data.get("applicant_types", [])):
        errors["applicant_types"] = "values must be 0, 1 or 2"
    for key in ("decision_number", "decision_date", "effective_from"):
        if not data.get(key):
            errors[key] = "required"
    from motcua.domain.fees import check_entries  # basis, stage, amount and channels of each fee

    errors.update(check_entries(data.get("fees")))
    if not isinstance(data.get("fee_pay_later", False), bool):
        errors["fee_pay_later"] = "must be true or false"
    if data.get("intake_anywhere", IntakeAnywhere.PROVINCE) not in IntakeAnywhere.values:
        errors["intake_anywhere"] = "must be none, province or nationwide"
    from motcua.eforms.services import form_problems  # the e-form's check_definition, naming the field

    errors.update(form_problems(data.get("form")))
    return errors


def _create_version(proc: Procedure, data: dict[str, Any]) -> ProcedureVersion:
    errors = _check_version_data(data)
    if errors:
        raise ValidationFailed("Invalid procedure version.", fields=errors)
    v = ProcedureVersion(
        procedure=proc,
        decision_number=data["decision_number"],
        decision_date=_date(data["decision_date"]),
        effective_from=_date(data["effective_from"]),
        effective_to=_date(data["effective_to"]) if data.get("effective_to") else None,
        status=data.get("status", VersionStatus.PUBLISHED),
        processing_time=Decimal(str(data["processing_time"])),
        cutoff_time=data.get("cutoff_time") or None,
        **{k: data[k] for k in _VERSION_SCALARS if k in data and k != "name"},
        name=data.get("name") or proc.name,
    )
    full_clean_or_fail(v, exclude=["procedure"])
    v.save()
    Component.objects.bulk_create(
        Component(version=v, order=i, **{k: c.get(k) or _default(k) for k in _COMPONENT_FIELDS})
        for i, c in enumerate(data.get("components", []))
    )
    if data.get("form") is not None:  # the version's e-form, versioned with it like its components
        from motcua.eforms.models import FormDefinition

        FormDefinition.objects.create(version=v, definition=data["form"])
    return v


def _default(key: str) -> Any:
    return {"originals": 0, "copies": 0, "required": False, "must_digitize": False,
            "form_template": ""}.get(key, "")


def _date(value: str | date) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


@transaction.atomic
def amend(procedure: Procedure, data: dict[str, Any]) -> ProcedureVersion:
    """Publish a new version from ``effective_from``; the version in force then ends there."""
    start = _date(data["effective_from"])
    current = (ProcedureVersion.objects.select_for_update().filter(procedure=procedure, effective_from__lt=start)
               .filter(Q(effective_to__isnull=True) | Q(effective_to__gt=start)).first())
    if current is not None:
        current.effective_to = start
        current.status = VersionStatus.AMENDED
        current.save(update_fields=["effective_to", "status"])
    return _create_version(procedure, data)


@transaction.atomic
def abolish(procedure: Procedure, on: date, decision_number: str) -> ProcedureVersion:
    """Abolish ``procedure`` from ``on``: the version in force ends and is marked abolished."""
    current = version_in_force(procedure, on)
    current.effective_to = on
    current.status = VersionStatus.ABOLISHED
    current.decision_number = f"{current.decision_number}; {decision_number}"
    current.save(update_fields=["effective_to", "status", "decision_number"])
    return current


NATIONAL_CODE = re.compile(r"^[12]\.\d{6}$")  # codes of the national database: 1.001193, 2.000815


# ---- import / export ------------------------------------------------------------------------

@transaction.atomic
def import_catalog(doc: dict[str, Any], process_unit_ids: list[int] | None = None) -> dict[str, int]:
    """Create or replace fields, procedures and versions from a catalog document.

    Versions are matched by (procedure, effective_from). Default processes are attached to the
    units in ``process_unit_ids`` that match the procedure's levels.
    """
    if doc.get("format") != FORMAT:
        raise ValidationFailed("Unknown catalog format.", fields={"format": f"expected {FORMAT}"})
    fields = {f["code"]: Field.objects.update_or_create(code=f["code"], defaults={"name": f["name"]})[0]
              for f in doc.get("fields", [])}
    counts = {"fields": len(fields), "procedures": 0, "versions": 0, "steps": 0}
    for p in doc.get("procedures", []):
        field = fields.get(p["field"]) or Field.objects.filter(code=p["field"]).first()
        if field is None:
            raise ValidationFailed("Unknown field.", fields={"field": p["field"]})
        if any(lv not in Level.values for lv in p.get("levels", [])):
            raise ValidationFailed("Unknown level.", fields={"levels": ",".join(p["levels"])})
        proc = _upsert_procedure(p, field)
        counts["procedures"] += 1
        for vd in p.get("versions", []):
            existing = ProcedureVersion.objects.filter(procedure=proc, effective_from=_date(vd["effective_from"]))
            if existing.exists():
                if existing.filter(dossiers__isnull=False).exists():
                    continue  # versions used by dossiers are history: never rewritten
                existing.delete()
            _create_version(proc, vd)
            counts["versions"] += 1
        if process_unit_ids and p.get("process"):
            counts["steps"] += attach_default_process(proc, p["process"], process_unit_ids)
        counts["steps"] += _attach_unit_processes(proc, p.get("processes", []))
    return counts


def _upsert_procedure(p: dict[str, Any], field: Field) -> Procedure:
    defaults = {"name": p["name"], "field": field, "levels": p["levels"]}
    if "national_code" in p:
        defaults["national_code"] = p["national_code"] or ""
    proc, _ = Procedure.objects.update_or_create(code=p["code"], defaults=defaults)
    if not proc.national_code and "national_code" not in p and NATIONAL_CODE.match(proc.code):
        proc.national_code = proc.code  # a code of the national database maps to itself
        Procedure.objects.filter(pk=proc.pk).update(national_code=proc.code)
    return proc


def _attach_unit_processes(proc: Procedure, processes: list[dict[str, Any]]) -> int:
    """The exported processes of named units (a unit that already has one keeps it)."""
    from motcua.units.models import Unit

    n = 0
    for up in processes:
        unit = Unit.objects.filter(code=up["unit"]).first()
        if unit is None:
            raise ValidationFailed("Unknown unit.", fields={"processes.unit": up["unit"]})
        n += attach_default_process(proc, up["steps"], [unit.pk])
    return n


def _step(proc: Procedure, unit: Any, order: int, s: dict[str, Any]) -> ProcessStep:
    """A process step from its catalog entry. Unmarked, a leader's step is the approval step."""
    approval = s.get("approval")
    return ProcessStep(procedure=proc, unit=unit, order=order, name=s["name"], role=s["role"],
                       quota_hours=Decimal(str(s["quota_hours"])), required=bool(s.get("required", True)),
                       approval=(s["role"] == "leader") if approval is None else bool(approval),
                       produces_document=bool(s.get("produces_document", False)))


def attach_default_process(proc: Procedure, steps: list[dict[str, Any]], unit_ids: list[int]) -> int:
    from motcua.units.models import Unit

    n = 0
    for unit in Unit.objects.filter(pk__in=unit_ids):
        if ProcessStep.objects.filter(procedure=proc, unit=unit).exists():
            continue
        ProcessStep.objects.bulk_create(_step(proc, unit, i + 1, s) for i, s in enumerate(steps))
        n += len(steps)
    return n


STEP_FIELDS = ("name", "role", "required", "approval", "produces_document")


def _export_processes(proc: Procedure) -> list[dict[str, Any]]:
    by_unit: dict[str, list[dict[str, Any]]] = {}
    for st in proc.process_steps.select_related("unit").order_by("unit__code", "order"):
        by_unit.setdefault(st.unit.code, []).append(
            {**{k: getattr(st, k) for k in STEP_FIELDS}, "quota_hours": float(st.quota_hours)})
    return [{"unit": code, "steps": steps} for code, steps in by_unit.items()]


def export_catalog() -> dict[str, Any]:
    """The whole catalog as a document :func:`import_catalog` accepts."""
    procs = Procedure.objects.select_related("field").prefetch_related("versions__components")
    out: list[dict[str, Any]] = []
    for proc in procs:
        out.append({
            "code": proc.code, "national_code": proc.national_code, "name": proc.name, "field": proc.field.code,
            "levels": proc.levels,
            "versions": [_export_version(v) for v in proc.versions.all()],
            "processes": _export_processes(proc),
        })
    return {
        "format": FORMAT,
        "fields": [{"code": f.code, "name": f.name} for f in Field.objects.order_by("code")],
        "procedures": out,
    }


def _export_version(v: ProcedureVersion) -> dict[str, Any]:
    d: dict[str, Any] = {k: getattr(v, k) for k in _VERSION_SCALARS}
    d.update(
        decision_number=v.decision_number, decision_date=v.decision_date.isoformat(),
        effective_from=v.effective_from.isoformat(),
        effective_to=v.effective_to.isoformat() if v.effective_to else None,
        status=v.status, processing_time=float(v.processing_time),
        cutoff_time=v.cutoff_time.strftime("%H:%M") if v.cutoff_time else None,
        components=[{k: getattr(c, k) for k in _COMPONENT_FIELDS} for c in v.components.all()],
    )
    from motcua.eforms.services import form_of  # the e-form, when the version has one

    form = form_of(v)
    if form is not None:
        d["form"] = form.definition
    return d


def load_sample_catalog() -> dict[str, Any]:
    from pathlib import Path

    from motcua.eforms.shipped import with_forms  # the e-forms shipped for its ten most used procedures

    path = Path(__file__).parent / "fixtures" / "sample_catalog.json"
    return with_forms(json.loads(path.read_text(encoding="utf-8")))
