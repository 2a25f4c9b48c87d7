"""Failed staff sign-ins, kept briefly to lock out password guessing (per username and address)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginFailure(models.Model):
    """One failed sign-in for a username from an address. Rows older than the lockout window are
    pruned when the same username and address fail again or sign in."""

    username = models.CharField(_("tên đăng nhập"), max_length=150)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), unpack_ipv4=True)
    at = models.DateTimeField(_("thời điểm"))

    class Meta:
        verbose_name = _("đăng nhập thất bại")
        verbose_name_plural = _("đăng nhập thất bại")
        indexes = [models.Index(fields=["username", "ip", "at"], name="loginfailure_key_at")]

    def __str__(self) -> str:
        return f"{self.username}@{self.ip} {self.at:%Y-%m-%d %H:%M}"
