from django.contrib import admin

from .models import Dossier, DossierEvent


class EventInline(admin.TabularInline):
    model = DossierEvent
    extra = 0
    can_delete = False
    fields = ["seq", "at", "action", "from_status", "to_status", "actor_name", "role", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    """Read-only: dossiers change only through the service layer (events)."""

    list_display = ["code", "procedure", "status", "channel", "applicant_name", "received_at", "due_at", "verdict"]
    list_filter = ["status", "channel", "verdict"]
    search_fields = ["code", "applicant_name"]
    show_full_result_count = False
    inlines = [EventInline]

    def has_change_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False

    def has_add_permission(self, request):  # noqa: ANN001, ANN201
        return False

    def has_delete_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False
