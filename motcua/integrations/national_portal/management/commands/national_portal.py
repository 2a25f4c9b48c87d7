"""motcua national_portal backfill|pull|catalog|reconcile|status: the portal integration by hand."""

from __future__ import annotations

from datetime import date

from django.core.management import BaseCommand, CommandError
from django.db.models import Count


class Command(BaseCommand):
    help = ("The national portal integration: backfill (queue every dossier not yet synced), pull (new "
            "online dossiers now), catalog (national procedure codes now), reconcile UNIT FROM TO (a run, "
            "dates dd/mm/yyyy), status (sync states and the outbox backlog).")

    def add_arguments(self, parser):  # noqa: ANN001, ANN201
        parser.add_argument("action", choices=["backfill", "pull", "catalog", "reconcile", "status"])
        parser.add_argument("args", nargs="*")

    def handle(self, *args, **opts):  # noqa: ANN002, ANN003, ANN201, C901
        from motcua.jobs.models import OutboxMessage

        from ... import catalog_pull, inbound, sync
        from ...jobs import DESTINATION
        from ...models import DossierSync
        from . import _portal_client

        action = opts["action"]
        if action == "backfill":
            self.stdout.write(f"{sync.backfill()} hồ sơ đã xếp vào hàng đợi gửi Cổng DVCQG.")
        elif action == "pull":
            self.stdout.write(str(inbound.pull(_portal_client())))
        elif action == "catalog":
            self.stdout.write(str(catalog_pull.pull(_portal_client())))
        elif action == "reconcile":
            self._reconcile(list(opts["args"]))
        else:
            states = dict(DossierSync.objects.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
            backlog = dict(OutboxMessage.objects.filter(destination=DESTINATION).values_list("status")
                           .annotate(n=Count("pk")).values_list("status", "n"))
            self.stdout.write(f"sync: {states}\noutbox: {backlog}")

    def _reconcile(self, args: list[str]) -> None:
        from motcua.units.models import Unit

        from ... import reconcile
        from ...models import ReconciliationRun, RunStatus
        from . import _portal_client

        if len(args) != 3:
            raise CommandError("reconcile UNIT_CODE FROM TO (dd/mm/yyyy)")
        unit = Unit.objects.filter(code=args[0]).first()
        if unit is None:
            raise CommandError(f"no unit {args[0]}")
        try:
            start, end = (date(*reversed([int(x) for x in a.split("/")])) for a in args[1:])
        except (TypeError, ValueError) as exc:
            raise CommandError("dates are dd/mm/yyyy") from exc
        from motcua.core import clock

        run = ReconciliationRun.objects.create(unit=unit, start=start, end=end, created_at=clock.now(),
                                               status=RunStatus.QUEUED)
        self.stdout.write(str(reconcile.execute(run.pk, _portal_client())))
        self.stdout.write(f"/office/national-portal/reconciliation/{run.pk}/")
