"""motcua refresh_readmodel: apply the dossiers changed since the last refresh."""

import time

from django.core.management import BaseCommand

from motcua.jobs.tasks import refresh_readmodel


class Command(BaseCommand):
    help = ("Apply the queued changes to the statistics read model now (`motcua worker` does it every "
            "MOTCUA_JOBS_READMODEL_EVERY seconds; run this after a bulk import: reads apply a short queue "
            "themselves and read the event log while it is long).")

    def add_arguments(self, parser):  # noqa: ANN001, ANN201
        parser.add_argument("--loop", type=float, default=0, help="repeat every N seconds (0: once)")

    def handle(self, *args, **opts):  # noqa: ANN002, ANN003, ANN201
        while True:
            t0 = time.perf_counter()
            n = refresh_readmodel.call()  # the worker's periodic job, run here
            self.stdout.write(f"{n} queued changes applied in {time.perf_counter() - t0:.1f}s")
            if not opts["loop"]:
                return
            time.sleep(opts["loop"])
