"""The notifications' settings: ``motcua.conf.CONFIG.notify`` (a typed :class:`motcua.conf.NotifyConfig`,
read from the environment and validated at start; Django's EMAIL_* settings come from it too). A channel
without its server (``MOTCUA_EMAIL_HOST``, ``MOTCUA_SMS_URL``, ``MOTCUA_ZALO_URL``) is off: nothing is queued for it.

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

from motcua.conf import CONFIG, NotifyConfig, check_notify, load_notify

Settings = NotifyConfig  # the name the notifications code and its tests use


def load(environ: dict[str, str] | os._Environ[str] = os.environ) -> Settings:
    """The settings from ``environ`` (what CONFIG.notify was read with at start), validated."""
    return load_notify(environ, CONFIG.production)


def check(s: Settings) -> None:
    check_notify(s, CONFIG.production)


SETTINGS: Settings = CONFIG.notify  # tests replace it (monkeypatch.setattr(conf, "SETTINGS", ...))
