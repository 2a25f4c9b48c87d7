"""The public postal service (VNPost, "bưu chính công ích"): INTEGRATIONS.md section 3 (issue 11, part 5)."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostConfig(AppConfig):
    name = "motcua.integrations.post"
    label = "post"
    verbose_name = _("Bưu chính công ích")

    def ready(self) -> None:
        from . import jobs, sections

        jobs.register()
        sections.register()
