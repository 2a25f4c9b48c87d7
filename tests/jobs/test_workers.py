"""Real `motcua worker` processes on PostgreSQL: several at once deliver each of 1,000 messages
exactly once and in order per ordering key; SIGTERM lets the message in hand finish."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest
from django.db import connection, transaction

from motcua.jobs import outbox
from motcua.jobs.models import OutboxMessage, Status

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
MOTCUA = str(Path(sys.executable).with_name("motcua"))


@pytest.fixture
def shared_db_url() -> str:
    """The test database as a URL other processes can open (PostgreSQL: SQLite's is in memory)."""
    s = connection.settings_dict
    if connection.vendor != "postgresql":
        pytest.skip("worker processes share the test database on PostgreSQL only (SQLite's is in memory)")
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"


def start_worker(url: str, name: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "MOTCUA_DATABASE_URL": url, "MOTCUA_ENV": "test",
           "MOTCUA_JOBS_BACKOFF_BASE": "0.2", "MOTCUA_JOBS_BACKOFF_MAX": "0.4"}  # failed ones come back soon
    return subprocess.Popen([MOTCUA, "worker", "--interval", "0.05", "--worker-id", name, "-v", "0"], env=env)


def wait_for(condition, timeout: float) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.2)


def test_four_workers_deliver_1000_messages_exactly_once_in_order_per_key(shared_db_url, record):
    path, read = record
    with transaction.atomic():
        for i in range(1000):
            m = outbox.enqueue("test.record", f"m{i}", {"path": path, "fail_times": 1 if i % 97 == 0 else 0},
                               ordering_key=f"dossier-{i % 40}")
            if i % 10 == 0:  # duplicate tasks (as a sweep racing a worker makes): workers compete for one message
                outbox.schedule(m)
                outbox.schedule(m)
    workers = [start_worker(shared_db_url, f"w{n}") for n in range(4)]
    try:
        wait_for(lambda: OutboxMessage.objects.filter(status=Status.DELIVERED).count() == 1000, 120)
    finally:
        for w in workers:
            w.send_signal(signal.SIGTERM)
        codes = [w.wait(20) for w in workers]
    assert codes == [0, 0, 0, 0]
    lines = read()
    assert len(lines) == 1000 and len({r["id"] for r in lines}) == 1000  # no loss, no duplicate
    by_key = defaultdict(list)
    for r in lines:
        by_key[r["ordering_key"]].append(r["id"])
    assert all(ids == sorted(ids) for ids in by_key.values())  # in order per dossier
    assert len({r["pid"] for r in lines}) >= 2  # the work was really shared
    retried = [r for r in lines if r["key"] in {f"m{i}" for i in range(0, 1000, 97)}]
    assert len(retried) == 11 and {r["attempt"] for r in retried} == {2}


def test_sigterm_finishes_the_message_in_hand_then_exits(shared_db_url, record):
    path, read = record
    m = outbox.enqueue("test.record", "slow", {"path": path, "sleep": 2.0})
    later = outbox.enqueue("test.record", "later", {"path": path, "sleep": 2.0}, ordering_key="slow")
    worker = start_worker(shared_db_url, "term")
    try:
        wait_for(lambda: OutboxMessage.objects.filter(id=m.id, leased_until__isnull=False).exists(), 60)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(20) == 0
    finally:
        worker.kill()
    m.refresh_from_db()
    later.refresh_from_db()
    assert m.status == Status.DELIVERED and [r["key"] for r in read()] == ["slow"]
    assert later.status == Status.PENDING and later.attempts == 0  # not started: left for the next worker
