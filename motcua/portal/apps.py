from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The citizen portal: catalog, online submission, my dossiers, lookup and rating."""

    name = "motcua.portal"
    verbose_name = _("Cổng dịch vụ công")

    def ready(self) -> None:
        from motcua.integrations.vneid.indicators import vneid_measures
        from motcua.reports.index766 import MEASURE_PROVIDERS

        if vneid_measures not in MEASURE_PROVIDERS:  # "accounts authenticated with VNeID" (its EidSignIn)
            MEASURE_PROVIDERS.append(vneid_measures)
