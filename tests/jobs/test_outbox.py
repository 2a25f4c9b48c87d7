"""The transactional outbox: enqueue in the caller's transaction, ordering per key, retries with
backoff, dead letters, idempotency, the sweep that recovers what a dead worker left."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from motcua.jobs import outbox
from motcua.jobs.models import OutboxMessage, Status

pytestmark = pytest.mark.django_db(transaction=True)


def make_due(*messages: OutboxMessage) -> None:
    """Time passes: the retry of these messages is due now (and so are their tasks)."""
    ids = [m.id for m in messages]
    OutboxMessage.objects.filter(id__in=ids).update(next_attempt_at=timezone.now())
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now() - timedelta(seconds=1))


def test_a_rolled_back_change_sends_nothing(record, drain):
    path, read = record
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue("test.record", "k1", {"path": path})
        raise RuntimeError("the change fails")
    drain()
    assert OutboxMessage.objects.count() == 0
    assert not DBTaskResult.objects.filter(task_path__endswith="deliver_message").exists()
    assert read() == []


def test_a_committed_change_is_delivered_once(record, drain):
    path, read = record
    with transaction.atomic():
        m = outbox.enqueue("test.record", "k1", {"path": path})
    drain()
    drain()
    assert [r["key"] for r in read()] == ["k1"]
    m.refresh_from_db()
    assert m.status == Status.DELIVERED and m.attempts == 1 and m.delivered_at is not None


def test_the_idempotency_key_keeps_one_message(record, drain):
    path, read = record
    first = outbox.enqueue("test.record", "same", {"path": path})
    again = outbox.enqueue("test.record", "same", {"path": path, "other": 1})
    assert again.id == first.id and OutboxMessage.objects.count() == 1
    drain()
    assert len(read()) == 1


def test_unknown_destination_is_refused():
    from motcua.jobs.registry import UnknownDestination

    with pytest.raises(UnknownDestination):
        outbox.enqueue("nowhere", "k", {})


def test_a_failing_message_blocks_only_the_later_ones_of_its_key(record, drain):
    path, read = record
    a1 = outbox.enqueue("test.record", "a1", {"path": path, "fail_times": 1}, ordering_key="dossier-A")
    a2 = outbox.enqueue("test.record", "a2", {"path": path}, ordering_key="dossier-A")
    b1 = outbox.enqueue("test.record", "b1", {"path": path}, ordering_key="dossier-B")
    drain()
    assert [r["key"] for r in read()] == ["b1"]
    a1.refresh_from_db()
    assert a1.status == Status.PENDING and a1.attempts == 1 and "lỗi giả lập" in a1.last_error
    assert a1.next_attempt_at > timezone.now()
    make_due(a1)
    drain()
    assert [r["key"] for r in read()] == ["b1", "a1", "a2"]
    a2.refresh_from_db()
    b1.refresh_from_db()
    assert a2.status == b1.status == Status.DELIVERED


def test_dead_letter_after_the_last_attempt(record, drain, jobs_config):
    jobs_config(jobs_max_attempts=3)
    path, read = record
    m = outbox.enqueue("test.record", "m", {"path": path, "fail_times": 99}, ordering_key="d")
    later = outbox.enqueue("test.record", "later", {"path": path}, ordering_key="d")
    for _ in range(3):
        drain()
        make_due(m)
    m.refresh_from_db()
    assert m.status == Status.DEAD and m.attempts == 3
    drain()
    assert read() == []  # the dead letter still holds its dossier's later messages
    later.refresh_from_db()
    assert later.status == Status.PENDING


def test_undeliverable_is_dead_at_once_and_discard_lets_the_next_go(record, drain):
    path, read = record
    bad = outbox.enqueue("test.record", "bad", {"path": path, "undeliverable": True}, ordering_key="d")
    outbox.enqueue("test.record", "next", {"path": path}, ordering_key="d")
    drain()
    bad.refresh_from_db()
    assert bad.status == Status.DEAD and bad.attempts == 1 and "Undeliverable" in bad.last_error
    assert outbox.discard([bad]) == 1
    drain()
    assert [r["key"] for r in read()] == ["next"]


def test_retry_of_a_dead_letter_starts_afresh(record, drain, jobs_config):
    jobs_config(jobs_max_attempts=1)
    path, read = record
    m = outbox.enqueue("test.record", "m", {"path": path, "fail_times": 1})
    drain()
    m.refresh_from_db()
    assert m.status == Status.DEAD
    assert outbox.retry([m]) == 1
    m.refresh_from_db()
    assert m.status == Status.PENDING and m.attempts == 0
    jobs_config(jobs_max_attempts=5)
    OutboxMessage.objects.filter(id=m.id).update(payload={"path": path, "fail_times": 0})
    drain()
    assert [r["key"] for r in read()] == ["m"]


def test_backoff_grows_exponentially_with_jitter(jobs_config):
    jobs_config(jobs_backoff_base=10.0, jobs_backoff_max=100.0)
    for attempts, full in [(1, 10), (2, 20), (3, 40), (4, 80), (5, 100), (9, 100)]:
        waits = {outbox.backoff(attempts) for _ in range(50)}
        assert all(full / 2 <= w <= full for w in waits), (attempts, waits)
        assert len(waits) > 1  # jitter: not every message comes back at the same instant


def test_retry_waits_for_the_backoff(record, drain):
    path, _ = record
    m = outbox.enqueue("test.record", "m", {"path": path, "fail_times": 1})
    before = timezone.now()
    drain()
    m.refresh_from_db()
    assert before + timedelta(seconds=2) <= m.next_attempt_at <= timezone.now() + timedelta(seconds=6)
    task = DBTaskResult.objects.get(id=m.task_id)
    assert task.status == "READY" and task.run_after == m.next_attempt_at


def test_sweep_recovers_a_message_whose_worker_died(record, drain):
    path, read = record
    m = outbox.enqueue("test.record", "m", {"path": path})
    # a worker claimed it (lease), then was killed -9: its task is RUNNING forever, the lease runs out
    OutboxMessage.objects.filter(id=m.id).update(leased_until=timezone.now() - timedelta(seconds=1), attempts=1)
    DBTaskResult.objects.update(status="RUNNING")
    assert outbox.sweep() == 1
    assert outbox.sweep() == 0  # its new task is queued: not twice
    drain()
    assert [r["key"] for r in read()] == ["m"]


def test_a_leased_message_is_not_delivered_by_another_worker(record):
    path, read = record
    m = outbox.enqueue("test.record", "m", {"path": path})
    now = timezone.now()
    assert outbox.claim(m.id, now) is not None
    assert outbox.claim(m.id, now) is None
    assert outbox.deliver(m.id) == "skipped"
    assert read() == []


def test_a_message_behind_an_undelivered_one_waits_without_a_task_of_its_own(record, drain):
    path, read = record
    first = outbox.enqueue("test.record", "first", {"path": path}, ordering_key="d")
    second = outbox.enqueue("test.record", "second", {"path": path}, ordering_key="d")
    other = outbox.enqueue("test.record", "other", {"path": path}, ordering_key="e")
    assert first.task_id is not None and other.task_id is not None
    second.refresh_from_db()
    assert second.task_id is None  # the first one's delivery carries it on
    drain()
    assert sorted(r["key"] for r in read()) == ["first", "other", "second"]
    assert [r["key"] for r in read() if r["ordering_key"] == "d"] == ["first", "second"]


def test_one_task_carries_a_dossiers_messages_in_order(record, drain):
    path, read = record
    for i in range(outbox.CHAIN + 5):
        outbox.enqueue("test.record", f"m{i}", {"path": path}, ordering_key="d")
    drain()
    assert [r["key"] for r in read()] == [f"m{i}" for i in range(outbox.CHAIN + 5)]
    deliveries = DBTaskResult.objects.filter(task_path__endswith="deliver_message")
    assert deliveries.count() == 2  # the first task handed over after CHAIN messages


def test_the_worker_command_once(record):
    from django.core.management import call_command

    path, read = record
    outbox.enqueue("test.record", "k", {"path": path})
    call_command("worker", "--once", "--worker-id", "cmd")
    assert [r["key"] for r in read()] == ["k"]
