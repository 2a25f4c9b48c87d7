"""Online submission: the form prefilled from the account, drafts with their files, and
submission registering a NEW dossier owned by the citizen, with every file attached."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from motcua.dossiers.models import Dossier
from motcua.portal.models import Draft, DraftFile
from tests.factories import PNG
from tests.portal.conftest import required_components, state, upload

pytestmark = pytest.mark.django_db
APPLY = "/portal/procedures/1.001193/apply/"


def _form(world: Any, action: str = "save", files: bool = True, **over: Any) -> dict[str, Any]:  # noqa: ANN401
    data: dict[str, Any] = {
        "action": action, "receiving_unit": world.commune_centres["a"].pk, "applicant_type": 0,
        "applicant_name": "Nguyễn Văn An", "applicant_id_number": "068123456789", "applicant_phone": "0912345678",
        "applicant_email": "", "applicant_address": "12 Trần Phú", "request_summary": "Khai sinh cho con",
        "result_delivery": "online"}
    if files:
        data.update({f"file_{c.pk}": upload(f"c{c.pk}.pdf") for c in required_components()})
    data.update(over)
    return data


def test_form_is_prefilled_from_the_profile_with_labels_and_a_due_preview(client_of, portal) -> None:  # noqa: ANN001
    html = client_of("citizen").get(APPLY).content.decode()
    for text in ('value="Nguyễn Văn An"', 'value="068123456789"', 'value="0912345678"', 'value="12 Trần Phú"',
                 "Tờ khai đăng ký khai sinh", "Giấy chứng sinh", "Giấy ủy quyền", "TTPVHCC xã A (Xã A)",
                 "Thời hạn dự kiến", "09:00 11/09/2025", 'name="action" value="save"'):
        assert text in html, text
    for c in required_components():
        assert f'<label for="id_file_{c.pk}">' in html


def test_submit_at_once_registers_a_new_online_dossier_with_files(client_of, world, portal) -> None:  # noqa: ANN001
    r = client_of("citizen").post(APPLY, _form(world, "submit"))
    d = Dossier.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/portal/dossiers/{d.pk}/"
    assert (d.status, d.channel, d.owner, d.receiving_unit, d.handling_unit) == (
        1, 2, world.users["citizen"], world.commune_centres["a"], world.communes["a"])
    assert d.applicant_id_number == "068123456789" and d.result_delivery == "online"
    files = list(d.files.select_related("component").order_by("pk"))
    assert len(files) == 2 and all(f.kind == "component" and f.component is not None for f in files)
    assert {f.component.component_id for f in files} == {c.pk for c in required_components()}
    assert not Draft.objects.exists()
    html = client_of("citizen").get(r["Location"]).content.decode()
    assert f"Đã nộp hồ sơ {d.code}" in html and "đang chờ bộ phận một cửa kiểm tra" in html


def test_save_draft_come_back_and_submit(client_of, world, portal) -> None:  # noqa: ANN001
    c = client_of("citizen")
    first, second = required_components()
    r = c.post(APPLY, _form(world, files=False, **{f"file_{first.pk}": upload("to-khai.pdf")}))
    draft = Draft.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/portal/drafts/{draft.pk}/"
    assert draft.owner == world.users["citizen"] and draft.data["request_summary"] == "Khai sinh cho con"
    assert not Dossier.objects.exists()
    assert "Thủ tục đăng ký khai sinh" in c.get("/portal/drafts/").content.decode()
    html = c.get(r["Location"]).content.decode()
    assert "Đã tải lên: to-khai.pdf" in html and 'value="Khai sinh cho con"' not in html  # a textarea
    assert "Khai sinh cho con" in html
    # submitting without the second required file is refused and changes nothing
    before = state()
    r = c.post(r["Location"], _form(world, "submit", files=False))
    assert r.status_code == 422 and "Giấy chứng sinh" in r.content.decode() and state() == before
    # a replacement for the first file and the missing second one, then submit
    r = c.post(f"/portal/drafts/{draft.pk}/", _form(world, "submit", files=False, **{
        f"file_{first.pk}": upload("to-khai-moi.png", PNG), f"file_{second.pk}": upload("chung-sinh.pdf")}))
    d = Dossier.objects.get()
    assert r.status_code == 302 and d.status == 1
    assert sorted(d.files.values_list("name", flat=True)) == ["chung-sinh.pdf", "to-khai-moi.png"]
    assert not Draft.objects.exists() and not DraftFile.objects.exists()


@pytest.mark.parametrize("over,message", [
    ({"applicant_phone": "12"}, "10 chữ số"),
    ({"applicant_name": ""}, "Vui lòng kiểm tra lại"),
    ({"receiving_unit": "999999"}, "Vui lòng kiểm tra lại"),
    ({"applicant_type": "1"}, "Vui lòng kiểm tra lại"),  # the birth procedure is for citizens only
    ({"applicant_email": "x@"}, "Vui lòng kiểm tra lại"),
    ({"result_delivery": "pigeon"}, "Vui lòng kiểm tra lại"),
])
def test_bad_form_input_is_refused_and_changes_nothing(client_of, world, portal, over, message) -> None:  # noqa: ANN001
    before = state()
    r = client_of("citizen").post(APPLY, _form(world, "submit", **over))
    assert r.status_code == 422 and message in r.content.decode()
    assert state() == before


@pytest.mark.parametrize("name,data,message", [
    ("virus.exe", b"MZ\x90\x00binary", "Định dạng tệp không được chấp nhận"),
    ("scan.pdf", PNG, "không khớp với nội dung"),
    ("empty.pdf", b"", "Vui lòng kiểm tra lại"),
])
def test_bad_files_are_refused_and_change_nothing(client_of, world, portal, name, data, message) -> None:  # noqa: ANN001
    first = required_components()[0]
    before = state()
    for action in ("save", "submit"):
        r = client_of("citizen").post(APPLY, _form(world, action, **{f"file_{first.pk}": upload(name, data)}))
        assert r.status_code == 422 and message in r.content.decode(), (action, r.content.decode()[-3000:])
        assert state() == before


def test_procedure_not_offered_online_has_no_form(client_of, world, portal) -> None:  # noqa: ANN001
    from motcua.catalog.models import ProcedureVersion

    ProcedureVersion.objects.filter(procedure__code="1.001193").update(online_level="none")
    c = client_of("citizen")
    html = c.get(APPLY).content.decode()
    assert "không nhận hồ sơ trực tuyến" in html and "<form method=\"post\" enctype" not in html
    assert c.post(APPLY, _form(world, "submit")).status_code == 200 and not Dossier.objects.exists()


def test_drafts_are_private(client_of, world, portal) -> None:  # noqa: ANN001
    client_of("citizen").post(APPLY, _form(world))
    draft = Draft.objects.get()
    other = client_of("citizen2")
    assert other.get(f"/portal/drafts/{draft.pk}/").status_code == 404
    assert other.post(f"/portal/drafts/{draft.pk}/", _form(world, "submit")).status_code == 404
    assert other.post(f"/portal/drafts/{draft.pk}/delete/").status_code == 404
    assert "Thủ tục đăng ký khai sinh" not in other.get("/portal/drafts/").content.decode()
    assert Draft.objects.filter(pk=draft.pk).exists() and not Dossier.objects.exists()


def test_delete_draft(client_of, world, portal) -> None:  # noqa: ANN001
    c = client_of("citizen")
    c.post(APPLY, _form(world))
    draft = Draft.objects.get()
    r = c.post(f"/portal/drafts/{draft.pk}/delete/")
    assert r.status_code == 302 and not Draft.objects.exists() and not DraftFile.objects.exists()
    assert "chưa có hồ sơ nháp" in c.get("/portal/drafts/").content.decode()


def test_citizen_without_a_profile_can_still_apply(client_of, world, now) -> None:  # noqa: ANN001
    html = client_of("citizen2").get(APPLY).content.decode()
    assert 'name="applicant_id_number"' in html and 'name="applicant_phone"' in html


def test_due_preview_follows_the_chosen_centre_and_the_online_time_limit(world, now) -> None:  # noqa: ANN001
    url = "/portal/procedures/2.000815/preview/"
    html = Client().get(url, {"receiving_unit": world.centre.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert "1 ngày làm việc" in html and "Hạn giải quyết: 09:00 11/09/2025" in html  # online: 8 h, counter: 4 h
    assert "Hạn giải quyết" in Client().get(url, {"receiving_unit": "abc"}).content.decode()
    assert Client().get("/portal/procedures/9.9/preview/").status_code == 404
