"""The remote signing service's wire format, from recorded examples (no server)."""

from __future__ import annotations

import hashlib

import pytest

from motcua.integrations.remote_signer import mapping

DIGEST = hashlib.sha256(b"signed attributes").digest()
RECORDED_SIGNED = {"status": 0, "transaction_id": "8f1c2a9e0b7d4c5a6e3f2d1c", "state": "SIGNED",
                   "signature": "c2lnbmF0dXJl"}


def test_sign_request_carries_the_hash_in_base64() -> None:
    body = mapping.sign_request("001085000001", "000.00.11.H39-261201-0001-KQ1", DIGEST, "https://x/cb")
    assert body == {"user_id": "001085000001", "doc_id": "000.00.11.H39-261201-0001-KQ1",
                    "hash": mapping.b64(DIGEST), "hash_algorithm": "SHA256", "callback_url": "https://x/cb"}
    assert "callback_url" not in mapping.sign_request("1", "d", DIGEST)
    with pytest.raises(ValueError, match="SHA-256"):
        mapping.sign_request("1", "d", b"short")


def test_statuses_parse() -> None:
    signed = mapping.parse_status(RECORDED_SIGNED)
    assert signed.state == mapping.SIGNED and signed.signature == b"signature" and signed.final
    waiting = mapping.parse_status({"status": 0, "transaction_id": "t1", "state": "WAITING_CONFIRMATION"})
    assert not waiting.final and waiting.signature is None
    assert mapping.parse_status(mapping.status_body(signed)) == signed


@pytest.mark.parametrize("body", [
    {"transaction_id": "t1", "state": "SIGNED"},  # no signature
    {"transaction_id": "t1", "state": "DONE"},  # unknown state
    {"state": "REFUSED"},  # no transaction
    {"transaction_id": "t1", "state": "SIGNED", "signature": "not base64!"},
])
def test_malformed_statuses_are_refused(body: dict) -> None:
    with pytest.raises(ValueError):
        mapping.parse_status(body)


def test_callback_hmac() -> None:
    body = mapping.encode_body(RECORDED_SIGNED)
    assert body == (b'{"signature":"c2lnbmF0dXJl","state":"SIGNED","status":0,'
                    b'"transaction_id":"8f1c2a9e0b7d4c5a6e3f2d1c"}')
    header = mapping.callback_signature("secret", body)
    assert header == "sha256=" + __import__("hmac").new(b"secret", body, hashlib.sha256).hexdigest()
    assert mapping.callback_authentic("secret", body, header)
    assert not mapping.callback_authentic("secret", body + b" ", header)
    assert not mapping.callback_authentic("other", body, header)
    assert not mapping.callback_authentic("", body, mapping.callback_signature("", body))  # no secret: refuse
    assert not mapping.callback_authentic("secret", body, None)
