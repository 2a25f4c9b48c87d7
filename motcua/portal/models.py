"""Citizen accounts, saved drafts of online dossiers with their uploaded files, and ratings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import IdentityProvider, Score


class CitizenProfile(models.Model):
    """A citizen's portal account: the identity number it was opened with and how it signs in.
    ``identity_provider`` and ``subject`` leave room for the national VNeID sign-in."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="citizen_profile",
                                verbose_name=_("tài khoản"))
    id_number = models.CharField(_("số định danh cá nhân (CCCD)"), max_length=12, unique=True)
    phone = models.CharField(_("điện thoại"), max_length=20)
    address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    identity_provider = models.CharField(_("nguồn định danh"), max_length=20, choices=IdentityProvider.choices,
                                         default=IdentityProvider.LOCAL)
    subject = models.CharField(_("mã định danh tại nguồn"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tài khoản công dân")
        verbose_name_plural = _("tài khoản công dân")
        constraints = [
            models.UniqueConstraint(fields=["identity_provider", "subject"], condition=~Q(subject=""),
                                    name="citizenprofile_subject_unique"),
        ]

    def __str__(self) -> str:
        return self.id_number


class Draft(models.Model):
    """An online application saved before submission: the form data and the files uploaded so far."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_drafts",
                              verbose_name=_("người nộp"))
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("thủ tục"))
    data = models.JSONField(_("thông tin đã nhập"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ lưu nháp")
        verbose_name_plural = _("hồ sơ lưu nháp")
        indexes = [models.Index(fields=["owner", "updated_at"], name="portal_draft_owner")]

    def __str__(self) -> str:
        return f"{self.owner_id}: {self.procedure_id}"


class DraftFile(models.Model):
    """A file uploaded for one catalog component of a draft (already checked and stored)."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="files")
    component = models.ForeignKey("catalog.Component", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_key = models.CharField(max_length=200)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tệp hồ sơ nháp")
        verbose_name_plural = _("tệp hồ sơ nháp")
        constraints = [models.UniqueConstraint(fields=["draft", "component"], name="draftfile_one_per_component")]

    def __str__(self) -> str:
        return self.name


class Rating(models.Model):
    """The applicant's satisfaction with the handling of one dossier, given once after the result."""

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.CASCADE, related_name="rating",
                                   verbose_name=_("hồ sơ"))
    score = models.PositiveSmallIntegerField(_("mức độ hài lòng"), choices=Score.choices)
    comment = models.TextField(_("góp ý"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("thời điểm đánh giá"))

    class Meta:
        verbose_name = _("đánh giá hài lòng")
        verbose_name_plural = _("đánh giá hài lòng")
        constraints = [models.CheckConstraint(condition=Q(score__in=Score.values), name="rating_score_valid")]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.score}"
