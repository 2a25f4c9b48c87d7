"""What the worker runs for appointments: the missed ones are marked once their day has ended."""

from __future__ import annotations

from django_tasks import task


@task()
def mark_missed_appointments() -> str:
    """Hourly (so the first run after midnight closes the day): booked appointments of past days -> missed."""
    from . import appointments

    return f"{appointments.mark_missed()} marked missed"


def register() -> None:
    from motcua.jobs import periodic

    periodic.register("queueing.missed-appointments", lambda: 3600.0, mark_missed_appointments.enqueue)
