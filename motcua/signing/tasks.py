"""What the worker runs for remote signing: polling the transactions whose callback has not come."""

from __future__ import annotations

from django_tasks import task


@task()
def poll_remote_signatures() -> str:
    """Every minute: ask the service about transactions still waiting after a minute."""
    from . import services

    return f"{services.poll_waiting()} finished"


def register() -> None:
    """The periodic job, only when approvals sign remotely (nothing to poll otherwise)."""
    from motcua.jobs import periodic

    from . import config

    periodic.register("signing.remote-poll", lambda: 60.0,
                      lambda: config.approval_backend() == "remote" and poll_remote_signatures.enqueue())
