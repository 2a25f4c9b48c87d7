from django.contrib import admin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "expires_at", "revoked"]
    readonly_fields = ["prefix", "created_at"]
    exclude = ["key_hash"]

ApiTokenAdmin.has_add_permission = lambda self, request: False  # issued by `motcua issue_token`
