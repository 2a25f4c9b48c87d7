from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeesConfig(AppConfig):
    name = "motcua.fees"
    label = "fees"
    verbose_name = _("Phí, lệ phí")

    def ready(self) -> None:
        from motcua.dossiers import services as svc
        from motcua.office import actions
        from motcua.office import sections as office
        from motcua.portal import sections as portal

        from . import sections, services

        if services.guard not in svc.TRANSITION_GUARDS:
            svc.TRANSITION_GUARDS.append(services.guard)
        if services.refusal not in actions.REFUSALS:
            actions.REFUSALS.append(services.refusal)
        office.register_intake(office.IntakeSection("fees", "fees/_intake.html", sections.intake_provider,
                                                    sections.intake_validate, sections.intake_apply, order=20))
        office.register_dossier(office.DossierSection("fees", "fees/_dossier.html", sections.dossier_provider,
                                                      order=20))
        portal.register_dossier(portal.DossierSection("fees", "fees/_portal.html", sections.portal_provider,
                                                      order=20))
