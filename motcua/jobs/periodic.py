"""Periodic jobs: every worker checks the schedule between jobs; a compare-and-set on the
schedule row makes exactly one of them enqueue each run."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from motcua.conf import CONFIG

from . import tasks
from .models import PeriodicSchedule

_EXTRA: dict[str, tuple[Callable[[], float], Callable[[], object]]] = {}


def register(name: str, every: Callable[[], float], start: Callable[[], object]) -> None:
    """A periodic job of an integration: ``every()`` seconds (read when due), ``start()`` enqueues it."""
    _EXTRA[name] = (every, start)


def jobs() -> dict[str, tuple[float, Callable[[], object]]]:
    """name -> (every N seconds, enqueue it)."""
    return {
        **{name: (every(), start) for name, (every, start) in _EXTRA.items()},
        "outbox.sweep": (30.0, tasks.sweep_outbox.enqueue),
        "readmodel.refresh": (CONFIG.jobs_readmodel_every, tasks.refresh_readmodel.enqueue),
        "tasks.prune": (6 * 3600.0, tasks.prune_task_results.enqueue),
        "events.verify": (CONFIG.jobs_verify_every, tasks.verify_event_log.enqueue),
    }


def enqueue_due(now: datetime | None = None) -> list[str]:
    """Enqueue the periodic jobs that are due; returns their names. One query when none is due."""
    now = now or timezone.now()
    known = dict(PeriodicSchedule.objects.values_list("name", "next_run_at"))
    started = []
    for name, (every, start) in jobs().items():
        if name in known and known[name] > now:
            continue
        with transaction.atomic():
            if name not in known:
                PeriodicSchedule.objects.get_or_create(name=name, defaults={"next_run_at": now})
            won = PeriodicSchedule.objects.filter(name=name, next_run_at__lte=now).update(
                next_run_at=now + timedelta(seconds=every))
            if won:
                start()
                started.append(name)
    return started
