"""Staff sign-in and sign-out: Django's auth views with Vietnamese templates and a lockout."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from motcua.core.clock import fmt

from . import lockout


def client_ip(request: HttpRequest) -> str:
    """The address the request came from (the reverse proxy must set REMOTE_ADDR correctly)."""
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"


class LoginView(auth_views.LoginView):
    template_name = "office/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        username = request.POST.get("username", "")
        until = lockout.locked_until(username, client_ip(request))
        if until is not None:
            form = AuthenticationForm(request, initial={"username": username})
            message = _("Tài khoản tạm bị khóa do đăng nhập sai nhiều lần. "
                        "Vui lòng thử lại sau %(at)s.") % {"at": fmt(until)}
            return self.render_to_response(self.get_context_data(form=form, locked_message=message), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        username = form.data.get("username", "")
        if username:
            lockout.record_failure(username, client_ip(self.request))
        return super().form_invalid(form)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        lockout.clear_failures(form.get_user().get_username(), client_ip(self.request))
        return super().form_valid(form)


class LogoutView(auth_views.LogoutView):
    template_name = "office/logged_out.html"
