from django.contrib import admin

from .models import StaffProfile, StaffRole, Unit


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent", "dissolved_on"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    inlines = [StaffRoleInline]


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
