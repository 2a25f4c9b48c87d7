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


@task()
def run_reconciliation(run_id: int) -> str:
    """One reconciliation run against the portal (TraCuuHoSo, batched and rate-limited)."""
    from . import reconcile
    from .jobs import portal

    return str(reconcile.execute(run_id, portal()))
