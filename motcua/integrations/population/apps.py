"""The national population database look-up (CSDL quốc gia về dân cư, through the provincial data
platform): INTEGRATIONS.md section 4 (issue 13, part 7)."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PopulationConfig(AppConfig):
    name = "motcua.integrations.population"
    label = "population"
    verbose_name = _("Cơ sở dữ liệu quốc gia về dân cư")

    def ready(self) -> None:
        from motcua.dossiers import services as dossier_services
        from motcua.reports.index766 import MEASURE_PROVIDERS

        from .indicators import population_measures
        from .services import link_dossier

        if link_dossier not in dossier_services.EVENT_HOOKS:
            dossier_services.EVENT_HOOKS.append(link_dossier)
        if population_measures not in MEASURE_PROVIDERS:
            MEASURE_PROVIDERS.append(population_measures)
