"""Citizen accounts: registration with a citizen identity number, and who counts as a citizen."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from motcua.domain.errors import ValidationFailed
from motcua.units.services import scope_for

from .choices import IdentityProvider
from .models import CitizenProfile

ID_NUMBER = re.compile(r"^\d{12}$")
PHONE = re.compile(r"^(0|\+84)\d{9}$")


def is_staff(user) -> bool:  # noqa: ANN001
    """Staff (any role, Django staff or superuser) do not use the portal as citizens."""
    return bool(user.is_staff or user.is_superuser or scope_for(user).roles)


def split_name(full_name: str) -> tuple[str, str]:
    """Vietnamese order: ("Nguyễn Văn", "An") from "Nguyễn Văn An"."""
    words = full_name.split()
    return " ".join(words[:-1]), (words[-1] if words else "")


def normalize_phone(phone: str) -> str:
    return re.sub(r"[\s.\-]", "", phone or "")


@dataclass
class Registration:
    full_name: str
    id_number: str
    phone: str
    password: str
    email: str = ""


def _check(reg: Registration) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not reg.full_name.strip() or len(reg.full_name) > 150:
        errors["full_name"] = _("Vui lòng nhập họ và tên (tối đa 150 ký tự).")
    if not ID_NUMBER.match(reg.id_number):
        errors["id_number"] = _("Số CCCD gồm đúng 12 chữ số.")
    elif CitizenProfile.objects.filter(id_number=reg.id_number).exists() or \
            get_user_model().objects.filter(username=reg.id_number).exists():
        errors["id_number"] = _("Số CCCD này đã có tài khoản. Vui lòng đăng nhập.")
    if not PHONE.match(reg.phone):
        errors["phone"] = _("Số điện thoại gồm 10 chữ số, bắt đầu bằng 0 (hoặc +84).")
    if reg.email:
        try:
            validate_email(reg.email)
        except ValidationError:
            errors["email"] = _("Địa chỉ thư điện tử không hợp lệ.")
    return errors


def register(reg: Registration):  # noqa: ANN201
    """Open a local citizen account (the user name is the CCCD number); ValidationFailed with
    every field error at once, and nothing saved, if the data is not acceptable."""
    reg.id_number, reg.phone, reg.email = reg.id_number.strip(), normalize_phone(reg.phone), reg.email.strip()
    errors = _check(reg)
    family, given = split_name(reg.full_name)
    User = get_user_model()
    user = User(username=reg.id_number, first_name=given[:150], last_name=family[:150], email=reg.email)
    try:
        validate_password(reg.password, user)
    except ValidationError as err:
        errors["password"] = " ".join(err.messages)
    if errors:
        raise ValidationFailed(_("Thông tin đăng ký chưa hợp lệ."), fields=errors)
    try:
        with transaction.atomic():
            user.set_password(reg.password)
            user.save()
            CitizenProfile.objects.create(user=user, id_number=reg.id_number, phone=reg.phone,
                                          identity_provider=IdentityProvider.LOCAL)
    except IntegrityError as err:  # the same number registered at the same moment
        raise ValidationFailed(_("Thông tin đăng ký chưa hợp lệ."),
                               fields={"id_number": _("Số CCCD này đã có tài khoản. Vui lòng đăng nhập.")}) from err
    return user


def username_for(typed: str) -> str:
    """The user name to authenticate for what a citizen typed at sign-in: the account whose ID number
    (CCCD, or tax code) it is, whatever that account's user name (a demo or imported account, an account
    whose user name was changed); otherwise what was typed (a user name)."""
    number = "".join((typed or "").split())
    if number and len(number) <= 14:
        found = (CitizenProfile.objects.filter(id_number=number).values_list("user__username", flat=True)
                 .first())
        if found:
            return found
    return typed


def profile_of(user) -> CitizenProfile | None:  # noqa: ANN001
    return CitizenProfile.objects.filter(user=user).first()
