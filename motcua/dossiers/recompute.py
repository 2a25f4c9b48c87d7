"""Recompute the due times of a province's open dossiers after a calendar change.

Reads the clock facts with one streaming query, computes due times with the pure calendar in
epoch seconds, and writes back only the rows whose due time changed (a new holiday touches the
dossiers whose window spans it), in batches: COPY + UPDATE ... FROM on PostgreSQL.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import time

from django.db import connection, transaction

from motcua.calendars.services import calendar_for
from motcua.domain.workcal import WorkingCalendar

log = logging.getLogger("motcua.recompute")
OPEN_RECEIVED = (2, 4, 5, 6)
BATCH = 50_000


@dataclass
class RecomputeResult:
    scanned: int = 0
    changed: int = 0


def _epoch_sql(col: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(EPOCH FROM {col}) AS BIGINT)"
    # '%%': the query runs with parameters, so Django's SQLite backend turns a bare %s into a
    # placeholder (here inside a string literal: strftime('?') read every instant as 0)
    return f"CAST(strftime('%%s', {col}) AS INTEGER)"


def _rows(province_id: int) -> Iterator[tuple]:
    sql = (
        f"SELECT d.id, {_epoch_sql('d.received_at')}, d.limit_seconds, d.pauses, "
        f"{_epoch_sql('d.due_at')}, v.cutoff_time, {_epoch_sql('d.extended_to')} "
        "FROM dossiers_dossier d JOIN catalog_procedureversion v ON v.id = d.version_id "
        f"WHERE d.status IN ({','.join(map(str, OPEN_RECEIVED))}) AND d.receiving_path LIKE %s "
        # a supplement can be requested before receipt: such a dossier has no clock yet
        "AND d.received_at IS NOT NULL "
        "ORDER BY d.id"
    )
    params = [f"/{province_id}/%"]
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as plain:
            raw = plain.connection.cursor(name="recompute_scan")  # server-side cursor
            raw.itersize = BATCH
            raw.execute(sql.replace("%s", "%(p)s"), {"p": params[0]})
            yield from raw
            raw.close()
    else:
        with connection.cursor() as cur:
            cur.execute(sql, params)
            while chunk := cur.fetchmany(BATCH):
                yield from chunk


def _cutoff(cal: WorkingCalendar, value: object) -> int:
    if value is None:
        return -1
    t = value if isinstance(value, time) else time.fromisoformat(str(value))
    return t.hour * 3600 + t.minute * 60 + t.second


def compute_changes(cal: WorkingCalendar, rows: Iterator[tuple], result: RecomputeResult,
                    progress: Callable[[int], None] | None = None) -> Iterator[tuple[int, int, int]]:
    """Yield (id, new_due_epoch, new_appointment_epoch) for rows whose due time changed."""
    for rid, received, limit, pauses, due, cutoff, extended in rows:
        if received is None:  # not received yet: no clock, nothing to recompute
            continue
        result.scanned += 1
        if progress and result.scanned % BATCH == 0:
            progress(result.scanned)
        if isinstance(pauses, str):
            pauses = json.loads(pauses)
        closed = [(s, e) for s, e in pauses if e is not None] if pauses else ()
        new_due = cal.due_epoch(received, limit, closed, _cutoff(cal, cutoff))
        if new_due != due:
            result.changed += 1
            yield rid, new_due, extended if extended is not None else new_due


def _flush(batch: list[tuple[int, int, int]]) -> None:
    if not batch:
        return
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("CREATE TEMP TABLE IF NOT EXISTS recompute_due "
                        "(id bigint, due bigint, appt bigint) ON COMMIT DELETE ROWS")
            with cur.connection.cursor().copy("COPY recompute_due (id, due, appt) FROM STDIN") as cp:
                for row in batch:
                    cp.write_row(row)
            cur.execute("UPDATE dossiers_dossier d SET due_at = to_timestamp(r.due), "
                        "appointment_at = to_timestamp(r.appt), row_version = d.row_version + 1 "
                        "FROM recompute_due r WHERE d.id = r.id")
            cur.execute("DELETE FROM recompute_due")
        else:
            cur.executemany(
                "UPDATE dossiers_dossier SET due_at = datetime(%s, 'unixepoch'), "
                "appointment_at = datetime(%s, 'unixepoch'), row_version = row_version + 1 WHERE id = %s",
                [(due, appt, rid) for rid, due, appt in batch])


def recompute_open_dossiers(province_id: int, progress: Callable[[int], None] | None = None) -> RecomputeResult:
    """Recompute due times of all open received dossiers of a province; returns counts."""
    cal = calendar_for(province_id)
    result = RecomputeResult()
    changes = list(compute_changes(cal, _rows(province_id), result, progress))
    with transaction.atomic():
        for i in range(0, len(changes), BATCH):
            _flush(changes[i:i + BATCH])
    log.info("recomputed province %s: %s scanned, %s changed", province_id, result.scanned, result.changed)
    return result
