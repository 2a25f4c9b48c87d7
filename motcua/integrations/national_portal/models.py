"""What motcua knows of the national portal: each dossier's sync state, the dossiers pulled from
the portal, the national catalog codes and the reconciliation runs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SyncState(models.TextChoices):
    PENDING = "pending", _("Đang chờ đồng bộ")
    SYNCED = "synced", _("Đã đồng bộ")
    FAILED = "failed", _("Đồng bộ lỗi")


class DossierSync(models.Model):
    """One dossier's sync with the portal. ``wanted_seq`` is the last event enqueued for the portal,
    ``synced_seq`` the last one whose trail row the portal accepted: synced when they meet."""

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.CASCADE, primary_key=True,
                                   related_name="portal_sync", verbose_name=_("hồ sơ"))
    state = models.CharField(_("trạng thái đồng bộ"), max_length=10, choices=SyncState.choices,
                             default=SyncState.PENDING)
    wanted_seq = models.PositiveIntegerField(default=0)
    synced_seq = models.PositiveIntegerField(default=0)
    on_portal = models.BooleanField(_("đã có trên Cổng"), default=False)
    attempts = models.PositiveIntegerField(_("số lần gửi"), default=0)
    last_attempt_at = models.DateTimeField(_("lần gửi gần nhất"), null=True, blank=True)
    synced_at = models.DateTimeField(_("đồng bộ xong lúc"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True, default="")

    class Meta:
        verbose_name = _("đồng bộ hồ sơ lên Cổng DVCQG")
        verbose_name_plural = _("đồng bộ hồ sơ lên Cổng DVCQG")
        indexes = [models.Index(fields=["state"], name="np_sync_state")]
        constraints = [models.CheckConstraint(condition=models.Q(state__in=SyncState.values),
                                              name="np_sync_state_valid")]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.state}"


class InboundDossier(models.Model):
    """A dossier filed on the national portal and pulled into motcua: keyed by the portal's code,
    so that pulling it again never creates it twice."""

    portal_code = models.CharField(_("mã hồ sơ trên Cổng"), max_length=60, unique=True)
    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="portal_inbound", verbose_name=_("hồ sơ"))
    payload = models.JSONField(_("dữ liệu nhận"), default=dict)
    pulled_at = models.DateTimeField(_("nhận lúc"))
    files_expected = models.PositiveSmallIntegerField(default=0)
    files_fetched = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(_("lỗi"), blank=True, default="")  # why it could not be created (yet)

    class Meta:
        verbose_name = _("hồ sơ nhận từ Cổng DVCQG")
        verbose_name_plural = _("hồ sơ nhận từ Cổng DVCQG")
        ordering = ["-pulled_at"]

    def __str__(self) -> str:
        return self.portal_code


class NationalProcedure(models.Model):
    """A procedure of the national database (LayDanhSachTTHC / LayThuTuc), for mapping local ones."""

    code = models.CharField(_("mã TTHC"), max_length=40, unique=True)
    name = models.CharField(_("tên thủ tục"), max_length=1000)
    field_code = models.CharField(_("mã lĩnh vực"), max_length=40, blank=True, default="")
    field_name = models.CharField(_("lĩnh vực"), max_length=500, blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    pulled_at = models.DateTimeField(_("cập nhật lúc"))

    class Meta:
        verbose_name = _("TTHC trên CSDL quốc gia")
        verbose_name_plural = _("TTHC trên CSDL quốc gia")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} - {self.name}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang đối soát")
    DONE = "done", _("Hoàn thành")
    FAILED = "failed", _("Lỗi")


class ReconciliationRun(models.Model):
    """One reconciliation of a unit's dossiers received in a period against the portal."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị"))
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("tạo lúc"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    total = models.PositiveIntegerField(_("số hồ sơ"), default=0)
    checked = models.PositiveIntegerField(_("đã đối chiếu"), default=0)
    differences = models.PositiveIntegerField(_("số chênh lệch"), default=0)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    error = models.TextField(_("lỗi"), blank=True, default="")

    class Meta:
        verbose_name = _("đối soát với Cổng DVCQG")
        verbose_name_plural = _("đối soát với Cổng DVCQG")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.start}..{self.end}"


class Difference(models.Model):
    """One disagreement found by a run; ``kinds`` lists every kind found on the dossier."""

    run = models.ForeignKey(ReconciliationRun, on_delete=models.CASCADE, related_name="items")
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="+")
    kinds = models.JSONField(default=list)  # of "missing", "status", "dates", "verdict", "trail", "pending"
    reasons = models.JSONField(default=list)  # plain Vietnamese sentences, one per kind
    motcua = models.JSONField(default=dict)  # the fields compared, as motcua has them
    portal = models.JSONField(default=dict)  # and as the portal has them
    explanation = models.JSONField(default=list)  # motcua's verdict explanation (verdict differences)
    repushed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("chênh lệch với Cổng DVCQG")
        verbose_name_plural = _("chênh lệch với Cổng DVCQG")
        ordering = ["run", "id"]
        constraints = [models.UniqueConstraint(fields=["run", "dossier"], name="np_difference_once")]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.dossier_id} {','.join(self.kinds)}"
