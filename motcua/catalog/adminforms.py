"""Admin forms of the catalog: a procedure version's listed content (channels, applicant types,
fees, results, legal basis, steps, keywords) edited through proper fields instead of raw JSON.
Storage stays JSON; the model's clean() (motcua.catalog.versions.content_errors) checks it again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.domain.fees import AT_INTAKE, MAX_AMOUNT

from .choices import ApplicantType, Channel, FeeCollected, Level, TimeUnit
from .models import Component, Procedure, ProcedureVersion

BASES = [("dossier", _("Mỗi hồ sơ")), ("set", _("Mỗi bộ hồ sơ")), ("page", _("Mỗi trang")),
         ("copy", _("Mỗi bản sao"))]


class LinesField(forms.CharField):
    """A list of texts edited as one line each."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 80})

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        if isinstance(value, list):
            return value
        return [line.strip() for line in str(value or "").splitlines() if line.strip()]


class KeywordsField(forms.CharField):
    """A list of keywords edited as one comma-separated line."""

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        if isinstance(value, list):
            return value
        return [w.strip() for w in str(value or "").split(",") if w.strip()]


class FeeRowForm(forms.Form):
    """One fee line of the catalog: the shape motcua.domain.fees reads (name, amount, collected,
    basis, channels)."""

    name = forms.CharField(label=_("Tên phí, lệ phí"), max_length=500)
    basis = forms.ChoiceField(label=_("Cách tính"), choices=BASES, initial="dossier")
    amount = forms.IntegerField(label=_("Mức thu (đồng)"), min_value=0, max_value=MAX_AMOUNT, initial=0)
    collected = forms.TypedChoiceField(label=_("Thời điểm thu"), choices=FeeCollected.choices, coerce=int,
                                       initial=AT_INTAKE)
    channels = forms.TypedMultipleChoiceField(label=_("Áp dụng cho kênh"), choices=Channel.choices, coerce=int,
                                              required=False, widget=forms.CheckboxSelectMultiple,
                                              help_text=_("Để trống: áp dụng cho mọi kênh."))

    def entry(self) -> dict[str, Any]:
        d = self.cleaned_data
        out: dict[str, Any] = {"name": d["name"], "amount": d["amount"], "collected": d["collected"]}
        if d["basis"] != "dossier":
            out["basis"] = d["basis"]
        if d.get("channels"):
            out["channels"] = sorted(d["channels"])
        return out


class ResultRowForm(forms.Form):
    text = forms.CharField(label=_("Kết quả"), max_length=1000)


class MethodForm(forms.Form):
    """One submission channel: whether the version accepts it, and its own time, fee and description."""

    accepted = forms.BooleanField(label=_("Nhận hồ sơ qua kênh này"), required=False)
    processing_time = forms.DecimalField(label=_("Thời hạn riêng"), min_value=0, max_digits=7, decimal_places=2,
                                         required=False)
    time_unit = forms.ChoiceField(label=_("Đơn vị"), choices=[("", "---------"), *TimeUnit.choices], required=False)
    fee = forms.IntegerField(label=_("Phí riêng (đồng)"), min_value=0, max_value=MAX_AMOUNT, required=False)
    description = forms.CharField(label=_("Mô tả"), max_length=500, required=False)

    def __init__(self, channel: int, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix=f"kenh{channel}", **kwargs)
        self.channel = channel
        self.channel_label = Channel(channel).label

    def entry(self) -> dict[str, Any] | None:
        d = self.cleaned_data
        if not d.get("accepted"):
            return None
        out: dict[str, Any] = {"channel": self.channel}
        if d.get("processing_time") is not None:
            out["processing_time"] = float(d["processing_time"])
        if d.get("time_unit"):
            out["time_unit"] = d["time_unit"]
        if d.get("fee") is not None:
            out["fee"] = d["fee"]
        if d.get("description"):
            out["description"] = d["description"]
        return out


FeeFormSet = forms.formset_factory(FeeRowForm, extra=2, can_delete=True)
ResultFormSet = forms.formset_factory(ResultRowForm, extra=2, can_delete=True)


class _Listed(forms.Field):
    """A model field filled by clean() from the rows below the form (never rendered itself; its
    errors are shown above those rows)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)


def _method_initial(methods: list[dict[str, Any]], channel: int) -> dict[str, Any]:
    if not methods:  # no list: every channel, the version's own time and fee
        return {"accepted": True}
    m = next((m for m in methods if m.get("channel") == channel), None)
    if m is None:
        return {"accepted": False}
    return {"accepted": True, "processing_time": m.get("processing_time"), "time_unit": m.get("time_unit") or "",
            "fee": m.get("fee"), "description": m.get("description") or ""}


def _label_row(form: forms.Form, row: str) -> None:
    """Each field of a table row named for assistive technologies ("Mức thu (đồng), dòng phí 2")."""
    for name, field in form.fields.items():
        if not isinstance(field.widget, forms.CheckboxSelectMultiple):
            label = _("Xóa") if name == "DELETE" else field.label
            field.widget.attrs["aria-label"] = f"{label}, {row}"


def listed_rows(version: ProcedureVersion) -> dict[str, list[list[str]]]:
    """A version's channels, fees and results as the read-only page shows them."""
    bases = dict(BASES)
    methods = version.methods or [{"channel": c} for c in Channel.values]
    return {
        "methods": [[str(Channel(m["channel"]).label),
                     f"{m['processing_time']} {TimeUnit(m.get('time_unit') or version.time_unit).label}"
                     if m.get("processing_time") is not None else "",
                     f"{int(m['fee']):,}".replace(",", ".") if m.get("fee") is not None else "",
                     str(m.get("description") or "")] for m in methods if m.get("channel") in Channel.values],
        "fees": [[str(f.get("name") or ""), str(bases.get(f.get("basis") or "dossier", "")),
                  f"{int(f.get('amount') or 0):,}".replace(",", "."),
                  str(FeeCollected(int(f.get("collected") or AT_INTAKE)).label),
                  ", ".join(str(Channel(c).label) for c in f.get("channels") or [])
                  or str(_("Mọi kênh"))] for f in version.fees or []],
        "results": [[str(r)] for r in version.results or []],
    }


class ProcedureVersionAdminForm(forms.ModelForm):
    applicant_types = forms.TypedMultipleChoiceField(
        label=_("Đối tượng thực hiện"), choices=ApplicantType.choices, coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple)
    legal_basis = LinesField(label=_("Căn cứ pháp lý"), required=False, help_text=_("Mỗi văn bản một dòng."))
    steps = LinesField(label=_("Trình tự thực hiện"), required=False, help_text=_("Mỗi bước một dòng."))
    keywords = KeywordsField(label=_("Từ khóa"), required=False, max_length=2000,
                             help_text=_("Các từ khóa cách nhau bằng dấu phẩy."))
    methods = _Listed(label=_("Cách thức thực hiện"))
    fees = _Listed(label=_("Phí, lệ phí"))
    results = _Listed(label=_("Kết quả"))

    class Meta:
        model = ProcedureVersion
        exclude: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        data = self.data if self.is_bound else None

        def start(name: str) -> list[Any]:
            value = self.initial.get(name)
            return list(value if value is not None else getattr(self.instance, name) or [])

        methods = start("methods")
        self.method_forms = [MethodForm(ch, data=data, initial=_method_initial(methods, ch)) for ch in Channel.values]
        self.fee_formset = FeeFormSet(data=data, prefix="phi", initial=[
            {"name": f.get("name", ""), "basis": f.get("basis") or "dossier", "amount": f.get("amount", 0),
             "collected": f.get("collected") or AT_INTAKE, "channels": f.get("channels") or []}
            for f in start("fees")])
        self.result_formset = ResultFormSet(data=data, prefix="ketqua", initial=[{"text": r} for r in start("results")])
        for n, f in enumerate(self.fee_formset.forms, 1):
            _label_row(f, _("dòng phí %(n)s") % {"n": n})
        for n, f in enumerate(self.result_formset.forms, 1):
            _label_row(f, _("dòng kết quả %(n)s") % {"n": n})
        for f in self.method_forms:
            _label_row(f, f.channel_label)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self._check_start(cleaned)
        if all(f.is_valid() for f in self.method_forms):
            methods = [e for e in (f.entry() for f in self.method_forms) if e is not None]
            if not methods:
                self.add_error("methods", _("Chọn ít nhất một kênh nộp hồ sơ."))
            elif len(methods) == len(self.method_forms) and all(len(m) == 1 for m in methods):
                self._set("methods", [])  # every channel, nothing of its own: stored as no list
            else:
                self._set("methods", methods)
        else:
            self.add_error("methods", _("Vui lòng sửa lỗi ở các kênh nộp bên dưới."))
        for name, formset in (("fees", self.fee_formset), ("results", self.result_formset)):
            if not formset.is_valid():
                self.add_error(name, _("Vui lòng sửa các dòng có lỗi bên dưới."))
                continue
            rows = [f for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
            self._set(name, [f.entry() for f in rows] if name == "fees" else [f.cleaned_data["text"] for f in rows])
        return cleaned

    def _check_start(self, cleaned: dict[str, Any]) -> None:
        """A new version starts after every version of its procedure (versions.publish ends the one in force)."""
        proc, start = cleaned.get("procedure"), cleaned.get("effective_from")
        if self.instance.pk is None and proc is not None and start is not None:
            later = proc.versions.filter(effective_from__gte=start).order_by("-effective_from").first()
            if later is not None:
                self.add_error("effective_from", _("Ngày hiệu lực phải sau ngày %(d)s, ngày hiệu lực của phiên bản "
                                                   "%(v)s.") % {"d": later.effective_from.strftime("%d/%m/%Y"),
                                                                 "v": later.decision_number})

    def _set(self, name: str, value: list[Any]) -> None:
        self.cleaned_data[name] = value
        setattr(self.instance, name, value)


class ComponentAdminForm(forms.ModelForm):
    """A row of the components' table: Django's tabular inline labels its columns only, so each
    field is named for assistive technologies ("Tên thành phần, thành phần 2")."""

    class Meta:
        model = Component
        exclude: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        index = (self.prefix or "").rsplit("-", 1)[-1]
        row = _("thành phần %(n)s") % {"n": int(index) + 1} if index.isdigit() else _("thành phần mới")
        _label_row(self, row)


class ComponentFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:  # added after the form's own fields were named
            row = _("thành phần %(n)s") % {"n": index + 1} if index is not None else _("thành phần mới")
            form.fields["DELETE"].widget.attrs["aria-label"] = f"{_('Xóa')}, {row}"


class ProcedureAdminForm(forms.ModelForm):
    levels = forms.TypedMultipleChoiceField(label=_("Cấp thực hiện"), choices=Level.choices,
                                            widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Procedure
        exclude: list[str] = []
