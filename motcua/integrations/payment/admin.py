"""Administration of online payment: the units' beneficiary accounts (editable), the attempts and
the confirms received (read-only: they change only through the platform's confirm or QUERY)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from .models import Notice, Payment, PaymentAccount, Reconciliation


@admin.register(PaymentAccount)
class PaymentAccountAdmin(admin.ModelAdmin):
    list_display = ("unit", "account", "bank", "account_name", "active")
    list_filter = ("active",)
    search_fields = ("unit__name", "unit__code", "account")
    autocomplete_fields = ("unit",)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class NoticeInline(admin.TabularInline):
    model = Notice
    extra = 0
    fields = ("received_at", "via", "answer", "changed")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnly):
    list_display = ("reference", "dossier", "amount", "state", "surplus", "created_at", "paid_at", "settled_by")
    list_filter = ("state", "surplus", "gateway", "settled_by")
    search_fields = ("reference", "transaction", "dossier__code")
    raw_id_fields = ("dossier", "receipt")
    inlines = [NoticeInline]


@admin.register(Notice)
class NoticeAdmin(ReadOnly):
    list_display = ("reference", "via", "answer", "changed", "received_at")
    list_filter = ("answer", "via", "changed")
    search_fields = ("reference",)
    raw_id_fields = ("payment",)


@admin.register(Reconciliation)
class ReconciliationAdmin(ReadOnly):
    list_display = ("unit", "day", "status", "checked", "differences", "finished_at")
    list_filter = ("status",)
