"""The audit log of population database look-ups, and which dossier each successful one served."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    COUNTER = "counter", _("Tại quầy một cửa")
    PORTAL = "portal", _("Cổng dịch vụ công")


class Outcome(models.TextChoices):
    HIT = "hit", _("Đã điền thông tin")
    MISS = "miss", _("Không tìm thấy số định danh")
    MISMATCH = "mismatch", _("Họ tên, năm sinh không khớp")
    NOT_FAMILY = "not_family", _("Không phải người thân")
    MALFORMED = "malformed", _("Phản hồi không hợp lệ")
    UNAVAILABLE = "unavailable", _("Không kết nối được")
    REFUSED = "refused", _("Bị từ chối")
    RATE_LIMITED = "rate_limited", _("Vượt giới hạn tra cứu")


class Reason(models.TextChoices):
    INTAKE = "intake", _("Tiếp nhận hồ sơ thủ tục hành chính")
    VERIFY = "verify", _("Xác minh thông tin người nộp hồ sơ")
    UPDATE = "update", _("Cập nhật thông tin hồ sơ đang giải quyết")
    SELF = "self", _("Nộp hồ sơ trực tuyến của bản thân")
    FAMILY = "family", _("Nộp hồ sơ cho người thân trong gia đình")
    OTHER = "other", _("Lý do khác")


COUNTER_REASONS = (Reason.INTAKE, Reason.VERIFY, Reason.UPDATE, Reason.OTHER)


class ReadOnly(Exception):  # noqa: N818 - what the caller tried is refused
    """The audit log is append-only."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> NoReturn:
        raise ReadOnly("the population look-up log cannot be edited")

    def delete(self) -> NoReturn:
        raise ReadOnly("the population look-up log cannot be deleted")


class Lookup(models.Model):
    """One look-up in the population database (who, when, as which role and unit, whose ID number,
    why, the outcome and the request id sent). Written once, after the call; never edited or deleted."""

    at = models.DateTimeField(_("thời điểm"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("người tra cứu"))
    actor_name = models.CharField(_("người tra cứu"), max_length=255)
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    role = models.CharField(_("vai trò"), max_length=20, blank=True)
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("đơn vị"))
    unit_path = models.CharField(max_length=255, blank=True, default="")
    id_number = models.CharField(_("số định danh tra cứu"), max_length=20)
    reason = models.CharField(_("lý do"), max_length=10, choices=Reason.choices)
    reason_text = models.CharField(_("lý do cụ thể"), max_length=500, blank=True)
    procedure = models.ForeignKey("catalog.Procedure", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("thủ tục"))
    outcome = models.CharField(_("kết quả"), max_length=12, choices=Outcome.choices)
    message = models.CharField(_("chi tiết"), max_length=500, blank=True)
    request_id = models.CharField(_("mã yêu cầu (MaYeuCau)"), max_length=64, unique=True)
    duration_ms = models.PositiveIntegerField(_("thời gian (ms)"), default=0)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("tra cứu CSDL dân cư")
        verbose_name_plural = _("nhật ký tra cứu CSDL dân cư")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["unit_path", "at"], name="poplookup_unit_at"),
                   models.Index(fields=["user", "at"], name="poplookup_user_at"),
                   models.Index(fields=["id_number", "at"], name="poplookup_idnumber_at")]
        constraints = [
            models.CheckConstraint(condition=Q(outcome__in=Outcome.values), name="poplookup_outcome_valid"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="poplookup_channel_valid"),
            models.CheckConstraint(condition=Q(reason__in=Reason.values), name="poplookup_reason_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.outcome}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ReadOnly("the population look-up log cannot be edited")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ReadOnly("the population look-up log cannot be deleted")

    @property
    def masked_id(self) -> str:
        return mask(self.id_number)


class LookupUse(models.Model):
    """A successful look-up linked to the dossier it served (the dossier received at the counter or
    submitted online by the same person, with the ID number looked up, soon after): what the Decision
    766 indicators count. Written once."""

    lookup = models.OneToOneField(Lookup, on_delete=models.PROTECT, primary_key=True, related_name="use",
                                  verbose_name=_("tra cứu"))
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("hồ sơ"))
    linked_at = models.DateTimeField(_("thời điểm gắn"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("hồ sơ sử dụng tra cứu CSDL dân cư")
        verbose_name_plural = _("hồ sơ sử dụng tra cứu CSDL dân cư")
        indexes = [models.Index(fields=["dossier"], name="poplookupuse_dossier")]

    def __str__(self) -> str:
        return f"{self.lookup_id} -> {self.dossier_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ReadOnly("the population look-up log cannot be edited")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ReadOnly("the population look-up log cannot be deleted")


def mask(id_number: str) -> str:
    """An ID number as lists show it: its first 3 and last 3 digits ("068******234")."""
    if len(id_number) <= 6:
        return "*" * len(id_number)
    return id_number[:3] + "*" * (len(id_number) - 6) + id_number[-3:]
