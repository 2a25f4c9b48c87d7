"""Fee use cases: the dossier's fee lines, what is due now, cash (or transfer, postal COD) collected
at the counter with a numbered receipt, an online payment recorded as an event, a receipt
cancelled, and the guard that keeps a dossier from passing a stage whose fee is unpaid.

Money on a dossier moves only through ``fee_paid`` events (``motcua.dossiers.services.transition``):
the event raises ``Dossier.fees_paid`` and carries ``{"amount", "method", ...}``; a cash receipt
is created in the same transaction, numbered without gaps per receiving unit and year. The pure
rules (lines, stages, gates, amounts in words) are :mod:`motcua.domain.fees`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Sum

from motcua.catalog.models import ProcedureVersion
from motcua.core import clock
from motcua.domain import fees as rules
from motcua.domain.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from motcua.domain.lifecycle import TRANSITIONS, Action, Status
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.units.choices import Role
from motcua.units.services import Scope

from .models import FeeReceipt, Method, ReceiptCounter

PAYABLE = TRANSITIONS[Action.FEE_PAID][0]  # statuses in which money may still move
STAGE_LABELS = {rules.AT_INTAKE: "Khi tiếp nhận", rules.AT_SUPPLEMENT: "Khi bổ sung",
                rules.AT_RESULT: "Khi trả kết quả"}
BASIS_LABELS = {"dossier": "hồ sơ", "set": "bộ", "page": "trang", "copy": "bản"}
GATE_REASONS = {Action.START: "fee_unpaid_start", Action.SUPPLEMENT: "fee_unpaid_supplement",
                Action.RETURN: "fee_unpaid_return"}


def vnd(amount: int) -> str:
    """"150.000 đồng"."""
    return f"{amount:,}".replace(",", ".") + " đồng"


# ---- the lines ---------------------------------------------------------------------------------

def entries_of(version: ProcedureVersion) -> list[rules.FeeEntry]:
    """The version's fee entries; one the rules cannot read (stored before the import checked
    them) is read as a per-dossier fee of its amount, so nothing is silently free."""
    out = []
    for raw in version.fees or []:
        try:
            out.append(rules.parse_entry(raw))
        except rules.FeeRuleError:
            amount = rules._int(raw.get("amount")) if isinstance(raw, dict) else None
            out.append(rules.FeeEntry(str(raw.get("name", "")) if isinstance(raw, dict) else "", max(0, amount or 0)))
    return out


def channel_fee(version: ProcedureVersion, channel: int) -> int | None:
    m = version.method_for(channel)
    return int(m["fee"]) if m is not None and m.get("fee") is not None else None


def fee_lines_for(version: ProcedureVersion, channel: int, sets: int = 1, pages: int = 1,
                  copies: int = 1) -> list[rules.FeeLine]:
    """The fee lines of a dossier of ``version`` through ``channel`` with these quantities."""
    try:
        return rules.lines_for(entries_of(version), channel, rules.Quantities(sets, pages, copies),
                               channel_fee(version, channel))
    except rules.FeeRuleError as exc:
        raise ValidationFailed("Invalid quantity.", fields={"quantity": str(exc)}) from exc


def lines_of(d: Dossier) -> list[rules.FeeLine]:
    """The dossier's lines: those stored at the counter intake, else computed from its version
    (one set as registered, one page, one copy)."""
    if d.fee_lines:
        return [rules.FeeLine.from_dict(x) for x in d.fee_lines]
    return fee_lines_for(d.version, d.channel, sets=d.sets or 1)


def _reached(d: Dossier) -> frozenset[int]:
    return rules.reached_stages(d.supplement_requests > 0 or d.status == Status.SUPPLEMENT,
                                d.status in (Status.PROCESSED, Status.RETURNED))


def obligations(d: Dossier, lines: Sequence[rules.FeeLine]) -> int:
    """Financial obligations requested on top of the fee lines (``request_payment``)."""
    return max(0, d.fees_due - rules.total(lines))


def due_now(d: Dossier) -> int:
    """What the applicant may pay now: the lines of the stages reached, the obligations, less paid."""
    if d.status not in PAYABLE:
        return 0
    lines = lines_of(d)
    return rules.due_now(lines, _reached(d), d.fees_paid, obligations(d, lines))


def not_yet_due(d: Dossier) -> int:
    return rules.not_yet_due(lines_of(d), _reached(d))


@dataclass(frozen=True)
class StageFigures:
    stage: int
    label: str
    total: int
    reached: bool


def summary(d: Dossier) -> dict[str, Any]:
    """Lines, totals per stage, paid, due now and the receipts: what the pages and the API show."""
    lines = lines_of(d)
    reached = _reached(d)
    stages = [StageFigures(s, STAGE_LABELS[s], rules.total(lines, [s]), s in reached)
              for s in rules.STAGES if rules.total(lines, [s])]
    receipts = list(FeeReceipt.objects.filter(dossier=d).order_by("at", "pk"))
    return {"lines": lines, "stages": stages, "total": rules.total(lines), "obligations": obligations(d, lines),
            "fees_due": d.fees_due, "paid": d.fees_paid, "due_now": due_now(d), "pay_later": d.version.fee_pay_later,
            "receipts": receipts, "payments": _payments(d)}


def _payments(d: Dossier) -> list[DossierEvent]:
    return list(d.events.filter(action=Action.FEE_PAID.value).order_by("seq"))


# ---- the guard ---------------------------------------------------------------------------------

class FeeUnpaid(DomainError):
    """A stage's fee is unpaid and the procedure does not allow paying later."""

    code = "fee_unpaid"
    http_status = 409

    def __init__(self, action: Action, missing: int) -> None:
        stage = rules.gate_stage(action)
        super().__init__(f"Chưa nộp đủ phí, lệ phí: còn thiếu {vnd(missing)}.",
                         fields={"fees": f"{missing} VND unpaid ({STAGE_LABELS.get(stage or 1, '')})"})
        self.reason = GATE_REASONS[action]
        self.params = {"amount": vnd(missing)}
        self.missing = missing


def shortfall(d: Dossier, action: Action) -> int:
    if action not in rules.GATES:
        return 0
    lines = lines_of(d)
    return rules.shortfall(action, lines, d.fees_paid, d.version.fee_pay_later, obligations(d, lines))


def refusal(actor: svc.Actor, d: Dossier, action: Action) -> FeeUnpaid | None:
    """The fee refusal of ``action`` on ``d`` now, or None (the office's "why not" list)."""
    missing = shortfall(d, action)
    return FeeUnpaid(action, missing) if missing else None


def guard(actor: svc.Actor, d: Dossier, action: Action) -> None:
    """``TRANSITION_GUARDS``: refuse START, SUPPLEMENT and RETURN while their stage's fee is unpaid."""
    err = refusal(actor, d, action)
    if err is not None:
        raise err


# ---- collecting --------------------------------------------------------------------------------

def next_number(unit_id: int, year: int) -> int:
    """Increment and return the unit's receipt counter for ``year`` (one upsert: it locks the row
    until the transaction ends, so a rolled-back collection gives its number back)."""
    table = ReceiptCounter._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} (unit_id, year, last) VALUES (%s, %s, 1) "
            f"ON CONFLICT (unit_id, year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [unit_id, year])
        return int(cur.fetchone()[0])


_AMOUNT = re.compile(r"^-?(\d+|\d{1,3}(\.\d{3})+)$")


class _Repeat(Exception):
    def __init__(self, receipt: FeeReceipt) -> None:
        self.receipt = receipt


def parse_amount(value: Any, field: str = "amount") -> int:
    """A whole, positive number of VND from a form or JSON value; ValidationFailed otherwise."""
    if isinstance(value, bool):
        value = None
    if isinstance(value, str):
        text = value.strip()  # "52000", or "52.000" with thousands grouped as Vietnamese write them
        value = int(text.replace(".", "")) if _AMOUNT.match(text) else None
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int):
        raise ValidationFailed("Amount must be a whole number of VND.", fields={field: "not a number"})
    if value <= 0:
        raise ValidationFailed("Amount must be positive.", fields={field: "must be > 0"})
    if value > rules.MAX_AMOUNT:
        raise ValidationFailed("Amount too large.", fields={field: f"must be at most {rules.MAX_AMOUNT}"})
    return value


def collect_cash(actor: svc.Actor, dossier_id: int, amount: Any, payer: str = "", *, method: str = Method.CASH,
                 client_key: str | None = None, expected_version: int | None = None,
                 at: datetime | None = None) -> FeeReceipt:
    """Money handed over at the counter (cash, or a transfer or postal COD the counter records):
    one ``fee_paid`` event and its numbered receipt, in one transaction. Refuses an amount that is
    not a positive whole number or is more than is due now. With ``client_key``, a repeat of the
    same request (a double click, a retried API call) returns the first receipt and changes nothing."""
    amount = parse_amount(amount)
    if method not in Method.values or method == Method.ONLINE:
        raise ValidationFailed("Unknown payment method.", fields={"method": "cash, transfer or post_cod"})
    client_key = (client_key or "").strip()[:64] or None
    payer = (payer or "").strip()[:255]
    holder: dict[str, Any] = {}

    def m(d: Dossier, when: datetime) -> dict[str, Any]:
        if client_key:
            seen = FeeReceipt.objects.filter(dossier_id=d.pk, client_key=client_key).first()
            if seen is not None:
                raise _Repeat(seen)
        due = due_now(d)
        if amount > due:
            raise ValidationFailed("Amount above what is due now.",
                                   fields={"amount": f"at most {due} is due now" if due else "nothing is due now"})
        d.fees_paid = svc._add_money(d.fees_paid, amount)
        year = clock.local(when).year
        number = next_number(d.receiving_unit_id, year)
        holder.update(year=year, number=number, lines=_receipt_lines(d, amount), when=when,
                      payer=payer or d.applicant_name)
        return {"amount": amount, "method": str(method), "receipt": f"{number:07d}/{year}"}

    try:
        with transaction.atomic():
            d = svc.transition(actor, dossier_id, Action.FEE_PAID, expected_version=expected_version, mutate=m,
                               at=at)
            ev = d.events.filter(action=Action.FEE_PAID.value).order_by("-seq").first()
            assert ev is not None
            return FeeReceipt.objects.create(
                unit_id=d.receiving_unit_id, year=holder["year"], number=holder["number"], dossier=d, event=ev,
                amount=amount, method=method, payer=holder["payer"], lines=holder["lines"],
                collected_by_id=actor.user_id, collected_by_name=actor.name, at=holder["when"],
                client_key=client_key)
    except _Repeat as r:
        return r.receipt
    except IntegrityError:
        if client_key:  # the same key committed by a concurrent request in between
            seen = FeeReceipt.objects.filter(dossier_id=dossier_id, client_key=client_key).first()
            if seen is not None:
                return seen
        raise


def _receipt_lines(d: Dossier, amount: int) -> list[dict[str, Any]]:
    """What the money pays for, as printed: the due lines of the stages reached, in order, until
    the amount is used up (the rest, if any, is the financial obligation)."""
    lines = [x for x in lines_of(d) if x.collected in _reached(d)]
    already = d.fees_paid - amount  # d.fees_paid has been raised by this amount
    out, left = [], amount
    for line in lines:
        take = max(0, min(line.total - already, left))
        already = max(0, already - line.total)
        if take:
            out.append({"name": line.name, "basis": line.basis, "quantity": line.quantity,
                        "unit_amount": line.unit_amount, "amount": take})
            left -= take
    if left:
        out.append({"name": "Nghĩa vụ tài chính", "basis": "dossier", "quantity": 1, "unit_amount": left,
                    "amount": left})
    return out


def record_online(actor: svc.Actor, dossier_id: int, amount: int, reference: str) -> Dossier:
    """A payment the national payment platform confirmed, as a ``fee_paid`` event (the platform
    issues its own receipt: no counter receipt)."""
    def m(d: Dossier, at: datetime) -> dict[str, Any]:
        d.fees_paid = svc._add_money(d.fees_paid, amount)
        return {"amount": amount, "method": Method.ONLINE.value, "reference": reference}

    return svc.transition(actor, dossier_id, Action.FEE_PAID, mutate=m)


def may_cancel(actor: svc.Actor, d: Dossier) -> bool:
    return (actor.system or actor.scope.is_superuser or actor.scope.has_role(Role.LEADER, d.receiving_path)
            or actor.scope.has_role(Role.LEADER, d.handling_path))


def cancel_receipt(actor: svc.Actor, receipt_id: int, reason: str) -> FeeReceipt:
    """A leader cancels a receipt issued in error: the receipt is flagged (never deleted) and the
    money given back is recorded on the dossier as a ``fee_paid`` event of a negative amount with
    the reason, so the log still adds up to ``fees_paid``. Only while money may still move on the
    dossier (not after it is returned, refused, withdrawn or stopped)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("A reason is required.", fields={"reason": "required"})
    with transaction.atomic():
        r = FeeReceipt.objects.select_for_update().filter(pk=receipt_id).first()
        d = svc.visible_dossiers(actor).filter(pk=r.dossier_id).first() if r is not None else None
        if r is None or d is None:
            raise NotFound("Receipt not found.")
        if not may_cancel(actor, d):
            raise PermissionDenied("Only a leader cancels a receipt.")
        if r.cancelled:
            raise ValidationFailed("This receipt is already cancelled.", fields={"receipt": "already cancelled"})
        # the leader acts on the counter's ledger: the event names the leader (role admin: the
        # lifecycle gives fee_paid to the counter officer and the system)
        acting = svc.Actor(actor.user_id, actor.name, Scope(actor.user_id, True, ()), system=True)

        def m(dd: Dossier, at: datetime) -> dict[str, Any]:
            if dd.fees_paid < r.amount:
                raise ValidationFailed("The dossier's paid amount is below the receipt's.",
                                       fields={"receipt": "paid amount too low"})
            dd.fees_paid -= r.amount
            return {"amount": -r.amount, "method": r.method, "cancels": r.label, "reason": reason,
                    "_note": f"Hủy biên lai số {r.label} ({vnd(r.amount)}): {reason}"}

        d = svc.transition(acting, d.pk, Action.FEE_PAID, mutate=m)
        ev = d.events.filter(action=Action.FEE_PAID.value).order_by("-seq").first()
        r.cancelled, r.cancel_reason, r.cancelled_by_id = True, reason[:1000], actor.user_id
        r.cancelled_at, r.cancel_event = ev.at if ev else clock.now(), ev
        r.save(update_fields=["cancelled", "cancel_reason", "cancelled_by", "cancelled_at", "cancel_event"])
        return r


def receipt_for(actor: svc.Actor, receipt_id: int) -> FeeReceipt:
    """A receipt the actor may see (through its dossier); NotFound otherwise."""
    r = FeeReceipt.objects.select_related("dossier", "unit").filter(pk=receipt_id).first()
    if r is None or not svc.visible_dossiers(actor).filter(pk=r.dossier_id).exists():
        raise NotFound("Receipt not found.")
    return r


def paid_by_method(d: Dossier) -> dict[str, int]:
    return {row["method"]: row["s"] for row in FeeReceipt.objects.filter(dossier=d, cancelled=False)
            .values("method").annotate(s=Sum("amount"))}
