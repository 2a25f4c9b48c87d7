"""The population look-up log in the admin site: read-only (no add, change or delete)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from .models import Lookup, LookupUse


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Lookup)
class LookupAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_name", "channel", "unit", "masked_id", "reason", "outcome", "request_id")
    list_filter = ("outcome", "channel", "reason")
    date_hierarchy = "at"
    search_fields = ("request_id", "actor_name")


@admin.register(LookupUse)
class LookupUseAdmin(ReadOnlyAdmin):
    list_display = ("lookup", "dossier", "linked_at")
