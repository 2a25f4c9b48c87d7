"""Administrators edit the templates (validated by ``Template.clean``: known placeholders only),
read the notification log with its delivery statuses, and see the recipients' choices."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .choices import PLACEHOLDERS
from .models import Notification, Preference, Template


@admin.register(Template)
class TemplateAdmin(admin.ModelAdmin):
    list_display = ("kind", "channel", "language", "subject", "zns_template_id", "updated_at")
    list_filter = ("kind", "channel", "language")
    search_fields = ("subject", "body")
    readonly_fields = ("placeholders", "updated_at")
    fields = ("kind", "channel", "language", "subject", "body", "placeholders", "zns_template_id", "zns_params",
              "updated_at")

    @admin.display(description=_("giá trị dùng được"))
    def placeholders(self, obj: Template) -> str:
        return ", ".join("{" + n + "}" for n in PLACEHOLDERS.get(obj.kind, ())) if obj and obj.kind else ""


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("id", "created_at", "kind", "channel", "recipient", "status", "attempts", "sent_at", "dossier")
    list_filter = ("status", "channel", "kind")
    search_fields = ("recipient", "dossier__code", "key")
    list_select_related = ("dossier",)
    raw_id_fields = ("dossier", "user", "template")
    list_per_page = 50
    show_full_result_count = False  # no COUNT(*) over a long log

    def get_readonly_fields(self, request: HttpRequest, obj: Notification | None = None) -> list[str]:
        return [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "phone", "email", "channels", "opted_out", "language", "updated_at")
    list_filter = ("opted_out", "language")
    search_fields = ("phone", "email", "user__username")
    raw_id_fields = ("user",)
