"""An import of a legacy history file (its dry run, then its import) and the dossiers it brought in."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    CHECKING = "checking", _("Đang kiểm tra")
    CHECKED = "checked", _("Đã kiểm tra")
    QUEUED = "queued", _("Chờ nhập")
    IMPORTING = "importing", _("Đang nhập")
    DONE = "done", _("Đã nhập xong")
    FAILED = "failed", _("Thất bại")


class ImportRun(models.Model):
    """One uploaded file: the dry run's report, then the import's counts and progress."""

    file_hash = models.CharField(_("mã băm tệp"), max_length=64, db_index=True)  # sha256 over the files
    files = models.JSONField(_("tệp"), default=list)  # [{"name", "key", "size"}] in the storage
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("tạo lúc"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=RunStatus.choices, default=RunStatus.CHECKING)
    rows_total = models.PositiveIntegerField(_("số dòng"), default=0)
    rows_done = models.PositiveIntegerField(_("số dòng đã xử lý"), default=0)
    summary = models.JSONField(_("kết quả kiểm tra"), default=dict)  # the dry run's counts
    problems = models.JSONField(_("các vấn đề"), default=list)  # the first problems, by row
    failed_codes = models.JSONField(default=list)  # dossiers the dry run refused (the import leaves them out)
    created = models.PositiveIntegerField(_("đã tạo"), default=0)
    skipped = models.PositiveIntegerField(_("bỏ qua"), default=0)
    failed = models.PositiveIntegerField(_("lỗi"), default=0)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    error = models.TextField(_("lỗi"), blank=True, default="")

    class Meta:
        verbose_name = _("lượt nhập dữ liệu cũ")
        verbose_name_plural = _("lượt nhập dữ liệu cũ")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.pk} {self.status}"

    @property
    def percent(self) -> int:
        if self.status == RunStatus.DONE:
            return 100
        return min(100, int(100 * self.rows_done / self.rows_total)) if self.rows_total else 0


class LegacyRecord(models.Model):
    """A dossier brought in from a legacy system: its legacy code and the digest of its content, the key
    of an idempotent re-import (same code, same content: skipped; other content: refused)."""

    code = models.CharField(max_length=60, unique=True)
    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.PROTECT, related_name="legacy")
    digest = models.CharField(max_length=64)
    run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="records")

    class Meta:
        verbose_name = _("hồ sơ nhập từ hệ thống cũ")
        verbose_name_plural = _("hồ sơ nhập từ hệ thống cũ")

    def __str__(self) -> str:
        return self.code
