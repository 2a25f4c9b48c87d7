"""The one renderer in its three places: the counter intake (keyboard, stable ids), the citizen's
online application (saved with the draft, nothing half-saved on submission), the dossier page (read,
corrected through a supplement recorded as the SUPPLEMENT event); conditions decided by the server on
submit and redrawn live by htmx; a form changed in a newer procedure version leaves older dossiers
valid and printable with the definition they were declared under."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from motcua.catalog.models import Component, Procedure
from motcua.catalog.services import amend
from motcua.domain import eforms as ef
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.eforms import services
from motcua.eforms.models import Declaration, DeclaredValue
from motcua.portal.models import CitizenProfile, Draft
from tests.eforms.conftest import as_post
from tests.eforms.forms import birth
from tests.portal.conftest import required_components, upload

pytestmark = pytest.mark.django_db
INTAKE = "/office/intake/"
APPLY = "/portal/procedures/1.001193/apply/"


def _intake_form(world: Any, **over: Any) -> dict[str, Any]:  # noqa: ANN401
    comps = Component.objects.filter(version__procedure__code="1.001193", version__effective_to__isnull=True)
    data: dict[str, Any] = {
        "procedure": "1.001193", "receiving_unit": world.commune_centres["a"].pk,
        "handling_unit": world.communes["a"].pk, "applicant_type": 0, "applicant_name": "Phạm Thị Hoa",
        "applicant_id_number": "068199000111", "applicant_phone": "0987654321", "applicant_email": "",
        "applicant_address": "5 Trần Hưng Đạo", "representative_name": "", "representative_phone": "",
        "request_summary": "Đăng ký khai sinh cho con", "result_delivery": "counter"}
    for c in comps:
        if c.required:
            data[f"c{c.pk}"] = "on"
        data.update({f"c{c.pk}_originals": 1, f"c{c.pk}_copies": 0})
    data.update(over)
    return data


def _portal_form(world: Any, action: str, **over: Any) -> dict[str, Any]:  # noqa: ANN401
    data: dict[str, Any] = {
        "action": action, "receiving_unit": world.commune_centres["a"].pk, "applicant_type": 0,
        "applicant_name": "Nguyễn Văn An", "applicant_id_number": "068123456789", "applicant_phone": "0912345678",
        "applicant_email": "", "applicant_address": "12 Trần Phú", "request_summary": "Khai sinh cho con",
        "result_delivery": "online"}
    data.update({f"file_{c.pk}": upload(f"c{c.pk}.pdf") for c in required_components()})
    data.update(over)
    return data


def _ids(html: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', html))


# ---- the counter ---------------------------------------------------------------------------

def test_intake_page_draws_every_field_type_with_stable_ids_names_and_labels(client_of, birth_form) -> None:  # noqa: ANN001
    html = client_of("counter_a").get(INTAKE, {"procedure": "1.001193"}).content.decode()
    for name, fid in (("ef.child.full_name", "ef-child-full_name"), ("ef.child.birth_date", "ef-child-birth_date"),
                      ("ef.child.ethnicity", "ef-child-ethnicity"),
                      ("ef.child.birth_place.province", "ef-child-birth_place-province"),
                      ("ef.child.birth_place.commune", "ef-child-birth_place-commune"),
                      ("ef.child.weight", "ef-child-weight"),
                      ("ef.mother.person.full_name", "ef-mother-person-full_name"),
                      ("ef.applicant.id", "ef-applicant-id"), ("ef.applicant.email", "ef-applicant-email"),
                      ("ef.applicant.phone", "ef-applicant-phone"), ("ef.applicant.married", "ef-applicant-married"),
                      ("ef.family.children[0].name", "ef-family-children-0-name")):
        assert f'name="{name}"' in html and f'id="{fid}"' in html, name
        assert f'for="{fid}"' in html, fid  # every input has its label
    assert 'type="radio" name="ef.child.sex" id="ef-child-sex-1" value="nam"' in html
    assert "Tỉnh Lâm Đồng" in html and "Xã A" in html  # the units of the date
    assert "ef.applicant.spouse_name" not in html  # hidden until married is ticked
    assert 'hx-get="/eforms/live/' in html and 'hx-trigger="change"' in html
    assert "Ví dụ: 27/03/2020" in html


def test_intake_refuses_a_bad_declaration_with_a_summary_and_writes_nothing(client_of, world, birth_form,  # noqa: ANN001
                                                                            good) -> None:
    good["child"]["full_name"] = ""
    good["applicant"]["married"] = True
    r = client_of("counter_a").post(INTAKE, _intake_form(world, **as_post(good)))
    assert r.status_code == 422
    html = r.content.decode()
    assert 'id="eform-errors"' in html
    assert '<a href="#ef-child-full_name">Nhập họ, chữ đệm, tên</a>' in html
    assert '<a href="#ef-applicant-spouse_name">Nhập họ tên vợ/chồng</a>' in html  # the server showed it
    assert 'id="ef-applicant-spouse_name"' in html and 'aria-describedby="ef-applicant-spouse_name-error"' in html
    assert 'value="Phạm Thị Hoa"' in html  # nothing typed is lost
    assert not Dossier.objects.exists() and not Declaration.objects.exists()


def test_intake_saves_the_declaration_with_the_dossier(client_of, world, birth_form, good) -> None:  # noqa: ANN001
    good["family"] = {"children": [{"name": "Nguyễn Thị Hà", "birth_date": "01/02/2020"}, {"name": ""}]}
    r = client_of("counter_a").post(INTAKE, _intake_form(world, **as_post(good)))
    assert r.status_code == 302, r.content.decode()[:3000]
    d = Dossier.objects.get()
    decl = Declaration.objects.get(dossier=d)
    assert decl.data["family"]["children"] == [{"name": "Nguyễn Thị Hà", "birth_date": "2020-02-01", "adopted": False}]
    assert DeclaredValue.objects.filter(dossier=d, path="family.children[0].name", value_norm="nguyen thi ha").exists()
    html = client_of("counter_a").get(f"/office/dossiers/{d.pk}/").content.decode()
    assert 'id="eform-dossier"' in html and "Nguyễn Thị Hà" in html and "01/09/2025" in html
    assert "Thôn 1, Xã A, Tỉnh Lâm Đồng" in html
    assert "Sửa tờ khai" not in html  # corrected only through a supplement


# ---- live redraw (htmx) -------------------------------------------------------------------

def test_live_redraw_shows_and_hides_conditional_fields_and_only_typed_errors(client, birth_form) -> None:  # noqa: ANN001
    url = f"/eforms/live/{birth_form.pk}/"
    html = client.get(url, {"ef.applicant.married": "true"}).content.decode()
    assert 'id="ef-applicant-spouse_name"' in html
    assert "Nhập họ tên vợ/chồng" not in html and "Nhập họ, chữ đệm, tên" not in html  # not reached yet
    html = client.get(url, {"ef.applicant.married": "", "ef.applicant.phone": "12"}).content.decode()
    assert "ef-applicant-spouse_name" not in html
    assert "Số điện thoại không đúng, ví dụ 0912345678" in html and 'id="eform-errors"' not in html
    html = client.get(url, {"ef.applicant.relation": "khac"}).content.decode()
    assert 'id="ef-applicant-relation_other"' in html and 'id="ef-foreign-country"' in html
    html = client.get(url, {"ef.child.birth_place.province": "nope"}).content.decode()
    assert "Chọn tỉnh, thành phố trong danh sách" in html
    assert client.get("/eforms/live/999999/").status_code == 404


# ---- the portal ---------------------------------------------------------------------------

@pytest.fixture
def citizen(world):  # noqa: ANN001, ANN201
    CitizenProfile.objects.create(user=world.users["citizen"], id_number="068123456789", phone="0912345678",
                                  address="12 Trần Phú")
    return world.users["citizen"]


def test_portal_draft_keeps_the_declaration_as_typed_and_submission_saves_it(client_of, world, birth_form,  # noqa: ANN001
                                                                            citizen, good) -> None:
    c = client_of("citizen")
    html = c.get(APPLY).content.decode()
    assert 'id="eform-portal"' in html and 'name="ef.child.full_name"' in html
    partial = {"child": {"full_name": "Nguyễn Văn An", "birth_date": "31/02/2025"}}
    r = c.post(APPLY, _portal_form(world, "save", **as_post(partial)))
    assert r.status_code == 302
    draft = Draft.objects.get()
    assert draft.data["declaration"]["child"] == {"full_name": "Nguyễn Văn An", "birth_date": "31/02/2025"}
    html = c.get(f"/portal/drafts/{draft.pk}/").content.decode()
    assert 'value="31/02/2025"' in html  # kept as typed, checked on submission
    r = c.post(f"/portal/drafts/{draft.pk}/", _portal_form(world, "submit", **as_post(partial)))
    assert r.status_code == 422 and not Dossier.objects.exists()
    assert "ngày có thật" in r.content.decode() and 'href="#ef-child-birth_date"' in r.content.decode()
    r = c.post(f"/portal/drafts/{draft.pk}/", _portal_form(world, "submit", **as_post(good)))
    assert r.status_code == 302, r.content.decode()[:2000]
    d = Dossier.objects.get()
    assert Declaration.objects.get(dossier=d).data["child"]["birth_date"] == "2025-09-01"
    html = c.get(f"/portal/dossiers/{d.pk}/").content.decode()
    assert "Tờ khai" in html and "Nguyễn Văn An" in html and "Trần Thị Bình" in html


def test_portal_submission_is_all_or_nothing(client_of, world, birth_form, citizen, good, monkeypatch) -> None:  # noqa: ANN001
    from motcua.eforms import portal as eportal

    def broken(*a, **k):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("disk full")

    monkeypatch.setattr(eportal.services, "save_declaration", broken)
    with pytest.raises(RuntimeError):
        client_of("citizen").post(APPLY, _portal_form(world, "submit", **as_post(good)))
    assert not Dossier.objects.exists() and not Draft.objects.exists()


# ---- correction through a supplement, and versions -----------------------------------------

def _declared(world, good):  # noqa: ANN001, ANN202
    from motcua.eforms.services import intake_with_declaration

    return intake_with_declaration(world.actor("counter_a"), world.intake_request(), good)


def test_correction_is_received_as_the_supplement_with_the_changed_paths(client_of, world, birth_form,  # noqa: ANN001
                                                                         good) -> None:
    d = _declared(world, good)
    svc.start(world.actor("counter_a"), d.pk)
    svc.request_supplement(world.actor("specialist_a"), d.pk, "Sai tên mẹ", ["Tờ khai"])
    c = client_of("counter_a")
    html = c.get(f"/office/dossiers/{d.pk}/").content.decode()
    url = f"/eforms/dossiers/{d.pk}/correct/"
    assert f'href="{url}"' in html
    assert 'value="Trần Thị Bình"' in c.get(url).content.decode()
    fixed = copy.deepcopy(good)
    fixed["mother"]["person"]["full_name"] = ""
    r = c.post(url, {"version": Dossier.objects.get(pk=d.pk).row_version, **as_post(fixed)})
    assert r.status_code == 422 and "Nhập họ, chữ đệm, tên" in r.content.decode()
    assert Dossier.objects.get(pk=d.pk).status == 5  # nothing changed
    fixed["mother"]["person"]["full_name"] = "Trần Thị Bích"
    r = c.post(url, {"version": Dossier.objects.get(pk=d.pk).row_version, "note": "Tờ khai sửa", **as_post(fixed)})
    assert r.status_code == 302
    ev = DossierEvent.objects.filter(dossier=d).order_by("-seq").first()
    assert ev.action == "supplement" and ev.note == "Tờ khai sửa"
    assert ev.data["declaration_changes"] == {"mother.person.full_name": ["Trần Thị Bình", "Trần Thị Bích"]}
    d.refresh_from_db()
    assert d.status == 4 and d.pauses[-1][1] is not None  # processing again, the clock resumed
    assert DeclaredValue.objects.filter(dossier=d, value_norm="tran thi bich").exists()
    assert not DeclaredValue.objects.filter(dossier=d, value_norm="tran thi binh", path="mother.person.full_name")
    assert c.get(url).status_code == 404  # no supplement awaited any more


def test_a_newer_version_changes_the_form_and_older_dossiers_keep_theirs(client_of, world, birth_form, good,  # noqa: ANN001
                                                                        clock) -> None:
    old = _declared(world, good)
    proc = Procedure.objects.get(code="1.001193")
    newer = birth()
    newer["sections"][0]["fields"][0]["label"] = {"vi": "Họ và tên người được khai sinh", "en": "Child's name"}
    newer["sections"][0]["fields"].append({"key": "nickname", "type": "text", "label": {"vi": "Tên gọi khác"},
                                           "required": True})
    v2 = amend(proc, {"decision_number": "99/QĐ-BTP", "decision_date": "2025-09-15", "effective_from": "2025-10-01",
                      "processing_time": 1, "applicant_types": [0], "online_level": "full",
                      "components": [{"name": "Tờ khai đăng ký khai sinh", "required": False}], "form": newer})
    clock.set("2025-10-02 09:00")
    assert services.form_of(v2).definition["sections"][0]["fields"][-1]["key"] == "nickname"
    decl = Declaration.objects.get(dossier=old)
    assert decl.definition == birth_form  # the declaration keeps its definition
    cleaned, errors = ef.validate(decl.definition.definition, decl.data, today=clock.current.date(),
                                  context=services.context_for(clock.current.date(),
                                                               received_date=old.received_at.date()))
    assert errors == {} and cleaned == decl.data  # still valid under its own form
    html = client_of("counter_a").get(f"/office/dossiers/{old.pk}/").content.decode()
    assert "Họ, chữ đệm, tên" in html and "Tên gọi khác" not in html  # printed with the old labels
    # a new dossier must answer the newer form
    r = client_of("counter_a").post(INTAKE, _intake_form(world, **as_post(good)))
    assert r.status_code == 422 and "Nhập tên gọi khác" in r.content.decode()
