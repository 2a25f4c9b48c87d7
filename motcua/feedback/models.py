"""Feedback categories, cases (phản ánh, kiến nghị), their append-only event log and files."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.domain.feedback import OPEN, CaseStatus

from .choices import ActionChoices, Channel, FileKind, Kind, StatusChoices, Subject, Urgency, VerdictChoices


class Category(models.Model):
    """A kind of feedback a sender may choose (an Open311 "service"), kept as data
    (``fixtures/categories.json``, editable by administrators)."""

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=255, blank=True)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    subject = models.CharField(_("đối tượng"), max_length=20, choices=Subject.choices, default=Subject.OTHER)
    description = models.TextField(_("mô tả"), blank=True)
    group = models.CharField(_("nhóm"), max_length=120, blank=True)
    keywords = models.CharField(_("từ khóa"), max_length=255, blank=True)
    # Open311 attributes: [{code, datatype, required, order, description, values: [{key, name}]}]
    attributes = models.JSONField(_("thuộc tính"), default=list, blank=True)
    publish = models.BooleanField(_("công khai câu trả lời"), default=True)
    internal = models.BooleanField(_("chỉ dùng nội bộ"), default=False,
                                   help_text=_("Không cho người dân chọn (ví dụ: xử lý sau đánh giá)"))
    active = models.BooleanField(_("đang dùng"), default=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("lĩnh vực phản ánh")
        verbose_name_plural = _("lĩnh vực phản ánh")
        ordering = ["order", "code"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=Kind.values), name="fbcategory_kind_valid")]

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    """One feedback, recommendation or complaint and its handling. Status, due times and verdict
    are a projection of the event log, kept in step by the service layer."""

    code = models.CharField(_("mã phản ánh"), max_length=30, unique=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="cases",
                                 verbose_name=_("lĩnh vực"))
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    subject = models.CharField(_("đối tượng"), max_length=20, choices=Subject.choices, default=Subject.OTHER)
    dossier = models.ForeignKey("dossiers.Dossier", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="feedback_cases", verbose_name=_("hồ sơ"))
    procedure = models.ForeignKey("catalog.Procedure", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("thủ tục"))
    subject_unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("đơn vị bị phản ánh"))
    officer = models.CharField(_("cán bộ bị phản ánh"), max_length=255, blank=True)
    title = models.CharField(_("tiêu đề"), max_length=255, blank=True)
    description = models.TextField(_("nội dung"), max_length=5000)
    lat = models.FloatField(_("vĩ độ"), null=True, blank=True)
    lon = models.FloatField(_("kinh độ"), null=True, blank=True)
    address = models.CharField(_("địa điểm"), max_length=500, blank=True)
    attributes = models.JSONField(_("thuộc tính"), default=dict, blank=True)

    anonymous = models.BooleanField(_("ẩn danh"), default=False)
    sender_name = models.CharField(_("người gửi"), max_length=255, blank=True)
    sender_phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    sender_email = models.EmailField(_("thư điện tử"), blank=True)
    sender_id_number = models.CharField(_("số định danh"), max_length=20, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="feedback_cases", verbose_name=_("tài khoản người gửi"))
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices, default=Channel.PORTAL)
    external_ref = models.CharField(_("mã tại hệ thống đối tác"), max_length=100, blank=True)
    partner = models.CharField(_("đối tác"), max_length=60, blank=True)
    source_rating_id = models.PositiveBigIntegerField(null=True, blank=True, unique=True,
                                                      help_text="the portal Rating a follow-up case answers")

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("đơn vị xử lý"))
    unit_path = models.CharField(max_length=255, editable=False)
    urgency = models.CharField(_("mức độ"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    status = models.CharField(_("trạng thái"), max_length=20, choices=StatusChoices.choices,
                              default=StatusChoices.NEW)
    publish_required = models.BooleanField(_("phải công khai"), default=False)
    limits_version = models.CharField(max_length=40, blank=True)

    received_at = models.DateTimeField(_("thời điểm tiếp nhận"))
    updated_at = models.DateTimeField(_("cập nhật"))
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(_("thời điểm trả lời"), null=True, blank=True)
    refused_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("hạn trả lời"))
    refuse_due_at = models.DateTimeField(null=True, blank=True)
    info_due_at = models.DateTimeField(null=True, blank=True)
    publish_due_at = models.DateTimeField(null=True, blank=True)
    verdict = models.CharField(_("đánh giá thời hạn"), max_length=24, choices=VerdictChoices.choices, blank=True)
    late_seconds = models.PositiveIntegerField(default=0)

    answer = models.TextField(_("nội dung trả lời"), blank=True)
    answered_by = models.CharField(_("người trả lời"), max_length=255, blank=True)
    refusal_reason = models.TextField(_("lý do từ chối"), blank=True)
    info_request = models.TextField(_("thông tin đề nghị bổ sung"), blank=True)

    satisfied = models.BooleanField(_("hài lòng với câu trả lời"), null=True, blank=True)
    rating_criteria = models.JSONField(_("tiêu chí đánh giá"), default=dict, blank=True)
    rating_comment = models.TextField(_("góp ý"), blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    row_version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=StatusChoices.values), name="fbcase_status_valid"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="fbcase_channel_valid"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="fbcase_kind_valid"),
            models.CheckConstraint(condition=Q(urgency__in=Urgency.values), name="fbcase_urgency_valid"),
            # a complaint about a dossier is the applicant's own: never anonymous
            models.CheckConstraint(condition=~(Q(kind=Kind.COMPLAINT) & Q(anonymous=True)),
                                   name="fbcase_complaint_not_anonymous"),
        ]
        indexes = [
            models.Index(fields=["unit_path", "status"], name="fbcase_unit_status",
                         opclasses=["varchar_pattern_ops", "varchar_pattern_ops"]),
            models.Index(fields=["owner", "received_at"], name="fbcase_owner"),
            models.Index(fields=["received_at"], name="fbcase_received_at"),
            models.Index(fields=["status", "due_at"], name="fbcase_status_due"),
            # answers overdue for publication (the queue's "overdue" and "to publish" tabs)
            models.Index(fields=["status", "publish_due_at"], name="fbcase_status_publish_due"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def province_id(self) -> int:
        return int(self.unit_path.strip("/").split("/")[0])

    def public_status_note(self) -> str:
        """What the public may read about the case's progress (no personal data)."""
        from .services import public_status_note

        return public_status_note(self)


class CaseEvent(models.Model):
    """One step of a case's handling: who, role, unit, when, from, to, why. Append-only."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", db_index=False)
    seq = models.PositiveIntegerField()
    at = models.DateTimeField(_("thời điểm"))
    action = models.CharField(_("thao tác"), max_length=20, choices=ActionChoices.choices)
    from_status = models.CharField(max_length=20, blank=True, choices=StatusChoices.choices)
    to_status = models.CharField(max_length=20, choices=StatusChoices.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    actor_name = models.CharField(max_length=255, blank=True)
    role = models.CharField(max_length=20, blank=True)
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("nhật ký phản ánh")
        verbose_name_plural = _("nhật ký phản ánh")
        ordering = ["case", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["case", "seq"], name="fbevent_seq_unique"),
            models.CheckConstraint(condition=Q(action__in=ActionChoices.values), name="fbevent_action_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.action}"

    def save(self, *args, **kwargs):  # noqa: ANN002, ANN003
        if self.pk is not None:
            from motcua.dossiers.models import ImmutableError

            raise ImmutableError("feedback events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # noqa: ANN002, ANN003
        from motcua.dossiers.models import ImmutableError

        raise ImmutableError("feedback events are append-only")


class CaseFile(models.Model):
    """A photo or document of a case (sent with it, or the answer's), content-addressed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="files")
    event = models.ForeignKey(CaseEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="files")
    kind = models.CharField(max_length=12, choices=FileKind.choices, default=FileKind.PHOTO)
    name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_key = models.CharField(max_length=200)
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("tệp phản ánh")
        verbose_name_plural = _("tệp phản ánh")

    def __str__(self) -> str:
        return self.name


__all__ = ["Case", "CaseEvent", "CaseFile", "CaseStatus", "Category"]
