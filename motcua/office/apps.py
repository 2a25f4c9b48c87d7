from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficeConfig(AppConfig):
    """The staff office: work queues, dossier pages and counter intake (server-rendered, HTMX)."""

    name = "motcua.office"
    verbose_name = _("Văn phòng cán bộ")
