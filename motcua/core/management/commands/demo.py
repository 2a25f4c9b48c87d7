"""motcua demo: migrate, create the demo province, catalog, staff and dossiers."""

from datetime import date, timedelta

from django.core.management import BaseCommand, call_command

from motcua.core.demo import DEMO_PASSWORD, PROVINCE, seed_demo
from motcua.dossiers.models import Dossier
from motcua.units.models import Unit


def _app_demo(app: str, out) -> None:  # noqa: ANN001
    import importlib

    try:
        module = importlib.import_module(f"motcua.{app}.demo")
    except ModuleNotFoundError as err:
        if err.name != f"motcua.{app}.demo":
            raise
        return
    module.prepare(out)


class Command(BaseCommand):
    help = "Migrate and load the demo province (idempotent); generate demo dossiers if there are none."

    def add_arguments(self, parser):  # noqa: ANN001, ANN201
        parser.add_argument("--dossiers", type=int, default=5000, help="dossiers to generate (default 5000)")

    def handle(self, *args, **opts):  # noqa: ANN002, ANN003, ANN201
        call_command("migrate", verbosity=0)
        logins = seed_demo()
        province = Unit.objects.get(code=PROVINCE[0])
        if opts["dossiers"] and not Dossier.objects.exists():
            from motcua.dossiers.generator import generate

            end = date.today() - timedelta(days=1)
            n = generate(opts["dossiers"], province, end - timedelta(days=730), end,
                         progress=lambda k: self.stdout.write(f"  {k} hồ sơ...", ending="\r"))
            self.stdout.write(f"Đã tạo {n} hồ sơ mẫu.")
        from motcua.units import demo as units_demo

        # the reorganizations of 01/07/2025 (reform, province merger) with their history on both sides
        units_demo.prepare(self.stdout, dossiers=bool(opts["dossiers"]))
        from motcua.signing import demo as signing_demo

        signing_demo.prepare(self.stdout, count=60)  # signed electronic results in the history (test PKI)
        # the history's digitized components, certified copies, stored documents and their reuse,
        # counter fees and feedback cases: each app's demo, in this order (each reads the previous)
        for app in ("integrations.vneid", "digitization", "certcopy", "docstore", "fees", "feedback",
                    "integrations.population", "queueing"):
            _app_demo(app, self.stdout)
        from motcua.integrations.national_portal import demo as national_portal_demo

        national_portal_demo.prepare(province, self.stdout)
        from motcua.integrations.post import demo as post_demo

        post_demo.prepare(self.stdout)
        from motcua.integrations.payment import demo as payment_demo

        payment_demo.prepare(self.stdout)
        from motcua.notifications import demo as notifications_demo

        notifications_demo.prepare(self.stdout)
        from motcua.reports import readmodel

        if readmodel.pending():
            readmodel.refresh(limit=None)  # the statistics read model, so the first dashboard is instant
            self.stdout.write("Đã cập nhật số liệu thống kê.")
        self.stdout.write(self.style.SUCCESS(f"Dữ liệu mẫu đã sẵn sàng. Tài khoản demo (mật khẩu: {DEMO_PASSWORD}):"))
        for login in logins:
            self.stdout.write(f"  {login.username:<24} {login.role:<16} {login.unit}")
