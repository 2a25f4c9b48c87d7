"""The catalog in the admin. A procedure version's listed content is edited through proper fields
(motcua.catalog.adminforms); a published version is never edited in place: once it has taken
effect (or a dossier was received under it) it is read-only and offers "Công bố phiên bản mới", a
draft copied from it that the new decision publishes (motcua.catalog.versions.publish)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import versions
from .adminforms import ComponentAdminForm, ComponentFormSet, ProcedureAdminForm, ProcedureVersionAdminForm, listed_rows
from .models import Component, Field, Procedure, ProcedureVersion, ProcessStep


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class VersionInline(admin.TabularInline):
    """The procedure's versions, read-only: a version is published or corrected on its own page."""

    model = ProcedureVersion
    extra = 0
    fields = ["decision_number", "effective_from", "effective_to", "status", "processing_time", "time_unit",
              "online_level"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    form = ProcedureAdminForm
    list_display = ["code", "national_code", "name", "field"]
    list_filter = ["field"]
    search_fields = ["code", "national_code", "name"]
    inlines = [VersionInline]


class ComponentInline(admin.TabularInline):
    model = Component
    form = ComponentAdminForm
    formset = ComponentFormSet
    extra = 0

    def _source(self, request: HttpRequest) -> ProcedureVersion | None:
        return ProcedureVersionAdmin.source(request)

    def get_extra(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> int:
        source = self._source(request) if obj is None else None
        return source.components.count() if source is not None else self.extra

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not versions.is_locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not versions.is_locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not versions.is_locked(obj) and super().has_delete_permission(request, obj)


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    form = ProcedureVersionAdminForm
    change_form_template = "admin/catalog/procedureversion/change_form.html"
    list_display = ["procedure", "decision_number", "effective_from", "effective_to", "status", "online_level"]
    list_filter = ["status", "online_level", "time_unit"]
    search_fields = ["procedure__code", "name", "decision_number"]
    autocomplete_fields = ["procedure"]
    inlines = [ComponentInline]
    fieldsets = [
        (None, {"fields": ["procedure", "name", "procedure_type"]}),
        (_("Quyết định công bố"), {"fields": ["decision_number", "decision_date", "effective_from", "effective_to",
                                             "status"]}),
        (_("Đối tượng, mức độ và thời hạn"), {"fields": ["applicant_types", "online_level", "processing_time",
                                                        "time_unit", "cutoff_time", "intake_anywhere",
                                                        "fee_pay_later"]}),
        (_("Cơ quan và nội dung"), {"fields": ["competent_agency", "executing_agency", "receiving_address",
                                              "requirements", "legal_basis", "steps", "keywords"]}),
    ]

    @staticmethod
    def source(request: HttpRequest) -> ProcedureVersion | None:
        """The published version a draft is copied from (``?from=<id>`` on the add page)."""
        raw = request.GET.get("from", "")
        if not raw.isdigit():
            return None
        return ProcedureVersion.objects.select_related("procedure").filter(pk=int(raw)).first()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # the end and the status follow from publishing the next version (or abolishing); a version's
        # procedure and start are its identity
        return ["status", "effective_to", *(["procedure", "effective_from"] if obj is not None else [])]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not versions.is_locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not versions.is_locked(obj) and super().has_delete_permission(request, obj)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        source = self.source(request)
        if source is None:
            return super().get_changeform_initial_data(request)
        return versions.draft_of(source)

    def get_formset_kwargs(self, request: HttpRequest, obj: Any, inline: Any, prefix: str) -> dict[str, Any]:
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        source = self.source(request)
        if isinstance(inline, ComponentInline) and source is not None and request.method != "POST":
            kwargs["initial"] = versions.components_of(source)
        return kwargs

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict[str, Any] | None = None) -> Any:
        obj = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if obj is not None and versions.is_locked(obj) and self.has_add_permission(request):
            extra["publish_new_url"] = reverse("admin:catalog_procedureversion_add") + f"?from={obj.pk}"
            extra["locked"] = True
        if obj is not None:
            extra["listed"] = listed_rows(obj)
        return super().change_view(request, object_id, form_url, extra)

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None) -> Any:
        extra = dict(extra_context or {})
        source = self.source(request)
        if source is not None:
            extra["draft_source"] = source
            extra["title"] = _("Công bố phiên bản mới")
        return super().add_view(request, form_url, extra)

    def delete_model(self, request: HttpRequest, obj: ProcedureVersion) -> None:
        versions.withdraw(obj)  # the version it replaced is in force again

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        kept = 0
        for obj in queryset:
            if versions.is_locked(obj):
                kept += 1
                continue
            versions.withdraw(obj)
        if kept:
            self.message_user(request, _("%(n)d phiên bản đã có hiệu lực hoặc đã có hồ sơ được giữ lại, không xóa.")
                              % {"n": kept}, messages.WARNING)

    def save_model(self, request: HttpRequest, obj: ProcedureVersion, form: Any, change: bool) -> None:
        if change:
            obj.save()
        else:  # a new version: the one in force at its start ends there
            versions.publish(obj, copy_form_from=self.source(request))


@admin.register(ProcessStep)
class ProcessStepAdmin(admin.ModelAdmin):
    list_display = ["procedure", "unit", "order", "name", "role", "quota_hours", "required", "approval",
                    "produces_document"]
    list_filter = ["role", "required", "approval", "produces_document"]
    search_fields = ["procedure__code", "unit__name", "name"]
    autocomplete_fields = ["procedure", "unit", "department"]
