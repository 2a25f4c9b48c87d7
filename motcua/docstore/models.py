"""The citizen's (or enterprise's) document store: stored documents and their reuses in later dossiers.

A stored document references a :class:`~motcua.dossiers.models.DossierFile` (files are content-addressed:
the bytes are never copied). A reuse links the stored file to a component of a new dossier through a new
``DossierFile`` row pointing to the same blob, so the new dossier's staff open it like any other file of
the dossier."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.catalog.choices import ApplicantType

from .choices import ReuseChannel, Source


class StoredDocument(models.Model):
    """One document of a holder (a citizen's personal ID number or an enterprise's tax code): a
    digitized component, an electronic result, a certified copy or the owner's own upload, with its
    type, issuer and validity. Withdrawn instead of deleted (a reuse keeps pointing to it)."""

    holder = models.CharField(_("số định danh / mã số thuế"), max_length=20)
    holder_type = models.PositiveSmallIntegerField(_("loại đối tượng"), choices=ApplicantType.choices,
                                                   default=ApplicantType.CITIZEN)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="stored_documents", verbose_name=_("tài khoản"), db_index=False)
    document_type = models.CharField(_("loại giấy tờ"), max_length=40)
    title = models.CharField(_("tên giấy tờ"), max_length=1000)
    number = models.CharField(_("số, ký hiệu"), max_length=80, blank=True)
    issuer = models.CharField(_("cơ quan cấp"), max_length=255, blank=True)
    issued_on = models.DateField(_("ngày cấp"), null=True, blank=True)
    valid_until = models.DateField(_("có giá trị đến"), null=True, blank=True)
    source = models.CharField(_("nguồn"), max_length=16, choices=Source.choices)
    source_dossier = models.ForeignKey("dossiers.Dossier", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+", verbose_name=_("hồ sơ nguồn"), db_index=False)
    source_component = models.ForeignKey("dossiers.DossierComponent", null=True, blank=True,
                                         on_delete=models.SET_NULL, related_name="+", db_index=False)
    file = models.ForeignKey("dossiers.DossierFile", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("tệp"))
    created_at = models.DateTimeField(_("lưu vào kho lúc"))
    withdrawn = models.BooleanField(_("đã thu hồi"), default=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("giấy tờ trong kho")
        verbose_name_plural = _("giấy tờ trong kho")
        constraints = [
            models.UniqueConstraint(fields=["file"], name="storeddocument_one_per_file"),
            models.CheckConstraint(condition=Q(source__in=Source.values), name="storeddocument_source_valid"),
            models.CheckConstraint(condition=~Q(holder=""), name="storeddocument_holder_set"),
            models.CheckConstraint(condition=~Q(document_type=""), name="storeddocument_type_set"),
            models.CheckConstraint(condition=Q(withdrawn=False) | Q(withdrawn_at__isnull=False),
                                   name="storeddocument_withdrawn_when"),
            models.CheckConstraint(condition=Q(valid_until__isnull=True) | Q(issued_on__isnull=True)
                                   | Q(valid_until__gte=models.F("issued_on")), name="storeddocument_validity"),
        ]
        indexes = [
            models.Index(fields=["holder", "document_type", "created_at"], name="storeddoc_holder_type"),
            models.Index(fields=["owner", "created_at"], name="storeddoc_owner",
                         condition=Q(owner__isnull=False)),
            models.Index(fields=["source_dossier"], name="storeddoc_source_dossier"),
            models.Index(fields=["source_component"], name="storeddoc_source_component",
                         condition=Q(source_component__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.holder}: {self.document_type} {self.number or self.pk}"


class Reuse(models.Model):
    """A stored document used for one component of a new dossier instead of a new upload (Decision 766,
    "reuse of digitized data"): one per dossier component, the file linked in the new dossier, who and
    through which channel."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="store_reuses",
                                verbose_name=_("hồ sơ"))
    component = models.OneToOneField("dossiers.DossierComponent", on_delete=models.CASCADE,
                                     related_name="store_reuse", verbose_name=_("thành phần hồ sơ"))
    document = models.ForeignKey(StoredDocument, on_delete=models.PROTECT, related_name="reuses",
                                 verbose_name=_("giấy tờ trong kho"))
    file = models.OneToOneField("dossiers.DossierFile", on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", db_index=False)
    channel = models.CharField(_("kênh"), max_length=8, choices=ReuseChannel.choices)
    at = models.DateTimeField(_("thời điểm"))

    class Meta:
        verbose_name = _("sử dụng lại giấy tờ")
        verbose_name_plural = _("sử dụng lại giấy tờ")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "document"], name="reuse_document_once_per_dossier"),
            models.CheckConstraint(condition=Q(channel__in=ReuseChannel.values), name="reuse_channel_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}/{self.component_id} <- {self.document_id}"
