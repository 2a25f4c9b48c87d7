"""The administrators' view of the postal service (Django admin): orders with their tracking, the
tracking-code pool (free codes shown on top: an empty pool is an alert), the units' postal details."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from motcua.domain.errors import ValidationFailed

from . import services
from .models import ItemCode, PostalOrder, PostalProfile, TrackingCursor, TrackingEvent


class TrackingInline(admin.TabularInline):
    model = TrackingEvent
    extra = 0
    can_delete = False
    readonly_fields = ("feed_id", "status", "message", "reported_at", "pulled_at", "applied")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(PostalOrder)
class PostalOrderAdmin(admin.ModelAdmin):
    list_display = ("order_number", "kind", "item_code", "state", "status", "status_at", "cod_amount", "created_at",
                    "short_error")
    list_filter = ("kind", "state", "status")
    search_fields = ("order_number", "item_code")
    readonly_fields = [f.name for f in PostalOrder._meta.fields]
    inlines = [TrackingInline]
    list_per_page = 50
    show_full_result_count = False

    @admin.display(description=_("lỗi gần nhất"))
    def short_error(self, obj: PostalOrder) -> str:
        return obj.last_error[:120]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class CodesForm(forms.Form):
    codes = forms.CharField(label=_("Mã bưu gửi (mỗi dòng một mã)"), widget=forms.Textarea)


@admin.register(ItemCode)
class ItemCodeAdmin(admin.ModelAdmin):
    list_display = ("code", "allocated_at", "order", "taken_at", "spoiled")
    list_filter = ("spoiled",)
    search_fields = ("code",)
    readonly_fields = ("code", "allocated_at", "order", "taken_at", "spoiled")
    list_per_page = 100
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # codes come in batches: the "import" page

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_urls(self) -> list[Any]:
        return [path("import/", self.admin_site.admin_view(self.import_view), name="post_itemcode_import"),
                *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        free = services.free_codes()
        if free == 0:
            self.message_user(request, _g("Kho mã bưu gửi đã hết: đơn bưu chính mới sẽ chờ đến khi nhập thêm mã."),
                              messages.ERROR)
        return super().changelist_view(request, {**(extra_context or {}), "free_codes": free})

    def import_view(self, request: HttpRequest) -> HttpResponse:
        form = CodesForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            codes = [c.strip().upper() for c in form.cleaned_data["codes"].split() if c.strip()]
            try:
                n = services.add_codes(codes)
            except ValidationFailed as exc:
                form.add_error("codes", _g("Mã không đúng dạng S10: %(codes)s") % {"codes": exc.fields["codes"]})
            else:
                self.message_user(request, _g("Đã nhập %(n)d mã bưu gửi.") % {"n": n}, messages.SUCCESS)
                return redirect("admin:post_itemcode_changelist")
        return render(request, "admin/post/itemcode_import.html",
                      {**self.admin_site.each_context(request), "form": form, "title": _g("Nhập mã bưu gửi")})


@admin.register(PostalProfile)
class PostalProfileAdmin(admin.ModelAdmin):
    list_display = ("unit", "address", "phone", "province_code", "district_code")
    search_fields = ("unit__name", "unit__code")
    raw_id_fields = ("unit",)


@admin.register(TrackingCursor)
class TrackingCursorAdmin(admin.ModelAdmin):
    list_display = ("name", "last_id", "updated_at")
    readonly_fields = ("name", "updated_at")
