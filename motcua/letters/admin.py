from django import forms
from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from .models import LetterTemplate
from .placeholders import PLACEHOLDERS


class LetterTemplateForm(forms.ModelForm):
    class Meta:
        model = LetterTemplate
        fields = ["name", "procedure_codes", "title", "body", "signer", "active"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14, "cols": 90})}


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    form = LetterTemplateForm
    list_display = ["name", "title", "procedure_codes", "active", "updated_at"]
    list_filter = ["active"]
    search_fields = ["name", "title", "procedure_codes"]
    readonly_fields = ["placeholders"]
    fields = ["name", "procedure_codes", "title", "body", "signer", "active", "placeholders"]

    @admin.display(description=_("Các trường dùng được"))
    def placeholders(self, obj: LetterTemplate | None = None) -> str:
        return format_html_join("", "<div><code>{{{}}}</code>: {}</div>", ((k, v) for k, v in PLACEHOLDERS.items()))
