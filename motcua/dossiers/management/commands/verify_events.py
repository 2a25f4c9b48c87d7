"""``motcua verify_events [--loop SECONDS] [--no-checkpoint]``: verify the event log's hash chains."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.dossiers.verify import Result, verify


class Command(BaseCommand):
    help = "Verify every dossier's event hash chain and the last checkpoint; exit 1 at the first broken link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", type=float, metavar="SECONDS", default=0,
                            help="verify again every SECONDS (stops at the first break)")
        parser.add_argument("--no-checkpoint", action="store_true", help="do not write a checkpoint")
        parser.add_argument("--quiet", action="store_true", help="no progress lines")

    def handle(self, *args: Any, **opts: Any) -> None:
        while True:
            res = self._once(opts)
            if not res.ok:
                raise CommandError(f"broken link: {res.first_break}", returncode=1)
            if not opts["loop"]:
                return
            time.sleep(opts["loop"])

    def _once(self, opts: dict[str, Any]) -> Result:
        def progress(n: int) -> None:
            print(f"  {n:,} events verified", file=sys.stderr, flush=True)

        res = verify(progress=None if opts["quiet"] else progress, checkpoint=not opts["no_checkpoint"])
        if res.ok:
            cp = res.written or res.checked
            tail = f"; checkpoint #{cp.pk} up to event {cp.upto_id}: {cp.hash}" if cp else ""
            self.stdout.write(f"OK: {res.events:,} events of {res.dossiers:,} dossiers in {res.seconds:.2f} s{tail}")
        return res
