"""Citizen feedback and complaints (PAKN) with working-time deadlines, and ratings that follow up (issue 12)."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "motcua.feedback"
    label = "feedback"
    verbose_name = _("Phản ánh, kiến nghị")

    def ready(self) -> None:
        from motcua.reports.index766 import MEASURE_PROVIDERS

        from . import handling, indicators, notify

        if indicators.feedback_measures not in MEASURE_PROVIDERS:
            MEASURE_PROVIDERS.append(indicators.feedback_measures)
        if notify.on_step not in handling.CASE_HOOKS:
            handling.CASE_HOOKS.append(notify.on_step)
        from motcua.calendars.signals import calendar_changed

        from .services import on_calendar_changed

        calendar_changed.connect(on_calendar_changed, dispatch_uid="feedback-calendar")
