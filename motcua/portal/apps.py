from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The citizen portal: catalog, online submission, my dossiers, lookup and rating."""

    name = "motcua.portal"
    verbose_name = _("Cổng dịch vụ công")
