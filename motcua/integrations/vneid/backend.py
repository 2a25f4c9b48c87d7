"""The authentication backend of sessions opened by the national e-ID sign-in.

It never checks a password (``authenticate`` always answers None: the office and portal password
sign-ins cannot go through it), and a session it opened never belongs to staff: ``get_user`` drops a
user who is (or has since become) staff, so an e-ID session gives no office or admin access."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

PATH = "motcua.integrations.vneid.backend.VneidBackend"


class VneidBackend(ModelBackend):
    def authenticate(self, request: Any, username: str | None = None, password: str | None = None,
                     **kwargs: Any) -> None:
        return None

    def get_user(self, user_id: Any) -> Any:
        from motcua.portal.accounts import is_staff

        user = super().get_user(user_id)
        if user is None or is_staff(user):
            return None
        return user
