"""The administrator's reorganization form: the decision, then the units picked from lists (a JSON
spec only for a split, the rare case). Forms parse; the rules are the service's (reorgplan)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.core.validation import no_control_characters

from .choices import UnitKind
from .models import ReorganizationKind

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


def _date(label: Any) -> forms.DateField:
    return forms.DateField(label=label, input_formats=DATE_FORMATS,
                           widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}))


class ReorganizationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại sắp xếp"), choices=ReorganizationKind.choices)
    decision_number = forms.CharField(label=_("Số quyết định / nghị quyết"), max_length=100,
                                      validators=[no_control_characters])
    decision_date = _date(_("Ngày ban hành"))
    issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=255, validators=[no_control_characters])
    effective_on = _date(_("Ngày hiệu lực"))
    sources = forms.MultipleChoiceField(label=_("Các đơn vị hợp nhất"), required=False,
                                        widget=forms.SelectMultiple(attrs={"size": 8}))
    target = forms.ChoiceField(label=_("Đơn vị nhận (hiện có)"), required=False)
    new_code = forms.CharField(label=_("Mã đơn vị mới"), max_length=40, required=False,
                               validators=[no_control_characters])
    new_name = forms.CharField(label=_("Tên đơn vị mới"), max_length=255, required=False,
                               validators=[no_control_characters])
    new_kind = forms.ChoiceField(label=_("Loại đơn vị mới"), required=False,
                                 choices=[("", "---")] + list(UnitKind.choices))
    new_parent = forms.ChoiceField(label=_("Đơn vị cha của đơn vị mới"), required=False)
    unit = forms.ChoiceField(label=_("Đơn vị"), required=False)
    name = forms.CharField(label=_("Tên mới"), max_length=255, required=False, validators=[no_control_characters])
    parent = forms.ChoiceField(label=_("Chuyển về trực thuộc"), required=False)
    spec_json = forms.CharField(label=_("Nội dung chia tách (JSON)"), required=False, widget=forms.Textarea(
        attrs={"rows": 6}), help_text=_('Chỉ cho chia tách: {"source": ..., "targets": [...], "primary_code": ...}'))

    def __init__(self, *args: Any, units: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        blank = [("", "---")]
        self.fields["sources"].choices = units
        for name in ("target", "new_parent", "unit", "parent"):
            self.fields[name].choices = blank + units

    def clean(self) -> dict[str, Any]:
        c = super().clean()
        if c.get("kind") == ReorganizationKind.SPLIT:
            try:
                spec = json.loads(c.get("spec_json") or "")
            except ValueError:
                self.add_error("spec_json", _("Nội dung JSON không hợp lệ."))
                return c
            if not isinstance(spec, dict):
                self.add_error("spec_json", _("Nội dung phải là một đối tượng JSON."))
            c["spec"] = spec
        else:
            c["spec"] = self.spec_of(c)
        return c

    @staticmethod
    def spec_of(c: dict[str, Any]) -> dict[str, Any]:
        kind = c.get("kind")
        if kind in (ReorganizationKind.MERGE, ReorganizationKind.MERGE_PROVINCES):
            spec: dict[str, Any] = {"sources": list(c.get("sources") or [])}
            if c.get("new_code"):
                spec["target"] = {"code": c["new_code"], "name": c.get("new_name") or "",
                                  "kind": c.get("new_kind") or "", "parent_code": c.get("new_parent") or ""}
            else:
                spec["target_code"] = c.get("target") or ""
            return spec
        if kind == ReorganizationKind.DISSOLVE:
            return {"unit": c.get("unit") or ""}
        if kind == ReorganizationKind.RENAME:
            return {"unit": c.get("unit") or "", "name": c.get("name") or ""}
        return {"unit": c.get("unit") or "", "parent_code": c.get("parent") or ""}


# service field names -> form field names, to show the service's errors next to the right input
SPEC_FIELDS = {"spec.sources": "sources", "spec.target_code": "target", "spec.target": "new_code",
               "spec.target.code": "new_code", "spec.target.name": "new_name", "spec.target.kind": "new_kind",
               "spec.target.parent_code": "new_parent", "spec.unit": "unit", "spec.name": "name",
               "spec.parent_code": "parent", "decision_number": "decision_number", "issuer": "issuer",
               "decision_date": "decision_date", "effective_on": "effective_on", "kind": "kind"}


def show_errors(form: ReorganizationForm, fields: dict[str, str]) -> None:
    for key, message in fields.items():
        name = SPEC_FIELDS.get(key, "spec_json" if key.startswith("spec.") else None)
        form.add_error(name, f"{message}" if name != "spec_json" or key == "spec_json" else f"{key}: {message}")
