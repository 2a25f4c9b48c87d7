"""Feedback code lists with translated labels: the domain enums, defined once."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.domain.feedback import CaseAction, CaseStatus


class Kind(models.TextChoices):
    FEEDBACK = "feedback", _("Phản ánh")
    RECOMMENDATION = "recommendation", _("Kiến nghị")
    COMPLAINT = "complaint", _("Phản ánh, kiến nghị về hồ sơ")
    FOLLOWUP = "followup", _("Xử lý sau đánh giá không hài lòng")


class Subject(models.TextChoices):
    DOSSIER = "dossier", _("Hồ sơ")
    PROCEDURE = "procedure", _("Thủ tục hành chính")
    OFFICER = "officer", _("Cán bộ, công chức")
    UNIT = "unit", _("Cơ quan, đơn vị")
    OTHER = "other", _("Khác")


class Channel(models.TextChoices):
    PORTAL = "portal", _("Cổng dịch vụ công")
    COUNTER = "counter", _("Tại bộ phận một cửa")
    BOX = "box", _("Hòm thư góp ý")
    API = "api", _("Ứng dụng đối tác (API)")
    OPEN311 = "open311", _("Open311")
    RATING = "rating", _("Đánh giá hồ sơ")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Thường")
    URGENT = "urgent", _("Khẩn")
    FOLLOWUP = "followup", _("Sau đánh giá không hài lòng")


class StatusChoices(models.TextChoices):
    NEW = CaseStatus.NEW, _("Mới tiếp nhận")
    ACKNOWLEDGED = CaseStatus.ACKNOWLEDGED, _("Đang xử lý")
    INFO_REQUESTED = CaseStatus.INFO_REQUESTED, _("Chờ bổ sung thông tin")
    TRANSFERRED = CaseStatus.TRANSFERRED, _("Đã chuyển đơn vị khác")
    ANSWERED = CaseStatus.ANSWERED, _("Đã trả lời")
    REFUSED = CaseStatus.REFUSED, _("Từ chối xử lý")
    PUBLISHED = CaseStatus.PUBLISHED, _("Đã công khai")
    CLOSED = CaseStatus.CLOSED, _("Đã kết thúc")


class ActionChoices(models.TextChoices):
    SUBMIT = CaseAction.SUBMIT, _("Gửi phản ánh")
    ACKNOWLEDGE = CaseAction.ACKNOWLEDGE, _("Tiếp nhận xử lý")
    TRANSFER = CaseAction.TRANSFER, _("Chuyển đơn vị")
    REQUEST_INFO = CaseAction.REQUEST_INFO, _("Đề nghị bổ sung thông tin")
    PROVIDE_INFO = CaseAction.PROVIDE_INFO, _("Bổ sung thông tin")
    ANSWER = CaseAction.ANSWER, _("Trả lời")
    REFUSE = CaseAction.REFUSE, _("Từ chối xử lý")
    PUBLISH = CaseAction.PUBLISH, _("Công khai kết quả")
    RATE = CaseAction.RATE, _("Đánh giá câu trả lời")
    CLOSE = CaseAction.CLOSE, _("Kết thúc")


class FileKind(models.TextChoices):
    PHOTO = "photo", _("Ảnh")
    ATTACHMENT = "attachment", _("Tệp đính kèm")
    ANSWER = "answer", _("Văn bản trả lời")


class VerdictChoices(models.TextChoices):
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Trễ hạn")
    IN_PROGRESS_ON_TIME = "in_progress_on_time", _("Đang xử lý, trong hạn")
    IN_PROGRESS_LATE = "in_progress_late", _("Đang xử lý, quá hạn")
