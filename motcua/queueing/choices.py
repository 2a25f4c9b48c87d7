"""Ticket kinds, priority reasons, ticket and appointment statuses: defined once, with translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.domain.queueing import TicketKind as Kind
from motcua.domain.queueing import TicketStatus as Status


class TicketKind(models.TextChoices):
    NORMAL = Kind.NORMAL, _("Thường")
    PRIORITY = Kind.PRIORITY, _("Ưu tiên")
    APPOINTMENT = Kind.APPOINTMENT, _("Có lịch hẹn")


class PriorityReason(models.TextChoices):
    """Who is served first (Decree 61/2018 art. 14; Law on the Elderly 2009 art. 9; Law on Persons with
    Disabilities 2010 art. 40), plus the province's own priority card."""
    ELDERLY = "elderly", _("Người cao tuổi")
    DISABILITY = "disability", _("Người khuyết tật")
    PREGNANT = "pregnant", _("Phụ nữ có thai")
    PRIORITY_CARD = "card", _("Thẻ ưu tiên của tỉnh")


class TicketStatus(models.TextChoices):
    WAITING = Status.WAITING, _("Đang chờ")
    CALLED = Status.CALLED, _("Đã gọi")
    SERVING = Status.SERVING, _("Đang phục vụ")
    DONE = Status.DONE, _("Đã phục vụ xong")
    SKIPPED = Status.SKIPPED, _("Vắng mặt, bỏ qua")
    CANCELLED = Status.CANCELLED, _("Đã hủy")


class AppointmentPurpose(models.TextChoices):
    SUBMIT = "submit", _("Nộp hồ sơ")
    COLLECT = "collect", _("Nhận kết quả")


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Đã đặt")
    CHECKED_IN = "checked_in", _("Đã đến, đã lấy số")
    CANCELLED = "cancelled", _("Đã hủy")
    MISSED = "missed", _("Không đến")
