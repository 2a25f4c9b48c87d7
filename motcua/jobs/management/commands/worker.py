"""motcua worker: deliver the outbox and run the periodic jobs (until stopped, or --once)."""

from django.core.management import BaseCommand
from django.utils.crypto import get_random_string

from motcua.jobs.worker import Worker


class Command(BaseCommand):
    help = ("Run the job worker: outbox deliveries and periodic jobs (read model, clean-up). Runs until "
            "SIGTERM/Ctrl-C (the job in hand is finished first); --once drains what is due and exits. "
            "Several workers may run at once on PostgreSQL.")

    def add_arguments(self, parser):  # noqa: ANN001, ANN201
        parser.add_argument("--once", action="store_true", help="run what is due, then exit")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls when idle")
        parser.add_argument("--worker-id", default="", help="unique name of this worker (default: random)")

    def handle(self, *args, **opts):  # noqa: ANN002, ANN003, ANN201
        worker = Worker(worker_id=opts["worker_id"] or get_random_string(20), interval=opts["interval"],
                        once=opts["once"])
        worker.configure_signals()
        worker.run()
