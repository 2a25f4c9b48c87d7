"""A citizen's (or enterprise's) document store: digitized components and electronic results, with their type,
issuer and validity, reused in new dossiers (issue 10, part 6)."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocstoreConfig(AppConfig):
    name = "motcua.docstore"
    label = "docstore"
    verbose_name = _("Kho dữ liệu của công dân")

    def ready(self) -> None:
        from motcua.reports.index766 import MEASURE_PROVIDERS

        from . import hooks, sections
        from .indicators import store_measures

        hooks.connect()
        sections.register()
        if store_measures not in MEASURE_PROVIDERS:
            MEASURE_PROVIDERS.append(store_measures)
