"""The look-up on the pages (Django test client, htmx requests, the simulator over HTTP): the counter's
applicant fields come back filled on a hit and untouched on a miss or mismatch, with the reason shown;
the portal fills its name and address inputs out of band for the citizen's own number or a confirmed
family member's; administrators read the audit log of their units only, masked, and cannot change it."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.integrations.population.models import Lookup, Outcome
from motcua.portal.models import CitizenProfile
from motcua.units.choices import Role
from motcua.units.models import StaffRole
from tests.integrations.conftest import Sim

from .conftest import CITIZEN_ID, SPOUSE_ID, STRANGER_ID

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def counter_post(client_of: Any, world: Any, **over: Any) -> Any:  # noqa: ANN401
    data = {"procedure": "1.001193", "receiving_unit": world.commune_centres["a"].pk,
            "applicant_id_number": CITIZEN_ID, "applicant_name": "nguyen van an", "applicant_phone": "0912345678",
            "population_year": "1990", "population_reason": "intake", **over}
    return client_of("counter_a").post("/population/office/fill/", data, **HX)


def test_the_intake_page_offers_the_look_up(world, pop: Sim, client_of, now) -> None:  # noqa: ANN001
    html = client_of("counter_a").get("/office/intake/", {"procedure": "1.001193"}).content.decode()
    assert 'id="population-fill"' in html and "Điền từ Cơ sở dữ liệu quốc gia về dân cư" in html
    assert "Tiếp nhận hồ sơ thủ tục hành chính" in html  # the reasons list


def test_the_counter_fill_fills_name_birth_date_and_address_on_a_hit(world, pop: Sim, client_of, now) -> None:  # noqa: ANN001
    r = counter_post(client_of, world)
    html = r.content.decode()
    assert r.status_code == 200 and html.startswith('<div id="applicant-fields">')
    assert 'value="Nguyễn Văn An"' in html and 'value="12 Trần Hưng Đạo, phường Xuân Hương, Lâm Đồng"' in html
    assert 'data-outcome="hit"' in html and "01/01/1990" in html and 'value="0912345678"' in html  # phone kept
    assert Lookup.objects.get().outcome == Outcome.HIT


@pytest.mark.parametrize("over, faults, outcome, says", [
    ({"applicant_id_number": "068000000000"}, {}, "miss", "Không tìm thấy công dân"),
    ({"applicant_name": "Nguyễn Văn Bình"}, {}, "mismatch", "không khớp"),
    ({}, {"malformed": 1}, "malformed", "không hợp lệ"),
    ({}, {"down": True}, "unavailable", "không trả lời"),
])
def test_the_counter_fill_fills_nothing_otherwise_and_says_why(world, pop: Sim, client_of, now, over, faults,  # noqa: ANN001
                                                               outcome, says) -> None:
    pop.faults(**faults)
    html = counter_post(client_of, world, applicant_address="", **over).content.decode()
    assert f'data-outcome="{outcome}"' in html and says in html and "Chưa điền thông tin nào" in html
    typed = over.get("applicant_name", "nguyen van an")
    assert f'value="{typed}"' in html and 'name="applicant_address" value=' not in html
    assert "Nơi thường trú" not in html


def test_the_counter_fill_refuses_a_bad_request_on_the_form(world, pop: Sim, client_of, now) -> None:  # noqa: ANN001
    html = counter_post(client_of, world, population_year="", population_reason="other").content.decode()
    assert "Nhập năm sinh" in html and "Ghi rõ lý do tra cứu" in html and not Lookup.objects.exists()


def test_only_counter_officers_of_the_procedure_fill(world, pop: Sim, client_of, now) -> None:  # noqa: ANN001
    fill = "/population/office/fill/"
    assert client_of("specialist_a").post(fill, {"procedure": "1.001193"}, **HX).status_code == 404
    assert client_of("counter_a").get("/population/office/fill/").status_code == 405
    assert client_of("citizen").post("/population/office/fill/", {"procedure": "1.001193"}, **HX).status_code == 403


def test_the_fill_is_not_offered_when_the_integration_is_off(world, client_of, now) -> None:  # noqa: ANN001
    html = client_of("counter_a").get("/office/intake/", {"procedure": "1.001193"}).content.decode()
    assert 'id="population-fill"' not in html


# -- the portal -----------------------------------------------------------------------------------
@pytest.fixture
def profile(world: Any) -> CitizenProfile:  # noqa: ANN401
    return CitizenProfile.objects.create(user=world.users["citizen"], id_number=CITIZEN_ID, phone="0912345678")


def portal_post(client_of: Any, world: Any, **over: Any) -> Any:  # noqa: ANN401
    data = {"applicant_id_number": CITIZEN_ID, "applicant_name": "Nguyễn Văn An", "population_year": "1990",
            "receiving_unit": world.commune_centres["a"].pk, **over}
    return client_of("citizen").post("/population/portal/1.001193/fill/", data, **HX)


def test_the_portal_form_offers_the_look_up(world, pop: Sim, profile, client_of, now) -> None:  # noqa: ANN001
    html = client_of("citizen").get("/portal/procedures/1.001193/apply/").content.decode()
    assert 'id="population-fill"' in html and "/population/portal/1.001193/fill/" in html


def test_the_citizen_fills_their_own_record(world, pop: Sim, profile, client_of, now) -> None:  # noqa: ANN001
    html = portal_post(client_of, world).content.decode()
    assert 'data-outcome="hit"' in html and 'hx-swap-oob="true"' in html
    assert 'id="id_applicant_name"' in html and 'value="Nguyễn Văn An"' in html
    assert 'id="id_applicant_address"' in html and "12 Trần Hưng Đạo" in html
    row = Lookup.objects.get()
    assert (row.channel, row.reason, row.user, row.unit) == ("portal", "self", world.users["citizen"],
                                                            world.commune_centres["a"])


def test_the_citizen_fills_a_family_members_record_with_a_reason(world, pop: Sim, profile, client_of, now) -> None:  # noqa: ANN001
    no_reason = portal_post(client_of, world, applicant_id_number=SPOUSE_ID, applicant_name="Trần Thị Hoa",
                            population_year="1992").content.decode()
    assert "người thân trong gia đình khi nêu rõ quan hệ" in no_reason and "hx-swap-oob" not in no_reason
    html = portal_post(client_of, world, applicant_id_number=SPOUSE_ID, applicant_name="Trần Thị Hoa",
                       population_year="1992", population_reason_text="Vợ, nộp hồ sơ giúp").content.decode()
    assert 'data-outcome="hit"' in html and 'value="Trần Thị Hoa"' in html
    stranger = portal_post(client_of, world, applicant_id_number=STRANGER_ID, applicant_name="Lê Thị Ánh",
                           population_year="1985", population_reason_text="Người quen").content.decode()
    assert 'data-outcome="not_family"' in stranger and "hx-swap-oob" not in stranger and "Lê Thị Ánh" not in stranger
    assert list(Lookup.objects.order_by("id").values_list("outcome", "reason_text")) == [
        ("hit", "Vợ, nộp hồ sơ giúp"), ("not_family", "Người quen")]


def test_staff_cannot_use_the_portal_fill(world, pop: Sim, client_of, now) -> None:  # noqa: ANN001
    assert client_of("counter_a").post("/population/portal/1.001193/fill/", {}, **HX).status_code == 403


# -- the audit log --------------------------------------------------------------------------------
def _admin_of(world: Any, unit: Any, name: str) -> Any:  # noqa: ANN401
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username=name, password="x")
    StaffRole.objects.create(user=user, unit=unit, role=Role.ADMIN)
    world.users[name] = user
    return user


def test_the_log_is_read_by_administrators_of_their_units_only_masked(world, pop: Sim, client_of, now) -> None:  # noqa: ANN001
    counter_post(client_of, world)
    counter_post(client_of, world, applicant_id_number="068000000000")
    _admin_of(world, world.communes["a"], "admin_a")
    _admin_of(world, world.communes["b"], "admin_b")
    for who in ("admin", "admin_a"):
        r = client_of(who).get("/population/office/log/")
        html = r.content.decode()
        assert r.status_code == 200 and html.count('data-outcome="') == 2, who
        assert "068******234" in html and CITIZEN_ID not in html and "Tiếp nhận hồ sơ thủ tục hành chính" in html
        assert 'href="/population/office/log/"' in html  # in the administrators' navigation
    assert client_of("admin_b").get("/population/office/log/").content.decode().count('data-outcome="') == 0
    for who in ("counter_a", "monitor"):
        assert client_of(who).get("/population/office/log/").status_code == 403
    assert 'href="/population/office/log/"' not in client_of("counter_a").get("/office/intake/").content.decode()
    assert client_of("admin").post("/population/office/log/", {}).status_code == 405


def test_the_log_filters_by_date_officer_and_outcome(world, pop: Sim, client_of, now) -> None:  # noqa: ANN001
    counter_post(client_of, world)
    counter_post(client_of, world, applicant_id_number="068000000000")
    c = client_of("admin")
    officer = world.users["counter_a"].pk
    assert c.get("/population/office/log/", {"outcome": "miss"}).content.decode().count('data-outcome="miss"') == 1
    assert c.get("/population/office/log/", {"outcome": "hit"}).content.decode().count('data-outcome="') == 1
    assert c.get("/population/office/log/", {"officer": officer}).content.decode().count('data-outcome="') == 2
    assert c.get("/population/office/log/", {"officer": 999999}).content.decode().count('data-outcome="') == 0
    assert c.get("/population/office/log/", {"from": "10/09/2025", "to": "10/09/2025"}).content.decode().count(
        'data-outcome="') == 2
    assert c.get("/population/office/log/", {"from": "11/09/2025"}).content.decode().count('data-outcome="') == 0
    bad = c.get("/population/office/log/", {"from": "2025-09-10"})
    assert bad.status_code == 422 and "dd/mm/yyyy" in bad.content.decode()


def test_the_admin_site_shows_the_log_read_only(world, pop: Sim, client_of, now) -> None:  # noqa: ANN001
    from django.contrib.auth import get_user_model

    counter_post(client_of, world)
    root = get_user_model().objects.create_superuser("root", password="x")
    from django.test import Client

    c = Client()
    c.force_login(root)
    row = Lookup.objects.get()
    assert c.get("/admin/population/lookup/").status_code == 200
    assert c.get("/admin/population/lookup/add/").status_code == 403
    assert c.post(f"/admin/population/lookup/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    c.post(f"/admin/population/lookup/{row.pk}/change/", {"outcome": "miss"})
    assert Lookup.objects.get().outcome == Outcome.HIT
