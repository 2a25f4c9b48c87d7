"""Service groups and counters of a one-stop department, queue tickets and appointments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.domain.queueing import ticket_code

from .choices import AppointmentPurpose, AppointmentStatus, PriorityReason, TicketKind, TicketStatus


class ServiceGroup(models.Model):
    """A group of services with its own ticket series at a unit's one-stop department (civil status
    "A", land "B", business "C"...): the kiosk's buttons. Procedures belong to it through their fields."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="service_groups",
                             verbose_name=_("đơn vị"))
    letter = models.CharField(_("ký hiệu số"), max_length=2, help_text=_("Chữ đứng trước số thứ tự, ví dụ A"))
    name = models.CharField(_("tên nhóm dịch vụ"), max_length=120)
    fields = models.ManyToManyField("catalog.Field", blank=True, related_name="+", verbose_name=_("lĩnh vực"))
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    # appointments: a day's working hours (the unit's working-time calendar) cut into slots
    slot_minutes = models.PositiveSmallIntegerField(_("độ dài khung giờ hẹn (phút)"), default=30)
    slot_capacity = models.PositiveSmallIntegerField(_("số lịch hẹn mỗi khung giờ"), default=4)
    active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("nhóm dịch vụ")
        verbose_name_plural = _("nhóm dịch vụ")
        ordering = ["unit", "position", "letter"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "letter"], name="servicegroup_letter_unique"),
            models.CheckConstraint(condition=Q(slot_minutes__gte=5), name="servicegroup_slot_minutes"),
        ]

    def __str__(self) -> str:
        return f"{self.letter} - {self.name}"


class Counter(models.Model):
    """A numbered counter (quầy) of a unit's one-stop department, serving some service groups."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="queue_counters",
                             verbose_name=_("đơn vị"))
    number = models.PositiveSmallIntegerField(_("số quầy"))
    name = models.CharField(_("tên quầy"), max_length=120, blank=True)
    groups = models.ManyToManyField(ServiceGroup, related_name="counters", verbose_name=_("nhóm dịch vụ"))
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("cán bộ đang ngồi quầy"))
    active = models.BooleanField(_("đang mở"), default=True)

    class Meta:
        verbose_name = _("quầy")
        verbose_name_plural = _("quầy")
        ordering = ["unit", "number"]
        constraints = [models.UniqueConstraint(fields=["unit", "number"], name="counter_number_unique")]

    def __str__(self) -> str:
        return self.name or str(_("Quầy %(n)s") % {"n": self.number})


class TicketSequence(models.Model):  # noqa: DJ008 (internal rows, never displayed)
    """The last number issued in a service group on a day (locked while a ticket is issued)."""

    group = models.ForeignKey(ServiceGroup, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "day"], name="ticketsequence_unique")]


class Appointment(models.Model):
    """A booked visit: to submit a dossier for a procedure, or to collect a dossier's result, in a slot."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị"))
    group = models.ForeignKey(ServiceGroup, on_delete=models.PROTECT, related_name="appointments",
                              verbose_name=_("nhóm dịch vụ"))
    purpose = models.CharField(_("mục đích"), max_length=10, choices=AppointmentPurpose.choices,
                               default=AppointmentPurpose.SUBMIT)
    procedure = models.ForeignKey("catalog.Procedure", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("thủ tục"))
    dossier = models.ForeignKey("dossiers.Dossier", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="appointments", verbose_name=_("hồ sơ"))  # to collect its result
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="queue_appointments", verbose_name=_("tài khoản công dân"))
    name = models.CharField(_("họ và tên"), max_length=255)
    id_number = models.CharField(_("số định danh"), max_length=20, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    starts_at = models.DateTimeField(_("bắt đầu"))
    ends_at = models.DateTimeField(_("kết thúc"))
    status = models.CharField(_("trạng thái"), max_length=12, choices=AppointmentStatus.choices,
                              default=AppointmentStatus.BOOKED)
    code = models.CharField(_("mã lịch hẹn"), max_length=12, unique=True)  # typed or scanned at the kiosk
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lịch hẹn")
        verbose_name_plural = _("lịch hẹn")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=AppointmentStatus.values), name="appointment_status_valid"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="appointment_slot_valid"),
        ]
        indexes = [models.Index(fields=["group", "starts_at"], name="appointment_group_slot")]

    def __str__(self) -> str:
        return self.code


class Ticket(models.Model):
    """A queue ticket: issued at the kiosk (or on arrival for an appointment), called at a counter,
    served, and linked to the dossier received from it; its times measure waiting and serving."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị"))
    group = models.ForeignKey(ServiceGroup, on_delete=models.PROTECT, related_name="tickets",
                              verbose_name=_("nhóm dịch vụ"))
    day = models.DateField(_("ngày"))  # Vietnam date: numbers restart every day
    number = models.PositiveIntegerField(_("số thứ tự"))
    kind = models.CharField(_("loại số"), max_length=12, choices=TicketKind.choices, default=TicketKind.NORMAL)
    priority_reason = models.CharField(_("đối tượng ưu tiên"), max_length=12, choices=PriorityReason.choices,
                                       blank=True)
    status = models.CharField(_("trạng thái"), max_length=12, choices=TicketStatus.choices,
                              default=TicketStatus.WAITING)
    token = models.CharField(max_length=32, unique=True, editable=False)  # the phone's follow link (QR)
    procedure = models.ForeignKey("catalog.Procedure", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("thủ tục"))
    appointment = models.OneToOneField(Appointment, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="ticket", verbose_name=_("lịch hẹn"))
    counter = models.ForeignKey(Counter, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets",
                                verbose_name=_("quầy"))  # the counter calling or serving it
    transferred_to = models.ForeignKey(Counter, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+", verbose_name=_("chuyển sang quầy"))
    called_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("cán bộ gọi số"))
    dossier = models.ForeignKey("dossiers.Dossier", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="queue_tickets", verbose_name=_("hồ sơ tiếp nhận"))
    issued_at = models.DateTimeField(_("thời điểm lấy số"))
    first_called_at = models.DateTimeField(_("lần gọi đầu"), null=True, blank=True)  # waiting ends here
    called_at = models.DateTimeField(_("lần gọi gần nhất"), null=True, blank=True)
    serving_at = models.DateTimeField(_("bắt đầu phục vụ"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc phục vụ"), null=True, blank=True)
    recalls = models.PositiveSmallIntegerField(_("số lần gọi lại"), default=0)
    transfers = models.PositiveSmallIntegerField(_("số lần chuyển quầy"), default=0)

    class Meta:
        verbose_name = _("số thứ tự")
        verbose_name_plural = _("số thứ tự")
        ordering = ["issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["group", "day", "number"], name="ticket_number_unique"),
            models.CheckConstraint(condition=Q(status__in=TicketStatus.values), name="ticket_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=TicketKind.values), name="ticket_kind_valid"),
            models.CheckConstraint(condition=~Q(kind=TicketKind.PRIORITY) | ~Q(priority_reason=""),
                                   name="ticket_priority_has_reason"),
        ]
        indexes = [
            # a counter's "call next": today's waiting tickets of its groups
            models.Index(fields=["group", "day", "status"], name="ticket_group_day_status"),
            models.Index(fields=["unit", "day"], name="ticket_unit_day"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        return ticket_code(self.group.letter, self.number)


class OpeningOverride(models.Model):
    """A day a unit's one-stop department opens for appointments less than its calendar says (an
    afternoon-only day, a morning closed for a meeting), or not at all: appointment slots are cut
    from the day's office periods within [opens, closes); both empty closes the day."""

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+", verbose_name=_("đơn vị"))
    day = models.DateField(_("ngày"))
    opens = models.TimeField(_("mở từ"), null=True, blank=True)
    closes = models.TimeField(_("đến"), null=True, blank=True)
    reason = models.CharField(_("lý do"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("giờ nhận lịch hẹn khác thường")
        verbose_name_plural = _("giờ nhận lịch hẹn khác thường")
        ordering = ["unit", "day"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "day"], name="openingoverride_unique"),
            models.CheckConstraint(condition=(Q(opens__isnull=True) & Q(closes__isnull=True))
                                   | (Q(opens__isnull=False) & Q(closes__isnull=False)
                                      & Q(closes__gt=models.F("opens"))),
                                   name="openingoverride_hours_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.day:%d/%m/%Y}"
