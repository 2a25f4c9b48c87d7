"""Administrators keep the feedback categories (the Open311 services); cases change only through the
handling steps, so the admin site shows them read-only."""

from django.contrib import admin

from .models import Case, CaseEvent, Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "subject", "publish", "internal", "active", "order")
    list_filter = ("kind", "active", "internal")
    search_fields = ("code", "name", "name_en")


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:  # noqa: ANN001, ARG002
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001, ARG002
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001, ARG002
        return False


@admin.register(Case)
class CaseAdmin(ReadOnly):
    list_display = ("code", "category", "status", "unit", "received_at", "due_at", "verdict")
    list_filter = ("status", "kind", "channel")
    search_fields = ("code",)


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnly):
    list_display = ("case", "seq", "action", "at", "actor_name", "role")
