"""Per-province working-time settings and the holiday / make-up day overrides behind them."""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_revision() -> int:
    """A random revision: a rolled-back or recreated calendar never reuses a cached one."""
    import secrets

    return secrets.randbelow(2**31 - 2) + 1


def _province_choices() -> models.Q:
    """Only provinces still in existence may carry a calendar (not a commune, a department
    or a dissolved unit)."""
    from motcua.core import clock

    today = clock.local_date(clock.now())
    return models.Q(kind="province") & (models.Q(dissolved_on__isnull=True) | models.Q(dissolved_on__gt=today))


class CalendarSettings(models.Model):
    """The head of one province's calendar: ``revision`` changes on every change to it (its
    settings versions, its overrides, the national entries) so that cached calendars are
    rebuilt. The rules themselves are :class:`CalendarSettingsVersion` rows, each in force from
    its date."""

    province = models.OneToOneField("units.Unit", on_delete=models.CASCADE,
                                    related_name="calendar_settings", verbose_name=_("tỉnh"),
                                    limit_choices_to=_province_choices)
    revision = models.PositiveIntegerField(default=new_revision, editable=False)

    class Meta:
        verbose_name = _("lịch làm việc của tỉnh")
        verbose_name_plural = _("lịch làm việc của tỉnh")

    def __str__(self) -> str:
        return str(self.province)


class CalendarSettingsVersion(models.Model):
    """Office hours and the afternoon cut-off of one province from ``effective_from`` until the
    next version: a change applies from a future date only, so days already worked (and the
    verdicts of dossiers finished on them) never change."""

    province = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="calendar_versions",
                                 verbose_name=_("tỉnh"), limit_choices_to=_province_choices)
    effective_from = models.DateField(_("áp dụng từ ngày"))
    morning_start = models.TimeField(_("sáng bắt đầu"), default=time(7, 30))
    morning_end = models.TimeField(_("sáng kết thúc"), default=time(11, 30))
    afternoon_start = models.TimeField(_("chiều bắt đầu"), default=time(13, 0))
    afternoon_end = models.TimeField(_("chiều kết thúc"), default=time(17, 0))
    cutoff_enabled = models.BooleanField(_("áp dụng giờ chốt buổi chiều"), default=True)
    cutoff = models.TimeField(_("giờ chốt"), default=time(15, 0),
                              help_text=_("Hồ sơ tiếp nhận sau giờ này được tính từ ngày làm việc tiếp theo"))
    decision = models.CharField(_("căn cứ quyết định"), max_length=255,
                                help_text=_("Số, ngày văn bản quyết định thay đổi giờ làm việc"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False, verbose_name=_("người khai báo"))
    created_at = models.DateTimeField(_("thời điểm khai báo"), auto_now_add=True)

    class Meta:
        verbose_name = _("giờ làm việc (theo thời kỳ)")
        verbose_name_plural = _("giờ làm việc (theo thời kỳ)")
        ordering = ["province", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["province", "effective_from"], name="calendar_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.province} {self.effective_from:%d/%m/%Y}"

    def clean(self) -> None:
        order = [("morning_start", self.morning_start), ("morning_end", self.morning_end),
                 ("afternoon_start", self.afternoon_start), ("afternoon_end", self.afternoon_end)]
        for (_first, earlier), (name, later) in zip(order, order[1:], strict=False):
            touching_lunch = name == "afternoon_start"  # the morning may end when the afternoon starts
            if earlier is None or later is None:
                continue
            if later < earlier or (later == earlier and not touching_lunch):
                raise ValidationError({name: _("Giờ làm việc phải theo thứ tự sáng rồi chiều, không chồng nhau.")})
        if not (self.decision or "").strip():
            raise ValidationError({"decision": _("Cần ghi rõ văn bản quyết định.")})


class OverrideKind(models.TextChoices):
    HOLIDAY = "holiday", _("Ngày nghỉ")
    WORKING_DAY = "working_day", _("Ngày làm việc (làm bù)")


class CalendarOverride(models.Model):
    """A day a province declares off or on, with the decision behind it; it wins over the
    computed national default (the ``holidays`` package)."""

    province = models.ForeignKey("units.Unit", on_delete=models.CASCADE,
                                 related_name="calendar_overrides", verbose_name=_("tỉnh"),
                                 limit_choices_to=_province_choices)
    date = models.DateField(_("ngày"))
    kind = models.CharField(_("loại"), max_length=20, choices=OverrideKind.choices)
    name = models.CharField(_("tên"), max_length=200)
    decision = models.CharField(_("căn cứ quyết định"), max_length=255,
                                help_text=_("Số, ngày văn bản công bố ngày nghỉ hoặc làm bù"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False, verbose_name=_("người khai báo"))
    created_at = models.DateTimeField(_("thời điểm khai báo"), auto_now_add=True)

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


class NationalEntryStatus(models.TextChoices):
    PENDING = "pending", _("Chờ xác nhận")
    CONFIRMED = "confirmed", _("Đã xác nhận")
    REJECTED = "rejected", _("Đã bác bỏ")


class NationalEntry(models.Model):
    """A national day off / make-up day whose legal basis is not confirmed: a day the
    ``holidays`` package lists but no official schedule shipped in calendars/data confirms
    (not applied until an administrator confirms it), or an official entry whose document
    was not checked (applied unless an administrator rejects it)."""

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=20, choices=OverrideKind.choices)
    name = models.CharField(_("tên"), max_length=200)
    source = models.CharField(_("nguồn"), max_length=20,
                              choices=[("library", _("Thư viện holidays")), ("official", _("Lịch chính thức"))])
    basis = models.CharField(_("căn cứ đã biết"), max_length=255, blank=True)
    status = models.CharField(_("trạng thái"), max_length=20, choices=NationalEntryStatus.choices,
                              default=NationalEntryStatus.PENDING)
    decision = models.CharField(_("căn cứ xác nhận / bác bỏ"), max_length=255, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False, verbose_name=_("người quyết định"))
    decided_at = models.DateTimeField(_("thời điểm quyết định"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("ngày lễ quốc gia chờ xác nhận")
        verbose_name_plural = _("ngày lễ quốc gia chờ xác nhận")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"
