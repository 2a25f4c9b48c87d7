"""Electronic certified copies from originals (chứng thực bản sao điện tử từ bản chính), produced and signed at
the counter with their register number (issue 10, part 7)."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertcopyConfig(AppConfig):
    name = "motcua.certcopy"
    label = "certcopy"
    verbose_name = _("Chứng thực bản sao điện tử")

    def ready(self) -> None:
        from motcua.dossiers import services as dossier_services
        from motcua.office.sections import DossierSection, register_dossier
        from motcua.reports.index766 import MEASURE_PROVIDERS

        from . import indicators, sections, services

        register_dossier(DossierSection("certcopy", "certcopy/_dossier_section.html", sections.dossier_section, 40))
        if indicators.copy_measures not in MEASURE_PROVIDERS:
            MEASURE_PROVIDERS.append(indicators.copy_measures)
        grants = getattr(dossier_services, "ACTION_GRANTS", None)  # requests-copy.md; absent until applied
        if grants is not None and services.grant not in grants:
            grants.append(services.grant)
