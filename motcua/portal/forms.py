"""Forms of the portal pages. They parse and check the shape of the input; the rules live in
the portal services (and the dossier services behind them)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from motcua.catalog.choices import ApplicantType, Level
from motcua.catalog.models import Component, ProcedureVersion
from motcua.dossiers.boundaries import competent_units
from motcua.dossiers.choices import RepresentativeRelationship, ResultDelivery
from motcua.dossiers.storage import accepted_extensions, upload_limit

from .accounts import is_staff
from .catalog import Destination
from .choices import Score

ANY = [("", _("Tất cả"))]

def accept() -> str:
    """The file inputs' ``accept``: what the storage accepts (it checks the content)."""
    return ",".join(accepted_extensions())


def upload_hint() -> str:
    """What a file input states: the accepted types and the largest size (the upload checks' own settings)."""
    from django.template.defaultfilters import filesizeformat

    types = ", ".join(e.lstrip(".").upper() for e in accepted_extensions())
    return _("Định dạng: %(types)s; tối đa %(size)s mỗi tệp.") % {"types": types,
                                                                 "size": filesizeformat(upload_limit())}


class FileInput(forms.FileInput):
    """A file input that accepts what the storage accepts and is described by its hint."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"accept": accept(), **(attrs or {})})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        ctx = super().get_context(name, value, attrs)
        own = ctx["widget"]["attrs"]
        own["aria-describedby"] = " ".join(filter(None, (own.get("aria-describedby"), "upload-hint")))
        return ctx


class SignupForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    id_number = forms.CharField(label=_("Số định danh cá nhân (CCCD, 12 chữ số)"), max_length=12,
                                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
    email = forms.EmailField(label=_("Thư điện tử (không bắt buộc)"), required=False, max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(label=_("Mật khẩu"), strip=False, max_length=128,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Nhập lại mật khẩu"), strip=False, max_length=128,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self) -> dict[str, Any]:
        cd = super().clean()
        if cd.get("password") and cd.get("password") != cd.get("password2"):
            self.add_error("password2", _("Hai mật khẩu không giống nhau."))
        return cd


class CitizenLoginForm(AuthenticationForm):
    """Sign in with the CCCD number; staff accounts sign in at the office instead."""

    error_messages = {
        "invalid_login": _("Số CCCD hoặc mật khẩu không đúng."),
        "inactive": _("Tài khoản đã bị khóa."),
        "staff": _("Tài khoản cán bộ không dùng cổng công dân. Vui lòng đăng nhập tại trang dành cho cán bộ."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Số định danh cá nhân (CCCD)")
        self.fields["username"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "username"})
        self.fields["password"].label = _("Mật khẩu")

    def clean(self) -> dict[str, Any]:
        # every citizen account signs in with its ID number, whatever its user name (the demo citizen's is
        # "congdan"; an account opened by VNeID with a tax code...): the number is looked up first
        from .accounts import username_for

        typed = self.cleaned_data.get("username")
        if typed:
            self.cleaned_data["username"] = username_for(typed)
        return super().clean()

    def confirm_login_allowed(self, user) -> None:  # noqa: ANN001
        super().confirm_login_allowed(user)
        if is_staff(user):
            raise forms.ValidationError(self.error_messages["staff"], code="staff")


class CatalogForm(forms.Form):
    q = forms.CharField(label=_("Tên hoặc mã thủ tục"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search"}))
    field = forms.TypedChoiceField(label=_("Lĩnh vực"), required=False, coerce=int, empty_value=None)
    level = forms.ChoiceField(label=_("Cấp thực hiện"), required=False, choices=ANY + list(Level.choices))
    applicant_type = forms.TypedChoiceField(label=_("Đối tượng thực hiện"), required=False, coerce=int,
                                            empty_value=None, choices=ANY + list(ApplicantType.choices))

    def __init__(self, *args: Any, fields: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = ANY + fields


def component_key(c: Component) -> str:
    return f"file_{c.pk}"


def reuse_key(c: Component) -> str:
    return f"reuse_{c.pk}"


def _offer_label(doc: Any) -> str:
    until = f", {_('hiệu lực đến')} {doc.valid_until:%d/%m/%Y}" if doc.valid_until else ""
    number = f" ({doc.number})" if doc.number else ""
    return f"{_('Dùng giấy tờ đã có trong kho')}: {doc.title[:80]}{number}{until}"


SUBMIT_FOR = [("self", _("Bản thân tôi")), ("family", _("Người khác (thành viên gia đình)")),
              ("enterprise", _("Doanh nghiệp, tổ chức tôi đại diện"))]


class ApplicationForm(forms.Form):
    """The online application: where to submit, the applicant, the request and one file per
    component. Files are optional here (a draft may be incomplete); submission checks them."""

    draft_name = forms.CharField(label=_("Tên hồ sơ nháp"), max_length=200, required=False,
                                 help_text=_("Để bạn nhận ra hồ sơ trong danh sách hồ sơ nháp."))
    submit_for = forms.ChoiceField(label=_("Tôi nộp cho"), choices=SUBMIT_FOR, initial="self", required=False,
                                   widget=forms.RadioSelect)  # not posted (an older page): for oneself
    representative_relationship = forms.ChoiceField(
        label=_("Quan hệ của tôi với người nộp"), required=False,
        choices=[("", _("Chọn quan hệ")), *RepresentativeRelationship.choices])
    representative_authorization = forms.CharField(
        label=_("Giấy tờ ủy quyền / chứng minh quan hệ"), max_length=255, required=False,
        help_text=_("Ví dụ: Giấy ủy quyền số 12/2025 ngày 01/09/2025; Giấy khai sinh; Quyết định bổ nhiệm giám đốc."))
    receiving_unit = forms.TypedChoiceField(label=_("Nơi nộp hồ sơ"), coerce=int)
    applicant_type = forms.TypedChoiceField(label=_("Đối tượng"), coerce=int)
    applicant_name = forms.CharField(label=_("Họ tên người nộp / tên tổ chức"), max_length=255)
    applicant_id_number = forms.RegexField(label=_("Số định danh / mã số thuế"), regex=r"^[0-9A-Za-z\-]{9,20}$",
                                           max_length=20, error_messages={
                                               "invalid": _("Số định danh gồm 9 đến 20 chữ số hoặc chữ cái.")})
    applicant_phone = forms.RegexField(label=_("Số điện thoại"), regex=r"^(0|\+84)\d{9}$", max_length=20,
                                       widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
                                       error_messages={"invalid": _("Số điện thoại gồm 10 chữ số, bắt đầu bằng 0.")})
    applicant_email = forms.EmailField(label=_("Thư điện tử"), required=False, max_length=254)
    applicant_address = forms.CharField(label=_("Địa chỉ liên hệ"), required=False, max_length=500)
    request_summary = forms.CharField(label=_("Nội dung yêu cầu"), required=False, max_length=1000,
                                      widget=forms.Textarea(attrs={"rows": 3}))
    result_delivery = forms.ChoiceField(label=_("Nhận kết quả"), choices=ResultDelivery.choices)
    # intake regardless of administrative boundaries: the competent unit and where to collect the result
    handling_unit = forms.TypedChoiceField(label=_("Cơ quan giải quyết"), coerce=int, required=False,
                                           empty_value=None)
    return_place = forms.ChoiceField(label=_("Nơi nhận kết quả (khi nhận tại bộ phận một cửa)"), required=False,
                                     choices=[("receiving", _("Tại nơi nộp hồ sơ")),
                                              ("handling", _("Tại bộ phận một cửa của cơ quan giải quyết"))])

    def __init__(self, *args: Any, version: ProcedureVersion, destinations: list[Destination],
                 offers: dict[int, list[Any]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.components = list(version.components.order_by("order"))
        self.offers = offers or {}
        self.fields["receiving_unit"].choices = [
            (d.receiving.pk, f"{d.receiving.name} ({d.handling.name})") for d in destinations]
        self.fields["handling_unit"].choices = [("", _("Theo nơi nộp hồ sơ"))] + [
            (u.pk, u.name) for u in competent_units(version.procedure_id)]
        types = version.applicant_types or list(ApplicantType.values)
        self.fields["applicant_type"].choices = [(t, ApplicantType(t).label) for t in types]
        for c in self.components:
            self.fields[component_key(c)] = forms.FileField(label=c.name, required=False, widget=FileInput())
            if self.offers.get(c.pk):  # the document store (motcua/docstore): the service checks the choice
                self.fields[reuse_key(c)] = forms.CharField(
                    label=_("Giấy tờ trong kho dữ liệu"), required=False, max_length=20,
                    widget=forms.Select(choices=[("", _("Không dùng, tải tệp lên"))]
                                        + [(d.pk, _offer_label(d)) for d in self.offers[c.pk]]))

    def clean(self) -> dict[str, Any]:
        cd = super().clean()
        cd["submit_for"] = cd.get("submit_for") or "self"
        if cd["submit_for"] == "self":  # for oneself nobody represents anybody
            cd["representative_relationship"], cd["representative_authorization"] = "", ""
        elif not cd.get("representative_relationship") and "representative_relationship" not in self.errors:
            self.add_error("representative_relationship", _("Vui lòng chọn quan hệ của bạn với người nộp hồ sơ."))
        for c in self.components:
            if cd.get(reuse_key(c)) and cd.get(component_key(c)):
                self.add_error(reuse_key(c),
                               _("Chọn dùng giấy tờ đã có trong kho hoặc tải tệp lên, không chọn cả hai."))
        return cd

    @property
    def upload_hint(self) -> str:
        return upload_hint()

    def reuses(self) -> list[tuple[int, str]]:
        """(component id, chosen stored document id) where the applicant uses a document of their store."""
        return [(c.pk, self.cleaned_data[reuse_key(c)]) for c in self.components
                if self.cleaned_data.get(reuse_key(c))]

    def uploads(self) -> list[tuple[int, Any]]:
        return [(c.pk, self.cleaned_data[component_key(c)]) for c in self.components
                if self.cleaned_data.get(component_key(c))]

    def component_fields(self) -> list[tuple[Component, Any, Any]]:
        return [(c, self[component_key(c)], self[reuse_key(c)] if reuse_key(c) in self.fields else None)
                for c in self.components]


class MultipleFileInput(FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class SupplementForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    files = MultipleFileField(label=_("Tệp bổ sung (có thể chọn nhiều tệp)"), required=True)
    note = forms.CharField(label=_("Ghi chú cho cán bộ"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    @property
    def upload_hint(self) -> str:
        return upload_hint()


class RatingForm(forms.Form):
    """The overall score (required) and one optional question per survey criterion (``c_<code>``)."""

    score = forms.TypedChoiceField(label=_("Mức độ hài lòng"), coerce=int, choices=Score.choices,
                                   widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Góp ý (không bắt buộc)"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .ratings import criteria, label

        super().__init__(*args, **kwargs)
        self.criteria = criteria()
        for c in self.criteria:
            self.fields[f"c_{c.code}"] = forms.TypedChoiceField(
                label=label(c), coerce=int, required=False, empty_value=None, widget=forms.RadioSelect,
                choices=[(lv["value"], label(lv)) for lv in c.levels])

    def criterion_fields(self) -> list[Any]:
        return [self[f"c_{c.code}"] for c in self.criteria]

    def answers(self) -> dict[str, int]:
        return {c.code: self.cleaned_data[f"c_{c.code}"] for c in self.criteria
                if self.cleaned_data.get(f"c_{c.code}") is not None}


class LookupForm(forms.Form):
    code = forms.CharField(label=_("Mã hồ sơ (in trên giấy tiếp nhận và hẹn trả kết quả)"), max_length=60)
