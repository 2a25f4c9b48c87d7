"""What the worker runs (django-tasks tasks): outbox delivery and the periodic jobs."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task


@task()
def deliver_message(message_id: int | str) -> str:
    """Deliver an outbox message, named by its id or (when the task was enqueued before the message
    row was written, in the same transaction) by its key."""
    from . import outbox
    from .models import OutboxMessage

    if isinstance(message_id, str):
        found = OutboxMessage.objects.filter(key=message_id).values_list("id", flat=True).first()
        if found is None:
            return "skipped"
        message_id = found
    return outbox.deliver(message_id)


@task()
def sweep_outbox() -> int:
    from . import outbox

    return outbox.sweep()


@task()
def refresh_readmodel() -> int:
    """The statistics read model's drain (what ``refresh_readmodel --loop`` did on its own)."""
    from motcua.reports import readmodel

    n = readmodel.pending()
    readmodel.refresh(limit=None)
    return n


class EventLogBroken(RuntimeError):
    """The event log's hash chains do not verify: the task fails with the first broken link."""


@task()
def verify_event_log() -> str:
    """``motcua verify_events`` on the worker's schedule: a broken chain is logged as an error and
    fails the task (visible in the job records), a clean pass writes a checkpoint."""
    import logging

    from motcua.dossiers.verify import verify

    res = verify()
    if not res.ok:
        logging.getLogger("motcua").error("event log verification failed: %s", res.first_break)
        raise EventLogBroken(str(res.first_break))
    return f"{res.events} events of {res.dossiers} dossiers verified"


@task()
def prune_task_results(days: int = 2) -> int:
    """Forget finished jobs older than ``days`` (the outbox keeps its own record)."""
    from django_tasks_db.models import DBTaskResult

    old = timezone.now() - timedelta(days=days)
    deleted, _ = DBTaskResult.objects.filter(status__in=["SUCCESSFUL", "FAILED"], finished_at__lt=old).delete()
    return deleted
