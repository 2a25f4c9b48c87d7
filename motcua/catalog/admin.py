from django.contrib import admin

from .models import Component, Field, Procedure, ProcedureVersion, ProcessStep


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class VersionInline(admin.TabularInline):
    model = ProcedureVersion
    extra = 0
    fields = ["decision_number", "effective_from", "effective_to", "status", "processing_time", "time_unit",
              "online_level"]
    show_change_link = True


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["code", "national_code", "name", "field"]
    list_filter = ["field"]
    search_fields = ["code", "national_code", "name"]
    inlines = [VersionInline]


class ComponentInline(admin.TabularInline):
    model = Component
    extra = 0


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    list_display = ["procedure", "decision_number", "effective_from", "effective_to", "status", "online_level"]
    list_filter = ["status", "online_level", "time_unit"]
    search_fields = ["procedure__code", "name", "decision_number"]
    autocomplete_fields = ["procedure"]
    inlines = [ComponentInline]


@admin.register(ProcessStep)
class ProcessStepAdmin(admin.ModelAdmin):
    list_display = ["procedure", "unit", "order", "name", "role", "quota_hours", "required", "approval",
                    "produces_document"]
    list_filter = ["role", "required", "approval", "produces_document"]
    search_fields = ["procedure__code", "unit__name", "name"]
    autocomplete_fields = ["procedure", "unit", "department"]
