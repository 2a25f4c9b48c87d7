"""Context builders for the office views: what each page shows, read through the service layer."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog.choices import Channel
from motcua.catalog.models import Field, Procedure, ProcessStep
from motcua.core import clock
from motcua.documents.services import available_documents
from motcua.domain.lifecycle import Action
from motcua.dossiers import services as svc
from motcua.dossiers.choices import VerdictChoices
from motcua.dossiers.deadlines import explain
from motcua.dossiers.explain import render_explanation
from motcua.dossiers.models import Dossier
from motcua.integrations.national_portal import sync as national_portal_sync
from motcua.integrations.post import services as post_services
from motcua.units.choices import Role
from motcua.units.models import Unit

from . import actions, bulk, intake, queues, sections
from .forms import FilterForm, IntakeForm, UploadForm

# ---- queues ---------------------------------------------------------------------------------

def filter_choices(q: queues.Queue) -> dict[str, Any]:
    procedures = [(pk, f"{code} - {name}") for pk, code, name in
                  Procedure.objects.order_by("code").values_list("pk", "code", "name")]
    fields = list(Field.objects.order_by("name").values_list("pk", "name"))
    from motcua.integrations.national_portal.jobs import enabled

    return {"procedures": procedures, "fields": fields, "statuses": q.statuses, "sync": enabled()}


def filters_from(form: FilterForm) -> queues.Filters:
    """Valid filters only: an invalid value is ignored (the form shows why)."""
    form.is_valid()
    cd = form.cleaned_data
    return queues.Filters(q=cd.get("q") or "", procedure=cd.get("procedure"), field=cd.get("field"),
                          channel=cd.get("channel"), status=cd.get("status"), due=cd.get("due") or "",
                          sync=cd.get("sync") or "", after=cd.get("after") or "",
                          declared=cd.get("declared") or "")


def report_batch(request: HttpRequest, result: bulk.BatchResult) -> None:
    if result.refused:
        messages.error(request, result.refused)
        return
    if result.done:
        messages.success(request, _("Đã chuyển %(n)s hồ sơ sang bước tiếp theo: %(codes)s.") % {
            "n": len(result.done), "codes": ", ".join(result.done)})
    for code, reason in result.failed:
        messages.error(request, _("Không chuyển được hồ sơ %(code)s: %(reason)s") % {"code": code, "reason": reason})
    if not result.done and not result.failed:
        messages.warning(request, _("Không có hồ sơ nào được chuyển."))


# ---- dossier page ---------------------------------------------------------------------------

ROLE_LABELS = {**dict(Role.choices), "applicant": "Người nộp hồ sơ"}
HOLDER_CHANGE_LABELS = {"assign": gettext_lazy("Phân công người xử lý"), "claim": gettext_lazy("Nhận xử lý"),
                        "hand_over": gettext_lazy("Chuyển giao người xử lý")}


def _timeline(d: Dossier, files: dict[int, Any]) -> list[dict[str, Any]]:
    out = []
    for ev in d.events.select_related("unit", "step").order_by("seq"):
        role = ROLE_LABELS.get(ev.role, ev.role)
        out.append({"ev": ev, "role": _(str(role)) if ev.role == "applicant" else role,
                    "label": HOLDER_CHANGE_LABELS.get(ev.data.get("holder_change", "")) or ev.get_action_display(),
                    "attachments": [files[i] for i in ev.attachments if i in files]})
    return out


def _verdict(d: Dossier) -> dict[str, Any]:
    v = explain(d, clock.now())
    return {"category": v.category.value, "label": VerdictChoices(v.category.value).label,
            "late": v.is_late, "approaching": v.approaching, "due": v.deadline.due if v.deadline else None,
            "sentences": [fact["text"] for fact in render_explanation(v)]}


def dossier_context(actor: svc.Actor, pk: int) -> dict[str, Any]:
    """Everything the dossier page shows, and the forms of the actions the actor may take."""
    d = svc.get_dossier(actor, pk)
    files = list(d.files.order_by("uploaded_at", "pk"))
    by_id = {f.pk: f for f in files}
    components = list(d.components.order_by("pk"))
    for c in components:
        c.file_list = [f for f in files if f.component_id == c.pk]
    steps = list(ProcessStep.objects.filter(procedure_id=d.procedure_id, unit_id=d.handling_unit_id)
                 .order_by("order"))
    may_upload = _may_upload(actor, d)
    results = sorted((f for f in files if f.kind == "result"), key=lambda f: (f.uploaded_at, f.pk), reverse=True)
    sit = actions.Situation.of(d, steps, files)
    forms = []
    for act in actions.offered(actor, d, sit):
        form = actions.make_form(act, d, steps, results=results)
        if act in (Action.FORWARD, Action.SEND_BACK) and not form.fields["to_step"].choices:
            continue  # no other step to move to
        forms.append({"action": act, "label": actions.label(act), "form": form,
                      "danger": actions.ACTIONS[act].danger})
    return {"dossier": d, "components": components, "files": files, "results": results,
            "upload_form": UploadForm(components=[(c.pk, c.name) for c in components]) if may_upload else None,
            "approvals": list(d.approvals.select_related("approved_by", "document").order_by("pk")),
            "documents": available_documents(actor, d),
            "loose_files": [f for f in files if f.component_id is None], "steps": steps,
            "timeline": _timeline(d, by_id), "verdict": _verdict(d), "action_forms": forms,
            "unavailable": actions.unavailable(actor, d, sit), "process_done": sit.process_done,
            "holder_forms": [{"slug": slug, "label": actions.HOLDER_ACTIONS[slug].label,
                              "form": actions.make_holder_form(slug, d, actor)}
                             for slug in actions.holder_actions(actor, d)],
            "step_late": bool(d.step_due_at and d.current_step_id and d.step_due_at < clock.now()),
            "portal_sync": national_portal_sync.page_status(actor, d),
            "postal": post_services.page_status(actor, d),
            "sections": sections.dossier_sections(actor, d),
            "returned_to": svc.result_receiver(d),
            **_units(d)}


def received_banner(ctx: dict[str, Any]) -> dict[str, Any] | None:
    """After a counter intake: the receipt to print (when the dossier has one) and the next intake."""
    d = ctx["dossier"]
    if d.received_at is None:
        return None
    receipt = next((url for slug, _label, url in ctx["documents"] if slug == "receipt"), "")
    return {"receipt": receipt, "code": d.code}


def _may_upload(actor: svc.Actor, d: Dossier) -> bool:
    try:
        svc.authorize_upload(actor, d, "attachment")
    except svc.PermissionDenied:
        return False
    return True


def component_choices(ctx: dict[str, Any]) -> list[tuple[int, str]]:
    return [(c.pk, c.name) for c in ctx["components"]]


def _units(d: Dossier) -> dict[str, Unit | None]:
    units = {u.pk: u for u in Unit.objects.filter(pk__in=[d.receiving_unit_id, d.handling_unit_id, d.return_unit_id])}
    back = d.return_unit_id if d.return_unit_id else d.receiving_unit_id  # where the result is handed over
    return {"receiving_unit": units.get(d.receiving_unit_id), "handling_unit": units.get(d.handling_unit_id),
            "return_unit": units.get(back) if d.result_delivery == "counter" else None}


def replace_form(ctx: dict[str, Any], act: Any, form: Any) -> None:
    """Show the bound ``form`` (with the user's input and errors) in place of the empty one."""
    for item in ctx["action_forms"]:
        if item["action"] == act:
            item["form"] = form
            item["open"] = True


# ---- intake ---------------------------------------------------------------------------------

def intake_form_kwargs(setup: intake.Setup) -> dict[str, Any]:
    receiving = setup.receiving
    handling = setup.handling or receiving
    # a commune-level procedure routes by the applicant's residence (chosen in the form) by default
    default = None if setup.residences else (
        handling[0].pk if setup.province_level else intake.default_handling(receiving[0], handling))
    return {"receiving": [(u.pk, u.name) for u in receiving], "handling": _handling_choices(receiving, handling),
            "residences": [(u.pk, u.name) for u in setup.residences], "components": setup.components,
            "by_post": setup.version.accepts_channel(Channel.POST),
            "initial": {"handling_unit": default, "receiving_unit": receiving[0].pk, "return_place": "receiving"}}


def _handling_choices(receiving: list[Unit], handling: list[Unit]) -> list[tuple[int, str]]:
    """The competent units, those of another province named with it (cross-province intake)."""
    home = {u.province_id for u in receiving}
    other = {u.province_id for u in handling} - home
    provinces = Unit.objects.in_bulk(list(other)) if other else {}
    return [(u.pk, f"{u.name} ({provinces[u.province_id].name})" if u.province_id in provinces else u.name)
            for u in handling]


APPLICANT_FIELDS = {"applicant_name": "name", "applicant_type": "type", "applicant_id_number": "id_number",
                    "applicant_phone": "phone", "applicant_email": "email", "applicant_address": "address"}
KEPT_FIELDS = ("representative_name", "representative_phone", "result_delivery")


def applicant_initial(data: Any, found: svc.Applicant | None) -> dict[str, Any]:
    """What the officer typed, with the returning applicant's details over it."""
    initial = {k: str(data.get(k, ""))[:500] for k in (*APPLICANT_FIELDS, *KEPT_FIELDS) if data.get(k)}
    if found is not None:
        initial.update({k: getattr(found, attr) for k, attr in APPLICANT_FIELDS.items()})
    return initial


def pick_unit(units: list[Unit], value: str | None) -> Unit | None:
    by_id = {str(u.pk): u for u in units}
    return by_id.get(value or "") or (units[0] if units else None)


UNIT_FIELDS = {"handling_unit_code": "handling_unit", "receiving_unit_code": "receiving_unit",
               "return_unit_code": "return_place"}


def mark_unit_errors(form: IntakeForm, err: Any, message: str) -> None:
    """Show a refusal of the units (another province, not the competent unit's counter) on its field."""
    for key, name in UNIT_FIELDS.items():
        if key in getattr(err, "fields", {}) and name in form.fields:
            form.add_error(name, message)


def intake_request(setup: intake.Setup, form: IntakeForm) -> svc.IntakeRequest:
    cd = form.cleaned_data
    units = {u.pk: u for u in (*setup.receiving, *setup.handling, *setup.residences)}
    receiving = units[cd["receiving_unit"]]
    handling = units.get(cd.get("handling_unit") or 0) or intake.boundaries.competent_unit(
        setup.handling or setup.receiving, units.get(cd.get("residence_commune") or 0),
        None if setup.province_level else receiving)
    assert handling is not None  # the receiving units are the last resort
    back = ""
    if cd.get("return_place") == "handling":
        back = intake.boundaries.handling_counters(handling)[0].code
    return svc.IntakeRequest(
        procedure_code=setup.procedure.code, receiving_unit_code=receiving.code,
        handling_unit_code=handling.code, channel=cd.get("channel") or Channel.DIRECT, return_unit_code=back,
        inbound_postal_code=(cd.get("inbound_postal_code") or "") if cd.get("channel") == Channel.POST else "",
        applicant=svc.Applicant(name=cd["applicant_name"], type=cd["applicant_type"],
                                id_number=cd["applicant_id_number"], phone=cd["applicant_phone"],
                                email=cd["applicant_email"], address=cd["applicant_address"]),
        representative_name=cd["representative_name"], representative_phone=cd["representative_phone"],
        representative_id_number=cd["representative_id_number"],
        representative_relationship=cd["representative_relationship"],
        representative_authorization=cd["representative_authorization"],
        components=[svc.ComponentInput(component_id=pk, originals=o, copies=c) for pk, o, c in form.ticked()],
        request_summary=cd["request_summary"], result_delivery=cd["result_delivery"],
    )

