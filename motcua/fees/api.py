"""The fees API, mounted under /api/v1/dossiers (motcua/api/main.py): a dossier's fee lines, what
was paid and is due now, its receipts; cash collected at the counter. Bad input is a 4xx with
field errors (the API's error envelope), never a 500."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field, StrictInt

from motcua.api.docs import NO_CONTROL, errors
from motcua.dossiers import services as svc

from . import services
from .models import FeeReceipt, Method

router = Router()


class LineOut(Schema):
    name: str
    basis: str
    quantity: int
    unit_amount: int
    total: int
    collected: int


class ReceiptOut(Schema):
    id: int
    number: str
    amount: int
    method: str
    payer: str
    at: datetime
    cancelled: bool
    cancel_reason: str
    url: str


class FeesOut(Schema):
    dossier_id: int
    code: str
    lines: list[LineOut]
    total: int
    fees_due: int
    paid: int
    due_now: int
    pay_later: bool
    receipts: list[ReceiptOut]


class CashIn(Schema):
    amount: StrictInt = Field(gt=0, le=10**12, description="VND, a positive whole number, at most what is due now")
    payer: str = Field("", max_length=255, pattern=NO_CONTROL)
    method: Literal["cash", "transfer", "post_cod"] = Field(Method.CASH.value, description="cash, transfer or post_cod")
    key: str | None = Field(None, max_length=64, description="idempotency key: a repeat returns the first receipt")
    version: int | None = Field(None, description="the dossier's row version, if the client knows it")


def _receipt(r: FeeReceipt) -> dict[str, Any]:
    return {"id": r.pk, "number": r.label, "amount": r.amount, "method": r.method, "payer": r.payer, "at": r.at,
            "cancelled": r.cancelled, "cancel_reason": r.cancel_reason, "url": f"/office/fees/receipts/{r.pk}/"}


def _fees(d: Any) -> dict[str, Any]:
    s = services.summary(d)
    return {"dossier_id": d.pk, "code": d.code, "lines": [x.as_dict() for x in s["lines"]], "total": s["total"],
            "fees_due": s["fees_due"], "paid": s["paid"], "due_now": s["due_now"], "pay_later": s["pay_later"],
            "receipts": [_receipt(r) for r in s["receipts"]]}


@router.get("/{dossier_id}/fees", response={200: FeesOut, **errors(403, 404, 422)}, summary="A dossier's fees")
def fees(request: HttpRequest, dossier_id: int):  # noqa: ANN201
    d = svc.get_dossier(svc.Actor.of(request.user), dossier_id)
    return _fees(d)


@router.post("/{dossier_id}/fees/cash", response={201: ReceiptOut, **errors(403, 404, 409, 422)},
             summary="Collect a fee at the counter (cash, transfer, postal COD)")
def cash(request: HttpRequest, dossier_id: int, body: CashIn):  # noqa: ANN201
    r = services.collect_cash(svc.Actor.of(request.user), dossier_id, body.amount, body.payer,
                              method=body.method, client_key=body.key, expected_version=body.version)
    return Status(201, _receipt(r))
