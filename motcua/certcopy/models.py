"""The register of electronic certified copies (sổ chứng thực bản sao điện tử): one row per certified
original, numbered without gaps per certifying unit and year, and the counter row that numbers them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CopyKind(models.TextChoices):
    ELECTRONIC = "electronic", _("Bản sao điện tử (ký số)")
    PAPER = "paper", _("Bản sao giấy")


class RegisterCounter(models.Model):
    """The last register number used by a certifying unit in a year (gapless numbers: the row is
    incremented in the transaction that writes the register entry, under its row lock)."""

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("bộ đếm sổ chứng thực")
        verbose_name_plural = _("bộ đếm sổ chứng thực")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="certcopy_counter_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}: {self.last}"


class CertifiedCopy(models.Model):
    """One entry of the register: the certified original (what it is, its number, issuer and date), the
    pages and copies certified, who certified it and when, and, for an electronic copy, the signed copy
    (a result file of the dossier), its public result code and the signature's data."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("đơn vị chứng thực"))
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveIntegerField(_("số chứng thực"))
    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.PROTECT, related_name="certified_copy",
                                   verbose_name=_("hồ sơ"))
    kind = models.CharField(_("loại bản sao"), max_length=10, choices=CopyKind.choices, default=CopyKind.ELECTRONIC)
    document_type = models.CharField(_("loại giấy tờ"), max_length=255)
    document_number = models.CharField(_("số giấy tờ"), max_length=100, blank=True)
    issuer = models.CharField(_("cơ quan cấp"), max_length=255, blank=True)
    issued_on = models.DateField(_("ngày cấp"), null=True, blank=True)
    pages = models.PositiveSmallIntegerField(_("số trang"))
    copies = models.PositiveSmallIntegerField(_("số bản sao"), default=1)
    fee = models.PositiveIntegerField(_("phí chứng thực (đồng)"), default=0)
    certified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("người thực hiện chứng thực"))
    certifier_name = models.CharField(_("họ tên người thực hiện chứng thực"), max_length=255)
    certifier_title = models.CharField(_("chức danh"), max_length=255, blank=True)
    file = models.ForeignKey("dossiers.DossierFile", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("tệp bản sao điện tử"))
    approval = models.OneToOneField("dossiers.Approval", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="certified_copy")
    result_code = models.CharField(_("mã kết quả"), max_length=80, null=True, blank=True, unique=True)
    signer = models.CharField(_("người ký số"), max_length=255, blank=True)
    certificate_serial = models.CharField(max_length=128, blank=True)
    signature_level = models.CharField(max_length=8, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    at = models.DateTimeField(_("thời điểm chứng thực"))

    class Meta:
        verbose_name = _("sổ chứng thực bản sao điện tử")
        verbose_name_plural = _("sổ chứng thực bản sao điện tử")
        ordering = ["unit", "year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "number"], name="certcopy_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="certcopy_number_positive"),
            models.CheckConstraint(condition=Q(pages__gte=1), name="certcopy_pages_positive"),
            models.CheckConstraint(condition=Q(copies__gte=1), name="certcopy_copies_positive"),
            models.CheckConstraint(condition=Q(year__gte=2000) & Q(year__lte=2200), name="certcopy_year_valid"),
            models.CheckConstraint(condition=Q(kind__in=["electronic", "paper"]), name="certcopy_kind_valid"),
            # an electronic copy is a stored file; a paper copy has none
            models.CheckConstraint(condition=(Q(kind="electronic") & Q(file__isnull=False))
                                   | (Q(kind="paper") & Q(file__isnull=True) & Q(result_code__isnull=True)),
                                   name="certcopy_file_matches_kind"),
        ]

    def __str__(self) -> str:
        return self.register_number

    @property
    def register_number(self) -> str:
        """As the statement prints it: ``12/SCT/BSĐT`` (the book is the unit's register of the year)."""
        return register_number(self.number)


def register_number(number: int) -> str:
    return f"{number}/SCT/BSĐT"
