"""Queue tickets, counters, the kiosk, the display and appointments of a one-stop department (issue 14)."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QueueingConfig(AppConfig):
    name = "motcua.queueing"
    label = "queueing"
    verbose_name = _("Xếp hàng, lịch hẹn")

    def ready(self) -> None:
        from . import tasks

        tasks.register()  # missed appointments are marked at the end of their day
        from . import sections

        sections.register()  # the queue ticket on the counter's intake page (link the received dossier)
