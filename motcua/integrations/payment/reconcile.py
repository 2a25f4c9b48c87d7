"""Reconciliation (đối soát) of a unit's online payments of one day against the platform's
ledger: every payment of the unit's dossiers created that day, and every one still open, is
QUERYed and compared. Differences: paid there but not here (a lost confirm: then settled, and
listed), paid here but not there, amounts that differ, an attempt unpaid for too long, a surplus
(paid twice, or for a dossier closed meanwhile), and a payment the platform did not answer for.
The run and its rows are kept for the accountant's page and its Excel export."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from motcua.core import clock
from motcua.units.models import Unit

from . import mapping, services
from .client import GatewayError, PaymentGateway
from .client import Status as GatewayStatus
from .models import OPEN, Difference, Kind, Payment, PaymentAccount, Reconciliation, RunStatus, State

log = logging.getLogger("motcua.payment")
THERE = {mapping.PAID: "paid", mapping.PENDING: "pending", mapping.FAILED: "failed"}


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=clock.LOCAL_TZ)
    return start, start + timedelta(days=1)


def payments_of(unit: Unit, day: date) -> Any:
    """The unit's payments created that day, those still open and those expired recently (a
    late payment may still come: they are QUERYed as long as ``query_window``)."""
    from .jobs import SETTINGS

    start, end = day_bounds(day)
    recent = timezone.now() - timedelta(seconds=SETTINGS.query_window)
    return (Payment.objects.filter(dossier__handling_path__startswith=unit.path)
            .filter(Q(created_at__gte=start, created_at__lt=end) | Q(state__in=OPEN)
                    | Q(state=State.EXPIRED, created_at__gte=recent))
            .select_related("dossier").order_by("id"))


def request(unit: Unit, day: date, user: Any = None) -> Reconciliation:
    """A queued run (the worker executes it: ``jobs.run_reconciliation``)."""
    from .jobs import run_reconciliation

    run = Reconciliation.objects.create(unit=unit, day=day, created_at=timezone.now(), created_by=user)
    run_reconciliation.enqueue(run.pk)
    return run


def execute(run_id: int, gateway: PaymentGateway) -> str:
    run = Reconciliation.objects.select_related("unit").get(pk=run_id)
    Reconciliation.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    try:
        run = compare(run, gateway)
    except Exception as exc:
        log.exception("payment reconciliation %s failed", run.pk)
        Reconciliation.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, error=str(exc)[:2000],
                                                        finished_at=timezone.now())
        raise
    return f"{run.checked} checked, {run.differences} differences"


def compare(run: Reconciliation, gateway: PaymentGateway) -> Reconciliation:
    from .jobs import SETTINGS

    Difference.objects.filter(run=run).delete()
    checked = here = there = 0
    rows: list[Difference] = []
    for p in payments_of(run.unit, run.day):
        try:
            status = gateway.query(p.reference, timezone.now())
        except GatewayError as exc:
            rows.append(Difference(run=run, payment=p, kind=Kind.UNANSWERED, ours=ours(p),
                                   note=f"Không tra cứu được: {exc}"[:500]))
            continue
        checked += 1
        here += p.amount if p.state == State.PAID and not p.surplus else 0
        there += (status.amount or 0) if status is not None and status.state == mapping.PAID else 0
        rows += differences(run, p, status, SETTINGS.pending_limit, gateway)
    Difference.objects.bulk_create(rows)
    run.checked, run.differences, run.total_here, run.total_there = checked, len(rows), here, there
    run.status, run.finished_at = RunStatus.DONE, timezone.now()
    run.save(update_fields=["checked", "differences", "total_here", "total_there", "status", "finished_at"])
    return run


def ours(p: Payment) -> dict[str, Any]:
    return {"state": p.state, "amount": p.amount, "transaction": p.transaction, "surplus": p.surplus,
            "dossier": p.dossier.code, "created_at": p.created_at.isoformat()}


def theirs(status: GatewayStatus | None) -> dict[str, Any]:
    if status is None:
        return {"state": "unknown"}
    return {"state": THERE.get(status.state, str(status.state)), "amount": status.amount,
            "transaction": status.transaction}


def differences(run: Reconciliation, p: Payment, status: GatewayStatus | None, pending_limit: float,
                gateway: PaymentGateway) -> list[Difference]:
    """What is wrong with ``p`` against the platform's answer (a lost confirm is also settled)."""
    paid_there = status is not None and status.state == mapping.PAID
    row = {"run": run, "payment": p, "ours": ours(p), "theirs": theirs(status)}
    if paid_there and status.amount != p.amount:
        return [Difference(kind=Kind.AMOUNT, note="Nền tảng thu số tiền khác số tiền motcua yêu cầu", **row)]
    if paid_there and p.state != State.PAID:
        services.settle(p, status, "reconcile")
        return [Difference(kind=Kind.PAID_THERE, note="Đã ghi nhận theo kết quả đối soát", **row)]
    if p.state == State.PAID and not paid_there:
        return [Difference(kind=Kind.PAID_HERE, note="Cần kiểm tra với nền tảng thanh toán", **row)]
    if p.state == State.PAID and p.surplus:
        return [Difference(kind=Kind.SURPLUS, note="Hồ sơ đã nộp đủ trước đó: cần hoàn trả", **row)]
    old = p.created_at < timezone.now() - timedelta(seconds=pending_limit)
    if (status is None or status.state == mapping.PENDING) and p.state in (*OPEN, State.EXPIRED) and old:
        return [Difference(kind=Kind.PENDING_LONG, note="Giao dịch chưa có kết quả quá thời hạn", **row)]
    return []


def daily(gateway: PaymentGateway, day: date | None = None) -> int:
    """Yesterday's (or ``day``'s) run for every unit with an active account; returns the runs made."""
    day = day or (clock.local_date(timezone.now()) - timedelta(days=1))
    n = 0
    for acc in PaymentAccount.objects.filter(active=True).select_related("unit"):
        run = Reconciliation.objects.create(unit=acc.unit, day=day, created_at=timezone.now())
        execute(run.pk, gateway)
        n += 1
    return n
