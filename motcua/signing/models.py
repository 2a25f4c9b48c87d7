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


class ResultCode(models.Model):
    """A reserved result code ``<dossier code>-KQ<n>``: one row per code, unique per dossier and number, so
    two drafts initialled at the same time (or an initialled draft and a plain approval) never get the
    same code. A code stays reserved for the result file it was made for (``document``), so trying again
    with that file gives it the same code; a reservation never used leaves a gap in the numbers."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField()
    code = models.CharField(max_length=80, unique=True)
    document = models.ForeignKey("dossiers.DossierFile", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mã kết quả đã cấp")
        verbose_name_plural = _("mã kết quả đã cấp")
        constraints = [models.UniqueConstraint(fields=["dossier", "number"], name="signing_resultcode_number")]

    def __str__(self) -> str:
        return self.code


class SignedLetter(models.Model):
    """A letter motcua printed (receipt, supplement request, refusal, apology, stop notice) signed once
    for its event with the unit's seal certificate and kept: every later download is this file. ``code``
    is its verification code (on the letter, and the public page ``/results/<code>/``)."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="signed_letters")
    event = models.ForeignKey("dossiers.DossierEvent", on_delete=models.PROTECT, related_name="+")
    slug = models.CharField(max_length=20)
    copies = models.PositiveSmallIntegerField(default=1)
    code = models.CharField(_("mã kiểm tra"), max_length=100, unique=True)
    storage_key = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    signer = models.CharField(_("người ký"), max_length=255)
    certificate_serial = models.CharField(max_length=64)
    issuer = models.CharField(max_length=255)
    signed_at = models.DateTimeField()
    signature_sha256 = models.CharField(max_length=64)
    signature_level = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("văn bản đã ký số")
        verbose_name_plural = _("văn bản đã ký số")
        constraints = [models.UniqueConstraint(fields=["event", "slug", "copies"], name="signing_letter_once")]

    def __str__(self) -> str:
        return self.code
