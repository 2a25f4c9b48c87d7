"""E-forms use cases: a version's form, the declaration validated and saved with its dossier (one
transaction), its correction through a supplement (the SUPPLEMENT event holds the changed paths),
the accent-folded values for search, and the lists of the date (units in force) the rules use.

Every entry point (portal, counter, dossier page, API, catalog import) goes through here and the
domain's :func:`~motcua.domain.eforms.validate`: the same rules everywhere."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from motcua.core import clock
from motcua.domain import eforms as ef
from motcua.domain.errors import Conflict, ValidationFailed
from motcua.domain.lifecycle import Action, Status

from .models import Declaration, DeclaredValue, FormDefinition

MAX_VALUE = 255  # DeclaredValue.value_norm's length
PREFIX = "declaration"  # the API's field paths: declaration.child.full_name


# ---- definitions -------------------------------------------------------------------------------

def form_of(version: Any) -> FormDefinition | None:
    """The published form of a catalog procedure version (None: the procedure has no e-form)."""
    if version is None:
        return None
    cache = getattr(version, "_eform_cache", None)
    if cache is None:
        cache = FormDefinition.objects.filter(version_id=version.pk, published=True).first() or False
        version._eform_cache = cache
    return cache or None


def definition_problems(defn: Any, where: str = "form") -> dict[str, str]:
    """check_definition's problems as field errors, each keyed by the field it names."""
    out: dict[str, str] = {}
    for problem in ef.check_definition(defn):
        field, _, what = problem.partition(": ")
        out.setdefault(f"{where}.{field}", what)
    return out


def form_problems(defn: Any) -> dict[str, str]:
    """A catalog version's ``form`` problems (none when it has no form)."""
    return {} if defn is None else definition_problems(defn)


def set_form(version: Any, definition: Mapping[str, Any], *, published: bool = True) -> FormDefinition:
    """Attach (or replace) a version's form. A form already used by declarations is kept as
    their history: the version gets the new one and the old keeps its declarations."""
    problems = definition_problems(definition)
    if problems:
        raise ValidationFailed("Invalid form definition.", fields=problems)
    current = FormDefinition.objects.filter(version_id=version.pk).first()
    if current is not None and not current.declarations.exists():
        current.definition, current.published = dict(definition), published
        current.save(update_fields=["definition", "published", "updated_at"])
        return current
    if current is not None:
        raise Conflict("This form is in use by dossiers; publish a new procedure version to change it.",
                       fields={"form": "in use"})
    return FormDefinition.objects.create(version_id=version.pk, definition=dict(definition), published=published)


# ---- the lists of the date ---------------------------------------------------------------------

_UNITS: dict[date, tuple[float, dict[str, Any]]] = {}
UNITS_TTL = 60.0  # seconds: the units tree changes by reorganization decisions, rarely


def units_on(on: date) -> dict[str, Any]:
    """The provinces and communes in force on ``on`` (their UnitVersion rows): ``{"provinces":
    {code: name}, "communes": {code: (province_code, name)}}``, the address fields' lists."""
    import time

    hit = _UNITS.get(on)
    if hit and time.monotonic() - hit[0] < UNITS_TTL:
        return hit[1]
    from motcua.units.choices import UnitKind
    from motcua.units.models import UnitVersion

    rows = (UnitVersion.objects.filter(unit__kind__in=[UnitKind.PROVINCE, UnitKind.COMMUNE])
            .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=on))
            .values_list("unit_id", "unit__code", "unit__kind", "name", "path").order_by("path"))
    rows = list(rows)
    code_of = {uid: code for uid, code, *_ in rows}
    provinces = {code: name for _, code, kind, name, _p in rows if kind == UnitKind.PROVINCE}
    communes: dict[str, tuple[str, str]] = {}
    for _, code, kind, name, path in rows:
        if kind == UnitKind.COMMUNE:
            root = int(path.strip("/").split("/")[0])
            communes[code] = (code_of.get(root, ""), name)
    units = {"provinces": provinces, "communes": communes}
    if len(_UNITS) > 32:
        _UNITS.clear()
    _UNITS[on] = (time.monotonic(), units)
    return units


def context_for(on: date, *, lang: str = "vi", received_date: date | None = None) -> dict[str, Any]:
    return {"units": units_on(on), "lang": lang, "received_date": received_date or on}


# ---- validation and saving ---------------------------------------------------------------------

def validate_for(form: FormDefinition, data: Any, *, on: date | None = None, lang: str = "vi",
                 received_date: date | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """The domain's validate() with the context of the date (units in force, the received date)."""
    today = clock.local_date(clock.now())
    on = on or today
    return ef.validate(form.definition, data, today=today, context=context_for(on, lang=lang,
                                                                                   received_date=received_date))


def check_or_fail(form: FormDefinition, data: Any, *, on: date | None = None, lang: str = "vi",
                  received_date: date | None = None) -> dict[str, Any]:
    """The cleaned declaration, or ValidationFailed with ``declaration.<path>`` field errors."""
    if not isinstance(data, Mapping):
        raise ValidationFailed("Invalid declaration.", fields={PREFIX: "must be an object"})
    cleaned, errors = validate_for(form, data, on=on, lang=lang, received_date=received_date)
    if errors:
        raise ValidationFailed("Invalid declaration.", fields={f"{PREFIX}.{k}": v for k, v in errors.items()})
    return cleaned


def value_rows(dossier_id: int, defn: Mapping[str, Any], data: Mapping[str, Any],
               context: Mapping[str, Any] | None = None) -> list[DeclaredValue]:
    """The search rows of a declaration: one per shown, filled value, accent-folded."""
    rows = []
    for path, _label, text in ef.flatten(defn, data, context=context):
        norm = ef.fold(text)[:MAX_VALUE]
        if norm:
            rows.append(DeclaredValue(dossier_id=dossier_id, path=path[:120], value_norm=norm))
    return rows


def save_declaration(dossier: Any, form: FormDefinition, cleaned: Mapping[str, Any]) -> Declaration:
    """Store cleaned data with the dossier and rewrite its search rows (call inside the dossier's
    transaction: a failure leaves neither)."""
    decl, _ = Declaration.objects.update_or_create(dossier_id=dossier.pk,
                                                   defaults={"definition": form, "data": dict(cleaned)})
    DeclaredValue.objects.filter(dossier_id=dossier.pk).delete()
    on = clock.local_date(dossier.submitted_at) if getattr(dossier, "submitted_at", None) else None
    ctx = {"units": units_on(on)} if on else None
    DeclaredValue.objects.bulk_create(value_rows(dossier.pk, form.definition, cleaned, ctx))
    return decl


def intake_with_declaration(actor: Any, req: Any, declaration: Any) -> Any:
    """The dossier service's intake with its declaration, validated first, saved in the same
    transaction (a refused declaration writes nothing). ``declaration`` None: none is saved."""
    from motcua.catalog.services import in_force_on
    from motcua.dossiers import services as svc

    day = clock.local_date(clock.now())
    form = None
    cleaned: dict[str, Any] = {}
    if declaration is not None:
        version = in_force_on(req.procedure_code, day)
        form = form_of(version)
        if form is None:
            raise ValidationFailed("This procedure has no e-form.", fields={PREFIX: "no form for this procedure"})
        cleaned = check_or_fail(form, declaration, on=day)
    with transaction.atomic():
        d = svc.intake(actor, req)
        if form is not None:
            if form.version_id != d.version_id:  # the version changed between the two reads
                raise Conflict("The procedure changed; submit again.", fields={PREFIX: "form changed"})
            save_declaration(d, form, cleaned)
    return d


def declaration_of(dossier: Any) -> Declaration | None:
    try:
        return dossier.declaration
    except Declaration.DoesNotExist:
        return None


def declaration_json(dossier: Any) -> dict[str, Any] | None:
    """The declaration as the API returns it: data, the form's key and its version."""
    decl = declaration_of(dossier)
    if decl is None:
        return None
    return {"form": decl.definition.definition.get("key", ""), "form_version": decl.definition.version_id,
            "data": decl.data}


# ---- correction through a supplement -----------------------------------------------------------

def correct_declaration(actor: Any, dossier_id: int, data: Any, *, note: str = "", lang: str = "vi",
                        expected_version: int | None = None) -> Any:
    """Correct a dossier's declaration when its supplement arrives: validated by the form it was
    declared under, recorded as the SUPPLEMENT event whose data holds ``declaration_changes``
    ``{path: [old, new]}``; the clock resumes as for any supplement. Nothing changes on error."""
    from motcua.domain.workcal import to_epoch
    from motcua.dossiers import services as svc
    from motcua.dossiers.models import Dossier

    d0 = svc.get_dossier(actor, dossier_id)
    decl = declaration_of(d0)
    form = decl.definition if decl else form_of(d0.version)
    if form is None:
        raise ValidationFailed("This dossier has no e-form.", fields={PREFIX: "no form"})
    if d0.status != Status.SUPPLEMENT:
        raise ValidationFailed("A declaration is corrected with a supplement: request one first.",
                               fields={"status": "not waiting for a supplement"})
    received = clock.local_date(d0.received_at or d0.submitted_at)
    cleaned = check_or_fail(form, data, on=clock.local_date(d0.submitted_at), lang=lang, received_date=received)
    old = decl.data if decl else {}
    changed = ef.changes(form.definition, old, cleaned)

    def mutate(d: Dossier, at: datetime) -> dict[str, Any]:
        if d.pauses and d.pauses[-1][1] is None:  # as processing.supplement: the clock resumes
            d.pauses = [*d.pauses[:-1], [d.pauses[-1][0], to_epoch(at)]]
        save_declaration(d, form, cleaned)
        return {"declaration_changes": changed}

    return svc.transition(actor, dossier_id, Action.SUPPLEMENT, expected_version=expected_version,
                          note=note, mutate=mutate)


# ---- search ------------------------------------------------------------------------------------

def filter_declared(qs: QuerySet, text: str, path: str = "") -> QuerySet:
    """Dossiers of ``qs`` with a declared value starting with ``text`` (accent-folded; one path
    or any). An index range scan on ``value_norm``."""
    norm = ef.fold(text)[:MAX_VALUE]
    if not norm:
        return qs
    values = DeclaredValue.objects.filter(value_norm__startswith=norm)
    if path:
        values = values.filter(path=path[:120])
    return qs.filter(pk__in=values.values("dossier_id"))


# ---- exports -----------------------------------------------------------------------------------

def declared_texts(dossier_ids: list[int]) -> dict[int, str]:
    """The declarations of these dossiers as one text each, "label: value; ..." (the dossier
    list exports' column), read in one query."""
    out: dict[int, str] = {}
    defs: dict[int, Any] = {}
    rows = Declaration.objects.filter(dossier_id__in=dossier_ids).values_list("dossier_id", "definition_id", "data")
    for dossier_id, definition_id, data in rows:
        if definition_id not in defs:
            defs[definition_id] = FormDefinition.objects.values_list("definition", flat=True).get(pk=definition_id)
        out[dossier_id] = "; ".join(f"{label}: {value}" for _, label, value in ef.flatten(defs[definition_id], data))
    return out
