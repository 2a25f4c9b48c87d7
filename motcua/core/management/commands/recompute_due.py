"""motcua recompute_due: recompute open dossiers' due times after a calendar change."""

import time

from django.core.management import BaseCommand

from motcua.dossiers.recompute import recompute_open_dossiers
from motcua.units.models import Unit


class Command(BaseCommand):
    help = "Recompute the due times of open dossiers of one or all provinces."

    def add_arguments(self, parser):  # noqa: ANN001, ANN201
        parser.add_argument("--province", help="province code (default: all)")

    def handle(self, *args, **opts):  # noqa: ANN002, ANN003, ANN201
        provinces = Unit.objects.filter(kind="province")
        if opts["province"]:
            provinces = provinces.filter(code=opts["province"])
        for p in provinces:
            t0 = time.perf_counter()
            r = recompute_open_dossiers(p.pk, progress=lambda k: self.stdout.write(f"  {k}...", ending="\r"))
            self.stdout.write(f"{p.name}: {r.scanned} open, {r.changed} changed, {time.perf_counter() - t0:.1f}s")
