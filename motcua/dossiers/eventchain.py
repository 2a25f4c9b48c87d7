"""The event log's hash chain: every event carries ``prev_hash`` (the hash of the previous event of
the same dossier, "" for the first) and ``hash``, an HMAC-SHA256 keyed by the chain key over
``prev_hash`` and a canonical serialization of the event's fields.

The chain is per dossier: writing an event needs only the previous event of its own dossier, whose
row the writing transaction already locks, so no global lock slows intake. Order is carried by the
links, not by ``seq``: editing any field breaks that event's own hash, deleting or reordering events
breaks the next link, a forged event cannot be given a valid hash without the key. Removing whole
histories or the last events of a dossier leaves no broken link; the checkpoints written by the
verifier (:mod:`motcua.dossiers.verify`) catch that.

One canonical form for every writer (the services, the bulk importer, the migration's backfill) and
the verifier: integers in decimal, ``at`` in microseconds since the epoch (UTC), text fields prefixed
by their length (no separator can be smuggled inside), JSON sorted with compact separators.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)


def chain_key() -> bytes:
    """MOTCUA_EVENT_CHAIN_KEY, or (development, test) a key derived from the secret key."""
    from motcua.conf import CONFIG

    if CONFIG.event_chain_key:
        return CONFIG.event_chain_key.encode()
    return hmac.digest(settings.SECRET_KEY.encode(), b"motcua event chain", "sha256")


def micros(at: datetime) -> int:
    """Microseconds since the epoch of an aware datetime."""
    return (at - EPOCH) // _US


def canon_json(value: Any) -> str:
    if not value:
        return "[]" if isinstance(value, list | tuple) else "{}"
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canon_json_text(text: str) -> str:
    """The canonical form of JSON read back from the database as text (jsonb reorders keys)."""
    if text in ("{}", "[]"):
        return text
    return canon_json(json.loads(text))


def _o(value: int | None) -> str:
    return "" if value is None else str(value)


def event_message(prev: str, dossier_id: int, at_us: int, action: str, from_status: int | None, to_status: int,
                  actor_id: int | None, actor_name: str, role: str, unit_id: int | None, step_id: int | None,
                  note: str, data_c: str, attachments_c: str) -> str:
    """The canonical text an event's hash is over (the verifier's SQL builds the same: verify._PG_FAST)."""
    return (f"{prev}|{dossier_id}|{at_us}|{len(action)}:{action}|{_o(from_status)}|{to_status}|{_o(actor_id)}|"
            f"{_o(unit_id)}|{_o(step_id)}|{len(actor_name)}:{actor_name}|{len(role)}:{role}|{len(note)}:{note}|"
            f"{len(data_c)}:{data_c}|{attachments_c}")


def event_hash(key: bytes, prev: str, dossier_id: int, at_us: int, action: str, from_status: int | None,
               to_status: int, actor_id: int | None, actor_name: str, role: str, unit_id: int | None,
               step_id: int | None, note: str, data_c: str, attachments_c: str) -> str:
    """The event's hash; ``data_c``/``attachments_c`` are already canonical JSON text."""
    msg = event_message(prev, dossier_id, at_us, action, from_status, to_status, actor_id, actor_name, role,
                        unit_id, step_id, note, data_c, attachments_c)
    return hmac.digest(key, msg.encode(), "sha256").hex()


def hash_of(key: bytes, prev: str, *, dossier_id: int, at: datetime, action: str, from_status: int | None,
            to_status: int, actor_id: int | None, actor_name: str, role: str, unit_id: int | None,
            step_id: int | None, note: str, data: Any, attachments: Any) -> str:
    """The hash of an event about to be written (Python values, as the services hold them)."""
    return event_hash(key, prev, dossier_id, micros(at), action, from_status, to_status, actor_id, actor_name,
                      role, unit_id, step_id, note, canon_json(data), canon_json(list(attachments)))


def heads_digest(heads: list[tuple[int, str]]) -> str:
    """Digest of every dossier's chain head (dossier id, hash of its last event), in dossier order."""
    h = hashlib.sha256()
    for dossier_id, head in heads:
        h.update(f"{dossier_id}:{head}\n".encode())
    return h.hexdigest()


def checkpoint_hash(key: bytes, prev: str, upto_id: int, events: int, dossiers: int, digest: str) -> str:
    return hmac.digest(key, f"checkpoint|{prev}|{upto_id}|{events}|{dossiers}|{digest}".encode(), "sha256").hex()
