"""motcua's data to the remote signing service's wire format and back (pure functions).

The service works as Vietnamese remote signing services do (INTEGRATIONS.md section 5):

- ``POST /v1/certificates`` ``{"user_id": "<citizen ID>", "ca_name": "..."}`` ->
  ``{"status": 0, "certificate": "<base64 DER>", "chain": ["<base64 DER>", ...]}``
- ``POST /v1/signatures`` ``{"user_id", "doc_id", "hash": "<base64 SHA-256>", "hash_algorithm": "SHA256",
  "callback_url"}`` -> ``{"status": 0, "transaction_id": "...", "state": "WAITING_CONFIRMATION",
  "message": "Đang chờ người dùng xác nhận"}``
- ``GET /v1/signatures/<transaction_id>`` -> ``{"status": 0, "transaction_id", "state", "signature"}``
- the callback: ``POST <callback_url>`` with the same body as the status, and the header
  ``X-Signature: sha256=<hex HMAC-SHA256 of the body with the shared secret>``.

``status`` is 0 for success, else an error code with a Vietnamese ``message``. States:
``WAITING_CONFIRMATION``, ``SIGNED`` (with ``signature``: base64 raw RSA PKCS#1 v1.5 over the hash),
``REFUSED`` (the user declined), ``EXPIRED`` (the user did not answer in time), ``FAILED``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

WAITING = "WAITING_CONFIRMATION"
SIGNED = "SIGNED"
REFUSED = "REFUSED"
EXPIRED = "EXPIRED"
FAILED = "FAILED"
STATES = (WAITING, SIGNED, REFUSED, EXPIRED, FAILED)
FINAL = (SIGNED, REFUSED, EXPIRED, FAILED)
SIGNATURE_HEADER = "X-Signature"

# error codes the service answers with (``status``)
ERR_UNKNOWN_USER = 1001
ERR_CERTIFICATE = 1002  # no valid certificate for this user and CA
ERR_BAD_REQUEST = 1003
ERR_UNKNOWN_TRANSACTION = 1004


@dataclass(frozen=True)
class SignStatus:
    """Where a signing transaction stands."""

    transaction_id: str
    state: str
    signature: bytes | None = None
    message: str = ""

    @property
    def final(self) -> bool:
        return self.state in FINAL


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def certificate_request(user_id: str, ca_name: str) -> dict[str, str]:
    return {"user_id": user_id, "ca_name": ca_name}


def sign_request(user_id: str, doc_id: str, digest: bytes, callback_url: str | None = None) -> dict[str, Any]:
    if len(digest) != 32:
        raise ValueError("the hash to sign must be a SHA-256 digest (32 bytes)")
    body: dict[str, Any] = {"user_id": user_id, "doc_id": doc_id, "hash": b64(digest), "hash_algorithm": "SHA256"}
    if callback_url:
        body["callback_url"] = callback_url
    return body


def parse_status(body: dict[str, Any]) -> SignStatus:
    """A status answer or a callback body -> :class:`SignStatus` (ValueError if malformed)."""
    state = str(body.get("state") or "")
    tid = str(body.get("transaction_id") or "")
    if state not in STATES or not tid:
        raise ValueError(f"not a signing status: state={state!r}, transaction_id={tid!r}")
    raw = body.get("signature")
    signature = unb64(raw) if state == SIGNED and isinstance(raw, str) and raw else None
    if state == SIGNED and signature is None:
        raise ValueError("a SIGNED status without its signature")
    return SignStatus(transaction_id=tid, state=state, signature=signature, message=str(body.get("message") or ""))


def status_body(status: SignStatus) -> dict[str, Any]:
    body: dict[str, Any] = {"status": 0, "transaction_id": status.transaction_id, "state": status.state}
    if status.signature is not None:
        body["signature"] = b64(status.signature)
    if status.message:
        body["message"] = status.message
    return body


def encode_body(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def callback_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def callback_authentic(secret: str, body: bytes, header: str | None) -> bool:
    """Is ``header`` the HMAC of ``body`` with the shared secret (constant-time comparison)?"""
    if not secret or not header:
        return False
    return hmac.compare_digest(callback_signature(secret, body), header.strip())
