"""motcua rebuild_readmodel: recompute the statistics read model from the event log."""

import time

from django.core.management import BaseCommand

from motcua.dossiers.models import Dossier
from motcua.reports import readmodel


class Command(BaseCommand):
    help = ("Recompute every bucket of the statistics read model from the event log (to check or repair it; "
            "a calendar change requeues its province by itself). One short transaction empties the model and "
            "queues every dossier; the queue is then applied chunk by chunk, each committed, so an interrupted "
            "rebuild is finished by refresh_readmodel. Reads use the event log while the queue is long.")

    def add_arguments(self, parser):  # noqa: ANN001, ANN201
        parser.add_argument("--chunk", type=int, default=2000, help="dossiers per transaction (default 2000)")

    def handle(self, *args, **opts):  # noqa: ANN002, ANN003, ANN201
        t0 = time.perf_counter()
        total = max(1, Dossier.objects.count())

        def progress(k: int) -> None:
            rate = k / max(1e-9, time.perf_counter() - t0)
            self.stdout.write(f"  {k:,}/{total:,} dossiers ({100 * k // total}%), {rate:,.0f}/s", ending="\r")
            self.stdout.flush()

        n = readmodel.rebuild(chunk=opts["chunk"], progress=progress)
        self.stdout.write(f"{n} dossiers in {time.perf_counter() - t0:.1f}s")
