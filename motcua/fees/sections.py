"""The fees parts of the pages: the counter intake's fee section (lines, quantities, cash now or
online later), the staff dossier page's fee section and the citizen's portal section."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from motcua.catalog.choices import Channel
from motcua.domain import fees as rules
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier
from motcua.units.choices import Role

from . import services
from .tokens import pay_url

MODES = ("cash", "online")
QUANTITY_FIELDS = {"page": ("fees-pages", "Số trang"), "copy": ("fees-copies", "Số bản"),
                   "set": ("fees-sets", "Số bộ")}


def _quantity(request: Any, name: str, errors: dict[str, str] | None = None) -> int:
    raw = str(request.POST.get(name, "") if request.method == "POST" else "").strip()
    if not raw:
        return 1
    if not raw.isdigit() or int(raw) > rules.MAX_QUANTITY:
        if errors is not None:
            errors[name] = _("Số lượng tính phí phải là số nguyên từ 0 đến %(max)s.") % {"max": rules.MAX_QUANTITY}
        return 1
    return int(raw)


def _lines(setup: Any, request: Any,
           errors: dict[str, str] | None = None) -> tuple[list[rules.FeeLine], dict[str, int]]:
    q = {basis: _quantity(request, name, errors) for basis, (name, _label) in QUANTITY_FIELDS.items()}
    lines = services.fee_lines_for(setup.version, Channel.DIRECT, sets=q["set"], pages=q["page"], copies=q["copy"])
    return lines, q


# ---- the counter intake --------------------------------------------------------------------------

def intake_provider(actor: svc.Actor, setup: Any, request: Any) -> dict[str, Any] | None:
    base = services.fee_lines_for(setup.version, Channel.DIRECT)
    if not base:
        return None
    lines, q = _lines(setup, request)
    bases = {line.basis for line in base}
    inputs = [{"name": name, "label": _(label), "value": q[basis]}
              for basis, (name, label) in QUANTITY_FIELDS.items() if basis in bases]
    mode = request.POST.get("fees-mode", "cash") if request.method == "POST" else "cash"
    return {"lines": [_line(x) for x in lines], "inputs": inputs, "total": rules.total(lines),
            "at_intake": rules.total(lines, [rules.AT_INTAKE]), "later": rules.total(lines) - rules.total(
                lines, [rules.AT_INTAKE]), "mode": mode if mode in MODES else "cash",
            "pay_later": setup.version.fee_pay_later}


def _line(x: rules.FeeLine) -> dict[str, Any]:
    return {**x.as_dict(), "basis_label": _(services.BASIS_LABELS.get(x.basis, x.basis)),
            "stage_label": _(services.STAGE_LABELS.get(x.collected, ""))}


def intake_validate(actor: svc.Actor, setup: Any, request: Any) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not services.fee_lines_for(setup.version, Channel.DIRECT):
        return errors
    lines, _q = _lines(setup, request, errors)
    if rules.total(lines, [rules.AT_INTAKE]) and request.POST.get("fees-mode") not in MODES:
        errors["fees-mode"] = _("Chọn thu tiền mặt ngay hoặc nộp trực tuyến sau.")
    return errors


def intake_apply(actor: svc.Actor, setup: Any, request: Any, d: Dossier) -> None:
    """In the intake's transaction: the dossier's fee lines and fee total, and the cash collected
    now (its receipt) when the officer chose so."""
    lines, _q = _lines(setup, request)
    if not lines:
        return
    Dossier.objects.filter(pk=d.pk).update(fee_lines=[x.as_dict() for x in lines], fees_due=rules.total(lines))
    d.fee_lines, d.fees_due = [x.as_dict() for x in lines], rules.total(lines)
    due = rules.total(lines, [rules.AT_INTAKE])
    if due and request.POST.get("fees-mode") == "cash":
        services.collect_cash(actor, d.pk, due, d.applicant_name)


# ---- the staff dossier page ----------------------------------------------------------------------

def _is_counter(actor: svc.Actor, d: Dossier) -> bool:
    return actor.scope.has_role(Role.COUNTER_OFFICER, d.receiving_path)


def dossier_provider(actor: svc.Actor, d: Dossier) -> dict[str, Any] | None:
    s = services.summary(d)
    if not s["lines"] and not s["receipts"] and not s["fees_due"] and not s["paid"]:
        return None
    may_collect = (_is_counter(actor, d) and s["due_now"] > 0 and d.status in services.PAYABLE)
    blocked = [services.refusal(actor, d, a) for a in rules.GATES]
    return {**s, "lines": [_line(x) for x in s["lines"]], "may_collect": may_collect,
            "may_cancel": services.may_cancel(actor, d) and d.status in services.PAYABLE,
            "pay_url": pay_url(d.pk) if s["due_now"] > 0 else "",
            "blocked": [b.params["amount"] for b in blocked if b is not None and _blocks_next(d, b)],
            "dossier": d}


def _blocks_next(d: Dossier, err: services.FeeUnpaid) -> bool:
    from motcua.domain.lifecycle import Status, can

    action = {v: k for k, v in services.GATE_REASONS.items()}[err.reason]
    return can(action, Status(d.status))


# ---- the citizen's portal -----------------------------------------------------------------------

def portal_provider(user: Any, d: Dossier) -> dict[str, Any] | None:
    if d.owner_id is None or d.owner_id != getattr(user, "pk", None):
        return None
    s = services.summary(d)
    if not s["lines"] and not s["receipts"] and not s["fees_due"]:
        return None
    return {**s, "lines": [_line(x) for x in s["lines"]], "dossier": d}
