"""Notification kinds, channels and delivery statuses, defined once with translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận hồ sơ")
    SUPPLEMENT = "supplement", _("Yêu cầu bổ sung hồ sơ")
    PAYMENT = "payment", _("Yêu cầu thực hiện nghĩa vụ tài chính")
    RESULT = "result", _("Đã có kết quả")
    EXTENSION = "extension", _("Xin lỗi, hẹn lại ngày trả kết quả")
    DIGEST = "digest", _("Tổng hợp hằng ngày cho cán bộ")
    FEEDBACK = "feedback", _("Phản ánh, kiến nghị")
    APPOINTMENT = "appointment", _("Xác nhận lịch hẹn")


class Channel(models.TextChoices):
    EMAIL = "email", _("Thư điện tử")
    SMS = "sms", _("Tin nhắn SMS")
    ZALO = "zalo", _("Zalo")


class Status(models.TextChoices):
    QUEUED = "queued", _("Chờ gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi lỗi")
    OPTED_OUT = "opted_out", _("Người nhận đã từ chối")


class Language(models.TextChoices):
    VI = "vi", _("Tiếng Việt")
    EN = "en", _("Tiếng Anh")


# the values each kind's template may name (``{code}``); "link" is the public lookup page
COMMON = ("code", "procedure", "applicant", "unit", "link")
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    Kind.RECEIVED: (*COMMON, "appointment"),
    Kind.SUPPLEMENT: (*COMMON, "reason", "items"),
    Kind.PAYMENT: (*COMMON, "amount", "reason"),
    Kind.RESULT: (*COMMON, "how"),
    Kind.EXTENSION: (*COMMON, "reason", "new_appointment"),
    Kind.DIGEST: ("name", "date", "overdue_count", "approaching_count", "items", "more", "link"),
    Kind.FEEDBACK: ("code", "unit", "what", "due", "link"),  # a feedback case (motcua/feedback/notify.py)
    Kind.APPOINTMENT: ("code", "unit", "time", "purpose", "procedure", "link"),  # motcua/queueing/appointments.py
}
# the free-text values an SMS shortens first when it is too long (never the code, a date or the link)
SHRINKABLE = ("procedure", "reason", "items", "unit", "applicant", "how")
