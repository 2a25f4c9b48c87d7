"""Administrators keep the service groups (the kiosk's buttons and ticket series) and the counters of
each one-stop department; tickets change only through the calling services."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Counter, OpeningOverride, ServiceGroup


@admin.register(ServiceGroup)
class ServiceGroupAdmin(admin.ModelAdmin):
    list_display = ("letter", "name", "unit", "position", "slot_minutes", "slot_capacity", "active")
    list_filter = ("active",)
    search_fields = ("name", "letter", "unit__name", "unit__code")
    autocomplete_fields = ("unit",)
    filter_horizontal = ("fields",)
    ordering = ("unit__path", "position", "letter")


class CounterForm(forms.ModelForm):
    class Meta:
        model = Counter
        fields = ("unit", "number", "name", "groups", "officer", "active")

    def clean(self) -> dict:
        data = super().clean()
        unit, groups = data.get("unit"), data.get("groups")
        if unit is not None and groups:
            foreign = [g for g in groups if g.unit_id != unit.pk]
            if foreign:
                self.add_error("groups", _("Quầy chỉ phục vụ các nhóm dịch vụ của đơn vị mình: %(g)s không "
                                           "thuộc %(u)s.") % {"g": ", ".join(str(g) for g in foreign), "u": unit})
        return data


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):
    form = CounterForm
    list_display = ("number", "name", "unit", "officer", "active")
    list_filter = ("active",)
    search_fields = ("name", "unit__name", "unit__code")
    autocomplete_fields = ("unit", "officer")
    filter_horizontal = ("groups",)
    ordering = ("unit__path", "number")


@admin.register(OpeningOverride)
class OpeningOverrideAdmin(admin.ModelAdmin):
    """A day a department takes appointments for fewer hours than its calendar (or none): the slots offered
    to citizens follow it; tickets at the kiosk are not affected."""

    list_display = ("day", "unit", "opens", "closes", "reason")
    list_filter = ("day",)
    search_fields = ("unit__name", "unit__code", "reason")
    autocomplete_fields = ("unit",)
    date_hierarchy = "day"
    ordering = ("-day", "unit__path")
