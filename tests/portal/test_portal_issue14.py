"""Portal improvements (issue 14, item 5): the province served on the home page, the apply button near the
top of a procedure page, the form templates to download, one named draft per procedure (resumed, not
duplicated), the error summary linking to the fields, file inputs stating the accepted types and size,
and sign-in by ID number for every citizen account."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.template.defaultfilters import filesizeformat
from django.test import Client

from motcua.conf import CONFIG
from motcua.dossiers.storage import accepted_extensions
from motcua.portal import accounts, services
from motcua.portal.models import CitizenProfile, Draft
from tests.factories import PASSWORD
from tests.portal.conftest import birth_version

pytestmark = pytest.mark.django_db
APPLY = "/portal/procedures/1.001193/apply/"


def _form(world: Any, **over: Any) -> dict[str, Any]:  # noqa: ANN401
    return {"receiving_unit": world.commune_centres["a"].pk, "applicant_type": 0, "applicant_name": "Nguyễn Văn An",
            "applicant_id_number": "068123456789", "applicant_phone": "0912345678", "result_delivery": "online",
            "submit_for": "self", "return_place": "receiving", "action": "save", "draft_name": "", **over}


# ---- home and procedure pages ----------------------------------------------------------------------

def test_the_home_page_names_the_province_it_serves(world, now) -> None:  # noqa: ANN001
    html = Client().get("/portal/").content.decode()
    province = world.province.name if hasattr(world, "province") else None
    from motcua.units.models import Unit

    names = list(Unit.objects.filter(parent__isnull=True, dissolved_on__isnull=True).values_list("name", flat=True))
    assert names and all(n in html for n in names) and 'id="served-province"' in html
    assert province is None or province in html


def test_the_apply_button_comes_before_the_long_sections(world, now) -> None:  # noqa: ANN001
    html = Client().get("/portal/procedures/1.001193/").content.decode()
    button = html.index('id="apply-online"')
    assert "Nộp hồ sơ trực tuyến" in html
    for later in ("Giấy tờ cần chuẩn bị", "Cách thức thực hiện", "Mã QR của thủ tục"):
        assert button < html.index(later), later


@pytest.fixture
def birth_eform(world, now):  # noqa: ANN001, ANN201
    from motcua.eforms import services as eforms
    from motcua.eforms.shipped import load

    version = birth_version()
    return eforms.form_of(version) or eforms.set_form(version, load("khai-sinh"))


def test_the_form_template_is_downloadable(world, birth_eform) -> None:  # noqa: ANN001
    html = Client().get("/portal/procedures/1.001193/").content.decode()
    links = re.findall(r'<a class="form-file" href="([^"]+)"', html)
    assert links == ["/portal/procedures/1.001193/form.pdf"]
    r = Client().get(links[0])
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF-") and r["Content-Disposition"] == 'attachment; filename="mau-khai-sinh.pdf"'
    from tests.documents.conftest import Pdf

    assert "TỜ KHAI ĐĂNG KÝ KHAI SINH" in Pdf(r.content).text.upper()


def test_no_form_file_no_link(world, now) -> None:  # noqa: ANN001
    from motcua.eforms.models import FormDefinition

    FormDefinition.objects.filter(version=birth_version()).delete()
    assert "form-file" not in Client().get("/portal/procedures/1.001193/").content.decode()
    assert Client().get("/portal/procedures/1.001193/form.pdf").status_code == 404
    assert Client().get("/portal/procedures/9.999/form.pdf").status_code == 404


# ---- drafts -----------------------------------------------------------------------------------------

def test_one_named_draft_per_procedure_is_resumed(client_of, world, citizens, now) -> None:  # noqa: ANN001
    c = client_of("citizen")
    r = c.post(APPLY, _form(world))
    draft = Draft.objects.get()
    assert r.status_code == 302 and draft.name == f"{birth_version().name} - 10/09/2025"
    # a second application of the procedure resumes the draft
    r = c.get(APPLY)
    assert r.status_code == 302 and r["Location"] == f"/portal/drafts/{draft.pk}/"
    page = c.get(r["Location"]).content.decode()
    assert "Tiếp tục hồ sơ nháp" in page and f'value="{draft.name}"' in page
    assert "Tiếp tục hồ sơ nháp" in c.get("/portal/procedures/1.001193/").content.decode()
    # a POST to the procedure's form (an old tab) updates the same draft; the citizen renames it
    c.post(APPLY, _form(world, draft_name="Khai sinh cho bé Na", request_summary="Cho bé Na"))
    draft = Draft.objects.get()
    assert (draft.name, draft.data["request_summary"]) == ("Khai sinh cho bé Na", "Cho bé Na")
    assert "Khai sinh cho bé Na" in c.get("/portal/drafts/").content.decode()
    # the service resumes it too
    services.save_draft(world.users["citizen"], birth_version(), services.Application(applicant_name="X"))
    assert Draft.objects.count() == 1 and Draft.objects.get().name == "Khai sinh cho bé Na"


def test_another_citizens_draft_is_not_resumed(client_of, world, citizens, now) -> None:  # noqa: ANN001
    client_of("citizen2").post(APPLY, _form(world, applicant_id_number="068987654321"))
    assert client_of("citizen").get(APPLY).status_code == 200
    assert Draft.objects.count() == 1


# ---- the error summary and the file inputs ------------------------------------------------------------

def test_errors_are_summarised_at_the_top_with_links_to_the_fields(client_of, world, citizens, now) -> None:  # noqa: ANN001
    r = client_of("citizen").post(APPLY, _form(world, applicant_name="", applicant_phone="123"))
    html = r.content.decode()
    assert r.status_code == 422
    summary = re.search(r'<div class="error-summary" role="alert"[^>]*>(.*?)</div>', html, re.S)
    assert summary and "Có lỗi cần sửa" in summary.group(1)
    assert summary.start() < html.index('id="id_applicant_name"')  # at the top
    links = re.findall(r'href="(#[^"]+)"', summary.group(1))
    assert links == ["#id_applicant_name", "#id_applicant_phone"]
    for anchor in links:
        assert f'id="{anchor[1:]}"' in html
    assert "portal/errors.js" in html and "<script>" not in html  # the focus moves there (a static file)


def test_the_signup_form_has_the_summary_too(now) -> None:  # noqa: ANN001
    html = Client().post("/portal/signup/", {"full_name": "", "id_number": "12"}).content.decode()
    assert "Có lỗi cần sửa" in html and 'href="#id_full_name"' in html and 'href="#id_password"' in html


def test_file_inputs_state_the_accepted_types_and_size(client_of, world, citizens, now) -> None:  # noqa: ANN001
    html = client_of("citizen").get(APPLY).content.decode()
    accept = ",".join(accepted_extensions())
    inputs = re.findall(r'<input type="file"[^>]*>', html)
    assert inputs and all(f'accept="{accept}"' in i and 'aria-describedby="upload-hint"' in i for i in inputs)
    hint = re.search(r'<p class="hint" id="upload-hint">([^<]*)</p>', html).group(1)
    assert "PDF" in hint and "DOCX" in hint and str(filesizeformat(CONFIG.max_upload_bytes)) in hint


def test_the_size_stated_follows_the_setting(client_of, world, citizens, now, monkeypatch) -> None:  # noqa: ANN001
    import dataclasses

    from motcua.dossiers import storage

    monkeypatch.setattr(storage, "CONFIG", dataclasses.replace(storage.CONFIG, max_upload_bytes=5 * 1024 * 1024))
    assert str(filesizeformat(5 * 1024 * 1024)) in client_of("citizen").get(APPLY).content.decode()


# ---- sign-in by ID number ---------------------------------------------------------------------------------

def _login(number: str, password: str = PASSWORD) -> int:
    return Client().post("/portal/login/", {"username": number, "password": password}).status_code


def test_the_demo_citizen_signs_in_with_their_own_id_number(db, now) -> None:  # noqa: ANN001
    # the demo's citizen (motcua/core/demo.py): user name "congdan", CCCD 068090001234 on the profile;
    # signing in with the number looked for a user named 068090001234 and was refused
    user = get_user_model().objects.create_user("congdan", password=PASSWORD, first_name="An", last_name="Nguyễn Văn")
    CitizenProfile.objects.create(user=user, id_number="068090001234", phone="0912345678")
    assert _login("068090001234") == 302
    assert _login(" 068 090 001 234 ") == 302  # typed with spaces
    assert _login("congdan") == 302  # the user name still works
    assert _login("068090001234", "wrong-password") == 200


def test_every_kind_of_citizen_account_signs_in_with_its_id_number(db, now) -> None:  # noqa: ANN001
    from motcua.integrations.vneid import services as vneid
    from motcua.integrations.vneid.mapping import Identity

    signed_up = accounts.register(accounts.Registration("Trần Thị Bình", "068111222333", "0987654321", PASSWORD))
    assert signed_up.username == "068111222333" and _login("068111222333") == 302
    for subject, number, kind in (("sub-1", "068444555666", 1), ("sub-2", "5800123456", 2)):
        user = vneid.create_account(Identity(subject=subject, account_type=kind, id_number=number,
                                             full_name="Lê Văn Cường", loa="LoA2"))
        user.set_password(PASSWORD)  # an e-ID account that later set a password
        user.save()
        assert _login(number) == 302, number
    # an account whose user name is no longer its number (renamed, imported): the profile's number counts
    renamed = get_user_model().objects.get(username="068444555666")
    renamed.username = "cuong.le"
    renamed.save()
    assert _login("068444555666") == 302


def test_staff_are_still_refused_at_the_portal(world, now) -> None:  # noqa: ANN001
    r = Client().post("/portal/login/", {"username": "counter_a", "password": PASSWORD})
    assert r.status_code == 200 and "Tài khoản cán bộ không dùng cổng công dân" in r.content.decode()
