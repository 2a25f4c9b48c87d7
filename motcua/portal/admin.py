from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.text import capfirst

from .models import CitizenProfile, Draft, Rating, RatingAnswer, RatingCriterion


@admin.register(CitizenProfile)
class CitizenProfileAdmin(admin.ModelAdmin):
    list_display = ("id_number", "user", "phone", "identity_provider", "created_at")
    search_fields = ("id_number", "user__username", "user__last_name", "user__first_name", "phone")
    list_filter = ("identity_provider",)
    raw_id_fields = ("user",)


class RatingAnswerInline(admin.TabularInline):
    model = RatingAnswer
    fields = ("criterion", "value", "level_name")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Rating | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Rating | None = None) -> bool:
        return False


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    """Ratings come from citizens only: administrators read them, never add, change or delete one."""

    list_display = ("dossier", "score", "created_at")
    list_filter = ("score",)
    readonly_fields = ("dossier", "score", "comment", "created_at")
    inlines = [RatingAnswerInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Rating | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Rating | None = None) -> bool:
        return False


@admin.register(RatingCriterion)
class RatingCriterionAdmin(admin.ModelAdmin):
    """The provincial survey's criteria: data the province edits (a used one is retired, not deleted)."""

    list_display = ("name", "code", "order", "active")
    list_editable = ("order", "active")
    list_filter = ("active",)

    def get_changelist_form(self, request: HttpRequest, **kwargs: Any) -> Any:  # noqa: ANN401
        base = super().get_changelist_form(request, **kwargs)

        class Labelled(base):  # type: ignore[misc, valid-type]
            """Each editable cell named for screen readers (Django's list gives the cells no label)."""

            def __init__(self, *args: Any, **kw: Any) -> None:
                super().__init__(*args, **kw)
                for f in self.fields.values():
                    f.widget.attrs["aria-label"] = f"{capfirst(f.label)}: {self.instance.name}"

        return Labelled

    def has_delete_permission(self, request: HttpRequest, obj: RatingCriterion | None = None) -> bool:
        return obj is None or not obj.answers.exists()


@admin.register(Draft)
class DraftAdmin(admin.ModelAdmin):
    list_display = ("owner", "procedure", "updated_at")
    raw_id_fields = ("owner", "procedure")
