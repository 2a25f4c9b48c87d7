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
from motcua.domain.errors import ValidationFailed
from motcua.domain.lifecycle import Action, Status, next_status
from motcua.domain.verdict import quick_category
from motcua.domain.workcal import WorkingCalendar

_ACTIONS = {a.value: a for a in Action}
_END = {Action.FINISH, Action.STOP, Action.REFUSE, Action.WITHDRAW}


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


def project(rec: HistoryRecord, cal: WorkingCalendar) -> Projection:
    """Replay the events through the state machine and compute the dossier's projection."""
    status: Status | None = None
    resume: Status | None = None
    p = Projection(status=0, received=None)
    for at, name, _ in rec.events:
        action = _ACTIONS[name]
        if action is Action.REQUEST_SUPPLEMENT:
            resume = status
        status = next_status(action, status, resume)
        p.trail.append(int(status))
        _apply_clock(p, action, at)
    assert status is not None
    p.status = int(status)
    if p.received is not None:
        closed = [(s, e) for s, e in p.pauses if e is not None]
        p.due = cal.due_epoch(p.received, rec.limit_seconds, closed, rec.cutoff)
        if p.ended is not None:
            cat, p.late = quick_category(cal, p.due, p.ended, p.supplement_requests, True)
            p.verdict = cat.value
    return p


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
    "step_due_at", "fees_due", "fees_paid", "row_version", "created_at", "updated_at",
)
_EVENT_COLS = ("dossier_id", "seq", "at", "action", "from_status", "to_status", "actor_name", "role", "note",
               "data", "attachments")


def _ts(epoch: int | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC)


_SQLITE_DAYS: dict[int, str] = {}


def _sqlite_ts(epoch: int | None) -> str | None:
    """The text Django's SQLite backend stores for ``_ts(epoch)`` (naive UTC, "YYYY-MM-DD HH:MM:SS"),
    without building a datetime per value (imports write millions of them)."""
    if epoch is None:
        return None
    d, s = divmod(epoch, 86400)
    day = _SQLITE_DAYS.get(d)
    if day is None:
        day = _SQLITE_DAYS[d] = datetime.fromtimestamp(d * 86400, UTC).strftime("%Y-%m-%d")
    h, s = divmod(s, 3600)
    m, s = divmod(s, 60)
    return f"{day} {h:02d}:{m:02d}:{s:02d}"


def _timestamp_adapter() -> Callable[[int | None], object]:
    """How instants are written: datetimes for COPY (PostgreSQL), preformatted text on SQLite
    when the connection stores UTC (the default with USE_TZ), else Django's own adaptation."""
    if connection.vendor == "postgresql":
        return _ts
    from django.conf import settings

    if settings.USE_TZ and connection.settings_dict.get("TIME_ZONE") is None:
        return _sqlite_ts
    adapt = connection.ops.adapt_datetimefield_value
    return lambda epoch: adapt(_ts(epoch))


def _rows(rec: HistoryRecord, p: Projection, did: int, ts: Callable[[int | None], object] = _ts,
          ) -> tuple[tuple, list[tuple]]:
    due = p.due
    first = ts(rec.events[0][0])
    dossier = (
        did, rec.code, rec.receiving_unit_id, rec.handling_unit_id, rec.receiving_path, rec.handling_path,
        rec.procedure_id, rec.version_id, rec.channel, p.status, rec.applicant_type, rec.applicant_name,
        rec.applicant_id_number, rec.applicant_phone, "", rec.applicant_address, "", "", "", "", "counter", 1,
        first, ts(p.received), rec.limit_seconds, ts(due),
        ts(rec.extended_to if rec.extended_to else due), ts(rec.extended_to), json.dumps(p.pauses),
        p.supplement_requests, ts(p.ended), ts(p.returned), p.verdict, p.late, None, None,
        rec.fees_due, rec.fees_paid, 1, first, ts(rec.events[-1][0]),
    )
    events, prev = [], None
    for seq, ((at, name, note), status) in enumerate(zip(rec.events, p.trail, strict=True), 1):
        events.append((did, seq, ts(at), name, prev, status, "import", "import", note, "{}", "[]"))
        prev = status
    return dossier, events


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


def _write(table: str, cols: Sequence[str], rows: Iterable[tuple]) -> None:
    """Write rows (instants already adapted by :func:`_timestamp_adapter`); ``rows`` may be a
    generator: on PostgreSQL it is consumed while COPY streams, so the server works meanwhile."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.connection.cursor().copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as cp:
                for row in rows:
                    cp.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(cols))
            cur.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", rows)


_BUMP_SQL = (
    "INSERT INTO dossiers_dossiercounter (unit_id, day, last) {values} "
    "ON CONFLICT (unit_id, day) DO UPDATE SET last = "
    "CASE WHEN excluded.last > dossiers_dossiercounter.last THEN excluded.last "
    "ELSE dossiers_dossiercounter.last END"
)


def _bump_counters(seqs: dict[tuple[int, str], int]) -> None:
    """Raise each (unit, day) code counter to at least the last imported sequence number, in
    one statement (PostgreSQL) or one executemany (SQLite) rather than one round trip each."""
    if not seqs:
        return
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            units, days, lasts = [], [], []
            for (unit_id, day), last in seqs.items():
                units.append(unit_id)
                days.append(day)
                lasts.append(last)
            cur.execute(_BUMP_SQL.format(
                values="SELECT * FROM unnest(%s::bigint[], %s::date[], %s::integer[])"), [units, days, lasts])
        else:
            cur.executemany(_BUMP_SQL.format(values="VALUES (%s, %s, %s)"),
                            [(unit_id, day, last) for (unit_id, day), last in seqs.items()])


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
    events: list[tuple] = []
    seqs: dict[tuple[int, str], int] = {}
    ts = _timestamp_adapter()

    def dossiers() -> Iterator[tuple]:
        for i, rec in enumerate(recs):
            if not rec.events:
                raise ValidationFailed("A dossier history needs at least one event.", fields={"code": rec.code})
            d, ev = _rows(rec, project(rec, cal), first + i, ts)
            events.extend(ev)
            if rec.sequence:
                key = (rec.sequence[0], rec.sequence[1])
                last = rec.sequence[2]
                if seqs.get(key, 0) < last:
                    seqs[key] = last
            yield d

    if connection.vendor == "postgresql":
        _write("dossiers_dossier", _DOSSIER_COLS, dossiers())  # rows built while COPY streams
    else:
        _write("dossiers_dossier", _DOSSIER_COLS, list(dossiers()))  # validated before any write
    _write("dossiers_dossierevent", _EVENT_COLS, events)
    _bump_counters(seqs)
    return len(recs)
