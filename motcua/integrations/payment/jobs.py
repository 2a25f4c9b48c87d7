"""What the worker runs for online payment: the ``payment.bill`` outbox destination (the receipt
fetched with GET_BILL and kept with the dossier), the periodic QUERY of every open payment, the
daily reconciliation of every unit with an account, and the gateway built from the settings
(``gateway()``: None while ``MOTCUA_PAYMENT_URL`` is unset, i.e. online payment is off).

INIT is not sent from the worker: the pay view commits the attempt row first and then calls INIT
itself, outside any transaction (the citizen waits for the redirect; see services.initiate).

Settings: ``motcua.conf.CONFIG.payment`` (a typed :class:`motcua.conf.PaymentConfig`, validated at start):
``MOTCUA_PAYMENT_URL`` (the platform's endpoint), ``MOTCUA_PAYMENT_PARTNER`` (MaDoiTac),
``MOTCUA_PAYMENT_SECRET`` (the checksum secret; development defaults: the simulator's, refused in
production), ``MOTCUA_PAYMENT_TOKEN`` (optional bearer token), ``MOTCUA_PAYMENT_CONNECT_TIMEOUT`` (5 s),
``MOTCUA_PAYMENT_READ_TIMEOUT`` (20 s), ``MOTCUA_PAYMENT_ATTEMPT_TTL`` (seconds a started attempt
stays open, 900), ``MOTCUA_PAYMENT_QUERY_EVERY`` (seconds between two QUERY rounds, 300),
``MOTCUA_PAYMENT_QUERY_WINDOW`` (seconds an expired attempt is still queried, 172800),
``MOTCUA_PAYMENT_PENDING_LIMIT`` (seconds after which an unpaid attempt is "pending too long" in the
reconciliation, 86400). The callback is ``CONFIG.public_url`` + ``/api/v1/payments/national/confirm``,
the browser's return ``CONFIG.public_url`` + ``/payments/return/``."""

from __future__ import annotations

import os

from django_tasks import task

from motcua.conf import CONFIG, PAYMENT_CALLBACK_PATH, PaymentConfig, load_payment

from .client import NationalPlatform, PaymentGateway

DESTINATION = "payment.bill"
CALLBACK_PATH = PAYMENT_CALLBACK_PATH


Settings = PaymentConfig  # the name the payment code and its tests use


def load_settings(environ: dict[str, str] | os._Environ[str] = os.environ) -> Settings:
    """The settings from ``environ`` (what CONFIG.payment was read with at start), validated."""
    return load_payment(environ, CONFIG.production, CONFIG.public_url)


SETTINGS: Settings = CONFIG.payment  # tests replace it (monkeypatch.setattr(jobs, "SETTINGS", ...))
_gateway: NationalPlatform | None = None


def enabled() -> bool:
    return bool(SETTINGS.url)


def gateway(name: str = "national") -> PaymentGateway | None:
    """This process's gateway called ``name``, or None when online payment is off."""
    global _gateway
    if not SETTINGS.url or name != "national":
        return None
    if _gateway is None or _gateway.url != SETTINGS.url or _gateway.secret != SETTINGS.secret:
        _gateway = NationalPlatform(SETTINGS.url, partner=SETTINGS.partner, secret=SETTINGS.secret,
                                    token=SETTINGS.token, connect_timeout=SETTINGS.connect_timeout,
                                    read_timeout=SETTINGS.read_timeout)
    return _gateway


@task()
def query_open() -> str:
    """QUERY every open payment (and the recently expired ones) and settle what the platform says."""
    from . import services

    g = gateway()
    return "integration off" if g is None else str(services.query_open(g))


@task()
def reconcile_daily() -> str:
    """Yesterday's reconciliation of every unit with an active account."""
    from . import reconcile

    g = gateway()
    return "integration off" if g is None else str(reconcile.daily(g))


@task()
def run_reconciliation(run_id: int) -> str:
    from . import reconcile

    g = gateway()
    return "integration off" if g is None else reconcile.execute(run_id, g)


def register() -> None:
    """The receipt destination and the periodic QUERY and reconciliation."""
    from motcua.jobs import periodic, registry

    from . import services

    registry.register(DESTINATION, services.fetch_bill)
    periodic.register("payment.query", lambda: SETTINGS.query_every,
                      lambda: enabled() and query_open.using(priority=10).enqueue())
    periodic.register("payment.reconcile", lambda: 86400.0,
                      lambda: enabled() and reconcile_daily.using(priority=5).enqueue())
