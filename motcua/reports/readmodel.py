"""Maintaining the statistics read model (:mod:`motcua.reports.models`).

Synchronous at read time: a trigger marks the dossier of every new event dirty in the event's
own transaction; :func:`refresh` applies the dirty dossiers (one at a time per database, under a
lock) and the figures read after it, so they are exact the moment an event is committed. A
periodic ``motcua refresh_readmodel`` keeps the queue short; ``motcua rebuild_readmodel``
recomputes everything from the event log (after a calendar change, or to verify).
"""

from __future__ import annotations

import time as timer
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, time
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction

from motcua.calendars.models import CalendarSettings
from motcua.calendars.services import calendar_for
from motcua.domain.workcal import to_epoch
from motcua.dossiers.models import Dossier, DossierEvent

from . import storedfiles
from .deltas import NO_FILES, RELEVANT, Contribution, Deltas, Files, Profile, contribution, decode, encode
from .facts import ratings_of
from .models import COLUMNS, DirtyDossier, DossierContribution, ReadModelState, RequestPair
from .steps import left_steps

MAX_INLINE = 20_000  # dirty rows a read applies itself; more: the read uses the event log
LOCK_KEY = 7_660_766  # PostgreSQL advisory lock serializing writers of the buckets
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
BucketKey = tuple[str, str, int, int, int]  # scope path, grain, day number, procedure, channel


def prefixes(path: str) -> list[str]:
    """"/1/7/42/" -> ["/1/", "/1/7/", "/1/7/42/"]."""
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def day_of(n: int) -> date:
    return date.fromordinal(n + EPOCH_ORDINAL)


def month_and_year_of(n: int) -> tuple[int, int]:
    d = day_of(n)
    return date(d.year, d.month, 1).toordinal() - EPOCH_ORDINAL, date(d.year, 1, 1).toordinal() - EPOCH_ORDINAL


def _cutoff(t: time | None) -> int:
    return -1 if t is None else t.hour * 3600 + t.minute * 60 + t.second


def profile_of(row: dict[str, Any]) -> Profile:
    return Profile(row["limit_seconds"], _cutoff(row["version__cutoff_time"]), row["channel"],
                   row["version__online_level"] == "full")


def province_of(path: str) -> int:
    return int(path.strip("/").split("/")[0])


class BucketDiff:
    """Signed changes to bucket rows, expanded over the subtree ancestors and the three grains."""

    def __init__(self) -> None:
        self.rows: dict[BucketKey, list[int]] = defaultdict(lambda: [0] * len(COLUMNS))
        self._months: dict[int, tuple[int, int]] = {}

    def add(self, path: str, procedure_id: int, channel: int, deltas: Deltas, sign: int = 1) -> None:
        scopes = prefixes(path)
        for (day, col), n in deltas.items():
            my = self._months.get(day)
            if my is None:
                my = self._months[day] = month_and_year_of(day)
            for scope in scopes:
                self.rows[(scope, "D", day, procedure_id, channel)][col] += sign * n
                self.rows[(scope, "M", my[0], procedure_id, channel)][col] += sign * n
                self.rows[(scope, "Y", my[1], procedure_id, channel)][col] += sign * n

    def nonzero(self) -> Iterator[tuple[BucketKey, list[int]]]:
        return ((k, v) for k, v in self.rows.items() if any(v))


COPY_FROM = 2000  # bucket rows from which PostgreSQL gets them by COPY into a staging table


def upsert(diff: BucketDiff, chunk: int = 400) -> int:
    """Add the diff to the bucket rows (creating missing ones); returns the number of rows."""
    rows = [(s, g, day_of(d), p, c, *v) for (s, g, d, p, c), v in sorted(diff.nonzero())]
    if connection.vendor == "postgresql" and len(rows) >= COPY_FROM:
        _upsert_copy(rows)
        return len(rows)
    cols = ", ".join(COLUMNS)
    width = 5 + len(COLUMNS)
    one = "(" + ", ".join(["%s"] * width) + ")"
    adapt = connection.ops.adapt_datefield_value
    with connection.cursor() as cur:
        for i in range(0, len(rows), chunk):
            part = rows[i:i + chunk]
            cur.execute(
                f"INSERT INTO reports_figurebucket (scope_path, grain, day, procedure_id, channel, {cols}) "
                f"VALUES {', '.join([one] * len(part))} {_ON_CONFLICT}",
                [adapt(x) if isinstance(x, date) else x for r in part for x in r])
    return len(rows)


_ON_CONFLICT = ("ON CONFLICT (scope_path, grain, day, procedure_id, channel) DO UPDATE SET "
                + ", ".join(f"{c} = reports_figurebucket.{c} + excluded.{c}" for c in COLUMNS))


def _upsert_copy(rows: list[tuple[Any, ...]]) -> None:
    """Large diffs (a rebuild, a bulk import): COPY to a session staging table emptied at commit,
    then one INSERT .. SELECT .. ON CONFLICT (several times faster than VALUES lists)."""
    cols = ", ".join(COLUMNS)
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE IF NOT EXISTS reports_bucket_in (scope_path varchar(255), grain varchar(1), "
                    "day date, procedure_id integer, channel smallint, "
                    + ", ".join(f"{c} bigint" for c in COLUMNS) + ") ON COMMIT DELETE ROWS")
        with cur.cursor.copy(f"COPY reports_bucket_in (scope_path, grain, day, procedure_id, channel, {cols}) "
                             "FROM STDIN") as cp:
            for row in rows:
                cp.write_row(row)
        cur.execute(f"INSERT INTO reports_figurebucket (scope_path, grain, day, procedure_id, channel, {cols}) "
                    f"SELECT scope_path, grain, day, procedure_id, channel, {cols} FROM reports_bucket_in "
                    f"{_ON_CONFLICT}")
        cur.execute("TRUNCATE reports_bucket_in")


_ATTRS = ("id", "handling_path", "receiving_path", "procedure_id", "channel", "limit_seconds",
          "version__cutoff_time", "version__online_level")


def _events(ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    out: dict[int, list[tuple[int, str]]] = defaultdict(list)
    rows = (DossierEvent.objects.filter(dossier_id__in=ids, action__in=RELEVANT).order_by("dossier_id", "seq")
            .values_list("dossier_id", "at", "action"))
    for dossier_id, at, action in rows:
        out[dossier_id].append((to_epoch(at), action))
    return out


def files_of(ids: list[int]) -> dict[int, Files]:
    """The digitization marks and signed results of the dossiers ``ids`` (those with any)."""
    m = storedfiles.digitization(ids)
    signed = storedfiles.electronic_results(ids)
    results = storedfiles.digitized_results(ids)
    return {i: Files(i in m.digitizable, i in m.digitized, i in signed, i in m.any, i in m.all, i in results)
            for i in m.digitizable | m.any | signed | results}


def apply_dossiers(ids: Iterable[int]) -> int:
    """Recompute the contribution of the dossiers ``ids`` and apply the difference; returns the
    number of bucket rows written. The caller holds the writer lock (:func:`_lock`)."""
    ids = sorted(set(ids))
    attrs = {r["id"]: r for r in Dossier.objects.filter(pk__in=ids).values(*_ATTRS)}
    events = _events(ids)
    steps = left_steps(ids)
    ratings = ratings_of(ids)
    files = files_of(ids)
    old = {c.dossier_id: c for c in DossierContribution.objects.filter(dossier_id__in=ids)}
    diff = BucketDiff()
    for c in old.values():
        diff.add(c.handling_path, c.procedure_id, c.channel, decode(c.deltas), -1)
    new: list[DossierContribution] = []
    pairs: list[RequestPair] = []
    for dossier_id, row in attrs.items():
        cal = calendar_for(province_of(row["receiving_path"]))
        contrib = contribution(profile_of(row), events.get(dossier_id, []), cal, ratings.get(dossier_id),
                               files.get(dossier_id, NO_FILES), steps.get(dossier_id, ()))
        diff.add(row["handling_path"], row["procedure_id"], row["channel"], contrib.deltas)
        new.append(_contribution_row(dossier_id, row, contrib))
        pairs += [RequestPair(dossier_id=dossier_id, handling_path=row["handling_path"],
                              procedure_id=row["procedure_id"], channel=row["channel"], first_at=a, next_at=b)
                  for a, b in contrib.pairs]
    DossierContribution.objects.filter(dossier_id__in=ids).delete()
    DossierContribution.objects.bulk_create(new, batch_size=1000)
    RequestPair.objects.filter(dossier_id__in=ids).delete()
    RequestPair.objects.bulk_create(pairs, batch_size=1000)
    _remember_calendars({province_of(r["receiving_path"]) for r in attrs.values()})
    transaction.on_commit(bump_revision)  # figures kept in the shared cache are computed again
    return upsert(diff)


def _contribution_row(dossier_id: int, row: dict[str, Any], c: Contribution) -> DossierContribution:
    return DossierContribution(dossier_id=dossier_id, handling_path=row["handling_path"],
                               procedure_id=row["procedure_id"], channel=row["channel"],
                               deltas=encode(c.deltas))


def calendar_revision(province_id: int) -> int | None:
    return CalendarSettings.objects.filter(province_id=province_id).values_list("revision", flat=True).first()


def _remember_calendars(provinces: set[int]) -> None:
    known = set(ReadModelState.objects.filter(province_id__in=provinces).values_list("province_id", flat=True))
    ReadModelState.objects.bulk_create([ReadModelState(province_id=p, calendar_revision=calendar_revision(p))
                                        for p in sorted(provinces - known)])


def is_current(province_id: int) -> bool:
    """Were the province's buckets computed with its calendar as it is now?"""
    state = ReadModelState.objects.filter(province_id=province_id).first()
    return state is None or state.calendar_revision == calendar_revision(province_id)


def ready(province_id: int) -> bool:
    """Can the read model answer for the province now? Applies a short dirty queue first; False
    while the queue is long or the buckets predate the province's calendar (read the event log)."""
    return refresh() and is_current(province_id)


def _lock(wait: float | None = None) -> bool:
    """Take the buckets' writer lock for this transaction (PostgreSQL); with ``wait``, give up
    after that many seconds (a rebuild holds it for long: reads then use the event log)."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cur:
        if wait is None:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
            return True
        deadline = timer.monotonic() + wait
        while True:
            cur.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
            if cur.fetchone()[0]:
                return True
            if timer.monotonic() > deadline:
                return False
            timer.sleep(0.02)


def refresh(limit: int | None = MAX_INLINE, chunk: int = 2000, wait: float | None = 2.0,
            progress: Any = None) -> bool:
    """Apply the dirty dossiers, ``chunk`` at a time, each chunk in its own transaction. With
    ``limit``, give up (False) when more rows than that are waiting, or when the lock is not free
    within ``wait`` seconds: the caller then reads the event log instead. Without ``limit`` (the
    command, a rebuild), wait for the lock; ``progress(done)`` is called after each chunk."""
    if not DirtyDossier.objects.exists():
        return True
    if limit is not None and DirtyDossier.objects.all()[:limit + 1].count() > limit:
        return False
    done = 0
    while True:
        with transaction.atomic():
            if not _lock(wait if limit is not None else None):
                return False
            rows = list(DirtyDossier.objects.order_by("id").values_list("id", "dossier_id")[:chunk])
            if not rows:
                return True
            apply_dossiers({d for _, d in rows})
            DirtyDossier.objects.filter(id__in=[i for i, _ in rows]).delete()
        done += len(rows)
        if progress:
            progress(done)


def requeue(province_id: int | None = None) -> int:
    """Queue every dossier (of one province) for recomputation, in the caller's transaction, and
    record that the queue brings the province's buckets to its current calendar. Until the queue
    is short again reads use the event log; ``motcua refresh_readmodel`` drains it chunk by chunk."""
    transaction.on_commit(bump_revision)
    sql = "INSERT INTO reports_dirtydossier (dossier_id) SELECT id FROM dossiers_dossier"
    params: list[Any] = []
    if province_id is not None:
        sql += " WHERE receiving_path LIKE %s"
        params.append(f"/{province_id}/%")
    with connection.cursor() as cur:
        cur.execute(sql, params)
        n = cur.rowcount
    provinces = [province_id] if province_id is not None else list(
        CalendarSettings.objects.values_list("province_id", flat=True))
    for p in provinces:
        ReadModelState.objects.update_or_create(province_id=p, defaults={"calendar_revision": calendar_revision(p)})
    return n


def on_calendar_changed(sender: Any, province_id: int, **kwargs: Any) -> None:
    """A province's calendar changed (in this transaction): every due time of its dossiers may have
    moved, so all of them are recomputed (each one's old contribution is subtracted)."""
    with transaction.atomic():
        _lock()
        requeue(province_id)


def rebuild(chunk: int = 2000, progress: Any = None) -> int:
    """Recompute the whole read model from the event log; returns the number of dossiers. One
    short transaction empties it and queues every dossier; the queue is then drained chunk by
    chunk (each chunk committed: an interrupted rebuild is finished by ``refresh_readmodel``).
    Reads use the event log until the queue is short."""
    with transaction.atomic():
        _lock()
        for model in (DirtyDossier, DossierContribution, RequestPair, ReadModelState):
            model.objects.all().delete()
        with connection.cursor() as cur:
            cur.execute("DELETE FROM reports_figurebucket")
        n = requeue()
    refresh(limit=None, chunk=chunk, progress=progress)
    return n


def pending() -> int:
    return DirtyDossier.objects.count()


REVISION_KEY = "reports:readmodel:revision"


def revision() -> int:
    """A number that changes whenever the buckets do (after the commit that changed them): a key
    for figures kept in the shared cache (the dashboard's past months), so they are never older
    than the read model."""
    return cache.get_or_set(REVISION_KEY, 0, None)


def bump_revision() -> None:
    try:
        cache.incr(REVISION_KEY)
    except ValueError:  # not set (or evicted): any new value invalidates the old keys
        cache.set(REVISION_KEY, int(timer.time() * 1000), None)
