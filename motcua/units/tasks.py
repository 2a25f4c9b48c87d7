"""What the worker runs for the unit tree: the scheduled reorganizations whose date has come."""

from __future__ import annotations

from django_tasks import task


@task()
def apply_due_reorganizations() -> str:
    """Hourly: apply every scheduled reorganization effective today or before (local date)."""
    from . import reorganize

    done = reorganize.apply_due()
    return f"{len(done)} applied"


def register() -> None:
    from motcua.jobs import periodic

    periodic.register("units.reorganize", lambda: 3600.0, apply_due_reorganizations.enqueue)
