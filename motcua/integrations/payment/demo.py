"""Online payment in ``make demo``: the province's beneficiary account, and the generated history's
fees paid online as confirmed payments (so the 766 payment indicators and the reconciliation page
show real figures from the first start). The generator records every fee as paid; of the dossiers
with a fee, those submitted online are paid online seven times in ten, those handed in at the
counter or by post twice in ten (the rest paid in cash at the counter, in ``fees_paid`` only).
Each payment is confirmed ten minutes after the submission, as the platform would have.

History references are ``HIS`` + the dossier id (never a live attempt's ``MC...``)."""

from __future__ import annotations

from datetime import timedelta
from typing import IO

from motcua.catalog.choices import Channel
from motcua.dossiers.models import Dossier

from .models import Payment, PaymentAccount, State

BATCH = 1000


def paid_online(dossier_id: int, channel: int) -> bool:
    share = 7 if channel == Channel.ONLINE else 2
    return (dossier_id * 7919) % 10 < share  # spread, and the same on every run


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
    """Confirmed payments for the generated dossiers paid online (idempotent)."""
    done = set(Payment.objects.filter(reference__startswith="HIS").values_list("dossier_id", flat=True))
    rows = (Dossier.objects.filter(fees_due__gt=0, fees_paid__gte=1).exclude(pk__in=done)
            .values_list("pk", "channel", "fees_paid", "submitted_at").order_by("pk"))
    batch: list[Payment] = []
    made = 0
    for pk, channel, paid, submitted in rows.iterator(chunk_size=BATCH):
        if not paid_online(pk, channel):
            continue
        at = submitted + timedelta(minutes=10)
        batch.append(Payment(dossier_id=pk, reference=f"HIS{pk:010d}", amount=paid, state=State.PAID,
                             transaction=f"GDH{pk:09d}", bank="VCB", charged=paid, created_at=submitted,
                             started_at=submitted, paid_at=at, settled_at=at, settled_by="ipn"))
        if len(batch) >= BATCH:
            made += len(Payment.objects.bulk_create(batch))
            batch = []
    made += len(Payment.objects.bulk_create(batch))
    return made
