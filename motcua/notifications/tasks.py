"""What the worker runs for notifications besides the outbox deliveries: the staff's daily digest."""

from __future__ import annotations

from django_tasks import task


@task()
def build_digest() -> str:
    """Hourly: from the digest hour on, build today's staff digests (once a day: their keys)."""
    from motcua.core import clock

    from . import conf, digest

    now = clock.now()
    if clock.local(now).hour < conf.SETTINGS.digest_hour:
        return "not yet"
    return str(digest.build(now))
