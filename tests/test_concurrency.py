"""Concurrency: simultaneous intakes get unique, gapless codes; two officers acting on one dossier
at the same moment cannot both win. Real threads, one database connection each, real commits."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections

from motcua.domain.errors import Conflict, IllegalTransition
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier, DossierEvent
from tests.factories import through_process

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("shared_db")]


@pytest.fixture
def shared_db(world, tmp_path: Path) -> Iterator[None]:  # noqa: ANN001
    """On SQLite, run the test against a database FILE, as deployed.

    pytest-django's SQLite test database is in memory with a shared cache; there concurrent writers
    get SQLITE_LOCKED ("database table is locked") at once, which neither the busy timeout nor
    IMMEDIATE transactions can wait for. A file database (WAL, timeout 30, BEGIN IMMEDIATE) is what
    production runs, so the test copies the prepared database (schema, triggers, the world) to a
    file and points every new connection at it. PostgreSQL needs none of this.
    """
    mem = connections["default"]
    if mem.vendor != "sqlite" or not mem.is_in_memory_db():
        yield
        return
    path = tmp_path / "concurrency.sqlite3"
    mem.ensure_connection()
    target = sqlite3.connect(path)
    mem.connection.backup(target)
    target.close()
    original = connections.settings["default"]
    connections.settings["default"] = {**original, "NAME": str(path)}
    connections["default"] = connections.create_connection("default")
    try:
        yield
    finally:
        connections["default"].close()
        connections["default"] = mem
        connections.settings["default"] = original


def run_together(jobs: list[Callable[[], Any]], timeout: float = 120) -> list[tuple[str, Any]]:
    """Start every job at the same instant, each in its own thread (and so its own connection).
    Returns ("ok", result) or ("error", exception) per job, in order."""
    barrier = threading.Barrier(len(jobs))
    results: list[tuple[str, Any]] = [("missing", None)] * len(jobs)

    def worker(i: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = ("ok", job())
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            results[i] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    assert not any(t.is_alive() for t in threads), "a thread is stuck"
    return results


def test_concurrent_intake_codes_are_unique_and_gapless(world, clock):
    clock.set("2026-03-10 09:00")
    actor, n_threads, per_thread = world.actor("counter_a"), 4, 10

    def job() -> list[str]:
        return [svc.intake(actor, world.intake_request()).code for _ in range(per_thread)]

    results = run_together([job] * n_threads)
    errors = [r for kind, r in results if kind != "ok"]
    assert not errors, errors
    codes = [c for _, batch in results for c in batch]
    assert len(codes) == len(set(codes)) == 40
    assert sorted(codes) == [f"000.31.90.H39-260310-{n:04d}" for n in range(1, 41)]
    for _, batch in results:  # each thread saw its own numbers rise
        assert batch == sorted(batch)
    assert Dossier.objects.count() == 40 and DossierEvent.objects.count() == 40


def test_concurrent_intake_at_two_agencies(world, clock):
    clock.set("2026-03-10 09:00")
    a, b = world.actor("counter_a"), world.actor("counter_b")

    def job(actor: svc.Actor, commune: str) -> Callable[[], list[str]]:
        return lambda: [svc.intake(actor, world.intake_request(commune)).code for _ in range(5)]

    results = run_together([job(a, "a"), job(b, "b"), job(a, "a"), job(b, "b")])
    assert all(kind == "ok" for kind, _ in results), results
    codes = sorted(c for _, batch in results for c in batch)
    assert codes == sorted([f"000.31.90.H39-260310-{n:04d}" for n in range(1, 11)]
                           + [f"000.32.90.H39-260310-{n:04d}" for n in range(1, 11)])


def _processing_dossier(world) -> Dossier:  # noqa: ANN001
    """Processing, through every step of its process (approved, the result attached): ready to finish."""
    d = svc.intake(world.actor("counter_a"), world.intake_request())
    svc.start(world.actor("counter_a"), d.pk)
    return through_process(world, d.pk)


@pytest.mark.parametrize("with_version", [True, False], ids=["version", "no_version"])
def test_two_officers_act_at_once_one_wins(world, with_version):
    for _round in range(3):
        d = _processing_dossier(world)
        version = d.row_version if with_version else None
        events_before = DossierEvent.objects.filter(dossier=d).count()
        jobs = [
            lambda i=d.pk, v=version: svc.stop(world.actor("leader_a"), i, "Hồ sơ giả mạo", expected_version=v),
            lambda i=d.pk, v=version: svc.finish(world.actor("specialist_a"), i, "Đã xử lý xong",
                                                 expected_version=v),
        ]
        results = run_together(jobs)
        wins = [r for kind, r in results if kind == "ok"]
        losses = [r for kind, r in results if kind == "error"]
        assert len(wins) == 1 and len(losses) == 1, results
        assert isinstance(losses[0], (Conflict, IllegalTransition)), repr(losses[0])
        if with_version:
            assert isinstance(losses[0], Conflict)
        d.refresh_from_db()
        assert d.status == wins[0].status and d.status in (8, 9)
        assert d.row_version == wins[0].row_version
        events = list(DossierEvent.objects.filter(dossier=d).order_by("seq"))
        assert len(events) == events_before + 1
        assert events[-1].action == ("stop" if d.status == 8 else "finish")
        assert [e.seq for e in events] == list(range(1, len(events) + 1))


def test_same_action_twice_at_once(world):
    d = svc.intake(world.actor("counter_a"), world.intake_request(channel=2))
    results = run_together([lambda: svc.receive(world.actor("counter_a"), d.pk)] * 2)
    kinds = sorted(kind for kind, _ in results)
    assert kinds == ["error", "ok"], results
    loss = next(r for kind, r in results if kind == "error")
    assert isinstance(loss, (Conflict, IllegalTransition)), repr(loss)
    d.refresh_from_db()
    assert d.status == 2 and d.row_version == 2
    assert list(d.events.values_list("action", flat=True)) == ["submit", "receive"]


def test_many_officers_race_on_many_dossiers(world):
    dossiers = [_processing_dossier(world) for _ in range(4)]
    jobs = []
    for d in dossiers:
        jobs.append(lambda d=d: svc.finish(world.actor("leader_a"), d.pk, expected_version=d.row_version))
        jobs.append(lambda d=d: svc.request_supplement(world.actor("specialist_a"), d.pk, "Thiếu giấy",
                                                       expected_version=d.row_version))
    results = run_together(jobs)
    for i, d in enumerate(dossiers):
        pair = results[2 * i: 2 * i + 2]
        assert sorted(k for k, _ in pair) == ["error", "ok"], pair
        assert all(isinstance(r, Conflict) for k, r in pair if k == "error"), pair
        assert d.events.count() == 6  # intake, start, the process (forward, forward, approve), the winner
