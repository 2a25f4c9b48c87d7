"""Calendar administration: dated office hours, a province's days off / make-up days, and the
national entries awaiting confirmation. Every change applies from tomorrow on (days already
begun keep their rules) and says how many open dossiers changed due time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext as _

from motcua.domain.errors import ValidationFailed

from . import services
from .models import CalendarOverride, CalendarSettingsVersion, NationalEntry, NationalEntryStatus, OverrideKind


def _raise_form_errors(form: forms.ModelForm, exc: ValidationFailed) -> None:
    for field, msg in (getattr(exc, "fields", None) or {"__all__": str(exc)}).items():
        form.add_error(field if field in form.fields else None, msg)


class _FutureForm(forms.ModelForm):
    """Refuse a date that has begun or passed, and any edit of a row already in force."""

    date_field = "date"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        day = data.get(self.date_field)
        try:
            if self.instance.pk:
                services.check_future(getattr(self.instance, self.date_field), self.date_field)
            if day is not None:
                services.check_future(day, self.date_field)
        except ValidationFailed as e:
            _raise_form_errors(self, e)
        return data


class VersionForm(_FutureForm):
    date_field = "effective_from"

    class Meta:
        model = CalendarSettingsVersion
        fields = ["province", "effective_from", "morning_start", "morning_end", "afternoon_start",
                  "afternoon_end", "cutoff_enabled", "cutoff", "decision"]


class OverrideForm(_FutureForm):
    class Meta:
        model = CalendarOverride
        fields = ["province", "date", "kind", "name", "decision"]


def _report(request: Any, change: services.Change, effect: bool) -> None:
    if not effect:
        messages.warning(request, _("Thay đổi này không có tác dụng: lịch làm việc không đổi."))
    if change.changed:
        messages.success(request, _("Đã tính lại hạn xử lý: %(scanned)s hồ sơ đang mở, %(changed)s hồ sơ "
                                    "thay đổi hạn.") % {"scanned": change.scanned, "changed": change.changed})
    else:
        messages.warning(request, _("Không hồ sơ đang mở nào thay đổi hạn xử lý (%(scanned)s hồ sơ đang mở).")
                         % {"scanned": change.scanned})


class _NoPastDelete:
    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        if obj is not None and getattr(obj, self.date_field) <= services.today():  # type: ignore[attr-defined]
            return False
        return super().has_delete_permission(request, obj)  # type: ignore[misc]

    def get_actions(self, request: Any) -> dict[str, Any]:
        actions = super().get_actions(request)  # type: ignore[misc]
        actions.pop("delete_selected", None)  # one at a time, through the dated check
        return actions


@admin.register(CalendarSettingsVersion)
class CalendarSettingsVersionAdmin(_NoPastDelete, admin.ModelAdmin):
    form = VersionForm
    date_field = "effective_from"
    list_display = ["province", "effective_from", "morning_start", "morning_end", "afternoon_start",
                    "afternoon_end", "cutoff_enabled", "cutoff", "decision", "created_by", "created_at"]
    list_filter = ["province"]
    readonly_fields = ["created_by", "created_at"]

    def get_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
        return [*self.readonly_fields, "province", "effective_from"] if obj else list(self.readonly_fields)

    def save_model(self, request, obj, form, change):  # noqa: ANN001, ANN201
        before = services.version_in_force(obj.province_id, obj.effective_from - timedelta(days=1))
        values = {f: form.cleaned_data[f] for f in services.SETTINGS_FIELDS if f in form.cleaned_data}
        effect = any(getattr(before, f) != v for f, v in values.items())
        result = services.change_settings(obj.province_id, obj.effective_from, form.cleaned_data["decision"],
                                          by=request.user, **values)
        obj.pk = result.obj.pk
        _report(request, result, effect)

    def delete_model(self, request, obj):  # noqa: ANN001, ANN201
        _report(request, services.withdraw_version(obj), True)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(_NoPastDelete, admin.ModelAdmin):
    form = OverrideForm
    date_field = "date"
    list_display = ["date", "kind", "name", "decision", "province", "created_by", "created_at"]
    list_filter = ["kind", "province"]
    date_hierarchy = "date"
    search_fields = ["name", "decision"]
    readonly_fields = ["created_by", "created_at"]

    def get_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
        return [*self.readonly_fields, "province", "date"] if obj else list(self.readonly_fields)

    def save_model(self, request, obj, form, change):  # noqa: ANN001, ANN201
        cal = services.calendar_for(obj.province_id)
        effect = cal.is_working_day(obj.date) != (obj.kind == OverrideKind.WORKING_DAY)
        result = services.declare(obj.province_id, obj.date, obj.kind, obj.name, obj.decision, by=request.user)
        obj.pk = result.obj.pk
        _report(request, result, effect)

    def delete_model(self, request, obj):  # noqa: ANN001, ANN201
        _report(request, services.withdraw_day(obj), True)


class NationalDecisionForm(forms.ModelForm):
    status = forms.ChoiceField(label=_("Quyết định"), choices=[
        (NationalEntryStatus.CONFIRMED, NationalEntryStatus.CONFIRMED.label),
        (NationalEntryStatus.REJECTED, NationalEntryStatus.REJECTED.label)])

    class Meta:
        model = NationalEntry
        fields = ["status", "decision"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        try:
            services.check_future(self.instance.date, "status")
        except ValidationFailed as e:
            _raise_form_errors(self, e)
        if not (data.get("decision") or "").strip():
            self.add_error("decision", _("Cần ghi rõ văn bản quyết định."))
        return data


@admin.register(NationalEntry)
class NationalEntryAdmin(admin.ModelAdmin):
    """National days whose legal basis is not confirmed: a library day applies only once
    confirmed; an unchecked official entry applies unless rejected."""

    form = NationalDecisionForm
    list_display = ["date", "kind", "name", "source", "basis", "status", "decided_by", "decided_at"]
    list_filter = ["status", "source"]
    readonly_fields = ["date", "kind", "name", "source", "basis", "decided_by", "decided_at"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):  # noqa: ANN001, ANN201
        services.sync_national_entries()
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):  # noqa: ANN001, ANN201
        changes = services.decide_national(obj, obj.status == NationalEntryStatus.CONFIRMED,
                                           obj.decision, by=request.user)
        total = services.Change(obj, sum(c.scanned for c in changes), sum(c.changed for c in changes))
        _report(request, total, True)
