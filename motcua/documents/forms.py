"""The tracking book's query parameters: a unit code and a period of local dates."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class BookForm(forms.Form):
    unit = forms.CharField(label=_("Mã đơn vị"), max_length=40)
    start = forms.DateField(label=_("Từ ngày"), input_formats=DATE_FORMATS,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=_("Đến ngày"), input_formats=DATE_FORMATS,
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def clean(self) -> dict:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("Ngày kết thúc phải từ ngày bắt đầu trở đi."))
        return data
