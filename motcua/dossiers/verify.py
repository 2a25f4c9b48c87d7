"""Verify the event log's hash chains and checkpoints (``motcua verify_events``, and the scheduled job).

One streamed pass over the log in (dossier, seq) order (a server-side cursor on PostgreSQL), each
event's hash recomputed and its link to the previous event checked. The first broken link is reported
with what was found: ``edited`` (an event's content no longer matches its hash), ``missing`` (an
event links to one that is not there), ``reordered`` (events are linked in another order than their
sequence numbers), ``inserted`` (an event that belongs to no chain). The same pass recomputes the
count and chain-head digest at the last checkpoint's event id (removed histories or removed last
events show there) and writes the next checkpoint, itself chained by hash.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from hashlib import sha256
from typing import Any

from django.db import connection, transaction

from motcua.core import clock

from . import eventchain as ec
from .models import Dossier, EventCheckpoint

EDITED, MISSING, REORDERED, INSERTED = "edited", "missing", "reordered", "inserted"

_PG_SELECT = (
    "SELECT id, dossier_id, (extract(epoch FROM at) * 1000000)::bigint, action, from_status, to_status, "
    "actor_id, actor_name, role, unit_id, step_id, note, data::text, attachments::text, prev_hash, hash "
    "FROM dossiers_dossierevent ORDER BY dossier_id, seq")
_SQLITE_SELECT = (
    "SELECT id, dossier_id, at, action, from_status, to_status, actor_id, actor_name, role, unit_id, step_id, "
    "note, data, attachments, prev_hash, hash FROM dossiers_dossierevent ORDER BY dossier_id, seq")

# the fast pass: PostgreSQL builds each event's canonical message (eventchain.event_message) up to
# its JSON fields, which are sent only when not empty; Python adds them and computes the HMAC
_PG_FAST = (
    "SELECT id, dossier_id, prev_hash, hash, convert_to(prev_hash || '|' || dossier_id || '|' || "
    "(extract(epoch FROM at) * 1000000)::bigint || '|' || length(action) || ':' || action || '|' || "
    "COALESCE(from_status::text, '') || '|' || to_status || '|' || COALESCE(actor_id::text, '') || '|' || "
    "COALESCE(unit_id::text, '') || '|' || COALESCE(step_id::text, '') || '|' || length(actor_name) || ':' || "
    "actor_name || '|' || length(role) || ':' || role || '|' || length(note) || ':' || note || '|', 'UTF8'), "
    "CASE WHEN data = '{}'::jsonb THEN NULL ELSE data::text END, "
    "CASE WHEN attachments = '[]'::jsonb THEN NULL ELSE attachments::text END "
    "FROM dossiers_dossierevent ORDER BY dossier_id, seq")
_EMPTY_TAIL = b"2:{}|[]"

Row = tuple[Any, ...]  # the columns of _PG_SELECT, ``at`` already in microseconds
Fast = tuple[int, int, str, str, bytes]  # id, dossier id, prev_hash, hash, the message the hash is over


def _sqlite_micros(value: str | datetime) -> int:
    """SQLite keeps UTC text; Django's connection may already have parsed it (naive, UTC)."""
    at = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return ec.micros(at.replace(tzinfo=UTC))


def stream_rows(itersize: int = 20_000, dossier_id: int | None = None) -> Iterator[Row]:
    """Every event (of one dossier) in (dossier, seq) order. Call inside a transaction."""
    where = "" if dossier_id is None else f" WHERE dossier_id = {int(dossier_id)}"
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with connection.connection.cursor(name="motcua_verify_events") as cur:
            cur.itersize = itersize
            cur.execute(_PG_SELECT.replace(" ORDER BY", where + " ORDER BY"))
            yield from cur
        return
    with connection.cursor() as cur:
        cur.execute(_SQLITE_SELECT.replace(" ORDER BY", where + " ORDER BY"))
        while rows := cur.fetchmany(itersize):
            for r in rows:
                yield (r[0], r[1], _sqlite_micros(r[2]), *r[3:])


def stream_fast(itersize: int = 20_000) -> Iterator[Fast]:
    """Every event in (dossier, seq) order with the message its hash must be over."""
    if connection.vendor != "postgresql":
        for r in stream_rows(itersize):
            yield r[0], r[1], r[14], r[15], message(r, r[14]).encode()
        return
    connection.ensure_connection()
    canon = ec.canon_json_text
    with connection.connection.cursor(name="motcua_verify_fast") as cur:
        cur.itersize = itersize
        cur.execute(_PG_FAST)
        for eid, did, prev, h, head, data, att in cur:
            if data is None and att is None:
                yield eid, did, prev, h, head + _EMPTY_TAIL
            else:
                dc, ac = canon(data or "{}"), canon(att or "[]")
                yield eid, did, prev, h, head + f"{len(dc)}:{dc}|{ac}".encode()


def message(r: Row, prev: str) -> str:
    return ec.event_message(prev, r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11],
                            ec.canon_json_text(r[12]), ec.canon_json_text(r[13]))


def recompute(key: bytes, r: Row, prev: str) -> str:
    """The hash event row ``r`` should have when it follows ``prev``."""
    return ec.event_hash(key, prev, r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11],
                         ec.canon_json_text(r[12]), ec.canon_json_text(r[13]))


@dataclass
class Break:
    dossier_id: int
    dossier_code: str
    event_id: int | None
    kind: str
    detail: str

    def __str__(self) -> str:
        where = f"event {self.event_id}" if self.event_id is not None else "log"
        return f"{self.dossier_code or self.dossier_id} {where}: {self.kind} ({self.detail})"


@dataclass
class Result:
    events: int = 0
    dossiers: int = 0
    seconds: float = 0.0
    first_break: Break | None = None
    checked: EventCheckpoint | None = None  # the checkpoint compared against
    written: EventCheckpoint | None = None  # the checkpoint this run wrote
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.first_break is None


def classify(key: bytes, rows: list[Row], i: int, prev: str) -> tuple[str, str]:
    """Why row ``i`` of one dossier's rows (in seq order) breaks the chain that reached ``prev``."""
    r = rows[i]
    own_ok = recompute(key, r, r[14]) == r[15]
    nxt = rows[i + 1] if i + 1 < len(rows) else None
    hashes: dict[str, int] = {}
    for j, x in enumerate(rows):
        hashes.setdefault(x[15], j)
    if own_ok:  # a genuine event, linked elsewhere
        if r[14] in hashes and hashes[r[14]] != i:
            return REORDERED, f"links to the event at position {hashes[r[14]] + 1}, found at position {i + 1}"
        return MISSING, "the event it follows is not in the log" if r[14] else "the dossier's first event is gone"
    if nxt is not None and nxt[14] == prev and r[14] != r[15]:
        return INSERTED, "the next event skips it: it belongs to no chain"
    if hashes.get(r[15], i) != i:
        return INSERTED, "a copy of another event's hash"
    if r[14] != prev:
        return INSERTED, "neither its content nor its link matches the chain"
    return EDITED, "its content no longer matches its hash"


class _Heads:
    """Count and chain-head digest of the events with id <= ``upto``, fed in (dossier, seq) order."""

    def __init__(self, upto: int) -> None:
        self.upto, self.events, self.dossiers, self.h = upto, 0, 0, sha256()

    def dossier(self, dossier_id: int, rows_ids_hashes: list[tuple[int, str]]) -> None:
        head = ""
        for eid, h in rows_ids_hashes:
            if eid <= self.upto:
                self.events += 1
                head = h
        if head:
            self.dossiers += 1
            self.h.update(f"{dossier_id}:{head}\n".encode())

    def digest(self) -> str:
        return self.h.hexdigest()


def _settled_upto() -> int | None:
    """An event id below which every row is committed or gone for good.

    PostgreSQL hands out ids before commit, so a transaction still running may hold an id lower
    than the highest visible one. Every writer of events has its transaction id before it takes an
    event id (it writes the dossier row first): waiting for the transactions of this database that
    have one now to end is enough. Inside a caller's transaction (which cannot wait for itself) and
    on SQLite (one writer at a time): the highest visible id. None if the wait times out.
    """
    with connection.cursor() as cur:
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM dossiers_dossierevent")
        upto = int(cur.fetchone()[0])
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            return upto
        cur.execute("SELECT pid, backend_xid::text FROM pg_stat_activity WHERE datname = current_database() "
                    "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()")
        running = [f"{pid}:{xid}" for pid, xid in cur.fetchall()]
        deadline = time.monotonic() + 60
        while running and time.monotonic() < deadline:
            cur.execute("SELECT count(*) FROM pg_stat_activity WHERE pid::text || ':' || backend_xid::text = ANY(%s)",
                        [running])
            if cur.fetchone()[0] == 0:
                return upto
            time.sleep(0.02)
        return None if running else upto


def _code(dossier_id: int) -> str:
    return Dossier.objects.filter(pk=dossier_id).values_list("code", flat=True).first() or ""


def _check_checkpoints(key: bytes) -> tuple[EventCheckpoint | None, Break | None]:
    prev, last = "", None
    for cp in EventCheckpoint.objects.order_by("id"):
        if cp.prev_hash != prev or ec.checkpoint_hash(key, cp.prev_hash, cp.upto_id, cp.events, cp.dossiers,
                                                      cp.heads_digest) != cp.hash:
            return None, Break(0, "", None, EDITED, f"checkpoint #{cp.pk} does not match its hash or link")
        prev, last = cp.hash, cp
    return last, None


def verify(*, progress: Callable[[int], None] | None = None, checkpoint: bool = True,
           every: int = 100_000) -> Result:
    """Verify every chain and the last checkpoint; write a new checkpoint if all is well."""
    key = ec.chain_key()
    res = Result()
    t0 = time.perf_counter()
    upto = _settled_upto() if checkpoint else None
    outer = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outer:  # one snapshot for the whole pass
            with connection.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        res.checked, res.first_break = _check_checkpoints(key)
        old = _Heads(res.checked.upto_id if res.checked else -1)
        new = _Heads(upto if upto is not None else -1)
        if res.first_break is None:
            _scan(key, res, old, new, progress, every)
        if res.first_break is None and res.checked is not None:
            _compare(res, old)
        if res.first_break is None and checkpoint and upto is not None:
            res.written = _write_checkpoint(key, res, new)
    res.seconds = time.perf_counter() - t0
    return res


def _scan(key: bytes, res: Result, old: _Heads, new: _Heads, progress: Callable[[int], None] | None,
          every: int) -> None:
    rows: list[Fast] = []
    for r in stream_fast():
        if rows and r[1] != rows[0][1]:
            if _dossier(key, rows, res, old, new):
                return
            rows = []
        rows.append(r)
        res.events += 1
        if progress and res.events % every == 0:
            progress(res.events)
    if rows:
        _dossier(key, rows, res, old, new)


def _dossier(key: bytes, rows: list[Fast], res: Result, old: _Heads, new: _Heads) -> bool:
    """Check one dossier's events; True (and ``res.first_break`` set) on a break."""
    prev = ""
    for i, r in enumerate(rows):
        if r[2] != prev or hmac.digest(key, r[4], "sha256").hex() != r[3]:
            full = list(stream_rows(dossier_id=r[1]))  # the slow path: every field, to say what broke
            kind, detail = classify(key, full, i, prev)
            res.first_break = Break(r[1], _code(r[1]), r[0], kind, detail)
            return True
        prev = r[3]
    res.dossiers += 1
    pairs = [(r[0], r[3]) for r in rows]
    old.dossier(rows[0][1], pairs)
    new.dossier(rows[0][1], pairs)
    return False


def _compare(res: Result, old: _Heads) -> None:
    cp = res.checked
    assert cp is not None
    if (old.events, old.dossiers) != (cp.events, cp.dossiers):
        res.first_break = Break(0, "", None, MISSING if old.events < cp.events else INSERTED,
                                f"checkpoint #{cp.pk} counted {cp.events} events of {cp.dossiers} dossiers up to "
                                f"event {cp.upto_id}; the log now has {old.events} of {old.dossiers}")
    elif old.digest() != cp.heads_digest:
        res.first_break = Break(0, "", None, MISSING,
                                f"the chain heads up to event {cp.upto_id} differ from checkpoint #{cp.pk}: "
                                "last events of some dossier were replaced")


def _write_checkpoint(key: bytes, res: Result, new: _Heads) -> EventCheckpoint | None:
    if res.checked is not None and new.upto <= res.checked.upto_id:
        return None
    prev = res.checked.hash if res.checked else ""
    digest = new.digest()
    return EventCheckpoint.objects.create(
        created_at=clock.now(), upto_id=new.upto, events=new.events, dossiers=new.dossiers, heads_digest=digest,
        prev_hash=prev, hash=ec.checkpoint_hash(key, prev, new.upto, new.events, new.dossiers, digest))
