"""motcua rebuild_readmodel: recompute the statistics read model from the event log."""

import time

from django.core.management import BaseCommand

from motcua.reports import readmodel


class Command(BaseCommand):
    help = ("Recompute every bucket of the statistics read model from the event log (after a calendar "
            "change, or to check it). Reads use the event log while it runs (after waiting 2 s for its lock).")

    def handle(self, *args, **opts):  # noqa: ANN002, ANN003, ANN201
        t0 = time.perf_counter()
        n = readmodel.rebuild(progress=lambda k: self.stdout.write(f"  {k}...", ending="\r"))
        self.stdout.write(f"{n} dossiers in {time.perf_counter() - t0:.1f}s")
