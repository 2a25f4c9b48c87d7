"""motcua simulate national-portal --port PORT: run a simulator of an outside system."""

from django.core.management import BaseCommand

from motcua.integrations.national_portal import simulator


class Command(BaseCommand):
    help = ("Run a simulator of an outside system as a real HTTP server. national-portal: the national "
            "public service portal's adapter gateway, with fault switches (POST /_sim/faults, or --fault).")

    def add_arguments(self, parser):  # noqa: ANN001, ANN201
        parser.add_argument("system", choices=["national-portal"])
        simulator.add_arguments(parser)

    def handle(self, *args, **opts):  # noqa: ANN002, ANN003, ANN201
        simulator.run(opts, self.stdout)
