"""Dossiers, their components and files, the immutable event log and the code counters."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.catalog.choices import ApplicantType, Channel

from .choices import (
    ActionChoices,
    FileKind,
    RepresentativeRelationship,
    ResultDelivery,
    SignatureStatus,
    StatusChoices,
    VerdictChoices,
)


class Dossier(models.Model):
    """An applicant's dossier for one procedure. Status, due time and verdict fields are a
    queryable projection of the event log, kept in step by the service layer."""

    # Indexes are kept few on purpose: every index is rewritten when a due time moves (a
    # calendar change rewrites hundreds of thousands of rows). Units are queried by path, the
    # code by exact match (a UniqueConstraint, without the LIKE index unique=True adds).
    code = models.CharField(_("mã hồ sơ"), max_length=60)
    receiving_unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("nơi tiếp nhận"), db_index=False)
    handling_unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("cơ quan giải quyết"), db_index=False)
    # where the applicant collects the result, when not at the receiving counter (intake regardless
    # of administrative boundaries: received anywhere, handled by the competent unit, returned here)
    return_unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("nơi trả kết quả"), db_index=False)
    receiving_path = models.CharField(max_length=255, editable=False)
    handling_path = models.CharField(max_length=255, editable=False)
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.PROTECT,
                                  related_name="dossiers", verbose_name=_("thủ tục"))
    version = models.ForeignKey("catalog.ProcedureVersion", on_delete=models.PROTECT,
                                related_name="dossiers", verbose_name=_("phiên bản thủ tục"), db_index=False)
    channel = models.PositiveSmallIntegerField(_("kênh nộp"), choices=Channel.choices)
    status = models.PositiveSmallIntegerField(_("trạng thái"), choices=StatusChoices.choices)

    applicant_type = models.PositiveSmallIntegerField(_("loại đối tượng"), choices=ApplicantType.choices,
                                                      default=ApplicantType.CITIZEN)
    applicant_name = models.CharField(_("người nộp / tổ chức"), max_length=255)
    applicant_id_number = models.CharField(_("số định danh / mã số"), max_length=20, blank=True)
    applicant_phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    representative_name = models.CharField(_("người đại diện / được ủy quyền"), max_length=255, blank=True)
    representative_id_number = models.CharField(_("số định danh người đại diện"), max_length=20, blank=True)
    representative_phone = models.CharField(_("điện thoại người đại diện"), max_length=20, blank=True)
    # who the representative is to the applicant, and the document that authorizes them (a power of
    # attorney's number and date, or "đại diện theo pháp luật" for an enterprise's legal representative)
    representative_relationship = models.CharField(_("quan hệ với người nộp"), max_length=20, blank=True,
                                                   choices=RepresentativeRelationship.choices)
    representative_authorization = models.CharField(_("giấy tờ ủy quyền / đại diện"), max_length=255,
                                                    blank=True)
    # channel 3: the public post's item code of the envelope that brought the dossier in
    inbound_postal_code = models.CharField(_("số hiệu bưu gửi đến"), max_length=20, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="own_dossiers", verbose_name=_("tài khoản công dân"),
                              db_index=False)  # covered by the (owner, submitted_at) index
    request_summary = models.CharField(_("nội dung yêu cầu"), max_length=1000, blank=True)
    result_delivery = models.CharField(_("hình thức nhận kết quả"), max_length=10,
                                       choices=ResultDelivery.choices, default=ResultDelivery.COUNTER)
    sets = models.PositiveSmallIntegerField(_("số bộ hồ sơ"), default=1)

    submitted_at = models.DateTimeField(_("thời điểm nộp"))
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"), null=True, blank=True)
    limit_seconds = models.PositiveIntegerField(_("thời hạn (giây làm việc)"))
    due_at = models.DateTimeField(_("hạn xử lý"), null=True, blank=True)
    appointment_at = models.DateTimeField(_("ngày hẹn trả"), null=True, blank=True)
    extended_to = models.DateTimeField(_("ngày hẹn lại (gia hạn)"), null=True, blank=True)
    pauses = models.JSONField(default=list, blank=True)  # [[start_epoch, end_epoch|null], ...]
    supplement_requests = models.PositiveSmallIntegerField(default=0)
    ended_at = models.DateTimeField(_("kết thúc xử lý"), null=True, blank=True)
    returned_at = models.DateTimeField(_("ngày trả kết quả"), null=True, blank=True)
    verdict = models.CharField(_("kết quả đánh giá"), max_length=24, choices=VerdictChoices.choices,
                               blank=True)
    late_seconds = models.PositiveIntegerField(default=0)

    current_step = models.ForeignKey("catalog.ProcessStep", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("bước hiện tại"), db_index=False)
    step_started_at = models.DateTimeField(null=True, blank=True)
    step_due_at = models.DateTimeField(_("hạn bước"), null=True, blank=True)
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="held_dossiers", verbose_name=_("người đang xử lý"))
    fees_due = models.PositiveBigIntegerField(_("phí, lệ phí phải nộp"), default=0)
    fees_paid = models.PositiveBigIntegerField(_("đã nộp"), default=0)
    # the fee lines computed from the catalog version at intake (motcua/fees): name, basis (per
    # dossier, set, page, copy), quantity, unit amount, total and when it is collected (1, 2, 4)
    fee_lines = models.JSONField(_("chi tiết phí, lệ phí"), default=list, blank=True)
    row_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        constraints = [
            models.UniqueConstraint(fields=["code"], name="dossier_code_unique"),
            models.CheckConstraint(condition=Q(status__gte=1) & Q(status__lte=10), name="dossier_status_valid"),
            models.CheckConstraint(condition=Q(channel__in=[1, 2, 3]), name="dossier_channel_valid"),
            models.CheckConstraint(condition=Q(applicant_type__in=[0, 1, 2]), name="dossier_applicant_valid"),
            models.CheckConstraint(condition=Q(status=1) | Q(status=3) | Q(received_at__isnull=False)
                                   | (Q(status__in=[5, 7]) & Q(received_at__isnull=True)),
                                   name="dossier_received_when_processing"),
        ]
        indexes = [
            # due_at is deliberately in no index: a calendar change then rewrites due times as
            # heap-only (HOT) updates that touch no index at all (see migration 0009's fillfactor)
            models.Index(fields=["handling_path", "status"], name="dossier_handling_status",
                         opclasses=["varchar_pattern_ops", "int2_ops"]),
            models.Index(fields=["receiving_path", "status"], name="dossier_receiving_status",
                         opclasses=["varchar_pattern_ops", "int2_ops"]),
            models.Index(fields=["status"], name="dossier_status"),
            models.Index(fields=["owner", "submitted_at"], name="dossier_owner"),
            models.Index(fields=["received_at"], name="dossier_received_at"),
            # the counter finds a returning applicant by their ID number
            models.Index(fields=["applicant_id_number", "submitted_at"], name="dossier_applicant_id",
                         condition=~Q(applicant_id_number="")),
            # the counter that hands results over for other units (intake across boundaries): few rows
            models.Index(fields=["return_unit"], name="dossier_return_unit",
                         condition=Q(return_unit__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def province_id(self) -> int:
        return int(self.receiving_path.strip("/").split("/")[0])


class DossierComponent(models.Model):
    """A component as submitted: which catalog component, how many originals and copies."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="components")
    component = models.ForeignKey("catalog.Component", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    name = models.CharField(_("tên thành phần"), max_length=1000)
    originals = models.PositiveSmallIntegerField(_("bản chính"), default=0)
    copies = models.PositiveSmallIntegerField(_("bản sao"), default=0)
    pages = models.PositiveSmallIntegerField(_("số trang"), default=0)
    # digitization (Circular 01/2023): the component was scanned or uploaded and marked digitized
    digitized_at = models.DateTimeField(_("số hóa lúc"), null=True, blank=True)
    digitized_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("người số hóa"), db_index=False)

    class Meta:
        verbose_name = _("thành phần hồ sơ đã nộp")
        verbose_name_plural = _("thành phần hồ sơ đã nộp")

    def __str__(self) -> str:
        return self.name


class DossierFile(models.Model):
    """A stored file of a dossier (component scan, result, attachment), content-addressed."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="files")
    component = models.ForeignKey(DossierComponent, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="files")
    kind = models.CharField(max_length=12, choices=FileKind.choices, default=FileKind.COMPONENT)
    name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_key = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tệp hồ sơ")
        verbose_name_plural = _("tệp hồ sơ")

    def __str__(self) -> str:
        return self.name


class ImmutableError(RuntimeError):
    pass


class DossierEvent(models.Model):
    """One state change or action on a dossier. Append-only: the source of truth for reports."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events",
                                db_index=False)  # the (dossier, seq) unique index serves lookups
    seq = models.PositiveIntegerField()
    at = models.DateTimeField(_("thời điểm"))
    action = models.CharField(_("thao tác"), max_length=24, choices=ActionChoices.choices)
    from_status = models.PositiveSmallIntegerField(null=True, blank=True, choices=StatusChoices.choices)
    to_status = models.PositiveSmallIntegerField(choices=StatusChoices.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    actor_name = models.CharField(max_length=255, blank=True)
    role = models.CharField(max_length=20, blank=True)
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    step = models.ForeignKey("catalog.ProcessStep", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    attachments = models.JSONField(default=list, blank=True)  # DossierFile ids
    # the hash chain (motcua/dossiers/eventchain.py): the previous event's hash ("" for the first)
    prev_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("nhật ký hồ sơ")
        verbose_name_plural = _("nhật ký hồ sơ")
        ordering = ["dossier", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "seq"], name="dossierevent_seq_unique"),
            models.CheckConstraint(condition=Q(action__in=ActionChoices.values), name="dossierevent_action_valid"),
            models.CheckConstraint(condition=Q(to_status__gte=1) & Q(to_status__lte=10),
                                   name="dossierevent_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.seq} {self.action}"

    def save(self, *args, **kwargs):  # noqa: ANN002, ANN003
        if self.pk is not None:
            raise ImmutableError("dossier events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # noqa: ANN002, ANN003
        raise ImmutableError("dossier events are append-only")


class EventCheckpoint(models.Model):
    """What the verifier saw: every chain head up to event ``upto_id``, itself chained by hash.

    A later verification recomputes the count and the heads' digest at the same ``upto_id``: removed
    histories, removed last events or a truncated log no longer match. Append-only like the log.
    """

    created_at = models.DateTimeField()
    upto_id = models.BigIntegerField()
    events = models.BigIntegerField()
    dossiers = models.BigIntegerField()
    heads_digest = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("điểm kiểm tra nhật ký")
        verbose_name_plural = _("điểm kiểm tra nhật ký")

    def __str__(self) -> str:
        return f"#{self.pk} <= {self.upto_id}: {self.events}"


class DossierCounter(models.Model):
    """Last dossier sequence number used per receiving agency and day (gapless codes)."""

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="dossiercounter_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day} {self.last}"


class Approval(models.Model):
    """A leader's approval of a dossier's result: the slot a digital signature attaches to.

    The approval is an event like any other (action ``approve`` in the log); this row adds what a
    signature needs: the exact document approved (its SHA-256 is what gets signed) and, once the
    signing service exists, the signed file and the signer's certificate. Nothing here is a fake
    signature: ``signature_status`` stays ``pending`` until a real signature is recorded.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="approvals")
    event = models.OneToOneField(DossierEvent, on_delete=models.PROTECT, related_name="approval")
    document = models.ForeignKey(DossierFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    document_sha256 = models.CharField(max_length=64, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField()
    signature_status = models.CharField(_("chữ ký số"), max_length=10, choices=SignatureStatus.choices,
                                        default=SignatureStatus.PENDING)
    signed_document = models.ForeignKey(DossierFile, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")
    signer = models.CharField(max_length=255, blank=True)
    certificate_serial = models.CharField(max_length=128, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    # the electronic result: its public code (``<dossier code>-KQ<n>``, on the QR), the certificate's
    # issuer, the signature's own hash (SHA-256 of its CMS) and its PAdES level (B-B, B-LT, B-LTA)
    result_code = models.CharField(_("mã kết quả"), max_length=80, null=True, blank=True, unique=True)
    issuer = models.CharField(max_length=255, blank=True)
    signature_sha256 = models.CharField(max_length=64, blank=True)
    signature_level = models.CharField(max_length=8, blank=True)

    class Meta:
        verbose_name = _("phê duyệt kết quả")
        verbose_name_plural = _("phê duyệt kết quả")

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.approved_at:%Y-%m-%d %H:%M}"

    @property
    def remote(self):  # noqa: ANN201 - the latest remote signing request (motcua.signing.RemoteSignature)
        return self.remote_signatures.order_by("-pk").first()
