"""The channels' senders, used by the outbox handler outside any transaction: e-mail through
Django's SMTP backend (one connection per delivery batch), SMS brandname and Zalo ZNS through their
clients (one per process). Each returns the provider's reply for the log, raises ``Refused`` when
no retry can help, and any other exception for a failure worth retrying."""

from __future__ import annotations

import contextlib
import smtplib
from typing import Any

from django.core.mail import EmailMessage, get_connection

from motcua.integrations.sms.client import HttpSms, SmsRefused
from motcua.integrations.zalo.client import HttpZalo, ZaloRefused

from . import conf
from .models import Notification

_sms: HttpSms | None = None
_zalo: HttpZalo | None = None


class Refused(Exception):  # noqa: N818 - the provider's verdict
    """The provider refused this notification for good."""


def sms_client() -> HttpSms:
    global _sms
    s = conf.SETTINGS
    if _sms is None or _sms.url != s.sms_url:
        _sms = HttpSms(s.sms_url, brandname=s.sms_brandname, user=s.sms_user, password=s.sms_password,
                       read_timeout=s.timeout)
    return _sms


def zalo_client() -> HttpZalo:
    global _zalo
    from .tokens import ZALO, DbTokenStore

    s = conf.SETTINGS
    if _zalo is None or _zalo.api_url != s.zalo_url:
        store = DbTokenStore(ZALO, s.zalo_access_token, s.zalo_refresh_token)
        _zalo = HttpZalo(s.zalo_url, s.zalo_oauth_url or s.zalo_url, app_id=s.zalo_app_id,
                         secret_key=s.zalo_secret_key, store=store, read_timeout=s.timeout)
    return _zalo


def reset_clients() -> None:
    """Forget the clients (tests point the settings at a new simulator)."""
    global _sms, _zalo
    for c in (_sms, _zalo):
        if c is not None:
            c.close()
    _sms = _zalo = None


def tracking_id(n: Notification) -> str:
    """Our reference for the provider: stable across retries, distinct across database rebuilds."""
    return f"mc{n.pk}-{int(n.created_at.timestamp())}"


class Senders:
    """What one delivery uses; ``with Senders() as s: s.send(n)`` closes the SMTP connection."""

    def __init__(self) -> None:
        self._smtp: Any = None

    def __enter__(self) -> Senders:
        return self

    def __exit__(self, *exc: object) -> None:
        self._close_smtp()

    def _close_smtp(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None

    def send(self, n: Notification) -> dict[str, Any]:
        return getattr(self, n.channel)(n)

    def email(self, n: Notification) -> dict[str, Any]:
        from .services import unsubscribe_url

        s = conf.SETTINGS
        if self._smtp is None:
            conn = get_connection("django.core.mail.backends.smtp.EmailBackend", host=s.email_host,
                                  port=s.email_port, username=s.email_user, password=s.email_password,
                                  use_tls=s.email_use_tls, use_ssl=s.email_use_ssl, timeout=s.email_timeout)
            conn.open()  # kept open for the batch (send_messages closes only what it opened)
            self._smtp = conn
        url = unsubscribe_url(n.channel, n.recipient) if n.kind != "digest" else ""
        headers = {"Message-ID": f"<{tracking_id(n)}@motcua>"}
        if url:
            headers |= {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
        msg = EmailMessage(n.subject, n.text, s.email_from, [n.recipient], headers=headers, connection=self._smtp)
        try:
            msg.send()
        except smtplib.SMTPRecipientsRefused as exc:
            raise Refused(f"máy chủ thư từ chối người nhận: {exc.recipients}") from exc
        except smtplib.SMTPResponseException as exc:
            self._close_smtp()
            if 500 <= exc.smtp_code < 600:
                raise Refused(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
            raise
        except (OSError, smtplib.SMTPException):
            self._close_smtp()
            raise
        return {"smtp": "accepted", "message_id": headers["Message-ID"]}

    def sms(self, n: Notification) -> dict[str, Any]:
        try:
            reply = sms_client().send(n.recipient, n.text, tracking_id(n))
        except SmsRefused as exc:
            raise Refused(str(exc)) from exc
        return {"code": reply.code, "message": reply.message, "message_id": reply.message_id}

    def zalo(self, n: Notification) -> dict[str, Any]:
        try:
            reply = zalo_client().send_template(n.recipient, n.data.get("template_id", ""), n.data.get("params", {}),
                                                tracking_id(n))
        except ZaloRefused as exc:
            raise Refused(str(exc)) from exc
        return {"error": reply.error, "message": reply.message, "msg_id": reply.msg_id,
                "quota_left": reply.quota_left}
