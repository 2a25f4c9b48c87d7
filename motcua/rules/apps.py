from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RulesConfig(AppConfig):
    """The rules a dossier is judged under, by its receipt date (motcua.domain.rules): shown on the
    dossier pages and in the API, used by the printable forms. Data only, no tables."""

    name = "motcua.rules"
    verbose_name = _("Quy định áp dụng theo thời gian")
