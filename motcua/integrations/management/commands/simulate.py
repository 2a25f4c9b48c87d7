"""motcua simulate SYSTEM --port PORT: run a simulator of an outside system as a real HTTP server.

Each simulator module provides ``add_arguments(parser)`` and ``run(opts, out)``; a system whose
module is not installed is listed but refused with a clear message."""

from __future__ import annotations

import importlib

from django.core.management import BaseCommand, CommandError

SIMULATORS = {
    "national-portal": "motcua.integrations.national_portal.simulator",
    "remote-signer": "motcua.integrations.remote_signer.simulator",
    "post": "motcua.integrations.post.simulator",
    "payment": "motcua.integrations.payment.simulator",
    "sms": "motcua.integrations.sms.simulator",
    "zalo": "motcua.integrations.zalo.simulator",
    "population": "motcua.integrations.population.simulator",
    "vneid": "motcua.integrations.vneid.simulator",
}


class Command(BaseCommand):
    help = ("Run a simulator of an outside system as a real HTTP server, with fault switches "
            "(POST /_sim/faults, or --fault): " + ", ".join(SIMULATORS))

    def add_arguments(self, parser):  # noqa: ANN001, ANN201
        systems = parser.add_subparsers(dest="system", required=True, metavar="SYSTEM")
        for name, module in SIMULATORS.items():
            sub = systems.add_parser(name, help=f"the {name} simulator")
            try:
                importlib.import_module(module).add_arguments(sub)
            except ImportError:
                sub.set_defaults(missing=module)

    def handle(self, *args, **opts):  # noqa: ANN002, ANN003, ANN201
        if opts.get("missing"):
            raise CommandError(f"the {opts['system']} simulator is not available ({opts['missing']})")
        importlib.import_module(SIMULATORS[opts["system"]]).run(opts, self.stdout)
