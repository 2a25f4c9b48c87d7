"""The demo's receipts: every cash fee_paid event of the history without a receipt gets one,
numbered without gaps per unit and year after the unit's live receipts; online payments get none;
a second run changes nothing; a history without fee events gets nothing."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import pytest

from motcua.domain.lifecycle import Action
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier
from motcua.fees import demo
from motcua.fees import services as fees
from motcua.fees.models import FeeReceipt, ReceiptCounter

pytestmark = pytest.mark.django_db


def _history_fee(dossier_id: int, amount: int, method: str) -> None:
    """What the history generator records: a fee_paid event with no receipt (system actor)."""
    def m(d: Dossier, at: datetime) -> dict[str, Any]:
        d.fees_paid += amount
        return {"amount": amount, "method": method}

    svc.transition(svc.Actor.system_actor("Lịch sử"), dossier_id, Action.FEE_PAID, mutate=m)


def test_no_fee_events_no_receipts(counter):  # noqa: ANN001
    counter.received()
    out = io.StringIO()
    demo.prepare(out)
    assert "0 biên lai" in out.getvalue() and not FeeReceipt.objects.exists()


def test_receipts_for_the_history_cash_payments(counter):  # noqa: ANN001
    live = counter.received()
    fees.collect_cash(counter.actor(), live.pk, 52000)  # a live receipt: number 1
    a, b, c = (counter.received() for _ in range(3))
    _history_fee(a.pk, 52000, "cash")
    _history_fee(b.pk, 52000, "online")
    _history_fee(c.pk, 30000, "cash")
    out = io.StringIO()
    demo.prepare(out)
    assert "2 biên lai" in out.getvalue()
    made = list(FeeReceipt.objects.exclude(dossier=live).order_by("number"))
    assert [(r.dossier_id, r.number, r.amount) for r in made] == [(a.pk, 2, 52000), (c.pk, 3, 30000)]
    assert made[0].lines[0]["amount"] == 50000 and sum(x["amount"] for x in made[0].lines) == 52000
    assert made[1].lines == [{"name": "Phí, lệ phí", "basis": "dossier", "quantity": 1, "unit_amount": 30000,
                              "amount": 30000}]
    assert all(r.event.data["method"] == "cash" and r.event.dossier_id == r.dossier_id for r in made)
    demo.prepare(io.StringIO())
    assert FeeReceipt.objects.count() == 3
    # the counter continues after the history's numbers
    assert ReceiptCounter.objects.get().last == 3
    d = counter.received()
    assert fees.collect_cash(counter.actor(), d.pk, 52000).number == 4
