"""The remote signing flow, resumable: request -> "waiting for confirmation" -> result by callback or
by polling -> finished signed PDF. What is pending is kept in a store between requests, so the
leader's page can poll and the callback (or the worker) can finish later, in another process.

``request_signature`` prepares and sends; ``handle_callback`` (an authenticated, idempotent webhook)
and ``poll`` both end in ``apply_status``: a status for a transaction already final is a no-op.
:class:`DirectoryStore` keeps records as files (demo, tests); a database-backed store only needs
``load``, ``save`` and ``locked``.
"""

from __future__ import annotations

import fcntl
import json
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from motcua.integrations.remote_signer import mapping

from .backends import RemoteHashSigner
from .errors import RemoteSigningFailed, RemoteSigningRefused, SigningError
from .i18n import _
from .pades import (
    PendingSignature,
    SignatureBox,
    SignedPdf,
    SigningSettings,
    finish_remote_signature,
    start_remote_signature,
)

WAITING, SIGNED, REFUSED, FAILED = "waiting", "signed", "refused", "failed"


def gettext_noop(text: str) -> str:
    return text

MESSAGES = {  # marked for translation; a record keeps the text in the language it was made in
    WAITING: gettext_noop("Đang chờ người ký xác nhận trên ứng dụng ký số."),
    SIGNED: gettext_noop("Đã ký số thành công."),
    REFUSED: gettext_noop("Người ký đã từ chối (hoặc không xác nhận kịp) yêu cầu ký trên ứng dụng ký số."),
    FAILED: gettext_noop("Ký số không thành công."),
}


def state_message(state: str) -> str:
    return _(MESSAGES[state])


class CallbackRejected(Exception):  # noqa: N818 - an answer, not a bug
    """A callback that is not authentic or not understood (answer 4xx, change nothing)."""


@dataclass
class RemoteRecord:
    """One transaction: its pending signature, where it stands, and the signed file's hash when done."""

    transaction_id: str
    pending: PendingSignature
    state: str = WAITING
    message: str = field(default_factory=lambda: state_message(WAITING))
    signed_sha256: str = ""

    def to_json(self) -> str:
        return json.dumps({"transaction_id": self.transaction_id, "pending": self.pending.to_json(),
                           "state": self.state, "message": self.message, "signed_sha256": self.signed_sha256})

    @classmethod
    def from_json(cls, text: str) -> RemoteRecord:
        d = json.loads(text)
        return cls(transaction_id=d["transaction_id"], pending=PendingSignature.from_json(d["pending"]),
                   state=d["state"], message=d["message"], signed_sha256=d["signed_sha256"])


@dataclass(frozen=True)
class Outcome:
    """What a status did: the record's state now, whether this call changed it, the signed file if any."""

    state: str
    changed: bool
    message: str
    signed: SignedPdf | None = None


class PendingStore(Protocol):
    def load(self, transaction_id: str) -> RemoteRecord | None: ...

    def save(self, record: RemoteRecord, signed: SignedPdf | None = None) -> None: ...

    def locked(self, transaction_id: str) -> AbstractContextManager[None]: ...


class DirectoryStore:
    """Records as ``<tid>.json`` (and the signed file as ``<tid>.pdf``), one ``flock`` per transaction."""

    def __init__(self, directory: Path | str) -> None:
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)

    def _path(self, tid: str, ext: str) -> Path:
        if not tid.isalnum():
            raise CallbackRejected("mã giao dịch không hợp lệ")
        return self.dir / f"{tid}.{ext}"

    def load(self, transaction_id: str) -> RemoteRecord | None:
        p = self._path(transaction_id, "json")
        return RemoteRecord.from_json(p.read_text(encoding="utf-8")) if p.exists() else None

    def save(self, record: RemoteRecord, signed: SignedPdf | None = None) -> None:
        if signed is not None:
            self._path(record.transaction_id, "pdf").write_bytes(signed.data)
        tmp = self._path(record.transaction_id, "tmp")
        tmp.write_text(record.to_json(), encoding="utf-8")
        tmp.replace(self._path(record.transaction_id, "json"))

    def signed_pdf(self, transaction_id: str) -> bytes | None:
        p = self._path(transaction_id, "pdf")
        return p.read_bytes() if p.exists() else None

    @contextmanager
    def locked(self, transaction_id: str) -> Iterator[None]:
        with open(self._path(transaction_id, "lock"), "a") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)


def request_signature(data: bytes, signer: RemoteHashSigner, box: SignatureBox, settings: SigningSettings,
                      store: PendingStore, *, doc_id: str, callback_url: str | None = None) -> RemoteRecord:
    """Send the document's hash to the service; the returned record is "waiting for confirmation"."""
    pending = start_remote_signature(data, signer, box, settings, doc_id=doc_id, callback_url=callback_url)
    record = RemoteRecord(transaction_id=pending.transaction_id, pending=pending)
    store.save(record)
    return record


def apply_status(store: PendingStore, status: mapping.SignStatus, settings: SigningSettings) -> Outcome:
    """Move a transaction on from the service's status; idempotent (a final record is left as it is)."""
    with store.locked(status.transaction_id):
        record = store.load(status.transaction_id)
        if record is None:
            raise CallbackRejected("không có giao dịch ký này")
        if record.state != WAITING or status.state == mapping.WAITING:
            return Outcome(record.state, changed=False, message=record.message)
        signed = None
        if status.state == mapping.SIGNED and status.signature is not None:
            try:
                signed = finish_remote_signature(record.pending, status.signature, settings)
                record.state, record.message, record.signed_sha256 = SIGNED, state_message(SIGNED), signed.sha256
            except SigningError as e:
                if isinstance(e, RemoteSigningFailed) and e.retry:
                    raise
                record.state, record.message = FAILED, str(e)
        elif status.state in (mapping.REFUSED, mapping.EXPIRED):
            record.state, record.message = REFUSED, state_message(REFUSED)
        else:
            record.state, record.message = FAILED, f"{state_message(FAILED)} {status.message}".strip()
        store.save(record, signed)
        return Outcome(record.state, changed=True, message=record.message, signed=signed)


def handle_callback(store: PendingStore, body: bytes, signature_header: str | None, secret: str,
                    settings: SigningSettings) -> Outcome:
    """The service's callback: authenticated by HMAC in constant time, then ``apply_status``."""
    if not mapping.callback_authentic(secret, body, signature_header):
        raise CallbackRejected("chữ ký HMAC của thông báo không hợp lệ")
    try:
        status = mapping.parse_status(json.loads(body))
    except (ValueError, TypeError) as e:
        raise CallbackRejected("thông báo không đúng định dạng") from e
    return apply_status(store, status, settings)


def poll(store: PendingStore, client: object, transaction_id: str, settings: SigningSettings) -> Outcome:
    """Ask the service where the transaction stands (the leader's page, or the worker when no callback came)."""
    record = store.load(transaction_id)
    if record is not None and record.state != WAITING:
        return Outcome(record.state, changed=False, message=record.message)
    return apply_status(store, client.status(transaction_id), settings)  # type: ignore[attr-defined]


def wait_for_signature(store: PendingStore, client: object, transaction_id: str, settings: SigningSettings, *,
                       timeout: float = 60.0, interval: float = 0.2) -> Outcome:
    """Poll until final (for scripts and the demo); a refusal or failure raises its plain error."""
    deadline = time.monotonic() + timeout
    while True:
        outcome = poll(store, client, transaction_id, settings)
        if outcome.state == SIGNED:
            return outcome
        if outcome.state == REFUSED:
            raise RemoteSigningRefused(outcome.message)
        if outcome.state == FAILED:
            raise RemoteSigningFailed(outcome.message)
        if time.monotonic() > deadline:
            raise RemoteSigningFailed(_("Hết thời gian chờ người ký xác nhận."), retry=True)
        time.sleep(interval)
