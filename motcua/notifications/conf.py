"""The notifications' settings, read from the environment (to move into motcua.conf.CONFIG and
Django's EMAIL_* settings: see /work/notes/requests-notify.md). A channel without its server
(``MOTCUA_EMAIL_HOST``, ``MOTCUA_SMS_URL``, ``MOTCUA_ZALO_URL``) is off: nothing is queued for it.

E-mail (Django's SMTP backend): ``MOTCUA_EMAIL_HOST``, ``MOTCUA_EMAIL_PORT`` (25),
``MOTCUA_EMAIL_USER``, ``MOTCUA_EMAIL_PASSWORD``, ``MOTCUA_EMAIL_USE_TLS`` / ``_USE_SSL`` (0),
``MOTCUA_EMAIL_TIMEOUT`` (10 s), ``MOTCUA_EMAIL_FROM``.
SMS brandname: ``MOTCUA_SMS_URL``, ``MOTCUA_SMS_BRANDNAME``, ``MOTCUA_SMS_USER``, ``MOTCUA_SMS_PASSWORD``
(development defaults: the simulator's), ``MOTCUA_SMS_MAX_LENGTH`` (306: two concatenated segments).
Zalo ZNS: ``MOTCUA_ZALO_URL`` (``https://business.openapi.zalo.me``), ``MOTCUA_ZALO_OAUTH_URL``
(``https://oauth.zaloapp.com``; default: the same as the URL, as the simulator serves both),
``MOTCUA_ZALO_APP_ID``, ``MOTCUA_ZALO_SECRET_KEY``, ``MOTCUA_ZALO_ACCESS_TOKEN``,
``MOTCUA_ZALO_REFRESH_TOKEN`` (the first pair; later pairs are kept in the database).
Policy: ``MOTCUA_NOTIFY_CHANNELS`` (the channels of an applicant who has not chosen: email,sms),
``MOTCUA_NOTIFY_DIGEST_HOUR`` (7: the staff digest is built from this local hour on),
``MOTCUA_NOTIFY_DIGEST_ITEMS`` (20 dossiers listed), ``MOTCUA_NOTIFY_BATCH`` (100 digests per
delivery), ``MOTCUA_NOTIFY_TIMEOUT`` (15 s per SMS / Zalo call)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from motcua.conf import CONFIG, ConfigError, _bool


@dataclass(frozen=True)
class Settings:
    email_host: str = ""
    email_port: int = 25
    email_user: str = ""
    email_password: str = ""
    email_use_tls: bool = False
    email_use_ssl: bool = False
    email_timeout: float = 10.0
    email_from: str = "motcua <no-reply@localhost>"
    sms_url: str = ""
    sms_brandname: str = ""
    sms_user: str = ""
    sms_password: str = ""
    sms_max_length: int = 306  # two segments of 153 (a carrier takes up to 459)
    zalo_url: str = ""
    zalo_oauth_url: str = ""
    zalo_app_id: str = ""
    zalo_secret_key: str = ""
    zalo_access_token: str = ""
    zalo_refresh_token: str = ""
    default_channels: tuple[str, ...] = ("email", "sms")
    digest_hour: int = 7
    digest_items: int = 20
    batch: int = 100
    timeout: float = 15.0

    @property
    def enabled(self) -> frozenset[str]:
        """The channels that are on (their server is configured)."""
        on = {"email": self.email_host, "sms": self.sms_url, "zalo": self.zalo_url}
        return frozenset(c for c, v in on.items() if v)


def load(environ: dict[str, str] | os._Environ[str] = os.environ) -> Settings:
    from motcua.integrations.sms.simulator import SIM_BRANDNAME, SIM_PASSWORD, SIM_USER
    from motcua.integrations.zalo import simulator as zsim

    g = environ.get
    dev = not CONFIG.production
    zalo_url = g("MOTCUA_ZALO_URL", "").rstrip("/")
    s = Settings(
        email_host=g("MOTCUA_EMAIL_HOST", ""), email_port=int(g("MOTCUA_EMAIL_PORT", "25")),
        email_user=g("MOTCUA_EMAIL_USER", ""), email_password=g("MOTCUA_EMAIL_PASSWORD", ""),
        email_use_tls=_bool(g("MOTCUA_EMAIL_USE_TLS", "0")), email_use_ssl=_bool(g("MOTCUA_EMAIL_USE_SSL", "0")),
        email_timeout=float(g("MOTCUA_EMAIL_TIMEOUT", "10")),
        email_from=g("MOTCUA_EMAIL_FROM", "motcua <no-reply@localhost>"),
        sms_url=g("MOTCUA_SMS_URL", "").rstrip("/"),
        sms_brandname=g("MOTCUA_SMS_BRANDNAME", SIM_BRANDNAME if dev else ""),
        sms_user=g("MOTCUA_SMS_USER", SIM_USER if dev else ""),
        sms_password=g("MOTCUA_SMS_PASSWORD", SIM_PASSWORD if dev else ""),
        sms_max_length=int(g("MOTCUA_SMS_MAX_LENGTH", "306")),
        zalo_url=zalo_url, zalo_oauth_url=g("MOTCUA_ZALO_OAUTH_URL", zalo_url).rstrip("/"),
        zalo_app_id=g("MOTCUA_ZALO_APP_ID", zsim.SIM_APP_ID if dev else ""),
        zalo_secret_key=g("MOTCUA_ZALO_SECRET_KEY", zsim.SIM_SECRET_KEY if dev else ""),
        zalo_access_token=g("MOTCUA_ZALO_ACCESS_TOKEN", zsim.SIM_ACCESS_TOKEN if dev else ""),
        zalo_refresh_token=g("MOTCUA_ZALO_REFRESH_TOKEN", zsim.SIM_REFRESH_TOKEN if dev else ""),
        default_channels=tuple(c.strip() for c in g("MOTCUA_NOTIFY_CHANNELS", "email,sms").split(",") if c.strip()),
        digest_hour=int(g("MOTCUA_NOTIFY_DIGEST_HOUR", "7")), digest_items=int(g("MOTCUA_NOTIFY_DIGEST_ITEMS", "20")),
        batch=int(g("MOTCUA_NOTIFY_BATCH", "100")), timeout=float(g("MOTCUA_NOTIFY_TIMEOUT", "15")),
    )
    check(s)
    return s


def check(s: Settings) -> None:
    unknown = set(s.default_channels) - {"email", "sms", "zalo"}
    if unknown:
        raise ConfigError(f"MOTCUA_NOTIFY_CHANNELS: unknown channels {sorted(unknown)}")
    if not CONFIG.production:
        return
    from motcua.integrations.sms.simulator import SIM_PASSWORD
    from motcua.integrations.zalo.simulator import SIM_SECRET_KEY

    if s.sms_url and (not (s.sms_brandname and s.sms_user and s.sms_password) or s.sms_password == SIM_PASSWORD):
        raise ConfigError("MOTCUA_SMS_BRANDNAME, _USER and _PASSWORD must be set (not the simulator's)")
    if s.zalo_url and (not (s.zalo_app_id and s.zalo_secret_key and s.zalo_refresh_token)
                       or s.zalo_secret_key == SIM_SECRET_KEY):
        raise ConfigError("MOTCUA_ZALO_APP_ID, _SECRET_KEY and _REFRESH_TOKEN must be set (not the simulator's)")


SETTINGS = load()
