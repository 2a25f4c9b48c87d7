"""Online payment in ``make demo``: the province's beneficiary account, and the generated history's
fees paid online as confirmed payments (so the 766 payment indicators and the reconciliation page
show real figures from the first start). The generator records each fee paid as a ``fee_paid`` event
with its method (online for dossiers submitted online, cash at the counter otherwise): each online
one is a confirmed payment here, started ten minutes before the event, confirmed at it.

History references are ``HIS`` + the dossier id (never a live attempt's ``MC...``)."""

from __future__ import annotations

from datetime import timedelta
from typing import IO

from .models import Payment, PaymentAccount, State

BATCH = 1000


def prepare(out: IO[str]) -> None:
    from motcua.units.models import Unit

    root = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    if root is not None and not PaymentAccount.objects.filter(unit=root).exists():
        PaymentAccount.objects.create(unit=root, unit_code=root.code, account="0011001234567", bank="VCB",
                                      account_name=f"Kho bạc Nhà nước {root.name}", treasury="KBNN",
                                      budget_account="7111")
    made = history()
    out.write(f"Thanh toán trực tuyến: {made} giao dịch trong lịch sử"
              f" ({Payment.objects.filter(state=State.PAID).count()} đã thanh toán).\n")


def history() -> int:
    """Confirmed payments for the history's fees paid online: one per ``fee_paid`` event whose method
    is ``online`` (the generator's record of the payment), of its amount and at its time, so the
    payments, the dossier's events and its ``fees_paid`` agree (idempotent)."""
    from motcua.dossiers.models import DossierEvent

    done = set(Payment.objects.filter(reference__startswith="HIS").values_list("dossier_id", flat=True))
    rows = (DossierEvent.objects.filter(action="fee_paid", data__method="online").exclude(dossier_id__in=done)
            .values_list("dossier_id", "data", "at").order_by("dossier_id", "at"))
    batch: list[Payment] = []
    made, seen = 0, set()
    for pk, data, at in rows.iterator(chunk_size=BATCH):
        amount = int((data or {}).get("amount") or 0)
        if pk in seen or amount <= 0:
            continue  # one history payment per dossier (the reference is the dossier's)
        seen.add(pk)
        started = at - timedelta(minutes=10)
        batch.append(Payment(dossier_id=pk, reference=f"HIS{pk:010d}", amount=amount, state=State.PAID,
                             transaction=f"GDH{pk:09d}", bank="VCB", charged=amount, created_at=started,
                             started_at=started, paid_at=at, settled_at=at, settled_by="ipn"))
        if len(batch) >= BATCH:
            made += len(Payment.objects.bulk_create(batch))
            batch = []
    made += len(Payment.objects.bulk_create(batch))
    return made
