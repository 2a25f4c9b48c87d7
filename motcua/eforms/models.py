"""E-forms: a procedure version's declaration form as data, the declaration captured with each
dossier, and its values in accent-folded rows for search (the rules: motcua/domain/eforms.py)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FormDefinition(models.Model):
    """The declaration form of one catalog procedure version (versioned with it, like its
    components). A dossier's declaration keeps the definition it was declared under."""

    version = models.OneToOneField("catalog.ProcedureVersion", on_delete=models.CASCADE, related_name="form",
                                   verbose_name=_("phiên bản thủ tục"))
    definition = models.JSONField(_("định nghĩa biểu mẫu"), default=dict)
    published = models.BooleanField(_("đang sử dụng"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("biểu mẫu điện tử")
        verbose_name_plural = _("biểu mẫu điện tử")

    def __str__(self) -> str:
        return f"{self.definition.get('key', '')} ({self.version_id})"


class Declaration(models.Model):
    """The declared data (tờ khai) of one dossier, cleaned by the domain's validate(), with the
    form definition it was declared under (a later version's form does not change it)."""

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.CASCADE, related_name="declaration",
                                   verbose_name=_("hồ sơ"))
    definition = models.ForeignKey(FormDefinition, on_delete=models.PROTECT, related_name="declarations",
                                   verbose_name=_("biểu mẫu"))
    data = models.JSONField(_("dữ liệu tờ khai"), default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tờ khai")
        verbose_name_plural = _("tờ khai")

    def __str__(self) -> str:
        return f"{self.dossier_id}"


class DeclaredValue(models.Model):
    """One declared value of a dossier, accent-folded and lower-cased (``value_norm``), so that a
    dossier is found by what was declared ("nguyen van an" finds "Nguyễn Văn An")."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="declared_values",
                                db_index=False)  # the (dossier, path) index serves lookups by dossier
    path = models.CharField(_("trường"), max_length=120)
    value_norm = models.CharField(_("giá trị (chuẩn hóa)"), max_length=255)

    class Meta:
        verbose_name = _("giá trị đã khai")
        verbose_name_plural = _("giá trị đã khai")
        indexes = [
            models.Index(fields=["dossier", "path"], name="declared_dossier_path"),
            # search by a value (exact, or by prefix on PostgreSQL with the pattern opclass)
            models.Index(fields=["value_norm", "path"], name="declared_value",
                         opclasses=["varchar_pattern_ops", "varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.path}={self.value_norm}"
