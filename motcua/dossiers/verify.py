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

Row = tuple[Any, ...]  # the columns of _PG_SELECT, ``at`` already in microseconds


def _sqlite_micros(value: str | datetime) -> int:
    """SQLite keeps UTC text; Django's connection may already have parsed it (naive, UTC)."""
    at = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return ec.micros(at.replace(tzinfo=UTC))


def stream_rows(itersize: int = 20_000) -> Iterator[Row]:
    """Every event in (dossier, seq) order. Call inside a transaction (a named cursor needs one)."""
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with connection.connection.cursor(name="motcua_verify_events") as cur:
            cur.itersize = itersize
            cur.execute(_PG_SELECT)
            yield from cur
        return
    with connection.cursor() as cur:
        cur.execute(_SQLITE_SELECT)
        while rows := cur.fetchmany(itersize):
            for r in rows:
                yield (r[0], r[1], _sqlite_micros(r[2]), *r[3:])


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
    """An event id below which every row is committed or gone for good (PostgreSQL: wait for the
    transactions running now, which may still hold lower ids, to end). Inside a caller's transaction
    (which cannot wait for itself) and on SQLite (one writer at a time): the highest visible id."""
    with connection.cursor() as cur:
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            cur.execute("SELECT COALESCE(MAX(id), 0) FROM dossiers_dossierevent")
            return int(cur.fetchone()[0])
        cur.execute("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint, "
                    "(SELECT COALESCE(MAX(id), 0) FROM dossiers_dossierevent)")
        xmax, upto = cur.fetchone()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            cur.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
            if cur.fetchone()[0] >= xmax:
                return int(upto)
            time.sleep(0.05)
    return None


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
    rows: list[Row] = []
    for r in stream_rows():
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


def _dossier(key: bytes, rows: list[Row], res: Result, old: _Heads, new: _Heads) -> bool:
    """Check one dossier's events; True (and ``res.first_break`` set) on a break."""
    prev = ""
    for i, r in enumerate(rows):
        if r[14] != prev or recompute(key, r, prev) != r[15]:
            kind, detail = classify(key, rows, i, prev)
            res.first_break = Break(r[1], _code(r[1]), r[0], kind, detail)
            return True
        prev = r[15]
    res.dossiers += 1
    pairs = [(r[0], r[15]) for r in rows]
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
