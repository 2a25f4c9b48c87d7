"""Fees in ``make demo``: the printed receipts of the generated history's cash payments. The
history (motcua/dossiers/generator.py) records a fee collected as a ``fee_paid`` event with
``{"amount", "method": "cash" | "online"}`` but no receipt row; this gives every cash event that
has none its receipt, numbered without gaps per receiving unit and year in the order the money
was taken, continuing the unit's counter. Bulk and idempotent (a second run finds nothing to do);
a history without such events (before the generator emits them) gets none."""

from __future__ import annotations

from typing import IO, Any

from django.db import transaction

from motcua.catalog.models import ProcedureVersion
from motcua.core import clock
from motcua.domain.lifecycle import Action
from motcua.dossiers.models import DossierEvent

from .models import FeeReceipt, Method, ReceiptCounter
from .services import fee_lines_for

BATCH = 2000


def _lines(fee_lines: list[dict[str, Any]], amount: int) -> list[dict[str, Any]]:
    """The intake-stage lines when they are what was paid, else one line of the amount."""
    at_intake = [x for x in fee_lines or [] if int(x.get("collected") or 1) == 1 and int(x.get("total") or 0) > 0]
    if at_intake and sum(int(x["total"]) for x in at_intake) == amount:
        return [{"name": x.get("name", ""), "basis": x.get("basis", "dossier"), "quantity": x.get("quantity", 1),
                 "unit_amount": x.get("unit_amount", x["total"]), "amount": int(x["total"])} for x in at_intake]
    return [{"name": "Phí, lệ phí", "basis": "dossier", "quantity": 1, "unit_amount": amount, "amount": amount}]


@transaction.atomic
def history() -> int:
    """Receipts for the cash ``fee_paid`` events without one; returns how many were made."""
    events = (DossierEvent.objects.filter(action=Action.FEE_PAID.value, data__method=Method.CASH.value,
                                          fee_receipt__isnull=True, fee_receipt_cancelled__isnull=True)
              .order_by("at", "pk")
              .values_list("pk", "dossier_id", "at", "data", "actor_id", "actor_name",
                           "dossier__receiving_unit_id", "dossier__applicant_name", "dossier__fee_lines",
                           "dossier__version_id", "dossier__channel", "dossier__sets"))
    counters = {(c.unit_id, c.year): c.last for c in ReceiptCounter.objects.all()}
    batch: list[FeeReceipt] = []
    made = 0
    computed: dict[tuple[int, int, int], list[dict[str, Any]]] = {}
    versions: dict[int, ProcedureVersion] = {}

    def lines_of(version_id: int, channel: int, sets: int) -> list[dict[str, Any]]:
        key = (version_id, channel, sets)
        if key not in computed:
            if version_id not in versions:
                versions[version_id] = ProcedureVersion.objects.get(pk=version_id)
            computed[key] = [x.as_dict() for x in fee_lines_for(versions[version_id], channel, sets=sets or 1)]
        return computed[key]

    for (pk, dossier_id, at, data, actor_id, actor_name, unit_id, payer, fee_lines, version_id, channel,
         sets) in events.iterator(chunk_size=BATCH):
        fee_lines = fee_lines or lines_of(version_id, channel, sets)
        amount = data.get("amount") if isinstance(data, dict) else None
        if not isinstance(amount, int) or amount <= 0 or data.get("cancels"):
            continue  # not a collection (a cancellation, or nothing taken)
        key = (unit_id, clock.local(at).year)
        counters[key] = counters.get(key, 0) + 1
        batch.append(FeeReceipt(unit_id=unit_id, year=key[1], number=counters[key], dossier_id=dossier_id, event_id=pk,
                                amount=amount, method=Method.CASH, payer=payer, lines=_lines(fee_lines, amount),
                                collected_by_id=actor_id, collected_by_name=actor_name, at=at))
        if len(batch) >= BATCH:
            made += len(FeeReceipt.objects.bulk_create(batch))
            batch = []
    made += len(FeeReceipt.objects.bulk_create(batch))
    existing = {(c.unit_id, c.year): c for c in ReceiptCounter.objects.all()}
    new = [ReceiptCounter(unit_id=u, year=y, last=last) for (u, y), last in counters.items() if (u, y) not in existing]
    ReceiptCounter.objects.bulk_create(new)
    changed = []
    for key, c in existing.items():
        if counters[key] != c.last:
            c.last = counters[key]
            changed.append(c)
    ReceiptCounter.objects.bulk_update(changed, ["last"])
    return made


def prepare(out: IO[str]) -> None:
    made = history()
    total = FeeReceipt.objects.count()
    out.write(f"Phí, lệ phí: {made} biên lai thu tiền mặt cho lịch sử ({total} biên lai).\n")
