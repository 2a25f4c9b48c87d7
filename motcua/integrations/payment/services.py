"""Online payment use cases: what a dossier owes now, starting a payment attempt (its row
committed before INIT is sent), the platform's confirm (the only thing besides a QUERY answer that
settles a payment), the periodic QUERY of open payments and the receipt (GET_BILL).

The dossier's money moves through the dossier services with the system actor: a dossier waiting
for its financial obligation (status 6) is paid with ``payment`` (which moves it back to
processing); in any other status no transition is due and the payment is recorded as a
status-keeping ``fee_paid`` event (method "online", the payment's reference), through
:func:`motcua.fees.services.record_online`. What is owed at each stage comes from the dossier's fee
lines (:mod:`motcua.fees.services`)."""

from __future__ import annotations

import io
import logging
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from motcua.domain.errors import NotFound, PermissionDenied, ValidationFailed
from motcua.domain.lifecycle import Status
from motcua.dossiers import services as svc
from motcua.dossiers.choices import FileKind
from motcua.dossiers.models import Dossier, DossierFile
from motcua.jobs import outbox

from . import mapping
from .client import GatewayError, GatewayRejected, GatewayUnavailable, PaymentGateway
from .client import Status as GatewayStatus
from .models import OPEN, Notice, Payment, PaymentAccount, State

log = logging.getLogger("motcua.payment")
SYSTEM_NAME = "Nền tảng thanh toán"
CLOSED = (Status.NOT_RECEIVED, Status.WITHDRAWN, Status.STOPPED)  # a fee paid after this is refunded
PAYABLE = (Status.NEW, Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT, Status.FINANCIAL, Status.PROCESSED)


def system() -> svc.Actor:
    return svc.Actor.system_actor(SYSTEM_NAME)


# ---- what is owed ---------------------------------------------------------------------------

def not_yet_due(d: Dossier) -> int:
    """The fee lines collected at a later stage than the dossier has reached (code 2: at a
    supplement, none requested yet; code 4: at the result, not yet processed)."""
    from motcua.fees import services as fees

    return fees.not_yet_due(d)


def amount_due(d: Dossier) -> int:
    """What the applicant may pay now (fees due at this stage, financial obligations, minus paid)."""
    if d.status not in PAYABLE:
        return 0
    return max(0, d.fees_due - d.fees_paid - not_yet_due(d))


def account_for(d: Dossier) -> PaymentAccount | None:
    """The beneficiary account of the dossier's handling unit, or of the nearest unit above it."""
    ids = [int(p) for p in d.handling_path.strip("/").split("/") if p]
    accounts = {a.unit_id: a for a in PaymentAccount.objects.filter(unit_id__in=ids, active=True)}
    return next((accounts[i] for i in reversed(ids) if i in accounts), None)


def offer(user: Any, d: Dossier) -> dict[str, Any]:
    """The portal dossier page's payment section: what is owed, the open attempt, the history."""
    from .jobs import enabled

    payments = list(d.payments.select_related("receipt").order_by("-created_at", "-id"))
    due = amount_due(d)
    opened = next((p for p in payments if p.state in OPEN), None)
    may_pay = (enabled() and due > 0 and d.owner_id is not None and d.owner_id == getattr(user, "pk", None)
               and account_for(d) is not None)
    return {"dossier": d, "due": due, "payments": payments, "open_payment": opened, "may_pay": may_pay,
            "paid": [p for p in payments if p.state == State.PAID]}


# ---- starting an attempt ----------------------------------------------------------------------

def new_reference(d: Dossier) -> str:
    return f"MC{timezone.now():%y%m%d}{d.pk:07d}{secrets.token_hex(4).upper()}"[:40]


def start(user: Any, dossier_id: int, ttl: float, *, by_token: bool = False) -> Payment:
    """The owner's pay button: the attempt to send the payer to. An open attempt younger than
    ``ttl`` seconds is reused (same reference: one payment); an older one is expired (still
    queried, so a late payment is found) and a new one is created. Commits before returning: the
    caller then sends INIT outside the transaction. ``by_token``: the payer holds the dossier's
    signed payment link (motcua.fees.tokens, checked by the caller) and needs no account."""
    with transaction.atomic():
        d = Dossier.objects.select_for_update(of=("self",)).select_related("version").filter(pk=dossier_id).first()
        if d is None or (not by_token and (d.owner_id is None or d.owner_id != getattr(user, "pk", None))):
            raise NotFound("Dossier not found.")
        opened = Payment.objects.filter(dossier=d, state__in=OPEN).first()
        now = timezone.now()
        if opened is not None and opened.created_at > now - timedelta(seconds=ttl):
            return opened
        if opened is not None:
            Payment.objects.filter(pk=opened.pk, state__in=OPEN).update(state=State.EXPIRED)
        due = amount_due(d)
        if due <= 0:
            raise ValidationFailed("Nothing to pay.", fields={"amount": "nothing due"})
        if account_for(d) is None:
            raise PermissionDenied("Online payment is not available for this unit.")
        try:
            return Payment.objects.create(dossier=d, reference=new_reference(d), amount=due, created_at=now)
        except IntegrityError as exc:  # another tab won the race
            raise ValidationFailed("A payment is being started.", fields={"payment": "already open"}) from exc


def receipt_of(p: Payment) -> mapping.Receipt:
    d = Dossier.objects.select_related("version", "procedure", "handling_unit").get(pk=p.dossier_id)
    acc = account_for(d)
    fees = tuple(mapping.Fee(mapping.fee_kind(f.get("name", "")), str(i + 1), f.get("name", ""), int(f["amount"]))
                 for i, f in enumerate(d.version.fees or []) if int(f.get("amount") or 0) > 0)
    if sum(f.amount for f in fees) != p.amount:
        fees = (mapping.Fee(1, "0", "Phí, lệ phí và nghĩa vụ tài chính", p.amount),)
    return mapping.Receipt(
        procedure_code=d.procedure.code, procedure_name=d.version.name, unit_code=(acc.unit_code if acc else "")
        or d.handling_unit.code, unit_name=d.handling_unit.name, dossier_code=d.code,
        account=acc.account if acc else "", bank=acc.bank if acc else "",
        account_name=acc.account_name if acc else "", treasury=acc.treasury if acc else "",
        budget_account=acc.budget_account if acc else "", payer_name=d.applicant_name,
        payer_id=d.applicant_id_number, payer_address=d.applicant_address,
        content=f"Nộp phí, lệ phí hồ sơ {d.code}", fees=fees)


def initiate(p: Payment, gateway: PaymentGateway, partner: str, secret: str, ip: str = "") -> str:
    """Send INIT for a committed attempt (never inside a transaction) and keep its payment URL.
    A refusal fails the attempt; no usable answer expires it (the platform may hold it: it is still
    queried) so the applicant may start another at once."""
    if p.state == State.STARTED and p.pay_url:
        return p.pay_url
    body = mapping.init_body(partner=partner, reference=p.reference, amount=p.amount, at=p.created_at, secret=secret,
                             receipt=receipt_of(p), description=f"Thanh toan ho so {p.dossier.code}", ip=ip)
    try:
        url = gateway.init(body)
    except GatewayRejected as exc:
        Payment.objects.filter(pk=p.pk, state=State.CREATED).update(state=State.FAILED, last_error=str(exc)[:2000])
        raise
    except GatewayUnavailable as exc:
        Payment.objects.filter(pk=p.pk, state=State.CREATED).update(state=State.EXPIRED, last_error=str(exc)[:2000])
        raise
    Payment.objects.filter(pk=p.pk, state=State.CREATED).update(state=State.STARTED, pay_url=url,
                                                                 started_at=timezone.now())
    return url


# ---- the confirm (IPN) ------------------------------------------------------------------------

def handle_confirm(body: Any, gateway: PaymentGateway) -> dict[str, Any]:
    """The platform's confirm: authenticated by its checksum (constant time), idempotent (a
    repeat answers as the first did and changes nothing), refused for an unknown reference or an
    amount that differs from the attempt's. Returns the signed answer."""
    body = body if isinstance(body, dict) else {}
    c = mapping.parse_confirmation(body)
    with transaction.atomic():  # the change and its notice: one commit
        code, payment, changed = _judge(body, c, gateway)
        Notice.objects.create(payment=payment, reference=c.reference[:100], via="ipn", received_at=timezone.now(),
                              body=body, answer=code, changed=changed)
    return gateway.answer(code, c.at_text)


def _judge(body: dict[str, Any], c: mapping.Confirmation, gateway: PaymentGateway) -> tuple[str, Payment | None, bool]:
    if not gateway.verify(body) or c.partner != gateway.partner:
        log.warning("payment confirm refused: bad checksum or partner (MaThamChieu %r)", c.reference[:60])
        return mapping.BAD_CHECKSUM, None, False
    p = Payment.objects.filter(reference=c.reference, gateway=gateway.name).first() if c.reference else None
    if p is None:
        return mapping.UNKNOWN_REFERENCE, None, False
    if c.amount is None or c.at is None:
        return mapping.BAD_REQUEST, p, False
    status = GatewayStatus(state=mapping.PAID if c.error == mapping.SUCCESS else mapping.FAILED, amount=c.amount,
                           transaction=c.transaction, bank=c.bank, at=c.at)
    return settle(p, status, "ipn")


def settle(p: Payment, status: GatewayStatus, via: str) -> tuple[str, Payment, bool]:
    """Apply what the platform says of ``p`` (a confirm, or a QUERY answer), once: under the
    payment's row lock, a payment already paid stays as it is. Returns (answer, payment, changed)."""
    with transaction.atomic():
        p = Payment.objects.select_for_update().get(pk=p.pk)
        if p.state == State.PAID:
            return mapping.ACCEPTED, p, False
        if status.amount != p.amount:
            if status.state == mapping.PAID and p.state != State.MISMATCH:
                _update(p, state=State.MISMATCH, charged=status.amount, transaction=status.transaction,
                        bank=status.bank, last_error=f"Nền tảng báo số tiền {status.amount}, motcua yêu cầu {p.amount}")
                return mapping.AMOUNT_MISMATCH, p, True
            return mapping.AMOUNT_MISMATCH, p, False
        if status.state == mapping.FAILED:
            if p.state in (State.FAILED, State.MISMATCH):
                return mapping.ACCEPTED, p, False
            _update(p, state=State.FAILED, transaction=status.transaction, settled_at=timezone.now(), settled_by=via)
            return mapping.ACCEPTED, p, True
        if status.state != mapping.PAID:
            return mapping.ACCEPTED, p, False  # pending: nothing to settle yet
        _update(p, state=State.PAID, charged=status.amount, transaction=status.transaction, bank=status.bank,
                paid_at=status.at or timezone.now(), settled_at=timezone.now(), settled_by=via, last_error="")
        record_paid(p)
        from .jobs import DESTINATION

        outbox.enqueue(DESTINATION, f"payment.bill:{p.pk}", {"payment": p.pk}, ordering_key=f"payment:{p.dossier_id}")
        return mapping.ACCEPTED, p, True


def _update(p: Payment, **fields: Any) -> None:
    for k, v in fields.items():
        setattr(p, k, v)
    p.save(update_fields=list(fields))


def record_paid(p: Payment) -> None:
    """The dossier's side of a paid attempt (in the caller's transaction, dossier row locked): the
    financial obligation fulfilled (status 6 -> 4, ``payment``), or a ``fee_paid`` event (method
    online, the reference); ``fees_paid`` is raised in place only for a dossier already returned
    (a procedure that allows paying later: the lifecycle takes no event after the return); a
    payment for nothing owed any more, or for a dossier refused, withdrawn or stopped meanwhile,
    is surplus (kept for a refund and listed by the reconciliation, the dossier unchanged)."""
    d = Dossier.objects.select_for_update(of=("self",)).select_related("version").get(pk=p.dossier_id)
    if d.status in CLOSED:
        _update(p, surplus=True, last_error="Hồ sơ đã dừng (không tiếp nhận, rút, dừng xử lý): cần hoàn trả")
        log.error("payment %s of closed dossier %s: surplus", p.reference, d.code)
        return
    if d.fees_due - d.fees_paid < p.amount:
        _update(p, surplus=True, last_error="Hồ sơ không còn khoản phải nộp: thu thừa, cần hoàn trả")
        log.error("payment %s of dossier %s paid while nothing is owed: surplus", p.reference, d.code)
        return
    if d.status == Status.FINANCIAL:
        svc.payment(system(), d.pk, p.amount, reference=p.reference)
        return
    if d.status in PAYABLE:
        from motcua.fees import services as fees

        fees.record_online(system(), d.pk, p.amount, p.reference)
        return
    Dossier.objects.filter(pk=d.pk).update(fees_paid=F("fees_paid") + p.amount, updated_at=timezone.now())


# ---- QUERY ------------------------------------------------------------------------------------

def to_query(now: datetime, window: float) -> Any:
    """Open attempts, and those expired or failed to start within the window (a late payment)."""
    recent = now - timedelta(seconds=window)
    return Payment.objects.filter(Q(state__in=OPEN) | Q(state=State.EXPIRED, created_at__gte=recent)).order_by("id")


def query_open(gateway: PaymentGateway) -> int:
    """QUERY every payment still to be settled; returns how many the platform answered for."""
    from .jobs import SETTINGS

    now = timezone.now()
    answered = 0
    for p in to_query(now, SETTINGS.query_window):
        try:
            status = refresh(p, gateway)
        except GatewayError as exc:
            Payment.objects.filter(pk=p.pk).update(last_error=str(exc)[:2000], queried_at=now,
                                                   queries=F("queries") + 1)
            continue
        answered += status is not None
        if status is None or status.state == mapping.PENDING:
            _expire_if_old(p, now, SETTINGS.attempt_ttl)
    return answered


def refresh(p: Payment, gateway: PaymentGateway) -> GatewayStatus | None:
    """One QUERY of ``p``, applied (the state the platform gives, settled as a confirm would)."""
    status = gateway.query(p.reference, timezone.now())
    Payment.objects.filter(pk=p.pk).update(queried_at=timezone.now(), queries=F("queries") + 1)
    if status is None:
        return None
    code, _, changed = settle(p, status, "query")
    if changed:
        Notice.objects.create(payment=p, reference=p.reference, via="query", received_at=timezone.now(),
                              body={"TrangThaiGD": status.state, "SoTien": status.amount,
                                    "MaGiaoDich": status.transaction}, answer=code, changed=True)
    return status


def _expire_if_old(p: Payment, now: datetime, ttl: float) -> None:
    Payment.objects.filter(pk=p.pk, state__in=OPEN, created_at__lt=now - timedelta(seconds=ttl)).update(
        state=State.EXPIRED)


# ---- the receipt (GET_BILL) ---------------------------------------------------------------------

def fetch_bill(message: Any) -> None:
    """The ``payment.bill`` outbox handler: the receipt PDF kept with the dossier (an attachment).
    An empty receipt is retried later (the outbox's backoff), like no answer at all."""
    from .jobs import gateway

    p = Payment.objects.select_related("dossier").filter(pk=message.payload["payment"], state=State.PAID).first()
    if p is None or p.receipt_id is not None:
        return
    g = gateway(p.gateway)
    if g is None:
        raise GatewayUnavailable("Thanh toán trực tuyến đang tắt (MOTCUA_PAYMENT_URL chưa đặt)")
    pdf = g.bill(p.reference, timezone.now())
    if not pdf:
        Payment.objects.filter(pk=p.pk).update(last_error="Nền tảng trả biên lai rỗng: lấy lại sau")
        raise GatewayUnavailable(f"Biên lai của {p.reference} chưa có")
    store_receipt(p, pdf)


def store_receipt(p: Payment, pdf: bytes) -> DossierFile:
    from motcua.dossiers.storage import store_upload

    name = f"bien-lai-{p.reference}.pdf"
    obj = store_upload(io.BytesIO(pdf), name)
    with transaction.atomic():
        f = DossierFile.objects.create(dossier_id=p.dossier_id, kind=FileKind.ATTACHMENT, name=name,
                                       content_type=obj.content_type, size=obj.size, sha256=obj.sha256,
                                       storage_key=obj.key)
        Payment.objects.filter(pk=p.pk, receipt__isnull=True).update(receipt=f, last_error="")
    return f


def open_receipt(user: Any, payment_id: int) -> tuple[DossierFile, Any]:
    """The receipt for its dossier's owner or the staff who may see the dossier."""
    from motcua.dossiers.storage import get_storage

    p = Payment.objects.select_related("dossier", "receipt").filter(pk=payment_id).first()
    if p is None or p.receipt is None:
        raise NotFound("Receipt not found.")
    if p.dossier.owner_id != getattr(user, "pk", None):
        svc.get_dossier(svc.Actor.of(user), p.dossier_id)  # staff: NotFound unless visible
    return p.receipt, get_storage().open(p.receipt.storage_key)
