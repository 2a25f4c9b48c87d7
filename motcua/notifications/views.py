"""The citizen's notification preferences (signed in), and the unsubscribe link of every e-mail:
that one works without signing in (the token is signed). A GET only asks (mail scanners follow
links); the button, or a mail client's one-click POST (RFC 8058), opts the address out."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from motcua.portal.views import citizen_view

from . import services
from .choices import Channel, Language


@csrf_exempt  # the signed token is the authority; mail clients' one-click POST carries no CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    found = services.read_unsubscribe(token)
    if found is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    channel, address = found
    done = request.method == "POST"
    if done:
        services.unsubscribe(token)
    return render(request, "notifications/unsubscribe.html", {"address": address, "done": done, "channel": channel})


class PreferenceForm(forms.Form):
    channels = forms.MultipleChoiceField(label=_("Nhận thông báo qua"), choices=Channel.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple,
                                         help_text=_("Không chọn kênh nào: nhận theo mặc định của cơ quan."))
    language = forms.ChoiceField(label=_("Ngôn ngữ"), choices=Language.choices)
    opted_out = forms.BooleanField(label=_("Không nhận bất kỳ thông báo nào"), required=False)


@citizen_view
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """The signed-in citizen's channels, language and opt-out for their dossiers' notifications."""
    current = services.prefs_for(request.user.pk).account
    initial = {"channels": current.channels, "language": current.language, "opted_out": current.opted_out} \
        if current else {"language": Language.VI}
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.set_preference(user_id=request.user.pk, **form.cleaned_data)
        messages.success(request, _("Đã lưu lựa chọn nhận thông báo."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
