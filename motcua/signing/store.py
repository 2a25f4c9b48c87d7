"""The database store of remote signing transactions (``remote.PendingStore``): a row per transaction,
locked with ``select_for_update`` while a status is applied, and the signed file recorded on the
approval in that same transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone

from .models import RemoteSignature, RemoteState
from .pades import PendingSignature, SignedPdf
from .remote import RemoteRecord


class DbStore:
    """``approval_id`` is needed only to create a record (``request_signature``)."""

    def __init__(self, approval_id: int | None = None) -> None:
        self.approval_id = approval_id

    def load(self, transaction_id: str) -> RemoteRecord | None:
        row = RemoteSignature.objects.filter(transaction_id=transaction_id).first()
        if row is None:
            return None
        return RemoteRecord(transaction_id=row.transaction_id, pending=PendingSignature.from_json(row.pending),
                            state=row.state, message=row.message, signed_sha256=row.signed_sha256)

    def save(self, record: RemoteRecord, signed: SignedPdf | None = None) -> None:
        from .services import record_signature

        with transaction.atomic():
            final = record.state != RemoteState.WAITING
            row, created = RemoteSignature.objects.select_for_update().get_or_create(
                transaction_id=record.transaction_id,
                defaults={"approval_id": self.approval_id, "pending": record.pending.to_json()})
            row.state, row.message, row.signed_sha256 = record.state, record.message[:500], record.signed_sha256
            if final and row.finished_at is None:
                row.finished_at = timezone.now()
            row.save()
            if signed is not None:
                approval = row.approval
                record_signature(approval, signed, approval.approved_by_id)

    @contextmanager
    def locked(self, transaction_id: str) -> Iterator[None]:
        with transaction.atomic():
            list(RemoteSignature.objects.select_for_update().filter(transaction_id=transaction_id).values("pk"))
            yield
