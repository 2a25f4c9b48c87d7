"""What a verified e-ID sign-in does to motcua's accounts (plain arguments, no request):

- an account already linked to this e-ID subject: signed in, its profile refreshed from the claims;
- a local account opened with the same ID number (or tax code): linked only once its owner confirms
  (``link``, after the view checked the local password), never silently;
- otherwise: a new account opened from the claims (no usable password: it signs in with the e-ID only).

Staff accounts are never signed in, linked or opened this way (they use the office sign-in), and
every e-ID sign-in is recorded (``EidSignIn``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.domain.errors import DomainError
from motcua.portal.accounts import is_staff, split_name
from motcua.portal.choices import EidOutcome, IdentityProvider
from motcua.portal.models import CitizenProfile, EidSignIn

from .mapping import Identity


class EidAccountRefused(DomainError):
    """The e-ID identity cannot use a portal account (a staff account, a taken user name)."""

    code = "eid_account_refused"
    http_status = 403


@dataclass(frozen=True)
class Resolution:
    """``user`` signed in (``outcome`` signed_in or created), or ``pending`` the local profile awaiting
    its owner's confirmation to be linked."""

    user: Any = None
    outcome: str = ""
    pending: CitizenProfile | None = None


def resolve(identity: Identity, at: datetime | None = None) -> Resolution:
    """Sign in, or open, the account of ``identity``; a local account with its number waits for ``link``."""
    at = at or clock.now()
    linked = (CitizenProfile.objects.select_related("user")
              .filter(identity_provider=IdentityProvider.VNEID, subject=identity.subject).first())
    if linked is not None:
        _refuse_staff(linked.user)
        with transaction.atomic():
            _apply(linked, identity)
            record(linked.user, identity, EidOutcome.SIGNED_IN, at)
        return Resolution(user=linked.user, outcome=EidOutcome.SIGNED_IN)
    local = CitizenProfile.objects.select_related("user").filter(id_number=identity.id_number).first()
    if local is not None:
        _refuse_staff(local.user)
        if local.identity_provider == IdentityProvider.VNEID:  # linked to another e-ID subject
            raise EidAccountRefused(_("Số định danh này đã liên kết với một tài khoản định danh điện tử khác."))
        return Resolution(pending=local)
    return Resolution(user=create_account(identity, at), outcome=EidOutcome.CREATED)


def _refuse_staff(user: Any) -> None:
    if is_staff(user) or not user.is_active:
        raise EidAccountRefused(_("Tài khoản này không đăng nhập cổng dịch vụ công bằng định danh điện tử."))


def create_account(identity: Identity, at: datetime | None = None) -> Any:
    """A new portal account from the claims (user name: the ID number or tax code)."""
    User = get_user_model()
    if User.objects.filter(username=identity.id_number).exists():
        raise EidAccountRefused(_("Số định danh này đang được dùng cho một tài khoản khác. "
                                  "Vui lòng liên hệ bộ phận một cửa."))
    family, given = split_name(identity.full_name)
    try:
        with transaction.atomic():
            user = User(username=identity.id_number, first_name=given[:150], last_name=family[:150],
                        email=identity.email)
            user.set_unusable_password()
            user.save()
            profile = CitizenProfile(user=user, id_number=identity.id_number)
            _apply(profile, identity)
            record(user, identity, EidOutcome.CREATED, at or clock.now())
    except IntegrityError as exc:  # the same person signing in twice at the same moment
        raise EidAccountRefused(_("Tài khoản đang được tạo. Vui lòng đăng nhập lại.")) from exc
    return user


def link(profile: CitizenProfile, identity: Identity, at: datetime | None = None) -> Any:
    """Link the local account ``profile`` to the e-ID identity (its owner confirmed) and sign it in."""
    if profile.id_number != identity.id_number:
        raise EidAccountRefused(_("Số định danh không khớp với tài khoản cần liên kết."))
    _refuse_staff(profile.user)
    with transaction.atomic():
        profile = CitizenProfile.objects.select_for_update().get(pk=profile.pk)
        if profile.identity_provider == IdentityProvider.VNEID and profile.subject != identity.subject:
            raise EidAccountRefused(_("Số định danh này đã liên kết với một tài khoản định danh điện tử khác."))
        _apply(profile, identity)
        record(profile.user, identity, EidOutcome.LINKED, at or clock.now())
    return profile.user


def _apply(profile: CitizenProfile, identity: Identity) -> None:
    """The claims onto the profile (and the user's name and e-mail): the e-ID is the reference."""
    profile.identity_provider, profile.subject = IdentityProvider.VNEID, identity.subject
    profile.account_type, profile.loa = identity.account_type, identity.loa
    profile.tax_code = identity.tax_code
    profile.birth_date = identity.birth_date or profile.birth_date
    profile.gender = identity.gender or profile.gender
    profile.permanent_address = identity.permanent_address or profile.permanent_address
    profile.address = identity.current_address or identity.permanent_address or profile.address
    profile.phone = identity.phone or profile.phone
    profile.save()
    user = profile.user
    family, given = split_name(identity.full_name)
    user.first_name, user.last_name = given[:150], family[:150]
    user.email = identity.email or user.email
    user.save(update_fields=["first_name", "last_name", "email"])


def record(user: Any, identity: Identity, outcome: str, at: datetime) -> EidSignIn:
    return EidSignIn.objects.create(user=user, at=at, loa=identity.loa, account_type=identity.account_type,
                                    outcome=outcome)


def identity_to_session(identity: Identity) -> dict[str, Any]:
    data = dict(identity.__dict__)
    data["birth_date"] = identity.birth_date.isoformat() if identity.birth_date else ""
    return data


def identity_from_session(data: dict[str, Any]) -> Identity:
    from datetime import date

    fields = dict(data)
    fields["birth_date"] = date.fromisoformat(fields["birth_date"]) if fields.get("birth_date") else None
    return Identity(**fields)
