"""motcua generate N: realistic dossier histories over a period, through the bulk importer."""

import time
from datetime import date, timedelta

from django.core.management import BaseCommand, CommandError

from motcua.dossiers.generator import generate
from motcua.units.models import Unit


class Command(BaseCommand):
    help = "Generate N realistic dossiers (default: the last two years) for a province."

    def add_arguments(self, parser):  # noqa: ANN001, ANN201
        parser.add_argument("n", type=int)
        parser.add_argument("--province", default="68")
        parser.add_argument("--start", type=date.fromisoformat)
        parser.add_argument("--end", type=date.fromisoformat)
        parser.add_argument("--seed", type=int, default=2025)

    def handle(self, *args, **opts):  # noqa: ANN002, ANN003, ANN201
        province = Unit.objects.filter(code=opts["province"], kind="province").first()
        if province is None:
            raise CommandError("unknown province; run `motcua demo` first")
        end = opts["end"] or date.today() - timedelta(days=1)
        start = opts["start"] or end - timedelta(days=730)
        t0 = time.perf_counter()

        def progress(k: int) -> None:
            rate = k / max(1e-9, time.perf_counter() - t0)
            self.stdout.write(f"  {k}/{opts['n']} ({100 * k // opts['n']}%), {rate:,.0f}/s", ending="\r")
            self.stdout.flush()

        n = generate(opts["n"], province, start, end, opts["seed"], progress)
        dt = time.perf_counter() - t0
        self.stdout.write(self.style.SUCCESS(f"\n{n} dossiers in {dt:.1f}s ({n / dt:,.0f}/s)"))
