"""The counter's form for an electronic certified copy (parsing only: the rules are in services.check)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (Django's documented recipe): a list of uploads, possibly empty."""

    def clean(self, data, initial=None):  # noqa: ANN001, ANN201
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return single(data, initial)


class CopyForm(forms.Form):
    scan = MultipleFileField(label=_("Bản quét (bản chụp) của bản chính: tệp PDF hoặc ảnh JPEG, PNG"), required=False,
                           widget=MultipleFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}))
    document_type = forms.CharField(label=_("Loại giấy tờ"), max_length=255, required=False,
                                    help_text=_("Ví dụ: Căn cước công dân, Bằng tốt nghiệp, Giấy khai sinh"))
    document_number = forms.CharField(label=_("Số giấy tờ"), max_length=100, required=False)
    issuer = forms.CharField(label=_("Cơ quan cấp"), max_length=255, required=False)
    issued_on = forms.DateField(label=_("Ngày cấp (dd/mm/yyyy)"), required=False)
    pages = forms.IntegerField(label=_("Số trang của bản chính"), required=False, min_value=-10**6, max_value=10**6)
    copies = forms.IntegerField(label=_("Số bản sao"), initial=1, required=False, min_value=-10**6, max_value=10**6)
    certifier_title = forms.CharField(label=_("Chức danh người thực hiện chứng thực"), max_length=255, required=False,
                                      initial=_("Công chức tư pháp - hộ tịch"))
    return_now = forms.BooleanField(label=_("Trả ngay bản sao điện tử vào tài khoản của người yêu cầu"), required=False)
