"""The 766 measure "accounts authenticated with VNeID", the national portal's per-dossier flag, the
demo's history of e-ID sign-ins (idempotent), the claims mapping and the settings."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from motcua.catalog.choices import Channel
from motcua.conf import ConfigError, load_vneid
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier
from motcua.integrations.vneid import demo, indicators, mapping
from motcua.integrations.vneid.simulator import SIM_CLIENT_SECRET
from motcua.portal.choices import IdentityProvider
from motcua.portal.models import CitizenProfile, EidSignIn
from motcua.reports.services import Period


def _online(world: Any, owner: Any = None, number: str = "068123456789") -> Dossier:
    d = svc.intake(world.actor("counter_a"), world.intake_request(
        applicant=svc.Applicant(name="Phạm Thị Dung", id_number=number, phone="0912345678")))
    Dossier.objects.filter(pk=d.pk).update(channel=Channel.ONLINE, owner=owner)
    return Dossier.objects.get(pk=d.pk)


def _citizen(username: str = "001090000009") -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create(username=username)


def _period(d: Dossier) -> Period:
    return Period(d.submitted_at - timedelta(days=1), d.submitted_at + timedelta(days=1))


def test_a_dossier_counts_when_its_owner_had_signed_in_with_vneid(world: Any, now: Any) -> None:
    owner, other = _citizen(), _citizen("001090000010")
    verified, unverified, anonymous = _online(world, owner), _online(world, other), _online(world)
    counter = _online(world, owner)
    Dossier.objects.filter(pk=counter.pk).update(channel=Channel.DIRECT)
    EidSignIn.objects.create(user=owner, at=verified.submitted_at - timedelta(minutes=5), loa="LoA2", account_type=1)
    EidSignIn.objects.create(user=other, at=unverified.submitted_at + timedelta(hours=1), loa="LoA2", account_type=1)
    m = indicators.vneid_measures(world.communes["a"], _period(verified))["online_vneid"]
    assert (m.numerator, m.denominator) == (1, 3)  # the counter dossier is not in the population
    assert [indicators.dossier_verified(d) for d in (verified, unverified, anonymous)] == [True, False, False]
    from motcua.integrations.national_portal import sync

    assert sync.dossier_record(verified)["TaiKhoanDuocXacThucVoiVNeID"] == 1
    assert sync.dossier_record(unverified)["TaiKhoanDuocXacThucVoiVNeID"] == 0


def test_the_index_shows_the_measure_for_reference(world: Any, now: Any) -> None:
    from motcua.reports.index766 import compute_index

    owner = _citizen()
    d = _online(world, owner)
    EidSignIn.objects.create(user=owner, at=d.submitted_at, loa="LoA2", account_type=1)
    score = compute_index(world.communes["a"], _period(d)).score
    found = [i for g in score.groups for i in g.indicators if i.spec.key == "vneid_accounts"]
    assert len(found) == 1 and found[0].measure.numerator == 1 and found[0].points is None


def test_the_demo_history_links_a_share_of_online_applicants(world: Any, now: Any) -> None:
    numbers = [f"0681234567{i:02d}" for i in range(12)]
    dossiers = [_online(world, number=n) for n in numbers] + [_online(world, number=numbers[0])]
    assert demo.history() == (12, sum(2 if n == numbers[0] else 1 for n in numbers if demo.linked(n)))
    assert demo.history() == (0, 0)  # idempotent
    linked = [n for n in numbers if demo.linked(n)]
    assert 0 < len(linked) < len(numbers)
    assert set(CitizenProfile.objects.filter(identity_provider=IdentityProvider.VNEID)
               .values_list("id_number", flat=True)) == set(linked)
    assert all(Dossier.objects.get(pk=d.pk).owner_id for d in dossiers)
    m = indicators.vneid_measures(world.communes["a"], _period(dossiers[0]))["online_vneid"]
    assert m.denominator == 13 and m.numerator == sum(2 if n == numbers[0] else 1 for n in linked)


def test_claims_map_to_an_identity() -> None:
    i = mapping.identity_from({"sub": "s1", "SoDinhDanh": "001090000001", "HoVaTen": " Trần  Thị Bình ",
                               "NgayThangNamSinh": "1990-03-12", "GioiTinh": "Nữ", "SoDienThoai": "098 765 4321",
                               "acr": "LoA1", "loAs": ["LoA1", "LoA2"]})
    assert (i.full_name, str(i.birth_date), i.gender, i.phone, i.loa) == ("Trần Thị Bình", "1990-03-12", "female",
                                                                           "0987654321", "LoA2")
    for bad in ({"sub": "s", "HoVaTen": "A", "SoDinhDanh": "123"}, {"sub": "s", "HoVaTen": "A", "LoaiTaiKhoan": 2},
                {"sub": "", "HoVaTen": "A", "SoDinhDanh": "001090000001"}, {"sub": "s", "LoaiTaiKhoan": "x"},
                {"sub": "s", "HoVaTen": "A", "SoDinhDanh": "001090000001", "LoaiTaiKhoan": 7}):
        with pytest.raises(mapping.BadClaims):
            mapping.identity_from(bad)
    assert mapping.meets("LoA2", "LoA1") and not mapping.meets("LoA1", "LoA2") and not mapping.meets("", "LoA1")


def test_settings_refuse_the_simulators_secret_in_production() -> None:
    url = {"MOTCUA_VNEID_URL": "https://sso.dichvucong.gov.vn"}
    assert load_vneid({}, production=False).client_secret == SIM_CLIENT_SECRET
    with pytest.raises(ConfigError):
        load_vneid(url, production=True)
    with pytest.raises(ConfigError):
        load_vneid({**url, "MOTCUA_VNEID_CLIENT_ID": "x", "MOTCUA_VNEID_CLIENT_SECRET": SIM_CLIENT_SECRET}, True)
    ok = load_vneid({**url, "MOTCUA_VNEID_CLIENT_ID": "x", "MOTCUA_VNEID_CLIENT_SECRET": "s" * 32},
                    True, "https://dvc.lamdong.gov.vn")
    assert ok.redirect_url == "https://dvc.lamdong.gov.vn/portal/vneid/callback/"
    with pytest.raises(ConfigError):
        load_vneid({"MOTCUA_VNEID_ACR": "LoA3"}, production=False)
    assert load_vneid({}, production=True).url == ""  # off: nothing required
