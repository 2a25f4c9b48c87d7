"""The e-ID sign-in end to end against the VNeID simulator over HTTP: new accounts from the claims,
returning sign-ins, enterprises, linking a local account after its password, sign-out revoking the
token, staff kept out, and every failure mode of the provider refused with a page and nobody signed in."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client

from motcua.portal.choices import AccountType, EidOutcome, IdentityProvider
from motcua.portal.models import CitizenProfile, EidSignIn

pytestmark = pytest.mark.django_db

BINH = "vneid-001090000001"
AN = "vneid-068090001234"


def signed_in(c: Client) -> bool:
    return "_auth_user_id" in c.session


def test_a_new_citizen_gets_an_account_from_the_claims(flow: Any) -> None:
    r = flow.sign_in(person=BINH)
    assert r.status_code == 302 and r["Location"] == "/portal/"
    assert signed_in(flow.django)
    p = CitizenProfile.objects.select_related("user").get(id_number="001090000001")
    assert (p.identity_provider, p.subject, p.account_type, p.loa) == (IdentityProvider.VNEID, BINH,
                                                                        AccountType.CITIZEN, "LoA2")
    assert (p.user.last_name, p.user.first_name, p.user.email) == ("Trần Thị", "Bình", "binh.tran@example.vn")
    assert (str(p.birth_date), p.gender, p.phone) == ("1990-03-12", "female", "0987654321")
    assert p.address.startswith("5 Lê Lợi") and p.permanent_address.startswith("5 Lê Lợi")
    assert not p.user.has_usable_password() and not p.user.is_staff
    rec = EidSignIn.objects.get()
    assert (rec.user_id, rec.loa, rec.account_type, rec.outcome) == (p.user_id, "LoA2", 1, EidOutcome.CREATED)
    home = flow.django.get("/portal/")
    assert "Xin chào Trần Thị Bình" in home.content.decode()


def test_a_returning_citizen_signs_in_to_the_same_account(flow: Any) -> None:
    flow.sign_in(person=BINH)
    flow.django.post("/portal/logout/")
    assert not signed_in(flow.django)
    flow.sign_in(person=BINH)
    assert signed_in(flow.django)
    assert CitizenProfile.objects.count() == 1
    assert list(EidSignIn.objects.order_by("pk").values_list("outcome", flat=True)) == ["created", "signed_in"]


def test_an_enterprise_and_an_organisation_get_accounts_under_their_tax_codes(flow: Any) -> None:
    flow.sign_in(person="vneid-dn-0101234567")
    other = type(flow)(Client(), flow.idp)
    other.sign_in(person="vneid-tc-0300000001")
    firm = CitizenProfile.objects.get(subject="vneid-dn-0101234567")
    assert (firm.id_number, firm.tax_code, firm.account_type) == ("0101234567", "0101234567", AccountType.ENTERPRISE)
    coop = CitizenProfile.objects.get(subject="vneid-tc-0300000001")
    assert coop.account_type == AccountType.ORGANISATION
    assert sorted(EidSignIn.objects.values_list("account_type", flat=True)) == [2, 3]


def test_a_typed_identity_is_signed_in(flow: Any) -> None:
    flow.sign_in(person="typed", SoDinhDanh="079200001111", HoVaTen="Lê  Văn   Cường")
    assert CitizenProfile.objects.get(id_number="079200001111").user.get_full_name() == "Cường Lê Văn"


def _local_account() -> Any:
    from motcua.portal import accounts

    return accounts.register(accounts.Registration("Nguyễn Văn An", "068090001234", "0912345678",
                                                   "Mat-khau-rat-dai-2026"))


def test_a_local_account_is_linked_only_after_its_password(flow: Any) -> None:
    user = _local_account()
    r = flow.sign_in(person=AN)
    assert r.status_code == 302 and r["Location"] == "/portal/vneid/link/"
    assert not signed_in(flow.django)
    page = flow.django.get("/portal/vneid/link/").content.decode()
    assert "068090001234" in page and "Xác nhận liên kết" in page
    wrong = flow.django.post("/portal/vneid/link/", {"password": "not-it", "action": "link"})
    assert wrong.status_code == 422 and "Mật khẩu không đúng" in wrong.content.decode()
    assert not signed_in(flow.django)
    assert CitizenProfile.objects.get(user=user).identity_provider == IdentityProvider.LOCAL
    ok = flow.django.post("/portal/vneid/link/", {"password": "Mat-khau-rat-dai-2026", "action": "link"})
    assert ok.status_code == 302 and signed_in(flow.django)
    assert int(flow.django.session["_auth_user_id"]) == user.pk
    p = CitizenProfile.objects.get(user=user)
    assert (p.identity_provider, p.subject, p.loa) == (IdentityProvider.VNEID, AN, "LoA2")
    assert EidSignIn.objects.get().outcome == EidOutcome.LINKED
    # next time: straight in, no confirmation
    flow.django.post("/portal/logout/")
    assert flow.sign_in(person=AN)["Location"] == "/portal/"
    assert CitizenProfile.objects.count() == 1


def test_declining_the_link_signs_nobody_in_and_revokes_the_token(flow: Any) -> None:
    _local_account()
    flow.sign_in(person=AN)
    r = flow.django.post("/portal/vneid/link/", {"action": "cancel"})
    assert r.status_code == 302 and not signed_in(flow.django)
    assert [t["revoked"] for t in flow.idp.state()["tokens"]] == [True]
    assert not EidSignIn.objects.exists()
    assert flow.django.get("/portal/vneid/link/").status_code == 400  # nothing pending any more


def test_the_link_password_goes_through_the_lockout(flow: Any) -> None:
    _local_account()
    flow.sign_in(person=AN)
    codes = [flow.django.post("/portal/vneid/link/", {"password": f"bad-{i}", "action": "link"}).status_code
             for i in range(6)]
    assert codes[:4] == [422] * 4 and codes[-1] == 429
    r = flow.django.post("/portal/vneid/link/", {"password": "Mat-khau-rat-dai-2026", "action": "link"})
    assert r.status_code == 429 and not signed_in(flow.django)


def test_sign_out_revokes_the_token_at_the_provider(flow: Any) -> None:
    flow.sign_in(person=BINH)
    assert [t["revoked"] for t in flow.idp.state()["tokens"]] == [False]
    flow.django.post("/portal/logout/")
    assert [t["revoked"] for t in flow.idp.state()["tokens"]] == [True]
    assert not signed_in(flow.django)


def test_a_replayed_code_is_refused_and_revokes_what_it_gave(flow: Any) -> None:
    url = flow.choose(flow.start(), person=BINH)
    assert flow.back(url).status_code == 302
    again = Client()
    assert again.get(url.split("testserver", 1)[1]).status_code == 400  # no state of ours: refused
    code = url.split("code=")[1].split("&")[0]
    from motcua.integrations.vneid.simulator import SIM_CLIENT_ID, SIM_CLIENT_SECRET

    r = flow.idp.http.post(f"{flow.idp.url}/oauth2/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": "http://testserver/portal/vneid/callback/",
        "client_id": SIM_CLIENT_ID, "client_secret": SIM_CLIENT_SECRET, "code_verifier": "x" * 50})
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    assert [t["revoked"] for t in flow.idp.state()["tokens"]] == [True]


# every failure mode of INTEGRATIONS.md section 4: a friendly page, nobody signed in, nothing recorded
FAULTS = [
    ({"cancel": True}, 200, "Bạn đã hủy đăng nhập"),
    ({"state_mismatch": True}, 400, "Phiên đăng nhập không hợp lệ"),
    ({"reuse_code": True}, 403, "mã đã dùng hoặc hết hạn"),
    ({"token_expired": True}, 403, "đã hết hạn"),
    ({"loa": "LoA1"}, 403, "chưa đạt mức độ 2"),
    ({"wrong_nonce": True}, 403, "Không xác minh được"),
    ({"wrong_issuer": True}, 403, "Không xác minh được"),
    ({"wrong_audience": True}, 403, "Không xác minh được"),
    ({"bad_signature": True}, 403, "Không xác minh được"),
]


@pytest.mark.parametrize(("fault", "status", "text"), FAULTS, ids=[next(iter(f[0])) for f in FAULTS])
def test_each_failure_mode_is_refused_with_a_page(flow: Any, fault: dict, status: int, text: str) -> None:
    if "reuse_code" in fault:  # an earlier sign-in's code, already redeemed
        first = type(flow)(Client(), flow.idp)
        first.sign_in(person=BINH)
        EidSignIn.objects.all().delete()
    flow.idp.faults(**fault)
    page = flow.start()
    flow.idp.faults(down=None)
    r = flow.back(flow.choose(page, person=AN))
    assert r.status_code == status and text in r.content.decode()
    assert not signed_in(flow.django) and not EidSignIn.objects.exists()


def test_the_person_cancelling_on_the_provider_page(flow: Any) -> None:
    r = flow.back(flow.choose(flow.start(), action="cancel"))
    assert r.status_code == 200 and "Bạn đã hủy đăng nhập" in r.content.decode()
    assert not signed_in(flow.django) and not CitizenProfile.objects.exists()


def test_a_level_1_identity_is_refused_when_level_2_is_required(flow: Any) -> None:
    r = flow.sign_in(person=BINH, loa="LoA1")
    assert r.status_code == 403 and not signed_in(flow.django) and not CitizenProfile.objects.exists()


def test_the_provider_down_before_and_during_the_sign_in(flow: Any) -> None:
    flow.idp.faults(down=True)
    r = flow.django.post("/portal/vneid/login/")
    assert r.status_code == 502 and "không phản hồi" in r.content.decode()
    flow.idp.faults(down=None)
    page = flow.start()
    url = flow.choose(page, person=BINH)
    flow.idp.faults(down=True)
    r = flow.back(url)
    assert r.status_code == 502 and not signed_in(flow.django) and not EidSignIn.objects.exists()


def test_the_provider_timing_out(flow: Any) -> None:
    page = flow.start()
    url = flow.choose(page, person=BINH)
    flow.idp.faults(delay=1.5)  # the client waits 1 s
    started = time.perf_counter()
    r = flow.back(url)
    assert r.status_code == 502 and time.perf_counter() - started < 3
    assert not signed_in(flow.django)


def test_staff_are_never_signed_in_by_the_e_id(flow: Any, world: Any) -> None:
    staff = world.users["counter_a"]
    CitizenProfile.objects.create(user=staff, id_number="001090000001", phone="0900000000")
    r = flow.sign_in(person=BINH)
    assert r.status_code == 403 and not signed_in(flow.django)
    assert CitizenProfile.objects.get(user=staff).identity_provider == IdentityProvider.LOCAL


def test_an_e_id_session_gives_no_office_access(flow: Any) -> None:
    flow.sign_in(person=BINH)
    assert flow.django.get("/office/").status_code in (302, 403)
    assert flow.django.get("/office/dossiers/").status_code in (302, 403, 404)
    assert flow.django.get("/portal/dossiers/").status_code == 200
    user = CitizenProfile.objects.get(subject=BINH).user
    user.is_staff = True  # made staff later: the e-ID session no longer holds
    user.save()
    assert flow.django.get("/portal/dossiers/").status_code == 302  # signed out
    assert flow.django.get("/admin/").status_code == 302


def test_the_start_is_rate_limited_like_every_sign_in(flow: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    from motcua.core import ratelimit

    monkeypatch.setattr(ratelimit, "CONFIG", dataclasses.replace(ratelimit.CONFIG, rate_login="3/m"))
    codes = [flow.django.post("/portal/vneid/login/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_the_button_shows_only_when_configured(flow: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    from motcua.integrations.vneid import client

    assert "Đăng nhập bằng tài khoản định danh điện tử VNeID" in flow.django.get("/portal/login/").content.decode()
    monkeypatch.setattr(client, "SETTINGS", dataclasses.replace(client.SETTINGS, url=""))
    assert "VNeID" not in flow.django.get("/portal/login/").content.decode()
    assert flow.django.post("/portal/vneid/login/").status_code == 404
