from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentConfig(AppConfig):
    name = "motcua.integrations.payment"
    label = "payment"
    verbose_name = _("Thanh toán trực tuyến")

    def ready(self) -> None:
        from . import jobs

        jobs.register()
