from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "motcua.calendars"
    verbose_name = "Lịch làm việc"
