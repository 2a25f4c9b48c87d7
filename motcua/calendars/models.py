"""Per-province working-time settings and the holiday / make-up day overrides behind them."""

from __future__ import annotations

from datetime import time

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_revision() -> int:
    """A random revision: a rolled-back or recreated calendar never reuses a cached one."""
    import secrets

    return secrets.randbelow(2**31 - 2) + 1


class CalendarSettings(models.Model):
    """Office hours and the afternoon cut-off of one province. ``revision`` increases on every
    change to the province's calendar so that cached calendars are rebuilt."""

    province = models.OneToOneField("units.Unit", on_delete=models.CASCADE,
                                    related_name="calendar_settings", verbose_name=_("tỉnh"))
    morning_start = models.TimeField(_("sáng bắt đầu"), default=time(7, 30))
    morning_end = models.TimeField(_("sáng kết thúc"), default=time(11, 30))
    afternoon_start = models.TimeField(_("chiều bắt đầu"), default=time(13, 0))
    afternoon_end = models.TimeField(_("chiều kết thúc"), default=time(17, 0))
    cutoff_enabled = models.BooleanField(_("áp dụng giờ chốt buổi chiều"), default=True)
    cutoff = models.TimeField(_("giờ chốt"), default=time(15, 0),
                              help_text=_("Hồ sơ tiếp nhận sau giờ này được tính từ ngày làm việc tiếp theo"))
    revision = models.PositiveIntegerField(default=new_revision, editable=False)

    class Meta:
        verbose_name = _("cấu hình lịch làm việc")
        verbose_name_plural = _("cấu hình lịch làm việc")

    def __str__(self) -> str:
        return str(self.province)

    def clean(self) -> None:
        if not (self.morning_start < self.morning_end <= self.afternoon_start < self.afternoon_end):
            raise ValidationError(_("Giờ làm việc phải theo thứ tự sáng rồi chiều, không chồng nhau."))


class OverrideKind(models.TextChoices):
    HOLIDAY = "holiday", _("Ngày nghỉ")
    WORKING_DAY = "working_day", _("Ngày làm việc (làm bù)")


class CalendarOverride(models.Model):
    """A day a province declares off or on, with the decision behind it; it wins over the
    computed national default (the ``holidays`` package)."""

    province = models.ForeignKey("units.Unit", on_delete=models.CASCADE,
                                 related_name="calendar_overrides", verbose_name=_("tỉnh"))
    date = models.DateField(_("ngày"))
    kind = models.CharField(_("loại"), max_length=20, choices=OverrideKind.choices)
    name = models.CharField(_("tên"), max_length=200)
    decision = models.CharField(_("căn cứ quyết định"), max_length=255,
                                help_text=_("Số, ngày văn bản công bố ngày nghỉ hoặc làm bù"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ngày nghỉ / làm bù")
        verbose_name_plural = _("ngày nghỉ / làm bù")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["province", "date"], name="calendar_override_unique"),
            models.CheckConstraint(condition=models.Q(kind__in=OverrideKind.values),
                                   name="calendar_override_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"

    def clean(self) -> None:
        if not (self.decision or "").strip():
            raise ValidationError({"decision": _("Cần ghi rõ văn bản quyết định.")})
