"""Fee receipts (biên lai thu phí, lệ phí) and their gapless numbering per receiving unit and year.

A receipt belongs to the ``fee_paid`` event that recorded the money on the dossier. It is never
deleted: a receipt issued in error is cancelled (flag, reason, who, when), and the cancellation is
recorded on the dossier as a ``fee_paid`` event of its own whose amount is negative (the money
given back), so the event log still adds up to ``fees_paid``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Method(models.TextChoices):
    CASH = "cash", _("Tiền mặt")
    ONLINE = "online", _("Trực tuyến")
    TRANSFER = "transfer", _("Chuyển khoản")
    POST_COD = "post_cod", _("Thu hộ qua bưu chính")


class FeeReceipt(models.Model):
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("đơn vị thu"))
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveIntegerField(_("số biên lai"))
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="fee_receipts",
                                verbose_name=_("hồ sơ"))
    event = models.OneToOneField("dossiers.DossierEvent", on_delete=models.PROTECT, related_name="fee_receipt",
                                 verbose_name=_("sự kiện thu phí"))
    amount = models.PositiveBigIntegerField(_("số tiền"))
    method = models.CharField(_("hình thức nộp"), max_length=10, choices=Method.choices, default=Method.CASH)
    payer = models.CharField(_("người nộp tiền"), max_length=255)
    lines = models.JSONField(_("nội dung thu"), default=list, blank=True)
    collected_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("người thu"))
    collected_by_name = models.CharField(max_length=255, blank=True)
    at = models.DateTimeField(_("thời điểm thu"))
    client_key = models.CharField(max_length=64, null=True, blank=True)
    cancelled = models.BooleanField(_("đã hủy"), default=False)
    cancel_reason = models.CharField(_("lý do hủy"), max_length=1000, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("người hủy"))
    cancelled_at = models.DateTimeField(_("thời điểm hủy"), null=True, blank=True)
    cancel_event = models.OneToOneField("dossiers.DossierEvent", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="fee_receipt_cancelled", verbose_name=_("sự kiện hủy"))

    class Meta:
        verbose_name = _("biên lai thu phí, lệ phí")
        verbose_name_plural = _("biên lai thu phí, lệ phí")
        ordering = ["unit", "year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "number"], name="feereceipt_number_unique"),
            models.UniqueConstraint(fields=["dossier", "client_key"], name="feereceipt_client_key_unique",
                                    condition=Q(client_key__isnull=False)),
            models.CheckConstraint(condition=Q(amount__gt=0), name="feereceipt_amount_positive"),
            models.CheckConstraint(condition=Q(cancelled=False) | ~Q(cancel_reason=""),
                                   name="feereceipt_cancel_has_reason"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The printed number: ``0000123/2025``."""
        return f"{self.number:07d}/{self.year}"

    def delete(self, *args, **kwargs):  # noqa: ANN002, ANN003
        raise RuntimeError("a fee receipt is never deleted: cancel it")


class ReceiptCounter(models.Model):
    """Last receipt number used per receiving unit and year (gapless numbers)."""

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="feereceiptcounter_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} {self.last}"
