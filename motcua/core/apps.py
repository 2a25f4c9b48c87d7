from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "motcua.core"
    verbose_name = "Hệ thống"

    def ready(self) -> None:
        from .refcache import connect_signals

        connect_signals()
