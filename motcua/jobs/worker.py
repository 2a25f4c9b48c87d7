"""``motcua worker``: django-tasks-db's worker (it claims a job with SELECT ... FOR UPDATE SKIP
LOCKED on PostgreSQL, an exclusive transaction on SQLite) with the periodic jobs checked between
jobs. SIGTERM or Ctrl-C: finish the job in hand, then exit."""

from __future__ import annotations

import logging
import time
from types import FrameType

from django.db import close_old_connections
from django.db.utils import OperationalError
from django_tasks_db.management.commands.db_worker import Worker as DBWorker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from . import outbox, periodic

logger = logging.getLogger("motcua.jobs")


class Worker(DBWorker):
    def __init__(self, *, worker_id: str, interval: float = 1.0, once: bool = False,
                 own_connections: bool = True) -> None:
        super().__init__(queue_names=["*"], interval=interval, batch=once, backend_name="default",
                         startup_delay=False, max_tasks=None, worker_id=worker_id, excluded_queue_names=[])
        self._next_tick = 0.0
        self.own_connections = own_connections  # False: run inside a caller's transaction (tests)

    def tick(self) -> None:
        """At most once a second: schedule the messages written without a task, and enqueue the
        periodic jobs that are due."""
        if time.monotonic() >= self._next_tick:
            self._next_tick = time.monotonic() + 1.0
            outbox.publish()
            periodic.enqueue_due()

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        outbox.Stop.requested = True  # a delivery chain in hand stops after its current message
        super().shutdown(signum, frame)

    def take(self) -> DBTaskResult | None:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        try:
            with exclusive_transaction(tasks.db):
                found = tasks.order_by("-priority", "enqueued_at").get_locked()
                if found is not None:
                    found.claim(self.worker_id)
                return found
        except OperationalError as exc:
            if is_locked_database_exception(exc):
                return None
            raise

    def run(self) -> None:
        logger.info("motcua worker %s started", self.worker_id)
        if self.batch:
            outbox.publish()  # what the intake path wrote without a task
            outbox.sweep()  # --once after a crash: pick up what a dead worker left
        while self.running:
            if self.own_connections:
                close_old_connections()
            self.tick()
            job = self.take()
            if job is not None:
                self.run_task(job)
            elif self.batch:
                return
            else:
                time.sleep(self.interval)
