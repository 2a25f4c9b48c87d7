"""Remote signing transactions kept while the signer confirms on their phone."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RemoteState(models.TextChoices):
    WAITING = "waiting", _("Đang chờ xác nhận")
    SIGNED = "signed", _("Đã ký")
    REFUSED = "refused", _("Người ký từ chối")
    FAILED = "failed", _("Không thành công")


class RemoteSignature(models.Model):
    """One request to a remote signing service for an approval's result: the pending signature (the
    prepared PDF and the signed attributes, JSON), where it stands, and the signed file's hash when done.
    The store behind ``motcua.signing.remote`` (see :class:`motcua.signing.store.DbStore`)."""

    approval = models.ForeignKey("dossiers.Approval", on_delete=models.CASCADE, related_name="remote_signatures")
    transaction_id = models.CharField(max_length=100, unique=True)
    pending = models.TextField()
    state = models.CharField(_("trạng thái"), max_length=10, choices=RemoteState.choices, default=RemoteState.WAITING)
    message = models.CharField(max_length=500, blank=True)
    signed_sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("yêu cầu ký số từ xa")
        verbose_name_plural = _("yêu cầu ký số từ xa")
        indexes = [models.Index(fields=["state", "created_at"], name="signing_remote_waiting")]
        constraints = [models.CheckConstraint(condition=models.Q(state__in=RemoteState.values),
                                              name="signing_remote_state_valid")]

    def __str__(self) -> str:
        return f"{self.transaction_id} {self.state}"
