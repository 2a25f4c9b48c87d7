"""Partner applications' API keys, and the service requests answered with a token (their photo is
fetched by the worker before the feedback case exists)."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiKey(models.Model):
    """A partner application's key for posting service requests (GeoReport v2 ``api_key``).

    Only the SHA-256 of the key is stored; the key is shown once, when an administrator issues it.
    ``partner`` is recorded on every case the key creates; ``media_hosts`` are the only hosts a
    ``media_url`` is fetched from (no request can make the server fetch an arbitrary address)."""

    name = models.CharField(_("tên ứng dụng"), max_length=100)
    partner = models.SlugField(_("mã đối tác"), max_length=40,
                               help_text=_("Ghi vào mỗi phản ánh do ứng dụng này gửi"))
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("tiền tố"), max_length=10, editable=False)
    rate = models.CharField(_("giới hạn tần suất"), max_length=20, default="60/m",
                            help_text=_("Số yêu cầu gửi phản ánh tối đa, ví dụ 60/m (mỗi phút) hoặc 1000/h"))
    media_hosts = models.CharField(_("máy chủ ảnh được phép"), max_length=500, blank=True,
                                   help_text=_("Tên máy chủ, cách nhau bởi dấu phẩy; ảnh (media_url) chỉ "
                                               "được tải từ các máy chủ này"))
    contact = models.CharField(_("liên hệ"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("thời điểm cấp"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("người cấp"), editable=False)
    revoked_at = models.DateTimeField(_("thời điểm thu hồi"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("khóa API Open311")
        verbose_name_plural = _("khóa API Open311")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def allowed_hosts(self) -> set[str]:
        return {h.strip().lower() for h in self.media_hosts.split(",") if h.strip()}

    @staticmethod
    def new_raw_key() -> str:
        return "o311_" + secrets.token_urlsafe(32)


class DeferredState(models.TextChoices):
    PENDING = "pending", _("Đang chờ xử lý")
    CREATED = "created", _("Đã tạo phản ánh")
    FAILED = "failed", _("Không tạo được")


class DeferredRequest(models.Model):
    """A service request posted with a ``media_url``: answered at once with a token, then the
    worker fetches the photo from the partner's host and creates the case through the feedback
    service; ``GET tokens/{token}`` gives the case's code once it exists."""

    token = models.CharField(max_length=40, unique=True, editable=False)
    api_key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="deferred",
                                verbose_name=_("khóa API"))
    submission = models.JSONField(_("nội dung gửi"), default=dict)
    media_url = models.URLField(_("địa chỉ ảnh"), max_length=1000)
    state = models.CharField(_("trạng thái"), max_length=10, choices=DeferredState.choices,
                             default=DeferredState.PENDING)
    case_code = models.CharField(_("mã phản ánh"), max_length=60, blank=True)
    error = models.CharField(_("lỗi"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("thời điểm gửi"), auto_now_add=True)
    done_at = models.DateTimeField(_("thời điểm xử lý"), null=True, blank=True)

    class Meta:
        verbose_name = _("yêu cầu Open311 chờ xử lý")
        verbose_name_plural = _("yêu cầu Open311 chờ xử lý")
        constraints = [models.CheckConstraint(condition=Q(state__in=DeferredState.values),
                                              name="open311_deferred_state_valid")]

    def __str__(self) -> str:
        return self.token

    @staticmethod
    def new_token() -> str:
        return secrets.token_hex(16)
