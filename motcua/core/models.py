"""System-level records: API tokens for other systems."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token that lets another system act as a service account (a user with roles).
    Only the SHA-256 of the token is stored; the raw token is shown once at creation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
                             verbose_name=_("tài khoản"))
    name = models.CharField(_("tên hệ thống"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn"), null=True, blank=True)
    revoked = models.BooleanField(_("đã thu hồi"), default=False)

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, user, name: str) -> tuple[ApiToken, str]:  # noqa: ANN001
        raw = "mc_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, key_hash=hash_token(raw), prefix=raw[:8])
        return token, raw


class IdempotencyKey(models.Model):
    """A creating API call made with an ``Idempotency-Key`` header, and its first answer.

    Written in the call's own transaction (motcua/core/idempotency.py): a committed call always has
    its key, a rolled-back one never does, and the unique (caller, key) makes a concurrent second
    call wait for the first and then replay its answer. Kept 24 hours (``motcua purge_idempotency_keys``).
    """

    caller = models.CharField(max_length=80)  # "u:<user id>" or "t:<sha-256 of the bearer token>"
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of method, path and (canonical) body
    status = models.PositiveSmallIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=b"")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("khóa chống gửi trùng")
        verbose_name_plural = _("khóa chống gửi trùng")
        constraints = [models.UniqueConstraint(fields=["caller", "key"], name="idempotencykey_unique")]

    def __str__(self) -> str:
        return f"{self.caller} {self.key}"
