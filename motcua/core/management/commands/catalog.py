"""motcua catalog import FILE | export [FILE]: the procedure catalog as JSON."""

import json
import sys

from django.core.management import BaseCommand

from motcua.catalog.services import export_catalog, import_catalog


class Command(BaseCommand):
    help = "Import or export the procedure catalog (format motcua.catalog/1)."

    def add_arguments(self, parser):  # noqa: ANN001, ANN201
        parser.add_argument("op", choices=["import", "export"])
        parser.add_argument("file", nargs="?")

    def handle(self, *args, **opts):  # noqa: ANN002, ANN003, ANN201
        if opts["op"] == "import":
            with open(opts["file"], encoding="utf-8") as fh:
                counts = import_catalog(json.load(fh))
            self.stdout.write(json.dumps(counts))
            return
        text = json.dumps(export_catalog(), ensure_ascii=False, indent=2, default=str)
        if opts["file"]:
            with open(opts["file"], "w", encoding="utf-8") as fh:
                fh.write(text)
        else:
            sys.stdout.write(text)
