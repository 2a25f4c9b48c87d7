from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "motcua.units"
    verbose_name = "Đơn vị hành chính và cán bộ"

    def ready(self) -> None:
        from . import tasks

        tasks.register()  # scheduled reorganizations are applied on their effective date
