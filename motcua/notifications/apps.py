"""Notifications to applicants and staff (issue 11, part 6): e-mail, SMS brandname, Zalo ZNS."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "motcua.notifications"
    label = "notifications"
    verbose_name = _("Thông báo")

    def ready(self) -> None:
        from . import services

        services.register()
