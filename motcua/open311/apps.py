"""The Open311 GeoReport v2 API at /open311/v2/, mapped onto the feedback cases (issue 12, part 4)."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    name = "motcua.open311"
    label = "open311"
    verbose_name = _("Open311 GeoReport v2")

    def ready(self) -> None:
        from motcua.jobs import registry

        from . import services

        registry.register(services.DESTINATION, services.deliver_deferred)
