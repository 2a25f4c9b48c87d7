"""Applying on someone's behalf (issue 14, item 3): the representative's name, ID number, relationship and
authorization captured at the counter, by the API and in the portal (a citizen applying for a family
member or an enterprise they represent), shown on both dossier pages, and who collected the result at
the counter kept in the return event."""

from __future__ import annotations

import json
from typing import Any

import pytest

from motcua.catalog.models import Component
from motcua.domain.errors import ValidationFailed
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.portal import services
from tests.factories import finished
from tests.portal.conftest import birth_version, state

pytestmark = pytest.mark.django_db
REP = {"representative_name": "Lê Thị Thu", "representative_id_number": "068190000222",
       "representative_phone": "0911222333", "representative_relationship": "authorized",
       "representative_authorization": "Giấy ủy quyền số 15/2025 ngày 02/09/2025"}


def _counter_form(world: Any, **over: Any) -> dict[str, Any]:  # noqa: ANN401
    comps = Component.objects.filter(version__procedure__code="1.001193", version__effective_to__isnull=True)
    data: dict[str, Any] = {
        "procedure": "1.001193", "receiving_unit": world.commune_centres["a"].pk,
        "handling_unit": world.communes["a"].pk, "applicant_type": 0, "applicant_name": "Phạm Thị Hoa",
        "applicant_id_number": "068199000111", "applicant_phone": "0987654321", "applicant_email": "",
        "applicant_address": "5 Trần Hưng Đạo", "request_summary": "Đăng ký khai sinh cho con",
        "result_delivery": "counter", **{k: "" for k in REP}}
    for c in comps:
        if c.required:
            data[f"c{c.pk}"] = "on"
        data.update({f"c{c.pk}_originals": 1, f"c{c.pk}_copies": 0})
    data.update(over)
    return data


# ---- the service and the API ----------------------------------------------------------------------

def test_intake_keeps_the_representative(world, now) -> None:  # noqa: ANN001
    d = svc.intake(world.actor("counter_a"), world.intake_request("a", 1, **REP))
    d.refresh_from_db()
    assert (d.representative_name, d.representative_id_number, d.representative_relationship,
            d.representative_authorization) == ("Lê Thị Thu", "068190000222", "authorized",
                                                "Giấy ủy quyền số 15/2025 ngày 02/09/2025")


@pytest.mark.parametrize(("over", "field"), [
    ({"representative_name": "Lê Thị Thu"}, "representative_relationship"),
    ({"representative_name": "Lê Thị Thu", "representative_relationship": "cousin"}, "representative_relationship"),
    ({"representative_relationship": "family"}, "representative_name"),
    ({**REP, "representative_id_number": "068 19/0"}, "representative_id_number"),
])
def test_intake_refuses_an_incomplete_representative_and_writes_nothing(world, now, over, field) -> None:  # noqa: ANN001
    with pytest.raises(ValidationFailed) as err:
        svc.intake(world.actor("counter_a"), world.intake_request("a", 1, **over))
    assert field in err.value.fields and not Dossier.objects.exists()


def _payload(world: Any, **over: Any) -> dict[str, Any]:  # noqa: ANN401
    req = world.intake_request("a", 1)
    return {"procedure_code": req.procedure_code, "receiving_unit_code": req.receiving_unit_code,
            "handling_unit_code": req.handling_unit_code, "channel": 1,
            "applicant": {"name": "Nguyễn Văn An", "id_number": "068123456789", "phone": "0912345678"},
            "components": [{"component_id": c.component_id, "originals": c.originals, "copies": c.copies}
                           for c in req.components], **over}


def test_the_api_takes_and_returns_the_representative(client_of, world, now) -> None:  # noqa: ANN001
    c = client_of("counter_a")
    r = c.post("/api/v1/dossiers", json.dumps(_payload(world, **REP)), content_type="application/json")
    assert r.status_code == 201, r.content
    rep = r.json()["representative"]
    assert rep == {"name": "Lê Thị Thu", "id_number": "068190000222", "phone": "0911222333",
                   "relationship": "authorized", "relationship_label": "Người được ủy quyền",
                   "authorization": "Giấy ủy quyền số 15/2025 ngày 02/09/2025"}
    assert c.get(f"/api/v1/dossiers/{r.json()['id']}").json()["representative"] == rep
    plain = c.post("/api/v1/dossiers", json.dumps(_payload(world)), content_type="application/json")
    assert plain.status_code == 201 and plain.json()["representative"] is None


@pytest.mark.parametrize(("over", "field"), [
    ({"representative_name": "Lê Thị Thu"}, "representative_relationship"),
    ({**REP, "representative_relationship": "cousin"}, "representative_relationship"),
    ({**REP, "representative_id_number": "06819/0"}, "representative_id_number"),
])
def test_the_api_refuses_a_bad_representative_with_a_field_message(client_of, world, now, over, field) -> None:  # noqa: ANN001
    r = client_of("counter_a").post("/api/v1/dossiers", json.dumps(_payload(world, **over)),
                                    content_type="application/json")
    assert r.status_code == 422 and any(field in k for k in r.json()["error"]["fields"]), r.json()
    assert not Dossier.objects.exists()


# ---- the counter ------------------------------------------------------------------------------------

def test_the_counter_captures_the_representative_and_the_dossier_page_shows_it(client_of, world, now) -> None:  # noqa: ANN001
    c = client_of("counter_a")
    page = c.get("/office/intake/", {"procedure": "1.001193"}).content.decode()
    assert 'id="representative-fields"' in page and 'name="representative_relationship"' in page
    r = c.post("/office/intake/", _counter_form(world, **REP))
    d = Dossier.objects.get()
    assert r.status_code == 302 and d.representative_relationship == "authorized"
    assert d.representative_authorization == REP["representative_authorization"]
    html = c.get(f"/office/dossiers/{d.pk}/").content.decode()
    for text in ("Lê Thị Thu", "Người được ủy quyền", "068190000222", "Giấy ủy quyền số 15/2025 ngày 02/09/2025"):
        assert text in html, text


def test_the_counter_asks_for_the_relationship_of_a_named_representative(client_of, world, now) -> None:  # noqa: ANN001
    r = client_of("counter_a").post("/office/intake/", _counter_form(world, representative_name="Lê Thị Thu"))
    assert r.status_code == 422 and "Cần chọn quan hệ của người đại diện" in r.content.decode()
    assert not Dossier.objects.exists()


# ---- the portal -------------------------------------------------------------------------------------

def _for_family(portal, **over: Any) -> services.Application:  # noqa: ANN001, ANN401
    return portal.application(**{"applicant_name": "Nguyễn Thị Bé", "applicant_id_number": "068225000999",
                                 "submit_for": "family", "representative_relationship": "parent",
                                 "representative_authorization": "Giấy khai sinh số 12/2025", **over})


def test_a_citizen_applies_for_a_family_member_and_becomes_the_representative(portal, world, citizens) -> None:  # noqa: ANN001
    citizen = world.users["citizen"]
    d = services.save_and_submit(citizen, birth_version(), _for_family(portal), portal.uploads())
    d.refresh_from_db()
    assert d.owner_id == citizen.pk  # still the citizen's dossier
    assert (d.applicant_name, d.applicant_id_number) == ("Nguyễn Thị Bé", "068225000999")
    assert d.representative_name == f"{citizen.last_name} {citizen.first_name}".strip()
    assert (d.representative_id_number, d.representative_phone, d.representative_relationship) == (
        "068123456789", "0912345678", "parent")
    html = client_page(world, d)
    assert "Nguyễn Thị Bé" in html and "Cha, mẹ / người giám hộ" in html and "Giấy khai sinh số 12/2025" in html


def client_page(world: Any, d: Dossier) -> str:  # noqa: ANN401
    from django.test import Client

    c = Client()
    c.force_login(world.users["citizen"])
    return c.get(f"/portal/dossiers/{d.pk}/").content.decode()


def test_for_oneself_nobody_represents_anybody(portal, world, citizens) -> None:  # noqa: ANN001
    app = portal.application(representative_relationship="parent", representative_authorization="x")
    d = services.save_and_submit(world.users["citizen"], birth_version(), app, portal.uploads())
    assert (d.representative_name, d.representative_relationship) == ("", "")


@pytest.mark.parametrize(("over", "field"), [
    ({"representative_relationship": ""}, "representative_relationship"),
    ({"representative_relationship": "legal"}, "representative_relationship"),  # an enterprise's, not a family's
    ({"applicant_id_number": "068123456789"}, "applicant_id_number"),  # the citizen's own number
    ({"submit_for": "neighbour"}, "submit_for"),
])
def test_the_portal_refuses_an_inconsistent_application_for_someone_else(portal, world, citizens, over,
                                                                        field) -> None:  # noqa: ANN001
    before = state()
    with pytest.raises(ValidationFailed) as err:
        services.save_and_submit(world.users["citizen"], birth_version(), _for_family(portal, **over),
                                 portal.uploads())
    assert field in err.value.fields and state() == before


def test_for_an_enterprise_the_applicant_is_the_enterprise(portal, world, citizens) -> None:  # noqa: ANN001
    app = portal.application(applicant_name="Công ty TNHH Lâm Viên", applicant_id_number="5800123456",
                             submit_for="enterprise", representative_relationship="legal")
    with pytest.raises(ValidationFailed) as err:  # still typed as a citizen
        services.save_and_submit(world.users["citizen"], birth_version(), app, portal.uploads())
    assert "applicant_type" in err.value.fields


def test_the_portal_form_posts_an_application_for_a_family_member(client_of, world, citizens, now) -> None:  # noqa: ANN001
    from tests.portal.conftest import required_components, upload

    c = client_of("citizen")
    page = c.get("/portal/procedures/1.001193/apply/").content.decode()
    assert "Tôi nộp cho" in page and "Người khác (thành viên gia đình)" in page and 'id="representative-part"' in page
    data = {"receiving_unit": world.commune_centres["a"].pk, "applicant_type": 0, "applicant_name": "Nguyễn Thị Bé",
            "applicant_id_number": "068225000999", "applicant_phone": "0912345678", "result_delivery": "online",
            "submit_for": "family", "representative_relationship": "", "return_place": "receiving",
            "action": "submit", "draft_name": ""}
    data.update({f"file_{comp.pk}": upload(f"c{comp.pk}.pdf") for comp in required_components()})
    r = c.post("/portal/procedures/1.001193/apply/", data)
    html = r.content.decode()
    assert r.status_code == 422 and "Có lỗi cần sửa" in html and 'href="#id_representative_relationship"' in html
    data.update({"representative_relationship": "parent"})
    data.update({f"file_{comp.pk}": upload(f"c{comp.pk}.pdf") for comp in required_components()})
    r = c.post(r.request["PATH_INFO"], data)
    d = Dossier.objects.get()
    assert r.status_code == 302 and d.representative_relationship == "parent" and d.applicant_name == "Nguyễn Thị Bé"


# ---- the result handed over at the counter ---------------------------------------------------------------

def _processed(world: Any, **over: Any) -> Dossier:  # noqa: ANN401
    d = svc.intake(world.actor("counter_a"), world.intake_request("a", 1, **over))
    svc.start(world.actor("counter_a"), d.pk)
    finished(world, d.pk)
    return Dossier.objects.get(pk=d.pk)


def _return(client, d: Dossier, **data: str):  # noqa: ANN001, ANN003, ANN202
    payload = {f"return-{k}": v for k, v in {"version": d.row_version, "method": "counter", "postal_code": "",
                                              "note": "", **data}.items()}
    return client.post(f"/office/dossiers/{d.pk}/return/", payload)


def test_the_officer_records_that_the_representative_collected_the_result(client_of, world, now) -> None:  # noqa: ANN001
    d = _processed(world, **REP)
    c = client_of("counter_a")
    assert 'name="return-received_by"' in c.get(f"/office/dossiers/{d.pk}/").content.decode()
    r = _return(c, d, received_by="representative", receiver_name="", receiver_id_number="")
    assert r.status_code == 302
    ev = DossierEvent.objects.get(dossier=d, action="return")
    assert ev.data == {"method": "counter", "received_by": "representative", "receiver_name": "Lê Thị Thu",
                       "receiver_id_number": "068190000222"}
    html = c.get(f"/office/dossiers/{d.pk}/").content.decode()
    assert 'id="returned-to"' in html and "Lê Thị Thu (người đại diện), số định danh 068190000222" in html
    assert "Người nhận kết quả: Lê Thị Thu" in html  # the history


def test_the_applicant_collects_with_another_id_shown(client_of, world, now) -> None:  # noqa: ANN001
    d = _processed(world)
    r = _return(client_of("counter_a"), d, received_by="applicant", receiver_name="Nguyễn Văn An",
                receiver_id_number="068123450000")
    assert r.status_code == 302
    assert DossierEvent.objects.get(dossier=d, action="return").data["receiver_id_number"] == "068123450000"


def test_a_dossier_without_representative_cannot_be_collected_by_one(world, now) -> None:  # noqa: ANN001
    d = _processed(world)
    with pytest.raises(ValidationFailed) as err:
        svc.return_result(world.actor("counter_a"), d.pk, received_by="representative")
    assert "received_by" in err.value.fields
    assert Dossier.objects.get(pk=d.pk).returned_at is None
    with pytest.raises(ValidationFailed):
        svc.return_result(world.actor("counter_a"), d.pk, method="post", postal_code="EE1", received_by="applicant")


def test_the_api_return_records_the_receiver_and_the_portal_shows_it(client_of, world, citizens, now) -> None:  # noqa: ANN001
    d = _processed(world, owner_id=world.users["citizen"].pk, **REP)
    r = client_of("counter_a").post(f"/api/v1/dossiers/{d.pk}/return", json.dumps(
        {"method": "counter", "received_by": "representative"}), content_type="application/json")
    assert r.status_code == 200, r.content
    assert DossierEvent.objects.get(dossier=d, action="return").data["received_by"] == "representative"
    html = client_page(world, d)
    assert 'id="returned-to"' in html and "Lê Thị Thu (người đại diện)" in html
