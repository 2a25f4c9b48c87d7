from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertcopyConfig(AppConfig):
    name = "motcua.certcopy"
    label = "certcopy"
    verbose_name = _("Chứng thực bản sao điện tử")
