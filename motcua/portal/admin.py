from django.contrib import admin

from .models import CitizenProfile, Draft, Rating


@admin.register(CitizenProfile)
class CitizenProfileAdmin(admin.ModelAdmin):
    list_display = ("id_number", "user", "phone", "identity_provider", "created_at")
    search_fields = ("id_number", "user__username", "user__last_name", "user__first_name", "phone")
    list_filter = ("identity_provider",)
    raw_id_fields = ("user",)


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ("dossier", "score", "created_at")
    list_filter = ("score",)
    raw_id_fields = ("dossier",)
    readonly_fields = ("dossier", "score", "comment", "created_at")


@admin.register(Draft)
class DraftAdmin(admin.ModelAdmin):
    list_display = ("owner", "procedure", "updated_at")
    raw_id_fields = ("owner", "procedure")
