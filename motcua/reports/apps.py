from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "motcua.reports"
    verbose_name = "Thống kê, báo cáo"

    def ready(self) -> None:
        from motcua.calendars.signals import calendar_changed

        from .readmodel import on_calendar_changed

        calendar_changed.connect(on_calendar_changed, dispatch_uid="reports-readmodel-calendar")
