"""The e-ID sign-in in ``make demo``: the generated history's online dossiers get the portal accounts
that submitted them (one per applicant's ID number, opened as of their first dossier), about three
in five of them linked to VNeID, each of whose dossiers was submitted a few minutes after a VNeID
sign-in (``EidSignIn``). So the 766 measure "accounts authenticated with VNeID" and the national
portal's ``TaiKhoanDuocXacThucVoiVNeID`` show real figures from the first start.

Idempotent: applicants who already have an account (or whose number is a user name) are left as
they are, and only dossiers without an owner are given one."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import timedelta
from typing import IO, Any

SHARE = 60  # percent of the history's online applicants who sign in with VNeID
BEFORE = timedelta(minutes=6)  # a sign-in this long before each of their submissions


def linked(id_number: str) -> bool:
    """The same applicants every run (a hash of the number, not a random draw)."""
    return int(hashlib.sha256(id_number.encode()).hexdigest()[:8], 16) % 100 < SHARE


def prepare(out: IO[str]) -> None:
    accounts, records = history()
    from motcua.portal.models import EidSignIn

    out.write(f"Đăng nhập VNeID: {accounts} tài khoản công dân mới cho hồ sơ trực tuyến trong lịch sử, "
              f"{records} lần đăng nhập VNeID ghi nhận ({EidSignIn.objects.count()} tất cả).\n")


def _applicants() -> dict[str, list[tuple[int, Any, str, str, str]]]:
    from motcua.catalog.choices import ApplicantType, Channel
    from motcua.dossiers.models import Dossier

    rows = (Dossier.objects.filter(channel=Channel.ONLINE, owner__isnull=True, applicant_type=ApplicantType.CITIZEN)
            .values_list("pk", "submitted_at", "applicant_id_number", "applicant_name", "applicant_phone",
                         "applicant_address").order_by("submitted_at", "pk"))
    out: dict[str, list[tuple[int, Any, str, str, str]]] = defaultdict(list)
    for pk, at, number, name, phone, address in rows.iterator():
        if number and len(number) == 12 and number.isdigit():
            out[number].append((pk, at, name, phone, address))
    return out


def history() -> tuple[int, int]:
    """(accounts opened, sign-ins recorded) for the history's online dossiers without an owner."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from motcua.core.demo import DEMO_PASSWORD
    from motcua.dossiers.models import Dossier
    from motcua.portal.accounts import split_name
    from motcua.portal.choices import AccountType, EidOutcome, IdentityProvider
    from motcua.portal.models import CitizenProfile, EidSignIn

    User = get_user_model()
    by_number = _applicants()
    taken = set(CitizenProfile.objects.filter(id_number__in=by_number).values_list("id_number", flat=True))
    taken |= set(User.objects.filter(username__in=by_number).values_list("username", flat=True))
    fresh = {n: rows for n, rows in by_number.items() if n not in taken}
    if not fresh:
        return 0, 0
    password = make_password(DEMO_PASSWORD)  # one hash for every local demo account
    with transaction.atomic():
        users = User.objects.bulk_create([
            User(username=n, first_name=split_name(rows[0][2])[1][:150], last_name=split_name(rows[0][2])[0][:150],
                 password="!" if linked(n) else password, date_joined=rows[0][1] - BEFORE)
            for n, rows in fresh.items()], batch_size=500)
        ids = dict(User.objects.filter(username__in=fresh).values_list("username", "pk"))
        CitizenProfile.objects.bulk_create([
            CitizenProfile(user_id=ids[n], id_number=n, phone=(rows[0][3] or "")[:20], address=(rows[0][4] or "")[:500],
                           identity_provider=IdentityProvider.VNEID if linked(n) else IdentityProvider.LOCAL,
                           subject=f"vneid-{n}" if linked(n) else "", loa="LoA2" if linked(n) else "",
                           account_type=AccountType.CITIZEN)
            for n, rows in fresh.items()], batch_size=500)
        signins = []
        for n, rows in fresh.items():
            Dossier.objects.filter(pk__in=[r[0] for r in rows], owner__isnull=True).update(owner_id=ids[n])
            if linked(n):
                signins += [EidSignIn(user_id=ids[n], at=at - BEFORE, loa="LoA2", account_type=AccountType.CITIZEN,
                                      outcome=EidOutcome.CREATED if i == 0 else EidOutcome.SIGNED_IN)
                            for i, (_pk, at, *_rest) in enumerate(rows)]
        EidSignIn.objects.bulk_create(signins, batch_size=1000)
    del users
    return len(fresh), len(signins)
