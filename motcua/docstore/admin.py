from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Reuse, StoredDocument


@admin.register(StoredDocument)
class StoredDocumentAdmin(admin.ModelAdmin):
    list_display = ("holder", "document_type", "title", "source", "valid_until", "created_at", "withdrawn")
    list_filter = ("source", "withdrawn", "document_type")
    search_fields = ("=holder", "number")
    raw_id_fields = ("owner", "source_dossier", "source_component", "file")
    readonly_fields = ("file", "source_dossier", "source_component", "created_at", "withdrawn", "withdrawn_at")
    actions = ["withdraw"]

    @admin.action(description=_("Thu hồi giấy tờ đã chọn"))
    def withdraw(self, request, queryset) -> None:  # noqa: ANN001
        for pk in queryset.values_list("pk", flat=True):
            services.withdraw(pk)

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False  # withdrawn instead of deleted


@admin.register(Reuse)
class ReuseAdmin(admin.ModelAdmin):
    list_display = ("dossier", "component", "document", "channel", "at")
    list_filter = ("channel",)
    raw_id_fields = ("dossier", "component", "document", "file", "actor")

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False
