"""The procedure catalog: procedures, their versions by publishing decision, components, and
each unit's internal process for a procedure."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.domain.workcal import limit_to_seconds
from motcua.units.choices import Role

from .choices import Channel, IntakeAnywhere, Level, OnlineLevel, TimeUnit, VersionStatus


class Field(models.Model):
    """A field (lĩnh vực) procedures are grouped by."""

    code = models.CharField(_("mã"), max_length=20, unique=True)
    name = models.CharField(_("tên"), max_length=255)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    """A procedure by its national code; its content lives in versions."""

    code = models.CharField(_("mã thủ tục"), max_length=40, unique=True)
    name = models.CharField(_("tên thủ tục"), max_length=500)
    field = models.ForeignKey(Field, on_delete=models.PROTECT, related_name="procedures",
                              verbose_name=_("lĩnh vực"))
    levels = models.JSONField(_("cấp thực hiện"), default=list)
    # the procedure's code in the national database (MaTTHC); blank: not mapped yet, nothing of it
    # can be synced to the national portal until an administrator maps it
    national_code = models.CharField(_("mã TTHC quốc gia"), max_length=40, blank=True, default="",
                                     help_text=_("Mã thủ tục trên Cơ sở dữ liệu quốc gia về TTHC (MaTTHC), "
                                                 "dùng khi đồng bộ hồ sơ lên Cổng DVC quốc gia"))

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} - {self.name}"

    def clean(self) -> None:
        bad = [lv for lv in self.levels or [] if lv not in Level.values]
        if bad or not self.levels:
            raise ValidationError({"levels": _("Cấp thực hiện không hợp lệ.")})


class ProcedureVersion(models.Model):
    """The content of a procedure as published by one decision, in force from ``effective_from``
    until ``effective_to`` (exclusive). A dossier keeps the version in force at its receipt."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="versions",
                                  verbose_name=_("thủ tục"))
    decision_number = models.CharField(_("quyết định công bố"), max_length=100)
    decision_date = models.DateField(_("ngày quyết định"))
    effective_from = models.DateField(_("hiệu lực từ"))
    effective_to = models.DateField(_("hết hiệu lực từ"), null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=20, choices=VersionStatus.choices,
                              default=VersionStatus.PUBLISHED)
    name = models.CharField(_("tên thủ tục"), max_length=500)
    procedure_type = models.CharField(_("loại thủ tục"), max_length=255, blank=True)
    applicant_types = models.JSONField(_("đối tượng thực hiện"), default=list, blank=True)
    online_level = models.CharField(_("mức độ dịch vụ công trực tuyến"), max_length=10,
                                    choices=OnlineLevel.choices, default=OnlineLevel.PARTIAL)
    processing_time = models.DecimalField(_("thời hạn giải quyết"), max_digits=7, decimal_places=2)
    time_unit = models.CharField(_("đơn vị thời hạn"), max_length=10, choices=TimeUnit.choices,
                                 default=TimeUnit.DAY)
    methods = models.JSONField(_("cách thức thực hiện"), default=list, blank=True)
    fees = models.JSONField(_("phí, lệ phí"), default=list, blank=True)
    results = models.JSONField(_("kết quả"), default=list, blank=True)
    legal_basis = models.JSONField(_("căn cứ pháp lý"), default=list, blank=True)
    requirements = models.TextField(_("yêu cầu, điều kiện"), blank=True)
    competent_agency = models.CharField(_("cơ quan có thẩm quyền"), max_length=255, blank=True)
    executing_agency = models.CharField(_("cơ quan thực hiện"), max_length=255, blank=True)
    receiving_address = models.CharField(_("địa chỉ tiếp nhận"), max_length=500, blank=True)
    steps = models.JSONField(_("trình tự thực hiện"), default=list, blank=True)
    keywords = models.JSONField(_("từ khóa"), default=list, blank=True)
    cutoff_time = models.TimeField(_("giờ chốt riêng"), null=True, blank=True)
    fee_pay_later = models.BooleanField(_("cho phép nộp phí sau"), default=False,
                                        help_text=_("Hồ sơ được chuyển bước dù phí, lệ phí của giai đoạn đó chưa nộp."))
    intake_anywhere = models.CharField(_("tiếp nhận không phụ thuộc địa giới"), max_length=12,
                                       choices=IntakeAnywhere.choices, default=IntakeAnywhere.PROVINCE,
                                       help_text=_("Nơi được tiếp nhận hồ sơ: chỉ tại cơ quan có thẩm quyền, "
                                                   "mọi bộ phận một cửa trong tỉnh hoặc trên toàn quốc."))

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "effective_from"],
                                    name="procedureversion_unique_start"),
            models.CheckConstraint(condition=Q(effective_to__isnull=True)
                                   | Q(effective_to__gt=models.F("effective_from")),
                                   name="procedureversion_period_valid"),
            models.CheckConstraint(condition=Q(processing_time__gte=0), name="procedureversion_time_nonneg"),
            models.CheckConstraint(condition=Q(time_unit__in=TimeUnit.values), name="procedureversion_unit_valid"),
            models.CheckConstraint(condition=Q(online_level__in=OnlineLevel.values),
                                   name="procedureversion_online_valid"),
            models.CheckConstraint(condition=Q(intake_anywhere__in=IntakeAnywhere.values),
                                   name="procedureversion_intake_anywhere_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} ({self.decision_number})"

    def clean(self) -> None:
        from .versions import content_errors  # one check for the admin, the catalog import and the API

        errors = content_errors(self)
        if self.effective_to and self.effective_from and self.effective_to <= self.effective_from:
            errors["effective_to"] = _("Ngày hết hiệu lực phải sau ngày hiệu lực.")
        if errors:
            raise ValidationError(errors)

    def method_for(self, channel: int) -> dict | None:
        return next((m for m in self.methods or [] if m.get("channel") == channel), None)

    def accepts_channel(self, channel: int) -> bool:
        if channel == Channel.ONLINE and self.online_level == OnlineLevel.NONE:
            return False
        return not self.methods or self.method_for(channel) is not None

    def limit_seconds(self, channel: int) -> int:
        """Legal processing time for ``channel`` in working seconds."""
        m = self.method_for(channel)
        if m is not None and m.get("processing_time") is not None:
            return limit_to_seconds(float(m["processing_time"]), m.get("time_unit", self.time_unit))
        return limit_to_seconds(float(self.processing_time), self.time_unit)

    def fee_total(self, channel: int) -> int:
        m = self.method_for(channel)
        if m is not None and m.get("fee") is not None:
            return int(m["fee"])
        return sum(int(f.get("amount", 0)) for f in self.fees or [])


class Component(models.Model):
    """A document the applicant submits for a procedure version."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE,
                                related_name="components", verbose_name=_("phiên bản"))
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    name = models.CharField(_("tên thành phần"), max_length=1000)
    originals = models.PositiveSmallIntegerField(_("số bản chính"), default=1)
    copies = models.PositiveSmallIntegerField(_("số bản sao"), default=0)
    required = models.BooleanField(_("bắt buộc"), default=True)
    must_digitize = models.BooleanField(_("phải số hóa"), default=False)
    form_template = models.CharField(_("mẫu đơn, tờ khai"), max_length=500, blank=True)
    # the kind of document (giấy khai sinh, CCCD, ...), matched against a citizen's stored
    # documents to offer reuse (motcua/docstore); blank: not reusable
    document_type = models.CharField(_("loại giấy tờ"), max_length=40, blank=True, default="")

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["version", "order"]

    def __str__(self) -> str:
        return self.name


class ProcessStep(models.Model):
    """One step of a unit's internal process for a procedure, with its time quota and what the
    process marks: whether the step is required, whether it is the leader's approval (signing) step
    and whether it must produce a document before it is handed on."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="process_steps",
                                  verbose_name=_("thủ tục"))
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="process_steps",
                             verbose_name=_("đơn vị"))
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("tên bước"), max_length=255)
    role = models.CharField(_("vai trò thực hiện"), max_length=20, choices=Role.choices)
    department = models.ForeignKey("units.Unit", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("phòng ban thực hiện"))
    quota_hours = models.DecimalField(_("thời gian (giờ làm việc)"), max_digits=7, decimal_places=2)
    required = models.BooleanField(_("bắt buộc"), default=True,
                                   help_text=_("Hồ sơ phải qua bước này trước khi hoàn thành xử lý."))
    approval = models.BooleanField(_("bước phê duyệt, ký"), default=False,
                                   help_text=_("Lãnh đạo phê duyệt (ký) kết quả ở bước này; chỉ việc phê duyệt "
                                               "chuyển hồ sơ sang bước sau."))
    produces_document = models.BooleanField(_("phải có văn bản"), default=False,
                                            help_text=_("Phải đính kèm tệp ở bước này trước khi chuyển tiếp."))

    class Meta:
        verbose_name = _("bước quy trình nội bộ")
        verbose_name_plural = _("bước quy trình nội bộ")
        ordering = ["procedure", "unit", "order"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "unit", "order"], name="processstep_unique"),
            models.CheckConstraint(condition=Q(quota_hours__gt=0), name="processstep_quota_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"

    @property
    def quota_seconds(self) -> int:
        return int(float(self.quota_hours) * 3600)

    def as_rule(self):  # noqa: ANN201
        """The step as the pure process rules see it (motcua.domain.process.Step)."""
        from motcua.domain.process import Step

        return Step(self.order, self.name, self.role, self.required, self.approval, self.produces_document)
