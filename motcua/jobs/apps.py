from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "motcua.jobs"
    label = "jobs"
    verbose_name = _("Công việc nền")

    def ready(self) -> None:
        from . import registry

        registry.register_builtins()
