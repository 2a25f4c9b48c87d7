"""Forms of the office pages: queue filters, one small form per dossier action, counter intake.

Forms only parse and validate input; the rules live in the service layer."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from motcua.catalog.choices import ApplicantType, Channel
from motcua.core.validation import no_control_characters
from motcua.dossiers.choices import RepresentativeRelationship, ResultDelivery, StatusChoices

DUE_CHOICES = [("", _("Tất cả")), ("overdue", _("Đã quá hạn")), ("today", _("Đến hạn hôm nay")),
               ("week", _("Đến hạn trong 7 ngày"))]
ANY = [("", _("Tất cả"))]
ID_NUMBER = r"^[0-9A-Za-z\-]{9,20}$"  # as the portal's: a CCCD (12 digits), an old ID card (9), a tax code
SYNC_CHOICES = [("", _("Tất cả")), ("failed", _("Đồng bộ lỗi")), ("pending", _("Đang chờ đồng bộ")),
                ("synced", _("Đã đồng bộ"))]


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Mã hồ sơ hoặc tên người nộp"), required=False, max_length=255,
                        validators=[no_control_characters])
    declared = forms.CharField(label=_("Thông tin trên tờ khai"), required=False, max_length=100,
                               validators=[no_control_characters],
                               help_text=_("Tìm theo giá trị đã khai (không cần dấu), ví dụ tên người mẹ"))
    procedure = forms.TypedChoiceField(label=_("Thủ tục"), required=False, coerce=int, empty_value=None)
    field = forms.TypedChoiceField(label=_("Lĩnh vực"), required=False, coerce=int, empty_value=None)
    channel = forms.TypedChoiceField(label=_("Kênh nộp"), required=False, coerce=int, empty_value=None,
                                     choices=ANY + list(Channel.choices))
    status = forms.TypedChoiceField(label=_("Trạng thái"), required=False, coerce=int, empty_value=None)
    due = forms.ChoiceField(label=_("Hạn xử lý"), required=False, choices=DUE_CHOICES)
    sync = forms.ChoiceField(label=_("Đồng bộ Cổng DVCQG"), required=False, choices=SYNC_CHOICES)
    after = forms.CharField(required=False, max_length=80, widget=forms.HiddenInput,
                            validators=[no_control_characters])

    def __init__(self, *args: Any, procedures: list[tuple[int, str]], fields: list[tuple[int, str]],
                 statuses: tuple[int, ...], sync: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not sync:  # the national portal integration is off
            del self.fields["sync"]
        self.fields["procedure"].choices = ANY + procedures
        self.fields["field"].choices = ANY + fields
        self.fields["status"].choices = ANY + [(s, StatusChoices(s).label) for s in statuses]
        if len(statuses) < 2:
            del self.fields["status"]


class VersionForm(forms.Form):
    """Every action posts the dossier version the user saw (optimistic lock)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def _text(label: Any, required: bool = False, rows: int = 2) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": rows}))


class NoteForm(VersionForm):
    note = _text(_("Ghi chú"))


class ReasonForm(VersionForm):
    reason = _text(_("Lý do"), required=True)


class ForwardForm(VersionForm):
    to_step = forms.TypedChoiceField(label=_("Chuyển đến bước"), coerce=int)
    note = _text(_("Ghi chú"))

    def __init__(self, *args: Any, steps: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_step"].choices = steps or []


class SupplementRequestForm(VersionForm):
    reason = _text(_("Lý do yêu cầu bổ sung"), required=True)
    items = _text(_("Giấy tờ cần bổ sung (mỗi dòng một loại)"), rows=3)

    def clean_items(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["items"].splitlines() if line.strip()]


class PaymentRequestForm(VersionForm):
    amount = forms.IntegerField(label=_("Số tiền (đồng)"), min_value=1, max_value=10**15)
    reason = _text(_("Nội dung nghĩa vụ tài chính"), required=True)


class PaymentForm(VersionForm):
    amount = forms.IntegerField(label=_("Số tiền đã nộp (đồng)"), min_value=1, max_value=10**15)
    reference = forms.CharField(label=_("Số biên lai / chứng từ"), required=False, max_length=100)


class ExtendForm(VersionForm):
    reason = _text(_("Lý do chậm trễ"), required=True)
    new_appointment = forms.DateTimeField(label=_("Thời hạn hẹn lại"),
                                          input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                          widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


class SendBackForm(VersionForm):
    to_step = forms.TypedChoiceField(label=_("Trả lại bước"), coerce=int)
    note = _text(_("Nội dung cần xử lý lại"), required=True)

    def __init__(self, *args: Any, steps: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_step"].choices = steps or []


class ApproveForm(VersionForm):
    document = forms.TypedChoiceField(label=_("Kết quả được phê duyệt"), coerce=int, required=False,
                                      empty_value=None)
    note = _text(_("Ý kiến phê duyệt"))

    def __init__(self, *args: Any, documents: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document"].choices = documents or [("", _("(chưa có tệp kết quả)"))]


class ReturnForm(VersionForm):
    method = forms.ChoiceField(label=_("Hình thức trả"), choices=[
        ("counter", _("Trả trực tiếp tại bộ phận một cửa")), ("post", _("Gửi qua bưu chính công ích")),
        ("online", _("Trả trực tuyến"))])
    postal_code = forms.CharField(label=_("Số hiệu bưu gửi (nếu gửi bưu chính)"), required=False, max_length=40)
    # at the counter: who collects the result (the applicant or their representative) and the ID shown
    received_by = forms.ChoiceField(label=_("Người nhận kết quả (khi trả tại bộ phận một cửa)"), required=False,
                                    choices=[("applicant", _("Người nộp hồ sơ")),
                                             ("representative", _("Người đại diện / được ủy quyền"))])
    receiver_name = forms.CharField(label=_("Họ tên người nhận (để trống: theo hồ sơ)"), required=False,
                                    max_length=255, validators=[no_control_characters])
    receiver_id_number = forms.RegexField(
        label=_("Số định danh người nhận (để trống: theo hồ sơ)"), regex=ID_NUMBER, max_length=20, required=False,
        error_messages={"invalid": _("Số định danh gồm 9 đến 20 chữ số hoặc chữ cái.")})
    note = _text(_("Ghi chú"))

    def __init__(self, *args: Any, representative: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not representative:  # the dossier names no representative: the applicant collects it
            self.fields["received_by"].choices = self.fields["received_by"].choices[:1]

    def clean(self) -> dict[str, Any]:
        cd = super().clean() or {}
        if cd.get("method") == "post" and not (cd.get("postal_code") or "").strip():
            self.add_error("postal_code", _("Cần nhập số hiệu bưu gửi khi trả qua bưu chính."))
        if cd.get("method") == "counter":
            cd["received_by"] = cd.get("received_by") or "applicant"
        else:
            cd["received_by"], cd["receiver_name"], cd["receiver_id_number"] = "", "", ""
        return cd


class UploadForm(forms.Form):
    """A file for the dossier: a scan of a component, a result or another attachment."""

    kind = forms.ChoiceField(label=_("Loại tệp"), choices=[("result", _("Kết quả giải quyết")),
                                                          ("component", _("Thành phần hồ sơ")),
                                                          ("attachment", _("Tệp đính kèm khác"))])
    component = forms.TypedChoiceField(label=_("Thuộc thành phần"), coerce=int, required=False, empty_value=None)
    file = forms.FileField(label=_("Tệp (PDF, ảnh, văn bản)"))

    def __init__(self, *args: Any, components: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["component"].choices = [("", "-")] + (components or [])


S10_SHAPE = re.compile(r"^[A-Z]{2}[0-9]{9}[A-Z]{2}$")
POSTAL_CODE = re.compile(r"^[A-Z0-9]{9,13}$")


def plausible_postal_code(code: str) -> bool:
    """A postal item code as the post prints it: an international S10 code (``EE123456785VN``, its
    check digit right) or a domestic code of 9 to 13 letters and digits."""
    from motcua.integrations.post.mapping import s10_check_digit

    if S10_SHAPE.match(code):
        return s10_check_digit(code[2:10]) == int(code[10])
    return bool(POSTAL_CODE.match(code))


def representative_relationship(form: forms.Form) -> str:
    """The relationship field's clean: required when a representative is named."""
    value = form.cleaned_data.get("representative_relationship") or ""
    if (form.cleaned_data.get("representative_name") or "").strip() and not value:
        raise forms.ValidationError(_("Cần chọn quan hệ của người đại diện với người nộp."), code="required")
    return value


class IntakeForm(forms.Form):
    """Counter intake: applicant, units and the component checklist of the version in force."""

    receiving_unit = forms.TypedChoiceField(label=_("Nơi tiếp nhận"), coerce=int)
    handling_unit = forms.TypedChoiceField(label=_("Cơ quan giải quyết"), coerce=int, required=False,
                                           empty_value=None)
    # intake regardless of administrative boundaries: the commune the applicant lives in routes a
    # commune-level procedure to its competent unit; the result is collected where they choose
    residence_commune = forms.TypedChoiceField(label=_("Xã, phường nơi cư trú của người nộp"), coerce=int,
                                               required=False, empty_value=None)
    return_place = forms.ChoiceField(label=_("Nơi nhận kết quả (khi nhận tại bộ phận một cửa)"), required=False,
                                     choices=[("receiving", _("Tại nơi tiếp nhận hồ sơ")),
                                              ("handling", _("Tại bộ phận một cửa của cơ quan giải quyết"))])
    applicant_type = forms.TypedChoiceField(label=_("Loại đối tượng"), coerce=int, choices=ApplicantType.choices)
    applicant_name = forms.CharField(label=_("Họ tên người nộp / tên tổ chức"), max_length=255)
    applicant_id_number = forms.CharField(label=_("Số định danh cá nhân / mã số"), max_length=20, required=False,
                                          help_text=_("Người đã từng nộp: nhập số để điền lại thông tin."))
    applicant_phone = forms.CharField(label=_("Điện thoại"), max_length=20, required=False,
                                      widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}))
    applicant_email = forms.EmailField(label=_("Thư điện tử"), required=False)
    applicant_address = forms.CharField(label=_("Địa chỉ"), max_length=500, required=False)
    representative_name = forms.CharField(label=_("Người đại diện / được ủy quyền"), max_length=255,
                                          required=False)
    representative_phone = forms.CharField(label=_("Điện thoại người đại diện"), max_length=20, required=False)
    representative_id_number = forms.RegexField(
        label=_("Số định danh người đại diện"), regex=ID_NUMBER, max_length=20, required=False,
        error_messages={"invalid": _("Số định danh gồm 9 đến 20 chữ số hoặc chữ cái.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    representative_relationship = forms.ChoiceField(
        label=_("Quan hệ với người nộp"), required=False,
        choices=[("", "-"), *RepresentativeRelationship.choices])
    representative_authorization = forms.CharField(
        label=_("Giấy tờ ủy quyền / đại diện"), max_length=255, required=False, validators=[no_control_characters],
        help_text=_("Ví dụ: Giấy ủy quyền số 12/2025 ngày 01/09/2025; Giấy khai sinh (cha, mẹ)."))
    request_summary = _text(_("Nội dung yêu cầu"))
    result_delivery = forms.ChoiceField(label=_("Hình thức nhận kết quả"), choices=ResultDelivery.choices)
    # a dossier handed in at the counter, or one the public post brought (channel 3, its item code kept)
    channel = forms.TypedChoiceField(label=_("Hồ sơ đến"), coerce=int, initial=Channel.DIRECT, required=False,
                                     empty_value=Channel.DIRECT,
                                     choices=[(Channel.DIRECT, _("Nộp trực tiếp tại quầy")),
                                              (Channel.POST, _("Qua bưu chính công ích"))],
                                     widget=forms.RadioSelect)
    inbound_postal_code = forms.CharField(
        label=_("Số hiệu bưu gửi"), max_length=20, required=False,
        help_text=_("Bắt buộc khi hồ sơ đến qua bưu chính, ví dụ EE123456785VN."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
                                      "aria-describedby": "id_inbound_postal_code-hint"}))

    def __init__(self, *args: Any, receiving: list[tuple[int, str]], handling: list[tuple[int, str]],
                 components: list[Any], residences: list[tuple[int, str]] | None = None, by_post: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not by_post:  # the procedure takes no dossier by post: handed in at the counter only
            del self.fields["channel"], self.fields["inbound_postal_code"]
        self.fields["applicant_id_number"].widget.attrs.update({
            # a returning applicant: their details are filled in from their latest dossier
            "hx-get": reverse("office:intake_applicant"), "hx-trigger": "change", "hx-target": "#applicant-fields",
            "hx-swap": "outerHTML", "hx-include": "#applicant-fields, [name=procedure]", "autocomplete": "off"})
        self.fields["receiving_unit"].choices = receiving
        if residences:  # several competent units: the residence picks one unless the officer does
            self.fields["handling_unit"].choices = [("", _("Theo nơi cư trú của người nộp"))] + handling
            self.fields["residence_commune"].choices = [("", "-")] + residences
        else:
            self.fields["handling_unit"].choices = handling
            del self.fields["residence_commune"]
        self.components = components
        for c in components:
            self.fields[f"c{c.pk}"] = forms.BooleanField(label=c.name, required=False, initial=c.required)
            self.fields[f"c{c.pk}_originals"] = forms.IntegerField(label=_("Bản chính"), min_value=0,
                                                                   max_value=99, initial=c.originals)
            self.fields[f"c{c.pk}_copies"] = forms.IntegerField(label=_("Bản sao"), min_value=0, max_value=99,
                                                                initial=c.copies)

    def clean_representative_relationship(self) -> str:
        return representative_relationship(self)

    def checklist(self) -> list[tuple[Any, Any, Any, Any]]:
        """(component, ticked field, originals field, copies field) for the template."""
        return [(c, self[f"c{c.pk}"], self[f"c{c.pk}_originals"], self[f"c{c.pk}_copies"])
                for c in self.components]

    def clean_inbound_postal_code(self) -> str:
        code = "".join((self.cleaned_data.get("inbound_postal_code") or "").split()).upper()
        if code and not plausible_postal_code(code):
            raise forms.ValidationError(_("Số hiệu bưu gửi không hợp lệ: 13 ký tự dạng EE123456785VN "
                                          "(đúng số kiểm tra) hoặc 9 đến 13 chữ và số."))
        return code

    def clean(self) -> dict[str, Any]:
        cd = super().clean() or {}
        if cd.get("channel") == Channel.POST and not cd.get("inbound_postal_code") \
                and "inbound_postal_code" not in self.errors:
            self.add_error("inbound_postal_code", _("Cần nhập số hiệu bưu gửi khi hồ sơ đến qua bưu chính."))
        return cd

    def ticked(self) -> list[tuple[int, int, int]]:
        """(component id, originals, copies) of the ticked components."""
        cd = self.cleaned_data
        return [(c.pk, cd[f"c{c.pk}_originals"], cd[f"c{c.pk}_copies"]) for c in self.components
                if cd.get(f"c{c.pk}")]
