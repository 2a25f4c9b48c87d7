"""Digitization marks that have no column of their own elsewhere.

A component's mark lives on the component (``DossierComponent.digitized_at`` / ``digitized_by``,
with its scan as a ``DossierFile`` of kind ``component``). A result's mark lives here: a dossier
has result files long before it is returned (the specialist's drafts, the approved document, the
signed file), so "has a result file" says nothing about whether the result handed over was
digitized; :class:`DigitizedResult` names the one file that is the digitized result and says
whether it is the signed electronic result or a scan of the paper one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DigitizedResult(models.Model):
    """The digitized result of a dossier, marked when the result is returned (or scanned later by
    the counter): the signed electronic result (an approval's signed file) or a scan of the paper
    result (a result file). One per dossier."""

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.CASCADE, related_name="digitized_result",
                                   verbose_name=_("hồ sơ"))
    file = models.ForeignKey("dossiers.DossierFile", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("tệp kết quả"))
    electronic = models.BooleanField(_("kết quả điện tử có ký số"), default=False)
    digitized_at = models.DateTimeField(_("số hóa lúc"))
    digitized_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("người số hóa"), db_index=False)

    class Meta:
        verbose_name = _("kết quả đã số hóa")
        verbose_name_plural = _("kết quả đã số hóa")

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.file_id}"
