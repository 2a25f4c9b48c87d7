from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """Printable documents (PDF): receipts, letters, control slips and the tracking book."""

    name = "motcua.documents"
    verbose_name = _("Biểu mẫu in")
