from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidesConfig(AppConfig):
    """The staff guides (officer's and administrator's), served as pages that print on A4."""

    name = "motcua.guides"
    verbose_name = _("Hướng dẫn sử dụng")
