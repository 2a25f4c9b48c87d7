from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LettersConfig(AppConfig):
    name = "motcua.letters"
    label = "letters"
    verbose_name = _("Thư chúc mừng, chia buồn")

    def ready(self) -> None:
        from motcua.office import sections as office

        from . import services

        office.register_dossier(office.DossierSection("letters", "letters/_dossier.html", services.dossier_provider,
                                                      order=90))
