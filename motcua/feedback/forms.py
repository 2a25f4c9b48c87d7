"""Forms of the feedback pages: sending (portal, counter, suggestion box), the handling steps, rating."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from motcua.portal.forms import MultipleFileField, MultipleFileInput

from .choices import Channel, Urgency
from .models import Category
from .services import MAX_PHOTOS, answer_criteria


def _categories(staff: bool) -> list[tuple[str, str]]:
    en = (get_language() or "vi").startswith("en")
    qs = Category.objects.filter(active=True, internal=False)
    return [(c.code, (c.name_en or c.name) if en else c.name) for c in qs]


class SendForm(forms.Form):
    """A citizen's feedback from the portal (phone first: few fields, photos from the camera)."""

    category = forms.ChoiceField(label=_("Bạn muốn phản ánh, kiến nghị về"))
    description = forms.CharField(label=_("Nội dung phản ánh, kiến nghị"), max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 5}))
    title = forms.CharField(label=_("Tiêu đề (không bắt buộc)"), max_length=255, required=False)
    dossier_code = forms.CharField(label=_("Mã hồ sơ (nếu phản ánh về hồ sơ)"), max_length=60, required=False)
    unit = forms.TypedChoiceField(label=_("Cơ quan, đơn vị (không bắt buộc)"), coerce=int, required=False,
                                  empty_value=None)
    photos = MultipleFileField(label=_("Ảnh chụp (không bắt buộc, tối đa 5 ảnh)"), required=False,
                               widget=MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}))
    address = forms.CharField(label=_("Địa điểm (không bắt buộc)"), max_length=500, required=False)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    anonymous = forms.BooleanField(label=_("Gửi ẩn danh (không áp dụng cho phản ánh về hồ sơ của bạn)"),
                                   required=False)
    sender_name = forms.CharField(label=_("Họ và tên"), max_length=255, required=False)
    sender_phone = forms.CharField(label=_("Điện thoại"), max_length=20, required=False,
                                   widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    sender_email = forms.EmailField(label=_("Thư điện tử"), required=False)

    def __init__(self, *args: Any, staff: bool = False, units: list[tuple[int, str]] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _categories(staff)
        self.fields["unit"].choices = [("", _("Không rõ, để cơ quan chuyển đúng nơi"))] + list(units or [])

    def clean_photos(self) -> list[Any]:
        photos = self.cleaned_data.get("photos") or []
        if len(photos) > MAX_PHOTOS:
            raise forms.ValidationError(_("Tối đa 5 ảnh."))
        return photos


class StaffEntryForm(SendForm):
    """A feedback entered by staff: at the counter on the citizen's behalf, or from the suggestion box."""

    channel = forms.ChoiceField(label=_("Nguồn"), choices=[(Channel.COUNTER, Channel.COUNTER.label),
                                                            (Channel.BOX, Channel.BOX.label)])
    urgency = forms.ChoiceField(label=_("Mức độ"), choices=[(Urgency.NORMAL, Urgency.NORMAL.label),
                                                           (Urgency.URGENT, Urgency.URGENT.label)])
    sender_id_number = forms.CharField(label=_("Số định danh (CCCD) của người gửi"), max_length=20, required=False)
    procedure_code = forms.CharField(label=_("Mã thủ tục (nếu có)"), max_length=40, required=False)

    def __init__(self, *args: Any, units: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, staff=True, units=units, **kwargs)
        self.fields["photos"].widget.attrs.pop("capture", None)


class NoteForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(label=_("Nội dung"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
                           required=False)


class TransferForm(NoteForm):
    unit = forms.TypedChoiceField(label=_("Chuyển đến đơn vị"), coerce=int)

    def __init__(self, *args: Any, units: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = list(units or [])


class AnswerForm(NoteForm):
    files = MultipleFileField(label=_("Văn bản trả lời (không bắt buộc)"), required=False)


class InfoForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(label=_("Thông tin bổ sung"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(label=_("Ảnh, tệp kèm theo (không bắt buộc)"), required=False,
                              widget=MultipleFileInput(attrs={"accept": "image/*"}))


class RateForm(forms.Form):
    satisfied = forms.TypedChoiceField(label=_("Bạn có hài lòng với kết quả xử lý?"), widget=forms.RadioSelect,
                                       coerce=lambda v: v == "1",
                                       choices=[("1", _("Hài lòng")), ("0", _("Không hài lòng"))])
    criteria = forms.MultipleChoiceField(label=_("Những điều bạn thấy tốt"), required=False,
                                         widget=forms.CheckboxSelectMultiple)
    comment = forms.CharField(label=_("Góp ý thêm"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        en = (get_language() or "vi").startswith("en")
        self.fields["criteria"].choices = [(c["code"], c["name_en"] if en else c["name"]) for c in answer_criteria()]
