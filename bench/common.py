"""Shared helpers for the benchmarks: databases by URL, seeding, Django set-up, statistics, output.

Every bench script is a plain program: it creates (or reuses) its own database, seeds it with
``motcua demo --dossiers 0`` (migrate + demo province, catalog and staff), runs, and prints one
JSON object (also written to ``--json FILE`` for bench/run_all.py).

Databases:
  --db postgres  ->  $MOTCUA_BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/) + name
  --db sqlite    ->  sqlite:///$MOTCUA_BENCH_DIR/<name>.sqlite3 (default /tmp/motcua_bench)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the venv's bin (run the benches with .venv/bin/python)
PG_BASE = os.environ.get("MOTCUA_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/")
SQLITE_DIR = Path(os.environ.get("MOTCUA_BENCH_DIR", "/tmp/motcua_bench"))
VN = 7 * 3600


# ---- databases ------------------------------------------------------------------------------

def db_url(kind: str, name: str) -> str:
    if kind == "postgres":
        return PG_BASE.rstrip("/") + "/" + name
    if kind == "sqlite":
        SQLITE_DIR.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{SQLITE_DIR / (name + '.sqlite3')}"
    raise SystemExit(f"unknown --db {kind!r} (sqlite or postgres)")


def _pg_admin(url: str) -> tuple[str, str]:
    """(maintenance connection string, database name) for a postgres:// URL."""
    p = urlparse(url)
    return url[: len(url) - len(p.path)] + "/postgres", p.path.lstrip("/")


def _sqlite_path(url: str) -> Path:
    return Path(urlparse(url).path)


def drop_db(url: str) -> None:
    if url.startswith("sqlite"):
        path = _sqlite_path(url)
        for suffix in ("", "-wal", "-shm", "-journal", ".seed"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return
    import psycopg

    admin, name = _pg_admin(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def create_db(url: str) -> None:
    """A fresh, empty database at ``url`` (an existing one is dropped first)."""
    drop_db(url)
    if url.startswith("postgres"):
        import psycopg

        admin, name = _pg_admin(url)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')


def snapshot(url: str) -> None:
    """SQLite: keep a copy of the seeded file so that :func:`restore` can reset it cheaply."""
    if url.startswith("sqlite"):
        shutil.copyfile(_sqlite_path(url), str(_sqlite_path(url)) + ".seed")


def restore(url: str) -> None:
    """SQLite: put back the seeded file saved by :func:`snapshot` (close connections first)."""
    path = _sqlite_path(url)
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    shutil.copyfile(str(path) + ".seed", path)


def db_exists(url: str) -> bool:
    if url.startswith("sqlite"):
        return _sqlite_path(url).exists()
    import psycopg

    admin, name = _pg_admin(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def bench_env(url: str, **extra: str) -> dict[str, str]:
    """Environment for motcua processes: the bench database, DEBUG off (no query log)."""
    env = dict(os.environ)
    env.update(MOTCUA_DATABASE_URL=url, MOTCUA_DEBUG="0", DJANGO_SETTINGS_MODULE="motcua.settings")
    env.setdefault("MOTCUA_ENV", "development")
    env.update(extra)
    return env


def motcua(url: str, *args: str) -> str:
    """Run a ``motcua`` management command against ``url``; returns its stdout."""
    out = subprocess.run([str(BIN / "motcua"), *args], env=bench_env(url), cwd=ROOT, check=True,
                         capture_output=True, text=True)
    return out.stdout


def seed(url: str) -> None:
    """Migrate and load the demo province, catalog and staff (no dossiers)."""
    motcua(url, "demo", "--dossiers", "0")


def prepare(url: str, reuse: bool = False) -> bool:
    """Create and seed a database unless ``reuse`` and it already exists; True if created."""
    if reuse and db_exists(url):
        return False
    create_db(url)
    seed(url)
    return True


def setup_django(url: str) -> None:
    """Configure this process for ``url`` and start Django (call before importing motcua)."""
    os.environ.update({k: v for k, v in bench_env(url).items() if k.startswith(("MOTCUA_", "DJANGO_"))})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# ---- command line and output ----------------------------------------------------------------

def parser(description: str, n: int, default_db: str = "postgres") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--db", choices=["sqlite", "postgres"], default=default_db)
    p.add_argument("--n", type=int, default=n, help=f"size (default {n:,})")
    p.add_argument("--name", help="database name (default: motcua_bench_<script>)")
    p.add_argument("--reuse", action="store_true", help="reuse the database if it exists (skip set-up)")
    p.add_argument("--keep", action="store_true", help="keep the database afterwards")
    p.add_argument("--repeat", type=int, default=3, help="timed repetitions (median reported)")
    p.add_argument("--json", help="also write the result object to this file")
    return p


def emit(result: dict[str, Any], path: str | None) -> None:
    text = json.dumps(result, indent=2, default=str, ensure_ascii=False)
    print(text)
    if path:
        Path(path).write_text(text + "\n", encoding="utf-8")


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def percentile(xs: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    if not xs:
        return float("nan")
    s = sorted(xs)
    k = max(0, min(len(s) - 1, int(round(q / 100 * len(s) + 0.5)) - 1))
    return s[k]


class Timer:
    def __enter__(self) -> Timer:
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.t0


# ---- data -----------------------------------------------------------------------------------

def province():  # noqa: ANN201
    from motcua.core.demo import PROVINCE
    from motcua.units.models import Unit

    return Unit.objects.get(code=PROVINCE[0], kind="province")


def day_epoch(d: date) -> int:
    """POSIX seconds of local (UTC+7) midnight of ``d``."""
    return int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp()) - VN


def working_days(cal: Any, start: date, end: date) -> list[date]:
    out, d = [], start
    while d <= end:
        if cal.is_working_day(d):
            out.append(d)
        d += timedelta(days=1)
    return out


def next_free_working_day(cal: Any, after: date, skip: int = 2) -> date:
    """The ``skip``-th working day after ``after`` (a candidate for a newly declared holiday)."""
    d, seen = after, 0
    while seen < skip:
        d += timedelta(days=1)
        if cal.is_working_day(d):
            seen += 1
    return d


def open_records(n: int, start: date, end: date, seed_: int = 7) -> Iterator[Any]:
    """``n`` OPEN counter dossiers (events [intake] or [intake, start]) received on working days
    between ``start`` and ``end`` by the demo province's commune and provincial centres, with
    realistic procedures (weighted as the generator does), limits, cut-offs and applicants.
    Code counters are carried in ``sequence`` so later API intakes never collide."""
    from motcua.catalog.choices import Channel
    from motcua.domain.codes import format_dossier_code
    from motcua.dossiers.bulk import HistoryRecord
    from motcua.dossiers.generator import Generator, _cutoff

    gen = Generator(province(), start, end, seed_)
    rng = random.Random(seed_)
    targets = [t for t in gen.targets if t.version.accepts_channel(Channel.DIRECT)]
    weights = [t.weight for t in targets]
    days = working_days(gen.cal, start, end)
    day0 = {d: day_epoch(d) for d in days}
    facts = {id(t): (t.version.limit_seconds(Channel.DIRECT), t.version.fee_total(Channel.DIRECT),
                     _cutoff(t.version)) for t in targets}
    seq: dict[tuple[int, date], int] = dict(gen.seq)
    picks = rng.choices(targets, weights, k=n)
    for t in picks:
        day = rng.choice(days)
        received = day0[day] + int(rng.triangular(7.5 * 3600, 17 * 3600, 9.5 * 3600))
        events = [(received, "intake", "")]
        if rng.random() < 0.7:
            events.append((received + rng.randrange(60, 1800), "start", ""))
        key = (t.receiving.pk, day)
        seq[key] = s = seq.get(key, 0) + 1
        limit, fee, cutoff = facts[id(t)]
        yield HistoryRecord(
            code=format_dossier_code(t.receiving.code, day, s), receiving_unit_id=t.receiving.pk,
            handling_unit_id=t.handling.pk, receiving_path=t.receiving.path, handling_path=t.handling.path,
            procedure_id=t.version.procedure_id, version_id=t.version.pk, channel=int(Channel.DIRECT),
            applicant_name=gen._name(), limit_seconds=limit, events=events,
            applicant_id_number=f"068{rng.randrange(10**8, 10**9)}", applicant_phone=f"09{rng.randrange(10**7, 10**8)}",
            applicant_address=f"{t.handling.name}, Lâm Đồng", fees_due=fee, cutoff=cutoff,
            sequence=(t.receiving.pk, day.isoformat(), s),
        )


def load_open_dossiers(n: int, start: date, end: date, batch: int = 50_000) -> dict[str, float]:
    """Bulk-import ``n`` open dossiers (see :func:`open_records`); returns counts and timing."""
    from motcua.dossiers.bulk import import_history

    t0 = time.perf_counter()
    total = import_history(open_records(n, start, end), province().pk, batch=batch,
                           progress=lambda k: print(f"  loaded {k:,}/{n:,}", file=sys.stderr, flush=True))
    return {"dossiers": total, "seconds": round(time.perf_counter() - t0, 1)}


def analyze(url: str) -> None:
    """Refresh planner statistics after a bulk load (PostgreSQL: VACUUM ANALYZE)."""
    if url.startswith("postgres"):
        import psycopg

        with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
    else:
        import sqlite3

        with sqlite3.connect(_sqlite_path(url)) as conn:
            conn.execute("ANALYZE")
