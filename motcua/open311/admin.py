"""Administrators issue and revoke the partner applications' keys; the key is shown once."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import services
from .models import ApiKey, DeferredRequest, hash_key


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "partner", "prefix", "rate", "created_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("name", "partner", "prefix")
    readonly_fields = ("prefix", "created_at", "created_by", "revoked_at")
    actions = ["revoke"]

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        if not change:
            raw = ApiKey.new_raw_key()
            obj.key_hash, obj.prefix, obj.created_by = hash_key(raw), raw[:9], request.user
            super().save_model(request, obj, form, change)
            messages.warning(request, _("Khóa API (chỉ hiển thị một lần, hãy gửi cho đối tác ngay): %(key)s")
                             % {"key": raw})
            return
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request: HttpRequest, obj: ApiKey | None = None) -> bool:
        return False  # a key is revoked, never deleted: its cases keep their partner

    @admin.action(description=_("Thu hồi các khóa đã chọn"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for key in queryset.filter(revoked_at__isnull=True):
            services.revoke_key(key)
        messages.success(request, _("Đã thu hồi."))


@admin.register(DeferredRequest)
class DeferredRequestAdmin(admin.ModelAdmin):
    list_display = ("token", "api_key", "state", "case_code", "created_at", "done_at")
    list_filter = ("state",)
    search_fields = ("token", "case_code")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: DeferredRequest | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: DeferredRequest | None = None) -> bool:
        return False
