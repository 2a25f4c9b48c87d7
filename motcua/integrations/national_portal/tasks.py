"""The national portal's background jobs (django-tasks tasks, run by ``motcua worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def pull_inbound() -> str:
    """Pull the portal's new online dossiers into motcua (INTEGRATIONS.md 1, part 3 of issue 9)."""
    from . import inbound
    from .jobs import portal

    client = portal()
    if client is None:
        return "integration off"
    return str(inbound.pull(client))


@task()
def pull_catalog() -> str:
    """Refresh the national catalog codes (LayDanhSachTTHC) for the administrators' mapping."""
    from . import catalog_pull
    from .jobs import portal

    client = portal()
    if client is None:
        return "integration off"
    return str(catalog_pull.pull(client))


BACKLOG_WAIT = 1800  # seconds a run started "after the backlog" waits for the sync at most


@task()
def run_reconciliation(run_id: int, after_backlog: bool = False) -> str:
    """One reconciliation run against the portal (TraCuuHoSo, batched and rate-limited).
    ``after_backlog``: first let the worker send what is queued for the portal (the demo's first
    start reconciles the generated history once it is synced), for at most ``BACKLOG_WAIT``."""
    from datetime import timedelta

    from django.utils import timezone

    from motcua.jobs.models import OutboxMessage, Status

    from . import reconcile
    from .jobs import DESTINATION, portal
    from .models import ReconciliationRun

    if after_backlog:
        run = ReconciliationRun.objects.filter(pk=run_id).first()
        dead = OutboxMessage.objects.filter(destination=DESTINATION, status=Status.DEAD).values("ordering_key")
        waiting = (OutboxMessage.objects.filter(destination=DESTINATION, status=Status.PENDING)
                   .exclude(ordering_key__in=dead).exists())  # not those held behind a dead letter
        if run is not None and waiting and timezone.now() < run.created_at + timedelta(seconds=BACKLOG_WAIT):
            run_reconciliation.using(run_after=timezone.now() + timedelta(seconds=10)).enqueue(run_id, True)
            return "waiting for the portal backlog"
    return str(reconcile.execute(run_id, portal()))
