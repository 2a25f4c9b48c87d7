"""The Decision 766 online-payment measures of a unit and period, from the dossiers and their
payments (motcua/reports/index766.py adds them to the index, see ``payment_measures``).

The population is the unit's dossiers (handling path, as every figure) submitted in the period
that carry a fee (``fees_due`` > 0); their procedures are the "fee procedures".

- ``fee_procedures_integrated``: fee procedures whose dossiers' handling unit (or a unit above it)
  has an active online-payment account (online payment is offered for them) / fee procedures;
- ``fee_procedures_paid_online``: fee procedures with at least one dossier paid online / fee procedures;
- ``dossiers_paid_online``: fee dossiers with a payment confirmed by the platform / fee dossiers.

A payment counts once the platform confirmed it (state paid, not a surplus). Empty denominators
are scored N/A by the index, as the method says."""

from __future__ import annotations

from typing import Any

from motcua.domain import indicators as ind

from .models import PaymentAccount, State


def payment_measures(unit: Any, period: Any) -> dict[str, ind.Measure]:
    from django.db.models import Exists, OuterRef

    from motcua.dossiers.models import Dossier

    from .models import Payment

    paid = Payment.objects.filter(dossier=OuterRef("pk"), state=State.PAID, surplus=False)
    rows = list(Dossier.objects.filter(handling_path__startswith=unit.path, submitted_at__gte=period.start,
                                       submitted_at__lt=period.end, fees_due__gt=0)
                .annotate(paid_online=Exists(paid)).values_list("procedure_id", "handling_path", "paid_online"))
    accounts = set(PaymentAccount.objects.filter(active=True).values_list("unit__path", flat=True))
    procedures = {r[0] for r in rows}
    integrated = {proc for proc, path, _ in rows if any(path.startswith(a) for a in accounts)}
    used = {proc for proc, _, online in rows if online}
    return {
        "fee_procedures_integrated": ind.Measure(len(integrated), len(procedures)),
        "fee_procedures_paid_online": ind.Measure(len(used), len(procedures)),
        "dossiers_paid_online": ind.Measure(sum(1 for r in rows if r[2]), len(rows)),
    }
