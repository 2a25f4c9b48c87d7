"""The outbox's service functions: enqueue in the caller's transaction, deliver one message
(the worker's task), and the administrator's retry and discard."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from motcua.conf import CONFIG

from . import registry
from .models import UNDELIVERED, OutboxMessage, Status


def enqueue(destination: str, key: str, payload: dict[str, Any], ordering_key: str | None = None, *,
            new_key: bool = False, first: bool = False) -> OutboxMessage:
    """Record a message for ``destination`` in the current transaction (nothing is sent if it rolls
    back). ``key`` is the idempotency key: enqueueing it again returns the first message.
    Messages sharing ``ordering_key`` (default: ``key``) are delivered in the order enqueued.
    The hot path's shortcuts, for callers that know: ``new_key`` (the key cannot exist yet, e.g.
    made of an event's id: no savepoint to catch a duplicate) and ``first`` (no earlier message of
    the ordering key can exist: no look-up of one to wait behind)."""
    registry.get_handler(destination)  # an unknown destination is a programming error: fail now
    fields = {"destination": destination, "key": key, "payload": payload, "ordering_key": ordering_key or key}
    with transaction.atomic(savepoint=False):
        if new_key and first:  # the hot path: one INSERT; the worker schedules it within a second (publish)
            _insert(fields)
            return OutboxMessage(**fields)
        if new_key:
            message = OutboxMessage.objects.create(**fields)
        else:
            try:
                with transaction.atomic():
                    message = OutboxMessage.objects.create(**fields)
            except IntegrityError:
                return OutboxMessage.objects.get(key=key)
        if first or not _waits_behind(message):
            schedule(message)
    return message


_COLUMNS = ("destination", "key", "ordering_key", "payload", "status", "attempts", "next_attempt_at",
            "last_error", "unpublished", "created_at")


def _insert(fields: dict[str, Any]) -> None:
    """One plain INSERT of a message (the intake path: the ORM's per-field work cost as much as the
    statement); values are adapted by the model's own fields, so every backend stores them alike."""
    now = timezone.now()
    values = {**fields, "status": Status.PENDING, "attempts": 0, "next_attempt_at": now, "last_error": "",
              "unpublished": True, "created_at": now}
    meta = OutboxMessage._meta
    params = [meta.get_field(c).get_db_prep_save(values[c], connection) for c in _COLUMNS]
    qn = connection.ops.quote_name
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(c) for c in _COLUMNS)}) "
                    f"VALUES ({', '.join(['%s'] * len(_COLUMNS))})", params)


def _waits_behind(message: OutboxMessage) -> bool:
    """Whether an earlier message of its ordering key is undelivered (it then schedules this one
    when done). Locking that message orders us with a worker finishing it: either it sees our
    message once we commit, or we see it delivered."""
    earlier = (OutboxMessage.objects.select_for_update()
               .filter(destination=message.destination, ordering_key=message.ordering_key,
                       id__lt=message.id, status__in=UNDELIVERED).order_by("-id").first())
    return earlier is not None


def schedule(message: OutboxMessage, at: datetime | None = None) -> None:
    """Enqueue the worker's delivery task for ``message`` (in the current transaction)."""
    from .tasks import deliver_message

    task = deliver_message.using(run_after=at) if at else deliver_message
    result = task.enqueue(message.id)
    OutboxMessage.objects.filter(id=message.id).update(task_id=result.id, unpublished=False)
    message.task_id = result.id


def _blocked_by_earlier() -> Exists:
    return Exists(OutboxMessage.objects.filter(
        destination=OuterRef("destination"), ordering_key=OuterRef("ordering_key"),
        id__lt=OuterRef("id"), status__in=UNDELIVERED))


def claim(message_id: int, now: datetime) -> datetime | None:
    """Take the message for delivery if it is pending, due, not being delivered by another worker
    and first of its ordering key: one atomic UPDATE, so two workers never both win.
    Returns the lease's end, or None."""
    lease = now + timedelta(seconds=CONFIG.jobs_lease)
    won = (OutboxMessage.objects.filter(id=message_id, status=Status.PENDING, next_attempt_at__lte=now)
           .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
           .exclude(_blocked_by_earlier())
           .update(leased_until=lease, attempts=F("attempts") + 1))
    return lease if won else None


def backoff(attempts: int) -> float:
    """Seconds to wait after the ``attempts``-th failure: exponential, capped, with jitter (half
    fixed, half random) so that failing messages do not all come back at the same second."""
    delay = min(CONFIG.jobs_backoff_max, CONFIG.jobs_backoff_base * 2 ** (attempts - 1))
    return delay / 2 + random.uniform(0, delay / 2)  # noqa: S311 - jitter, not a secret


class Stop:
    """Set by the worker on SIGTERM: a delivery chain stops after the message in hand."""

    requested = False


CHAIN = 50  # messages of one ordering key delivered by one task before it hands over to a new one


def deliver(message_id: int) -> str:
    """Deliver a message and then the next ones of its ordering key (the worker's task): claim,
    call the destination's handler outside any transaction, record the outcome. Returns what
    happened to the last one, for the task's result."""
    current = message_id
    for _ in range(CHAIN):
        outcome, following = deliver_one(current)
        if following is None:
            return outcome
        if Stop.requested:
            break
        current = following.id
    with transaction.atomic():
        schedule(following)  # the rest of the chain, for this or another worker
    return outcome


def deliver_one(message_id: int) -> tuple[str, OutboxMessage | None]:
    """Deliver one message; on success also return the next pending message of its ordering key."""
    if claim(message_id, timezone.now()) is None:
        return "skipped", None
    message = OutboxMessage.objects.get(id=message_id)
    try:
        registry.get_handler(message.destination)(message)
    except registry.Undeliverable as exc:
        return _fail(message, exc, final=True), None
    except Exception as exc:  # noqa: BLE001 - any failure of the outside system is recorded and retried
        return _fail(message, exc, final=message.attempts >= CONFIG.jobs_max_attempts), None
    with transaction.atomic():
        OutboxMessage.objects.filter(id=message.id).update(
            status=Status.DELIVERED, delivered_at=timezone.now(), leased_until=None, last_error="")
        following = next_of(message)
        if following is not None and following.next_attempt_at > timezone.now():
            schedule(following, following.next_attempt_at)
            following = None
    return "delivered", following


def _fail(message: OutboxMessage, exc: BaseException, final: bool) -> str:
    reason = f"{type(exc).__name__}: {exc}"[:2000]
    with transaction.atomic():
        if final:
            OutboxMessage.objects.filter(id=message.id).update(status=Status.DEAD, leased_until=None,
                                                               last_error=reason)
            return "dead"
        at = timezone.now() + timedelta(seconds=backoff(message.attempts))
        OutboxMessage.objects.filter(id=message.id).update(next_attempt_at=at, leased_until=None,
                                                           last_error=reason)
        schedule(message, at)
    return "retry"


def next_of(message: OutboxMessage) -> OutboxMessage | None:
    return (OutboxMessage.objects.filter(destination=message.destination, ordering_key=message.ordering_key,
                                         id__gt=message.id, status=Status.PENDING).order_by("id").first())


def schedule_next(message: OutboxMessage) -> None:
    """After ``message`` is done (discarded), schedule the next of its ordering key."""
    nxt = next_of(message)
    if nxt is not None:
        schedule(nxt, nxt.next_attempt_at if nxt.next_attempt_at > timezone.now() else None)


def retry(messages: list[OutboxMessage]) -> int:
    """Administrator: try these dead or pending messages again now, with a fresh attempt count."""
    n = 0
    with transaction.atomic():
        for m in messages:
            if m.status in UNDELIVERED:
                OutboxMessage.objects.filter(id=m.id).update(status=Status.PENDING, attempts=0,
                                                             next_attempt_at=timezone.now(), leased_until=None)
                schedule(m)
                n += 1
    return n


def discard(messages: list[OutboxMessage]) -> int:
    """Administrator: give up these undelivered messages; the later ones of their ordering key go on."""
    n = 0
    with transaction.atomic():
        for m in messages:
            if m.status in UNDELIVERED:
                OutboxMessage.objects.filter(id=m.id).update(status=Status.DISCARDED, leased_until=None)
                schedule_next(m)
                n += 1
    return n


def publish(limit: int = 1000) -> int:
    """Schedule the messages the intake path wrote without a task (each is the first of its
    ordering key: nothing to wait behind). The worker calls it every second; an index holds only
    these rows, so an idle call is one index probe. Returns how many."""
    n = 0
    with transaction.atomic():
        for m in OutboxMessage.objects.select_for_update(skip_locked=True).filter(unpublished=True)[:limit]:
            schedule(m)
            n += 1
    return n


def sweep(now: datetime | None = None) -> int:
    """Re-schedule the first due message of every ordering key that has no delivery on the way
    (its worker died, or its task was lost): the periodic safety net. Returns how many."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    queued = DBTaskResult.objects.filter(id=OuterRef("task_id"), status="READY")
    heads = (OutboxMessage.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
             .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
             .exclude(_blocked_by_earlier()).exclude(Exists(queued)))
    n = 0
    with transaction.atomic():
        for m in heads[:1000]:
            schedule(m)
            n += 1
    return n
