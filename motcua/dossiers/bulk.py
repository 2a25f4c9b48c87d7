"""Bulk import of dossier histories (migrating a legacy system, or generating demo data).

Each record is a dossier with its ordered events. The importer replays the events through the
domain state machine (an illegal history is rejected, not stored), derives the projection
(receipt, pauses, due time, end, verdict) with the pure calendar, and writes dossiers and events
in batches: COPY on PostgreSQL, executemany on SQLite. Everything in one call is one
transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import connection, transaction

from motcua.calendars.services import calendar_for
from motcua.domain.lifecycle import Action, Status, next_status
from motcua.domain.verdict import quick_category
from motcua.domain.workcal import WorkingCalendar

from .eventchain import canon_json, chain_key, event_hash

_ACTIONS = {a.value: a for a in Action}
_END = {Action.FINISH, Action.STOP, Action.REFUSE, Action.WITHDRAW}
# the events that move a dossier between the steps of its process (as motcua.dossiers.process.STEP_MOVES)
_STEP_MOVES = {Action.START, Action.FORWARD, Action.APPROVE, Action.SEND_BACK}


@dataclass
class HistoryRecord:
    code: str
    receiving_unit_id: int
    handling_unit_id: int
    receiving_path: str
    handling_path: str
    procedure_id: int
    version_id: int
    channel: int
    applicant_name: str
    limit_seconds: int
    events: list[tuple[int, str, str]]  # (epoch seconds, action, note), in order
    applicant_type: int = 0
    applicant_id_number: str = ""
    applicant_phone: str = ""
    applicant_address: str = ""
    fees_due: int = 0
    fees_paid: int = 0
    cutoff: int | None = -1  # seconds after midnight; -1: the calendar's; None: no cut-off
    extended_to: int | None = None
    sequence: tuple[int, str, int] | None = None  # (unit id, local date iso, seq) for counters
    # each event's data, parallel to ``events`` (None: no data). A step move names the step it enters
    # as the services write it ({"step": id, "holder": user id, "step_due_at": iso, ...}); the
    # dossier's current step, holder and step times follow from the last one, as in the services.
    data: list[dict | None] | None = None
    result_delivery: str = "counter"  # counter, post or online (motcua.dossiers.choices.ResultDelivery)


@dataclass
class Projection:
    status: int
    received: int | None
    pauses: list[list[int | None]] = field(default_factory=list)
    supplement_requests: int = 0
    ended: int | None = None
    returned: int | None = None
    due: int | None = None
    verdict: str = ""
    late: int = 0
    trail: list[int] = field(default_factory=list)  # status after each event
    steps: list[int | None] = field(default_factory=list)  # the step the dossier is at after each event
    data: list[str] = field(default_factory=list)  # each event's data, canonical JSON text
    current_step: int | None = None
    holder: int | None = None
    step_started: int | None = None
    step_due: int | None = None


def project(rec: HistoryRecord, cal: WorkingCalendar) -> Projection:
    """Replay the events through the state machine and compute the dossier's projection."""
    status: Status | None = None
    resume: Status | None = None
    p = Projection(status=0, received=None)
    data = rec.data or [None] * len(rec.events)
    if len(data) != len(rec.events):
        raise ValueError(f"{rec.code}: event data does not match the events")
    due_text: list[str | None] = [None]
    for (at, name, _), extra in zip(rec.events, data, strict=True):
        action = _ACTIONS[name]
        if action is Action.REQUEST_SUPPLEMENT:
            resume = status
        status = next_status(action, status, resume)
        p.trail.append(int(status))
        _apply_clock(p, action, at)
        _apply_step(p, action, at, extra, due_text)
        p.data.append(canon_json(extra))
    if due_text[0]:
        p.step_due = int(datetime.fromisoformat(due_text[0]).timestamp())
    assert status is not None
    p.status = int(status)
    if p.received is not None:
        closed = [(s, e) for s, e in p.pauses if e is not None]
        p.due = cal.due_epoch(p.received, rec.limit_seconds, closed, rec.cutoff)
        if p.ended is not None:
            cat, p.late = quick_category(cal, p.due, p.ended, p.supplement_requests, True)
            p.verdict = cat.value
    return p


def _apply_step(p: Projection, action: Action, at: int, data: dict | None, due_text: list[str | None]) -> None:
    """Follow the step the dossier is at from one event (same rules as motcua.dossiers.process):
    a step move entering a step sets it, its holder and entry; a holder change only the holder;
    an ending leaves the process. ``due_text``: the current step's due time, as the event says it."""
    if data:
        if "holder_change" in data:
            p.holder = data.get("holder")
        elif action in _STEP_MOVES and "step" in data:
            p.current_step, p.holder, p.step_started = data["step"], data.get("holder"), at
            due_text[0] = data.get("step_due_at")
    if action in _END:
        p.current_step, p.holder, due_text[0] = None, None, None
    p.steps.append(p.current_step)


def _apply_clock(p: Projection, action: Action, at: int) -> None:
    """Update receipt, pauses, end and return from one event (same rules as the services)."""
    if action in (Action.INTAKE, Action.RECEIVE):
        p.received = at
    elif action is Action.REQUEST_SUPPLEMENT and p.received is not None:
        p.pauses.append([at, None])
        p.supplement_requests += 1
    elif action is Action.RETURN:
        p.returned = at
    elif action is Action.SUPPLEMENT or (action in _END and p.ended is None):
        if p.pauses and p.pauses[-1][1] is None:
            p.pauses[-1][1] = at
        if action in _END:
            p.ended = at


_DOSSIER_COLS = (
    "id", "code", "receiving_unit_id", "handling_unit_id", "receiving_path", "handling_path", "procedure_id",
    "version_id", "channel", "status", "applicant_type", "applicant_name", "applicant_id_number",
    "applicant_phone", "applicant_email", "applicant_address", "representative_name",
    "representative_id_number", "representative_phone", "request_summary", "result_delivery", "sets",
    "submitted_at", "received_at", "limit_seconds", "due_at", "appointment_at", "extended_to", "pauses",
    "supplement_requests", "ended_at", "returned_at", "verdict", "late_seconds", "step_started_at",
    "step_due_at", "current_step_id", "holder_id", "fees_due", "fees_paid", "row_version", "created_at", "updated_at",
    "fee_lines", "representative_relationship", "representative_authorization", "inbound_postal_code",
)
_EVENT_COLS = ("dossier_id", "seq", "at", "action", "from_status", "to_status", "actor_name", "role", "step_id",
               "note", "data", "attachments", "prev_hash", "hash")


def _ts(epoch: int | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC)


class _Timestamps:
    """Epoch seconds -> the UTC text both databases parse, with the date part memoized."""

    def __init__(self, sqlite: bool) -> None:
        self.days: dict[int, str] = {}
        self.suffix = "" if sqlite else "+00"

    def __call__(self, epoch: int | None) -> str | None:
        if epoch is None:
            return None
        day, sec = divmod(epoch, 86400)
        text = self.days.get(day)
        if text is None:
            text = self.days[day] = datetime.fromtimestamp(day * 86400, UTC).strftime("%Y-%m-%d")
        h, rest = divmod(sec, 3600)
        m, s = divmod(rest, 60)
        return f"{text} {h:02d}:{m:02d}:{s:02d}{self.suffix}"


def _chain(key: bytes, rec: HistoryRecord, p: Projection, did: int) -> list[str]:
    """The hash of each imported event (fields as written below: actor "import", no unit)."""
    hashes, h, old = [], "", None
    for (at, name, note), status, step, data in zip(rec.events, p.trail, p.steps, p.data, strict=True):
        h = event_hash(key, h, did, at * 1_000_000, name, old, status, None, "import", "import", None, step,
                       note, data, "[]")
        hashes.append(h)
        old = status
    return hashes


def _rows(rec: HistoryRecord, p: Projection, did: int, ts: _Timestamps,
          key: bytes) -> tuple[tuple, list[tuple]]:
    due = p.due
    first, last = ts(rec.events[0][0]), ts(rec.events[-1][0])
    dossier = (
        did, rec.code, rec.receiving_unit_id, rec.handling_unit_id, rec.receiving_path, rec.handling_path,
        rec.procedure_id, rec.version_id, rec.channel, p.status, rec.applicant_type, rec.applicant_name,
        rec.applicant_id_number, rec.applicant_phone, "", rec.applicant_address, "", "", "", "", rec.result_delivery, 1,
        first, ts(p.received), rec.limit_seconds, ts(due),
        ts(rec.extended_to if rec.extended_to else due), ts(rec.extended_to), json.dumps(p.pauses),
        p.supplement_requests, ts(p.ended), ts(p.returned), p.verdict, p.late, ts(p.step_started), ts(p.step_due),
        p.current_step, p.holder, rec.fees_due, rec.fees_paid, 1, first, last, "[]", "", "", "",
    )
    events, prev, link = [], None, ""
    for seq, ((at, name, note), status, step, data, h) in enumerate(
            zip(rec.events, p.trail, p.steps, p.data, _chain(key, rec, p, did), strict=True), 1):
        events.append((did, seq, ts(at), name, prev, status, "import", "import", step, note, data, "[]", link, h))
        prev, link = status, h
    return dossier, events


NULL = "\\N"


def _e(text: str) -> str:
    """Escape text for COPY's text format."""
    return text.translate(_COPY_ESCAPES) if text else ""


def _n(value: str | None) -> str:
    return NULL if value is None else value


def _o(value: int | None) -> str:
    return NULL if value is None else str(value)


def _pg_lines(rec: HistoryRecord, p: Projection, did: int, ts: _Timestamps, key: bytes) -> tuple[str, str]:
    """The dossier's COPY line and its events' lines (columns as _DOSSIER_COLS / _EVENT_COLS)."""
    first, last = ts(rec.events[0][0]), ts(rec.events[-1][0])
    due = ts(p.due)
    ext = ts(rec.extended_to)
    dossier = "\t".join((
        str(did), _e(rec.code), str(rec.receiving_unit_id), str(rec.handling_unit_id), _e(rec.receiving_path),
        _e(rec.handling_path), str(rec.procedure_id), str(rec.version_id), str(rec.channel), str(p.status),
        str(rec.applicant_type), _e(rec.applicant_name), _e(rec.applicant_id_number), _e(rec.applicant_phone), "",
        _e(rec.applicant_address), "", "", "", "", rec.result_delivery, "1", _n(first), _n(ts(p.received)),
        str(rec.limit_seconds), _n(due), _n(ext or due), _n(ext), json.dumps(p.pauses),
        str(p.supplement_requests), _n(ts(p.ended)), _n(ts(p.returned)), p.verdict, str(p.late),
        _n(ts(p.step_started)), _n(ts(p.step_due)), _o(p.current_step), _o(p.holder), str(rec.fees_due),
        str(rec.fees_paid), "1", _n(first), _n(last), "[]", "", "", "",
    )) + "\n"
    lines, prev, link = [], NULL, ""
    for seq, ((at, name, note), status, step, data, h) in enumerate(
            zip(rec.events, p.trail, p.steps, p.data, _chain(key, rec, p, did), strict=True), 1):
        lines.append(f"{did}\t{seq}\t{ts(at)}\t{name}\t{prev}\t{status}\timport\timport\t{_o(step)}\t{_e(note)}"
                     f"\t{_e(data)}\t[]\t{link}\t{h}\n")
        prev, link = status, h
    return dossier, "".join(lines)


def _reserve_ids(n: int) -> int:
    """First of ``n`` consecutive dossier ids reserved for this import."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT pg_get_serial_sequence('dossiers_dossier', 'id')")
            seq = cur.fetchone()[0]
            cur.execute("LOCK TABLE dossiers_dossier IN SHARE ROW EXCLUSIVE MODE")
            cur.execute(f"SELECT nextval('{seq}')")
            first = cur.fetchone()[0]
            cur.execute(f"SELECT setval('{seq}', %s)", [first + n - 1])
            return int(first)
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM dossiers_dossier")
        return int(cur.fetchone()[0]) + 1


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy(table: str, cols: Sequence[str], lines: Iterable[str], chunk: int = 2000) -> None:
    """Stream pre-formatted COPY text lines into ``table`` (PostgreSQL) in chunks, so the server
    ingests one chunk while Python formats the next (two cores, one pipeline)."""
    with connection.cursor() as cur, cur.connection.cursor().copy(
            f"COPY {table} ({', '.join(cols)}) FROM STDIN") as cp:
        buf: list[str] = []
        for line in lines:
            buf.append(line)
            if len(buf) >= chunk:
                cp.write("".join(buf))
                buf.clear()
        if buf:
            cp.write("".join(buf))


def _insert(table: str, cols: Sequence[str], rows: list[tuple]) -> None:
    """executemany on the raw sqlite3 connection (values already in Django's storage format)."""
    connection.ensure_connection()
    marks = ", ".join(["?"] * len(cols))
    connection.connection.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", rows)


def _bump_counters(seqs: dict[tuple[int, str], int]) -> None:
    """Raise the code counters to the imported sequences, in a few multi-row upserts."""
    items = list(seqs.items())
    with connection.cursor() as cur:
        for i in range(0, len(items), 5000):
            chunk = items[i:i + 5000]
            values = ", ".join(["(%s, %s, %s)"] * len(chunk))
            params = [v for (unit_id, day), last in chunk for v in (unit_id, day, last)]
            cur.execute(
                f"INSERT INTO dossiers_dossiercounter (unit_id, day, last) VALUES {values} "
                "ON CONFLICT (unit_id, day) DO UPDATE SET last = "
                "CASE WHEN excluded.last > dossiers_dossiercounter.last THEN excluded.last "
                "ELSE dossiers_dossiercounter.last END", params)


def import_history(records: Iterable[HistoryRecord], province_id: int, batch: int = 20_000,
                   progress: Callable[[int], None] | None = None) -> int:
    """Import dossier histories of one province; returns the number of dossiers written."""
    cal = calendar_for(province_id)
    total = 0
    with transaction.atomic():
        buf: list[HistoryRecord] = []
        for rec in records:
            buf.append(rec)
            if len(buf) >= batch:
                total += _import_batch(buf, cal)
                buf = []
                if progress:
                    progress(total)
        if buf:
            total += _import_batch(buf, cal)
            if progress:
                progress(total)
    return total


def _import_batch(recs: list[HistoryRecord], cal: WorkingCalendar) -> int:
    first = _reserve_ids(len(recs))
    pg = connection.vendor == "postgresql"
    ts = _Timestamps(not pg)
    hkey = chain_key()
    seqs: dict[tuple[int, str], int] = {}
    # replay every history first: an illegal one raises before anything is written
    projections = [project(rec, cal) for rec in recs]
    for rec in recs:
        if rec.sequence:
            key = (rec.sequence[0], rec.sequence[1])
            if seqs.get(key, 0) < rec.sequence[2]:
                seqs[key] = rec.sequence[2]
    if pg:
        with connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # check references while streaming, not at commit
        events: list[str] = []

        def dossier_lines() -> Iterator[str]:
            for i, (rec, p) in enumerate(zip(recs, projections, strict=True)):
                d, ev = _pg_lines(rec, p, first + i, ts, hkey)
                events.append(ev)
                yield d

        _copy("dossiers_dossier", _DOSSIER_COLS, dossier_lines())
        _copy("dossiers_dossierevent", _EVENT_COLS, events, chunk=300)
        with connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL DEFERRED")
    else:
        rows = [_rows(rec, p, first + i, ts, hkey) for i, (rec, p) in enumerate(zip(recs, projections, strict=True))]
        _insert("dossiers_dossier", _DOSSIER_COLS, [d for d, _ in rows])
        _insert("dossiers_dossierevent", _EVENT_COLS, [e for _, evs in rows for e in evs])
    if any(rec.data for rec in recs):
        _approvals(first, first + len(recs) - 1)
    _bump_counters(seqs)
    return len(recs)


def _approvals(first: int, last: int) -> None:
    """The approval row of each imported ``approve`` event (its signature pending, like the services';
    no document: imported histories carry no files), in one statement."""
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO dossiers_approval (dossier_id, event_id, document_id, document_sha256, approved_by_id, "
            "approved_at, signature_status, signed_document_id, signer, certificate_serial, signed_at, "
            "result_code, issuer, signature_sha256, signature_level) "
            "SELECT dossier_id, id, NULL, '', NULL, at, %s, NULL, '', '', NULL, NULL, '', '', '' "
            "FROM dossiers_dossierevent "
            "WHERE dossier_id BETWEEN %s AND %s AND action = 'approve'", ["pending", first, last])
