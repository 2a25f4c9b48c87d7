"""Letters handed out with a result: congratulations with a birth or a marriage registration,
condolences with a death registration. An administrator edits their wording; named placeholders
({ten_nguoi_nhan}, {ngay}, {don_vi}, ...) are filled from the dossier when the letter is printed."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .placeholders import placeholder_errors

CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$")


class LetterTemplate(models.Model):
    name = models.CharField(_("tên mẫu thư"), max_length=100, unique=True)
    procedure_codes = models.CharField(
        _("mã thủ tục áp dụng"), max_length=500,
        help_text=_("Các mã thủ tục hành chính được in kèm thư này, cách nhau bằng dấu phẩy (ví dụ: 1.001193, "
                    "1.013021)."))
    title = models.CharField(_("tiêu đề thư"), max_length=255)
    body = models.TextField(_("nội dung thư"),
                            help_text=_("Các đoạn cách nhau bằng một dòng trống. Có thể dùng các trường: "
                                        "{ten_nguoi_nhan}, {ngay}, {don_vi}, {dia_danh}, {thu_tuc}, {ma_ho_so}."))
    signer = models.CharField(_("chức danh người ký"), max_length=255, default="Chủ tịch Ủy ban nhân dân")
    active = models.BooleanField(_("đang sử dụng"), default=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("mẫu thư trao kèm kết quả")
        verbose_name_plural = _("mẫu thư trao kèm kết quả")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def codes(self) -> list[str]:
        return [c.strip() for c in self.procedure_codes.split(",") if c.strip()]

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        for field in ("title", "body", "signer"):
            problems = placeholder_errors(getattr(self, field) or "")
            if problems:
                errors[field] = problems
        codes = self.codes()
        if not codes or any(not CODE.match(c) for c in codes):
            errors["procedure_codes"] = [_("Nhập ít nhất một mã thủ tục; các mã cách nhau bằng dấu phẩy.")]
        if errors:
            raise ValidationError(errors)
