"""The database store of remote signing transactions (``remote.PendingStore``): a row per transaction,
locked with ``select_for_update`` while a status is applied, and the signed file recorded on the
approval in that same transaction."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone

from .models import RemoteSignature, RemoteState
from .pades import PendingSignature, SignedPdf
from .remote import RemoteRecord

log = logging.getLogger("motcua.signing.audit")


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
            if final and created is False:
                audit(row, signed)

    @contextmanager
    def locked(self, transaction_id: str) -> Iterator[None]:
        with transaction.atomic():
            list(RemoteSignature.objects.select_for_update().filter(transaction_id=transaction_id).values("pk"))
            yield


def audit(row: RemoteSignature, signed: SignedPdf | None) -> None:
    """The audit trail of a remote signature: the approval's own row (the APPROVE event's ``Approval``:
    status, signer, serial, issuer, time, signature hash, the signed file) and the ``RemoteSignature`` row
    (transaction, state, when it finished, the signed file's hash) are filled in this same transaction; this
    line says it in the log, once per transaction. No event is appended: the approval event already says
    the leader approved (``data.signature = "requested"``), and the signature is a fact about its file."""
    a = row.approval
    if signed is not None:
        log.info("remote signature completed: approval=%s dossier=%s result=%s transaction=%s signer=%r serial=%s "
                 "signature_sha256=%s level=%s", a.pk, a.dossier_id, a.result_code, row.transaction_id,
                 signed.signer_name, signed.certificate_serial, signed.signature_sha256, signed.level)
    else:
        log.info("remote signature ended without a signature: approval=%s dossier=%s transaction=%s state=%s "
                 "message=%r", a.pk, a.dossier_id, row.transaction_id, row.state, row.message)
