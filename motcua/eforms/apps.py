from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EformsConfig(AppConfig):
    name = "motcua.eforms"
    label = "eforms"
    verbose_name = _("Biểu mẫu điện tử")

    def ready(self) -> None:
        from motcua.office import sections as office
        from motcua.portal import sections as portal

        from . import sections

        office.register_intake(office.IntakeSection("eform", "eforms/_intake.html", sections.intake_provider,
                                                    sections.intake_validate, sections.intake_apply, order=5))
        office.register_dossier(office.DossierSection("eform", "eforms/_dossier.html", sections.dossier_provider,
                                                      order=5))
        portal.register_dossier(portal.DossierSection("eform", "eforms/_portal_dossier.html",
                                                      sections.citizen_provider, order=5))
        from . import content_sections  # eforms-content: the printed declaration, the drafted result

        content_sections.register()
