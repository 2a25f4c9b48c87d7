"""The outbox (messages to outside systems) and the periodic jobs' schedule."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    DELIVERED = "delivered", _("Đã gửi")
    DEAD = "dead", _("Lỗi, ngừng thử lại")
    DISCARDED = "discarded", _("Đã bỏ")


# a message of these statuses blocks the later messages of its ordering key
UNDELIVERED = (Status.PENDING, Status.DEAD)


class OutboxMessage(models.Model):
    """One message to an outside system, written in the transaction of the change that causes it
    and delivered by the worker. ``key`` makes it idempotent; messages of one
    (destination, ordering key) are delivered in ``id`` order, a failing one blocking the later ones."""

    destination = models.CharField(_("nơi nhận"), max_length=64)
    key = models.CharField(_("khoá chống trùng"), max_length=200, unique=True)
    ordering_key = models.CharField(_("khoá thứ tự"), max_length=200)
    payload = models.JSONField(_("nội dung"), default=dict)
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("số lần thử"), default=0)
    next_attempt_at = models.DateTimeField(_("thử lại lúc"), default=timezone.now)
    leased_until = models.DateTimeField(_("đang gửi đến"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True, default="")
    task_id = models.UUIDField(_("mã công việc"), null=True, blank=True)  # its latest delivery task
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    delivered_at = models.DateTimeField(_("gửi xong lúc"), null=True, blank=True)
    # written by the intake path without a delivery task: the worker schedules it within a second
    unpublished = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("thông điệp gửi đi")
        verbose_name_plural = _("hàng đợi gửi đi")
        ordering = ["id"]
        indexes = [models.Index(fields=["destination", "ordering_key", "id"], name="jobs_outbox_stream"),
                   models.Index(fields=["id"], condition=models.Q(unpublished=True), name="jobs_outbox_unpublished")]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=Status.values), name="jobs_outbox_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.destination} {self.key}"


class PeriodicSchedule(models.Model):
    """When a periodic job is next due; workers take a due job by a compare-and-set on this row,
    so with several workers each run is enqueued once."""

    name = models.CharField(_("công việc"), max_length=64, unique=True)
    next_run_at = models.DateTimeField(_("lần chạy tới"), default=timezone.now)

    class Meta:
        verbose_name = _("lịch công việc định kỳ")
        verbose_name_plural = _("lịch công việc định kỳ")

    def __str__(self) -> str:
        return self.name
