from django.contrib import admin, messages

from .models import CalendarOverride, CalendarSettings
from .services import bump_revision


@admin.register(CalendarSettings)
class CalendarSettingsAdmin(admin.ModelAdmin):
    list_display = ["province", "morning_start", "morning_end", "afternoon_start", "afternoon_end",
                    "cutoff_enabled", "cutoff"]

    def save_model(self, request, obj, form, change):  # noqa: ANN001, ANN201
        super().save_model(request, obj, form, change)
        _recompute(request, obj.province_id)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name", "decision", "province"]
    list_filter = ["kind", "province"]
    date_hierarchy = "date"
    search_fields = ["name", "decision"]

    def save_model(self, request, obj, form, change):  # noqa: ANN001, ANN201
        super().save_model(request, obj, form, change)
        _recompute(request, obj.province_id)

    def delete_model(self, request, obj):  # noqa: ANN001, ANN201
        pid = obj.province_id
        super().delete_model(request, obj)
        _recompute(request, pid)


def _recompute(request, province_id: int) -> None:  # noqa: ANN001
    from motcua.dossiers.recompute import recompute_open_dossiers

    bump_revision(province_id)
    result = recompute_open_dossiers(province_id)
    messages.info(request, f"Đã tính lại hạn xử lý: {result.scanned} hồ sơ đang mở, "
                           f"{result.changed} hồ sơ thay đổi hạn.")
