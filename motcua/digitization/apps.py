"""Digitization at the counter (Circular 01/2023): components scanned and marked digitized, results digitized on
return, and the digitization figures (issue 10, parts 5 and 8)."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DigitizationConfig(AppConfig):
    name = "motcua.digitization"
    label = "digitization"
    verbose_name = _("Số hóa hồ sơ")

    def ready(self) -> None:
        from motcua.dossiers import services as dossiers
        from motcua.office import sections as office
        from motcua.reports import index766

        from . import indicators, sections, services

        if services.on_event not in dossiers.EVENT_HOOKS:
            dossiers.EVENT_HOOKS.append(services.on_event)
        office.register_intake(sections.INTAKE)
        office.register_dossier(sections.DOSSIER)
        if indicators.measures not in index766.MEASURE_PROVIDERS:
            index766.MEASURE_PROVIDERS.append(indicators.measures)
