from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostConfig(AppConfig):
    name = "motcua.integrations.post"
    label = "post"
    verbose_name = _("Bưu chính công ích")
