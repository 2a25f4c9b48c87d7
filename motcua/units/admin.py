from django.contrib import admin

from .models import Reorganization, StaffProfile, StaffRole, Unit, UnitSuccession, UnitVersion


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 0
    autocomplete_fields = ["user"]


class UnitVersionInline(admin.TabularInline):
    """A unit's names, parents and paths over time: written by reorganizations, read-only here."""

    model = UnitVersion
    fk_name = "unit"
    extra = 0
    can_delete = False
    fields = readonly_fields = ["name", "parent", "path", "valid_from", "valid_until", "reorganization"]

    def has_add_permission(self, request, obj=None):  # noqa: ANN001, ANN201, ARG002
        return False


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    """A unit's place in the tree is set once, when it is created: moving, merging or dissolving it
    afterwards is a dated reorganization (office page "Sắp xếp đơn vị", ``motcua reorganize`` or the
    API), so that its dossiers, paths and history follow."""

    list_display = ["code", "name", "kind", "parent", "dissolved_on"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    inlines = [StaffRoleInline, UnitVersionInline]
    # reorganizations manage these after creation
    LOCKED = ("parent", "dissolved_on", "successor", "established_on")

    def get_readonly_fields(self, request, obj=None):  # noqa: ANN001, ANN201
        base = list(super().get_readonly_fields(request, obj))
        return base + list(self.LOCKED) if obj is not None else [*base, "successor"]

    def save_model(self, request, obj, form, change):  # noqa: ANN001, ANN201
        super().save_model(request, obj, form, change)  # a new unit gets its first version in Unit.save
        if change and "name" in form.changed_data:  # a correction of the name: versioned from today
            from motcua.core import clock

            from .reorgapply import write_versions

            write_versions({obj.pk}, None, clock.local_date(clock.now()))


@admin.register(Reorganization)
class ReorganizationAdmin(admin.ModelAdmin):
    """Read-only record of reorganizations: they are created, previewed and applied on the office page
    (/office/units/reorganizations/), by ``motcua reorganize`` or the API."""

    list_display = ["decision_number", "kind", "effective_on", "status", "applied_at"]
    list_filter = ["kind", "status"]
    search_fields = ["decision_number", "issuer"]
    readonly_fields = ["kind", "decision_number", "decision_date", "issuer", "effective_on", "status", "spec",
                       "summary", "created_by", "created_at", "applied_at"]

    def has_add_permission(self, request):  # noqa: ANN001, ANN201, ARG002
        return False

    def has_delete_permission(self, request, obj=None):  # noqa: ANN001, ANN201, ARG002
        return False


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(admin.ModelAdmin):
    list_display = ["predecessor", "successor", "effective_on", "primary", "reorganization"]
    readonly_fields = ["predecessor", "successor", "effective_on", "primary", "reorganization"]
    search_fields = ["predecessor__name", "successor__name", "predecessor__code", "successor__code"]

    def has_add_permission(self, request):  # noqa: ANN001, ANN201, ARG002
        return False

    def has_delete_permission(self, request, obj=None):  # noqa: ANN001, ANN201, ARG002
        return False




@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__last_name", "unit__name"]
    autocomplete_fields = ["user", "unit"]


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "id_number"]
    search_fields = ["user__username", "user__last_name", "id_number"]
    autocomplete_fields = ["user"]
