"""The catalog admin without JSON: a version's channels, applicant types, fees and results edited
through form fields (Django test client, form data), errors shown on the page, a published version
read-only, and "Công bố phiên bản mới" end to end (the old version ends, dossiers keep theirs)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from motcua.catalog.models import ProcedureVersion
from motcua.catalog.services import version_in_force
from motcua.dossiers import services as svc

ADD = "/admin/catalog/procedureversion/add/"


def change_url(v: ProcedureVersion) -> str:
    return f"/admin/catalog/procedureversion/{v.pk}/change/"


@pytest.fixture
def admin_client(world, clock) -> Client:  # noqa: ANN001
    clock.set("2026-12-02 09:00")
    user = get_user_model().objects.create_superuser("root", "root@example.org", "x-Strong-Pass-1")
    c = Client()
    c.force_login(user)
    return c


def current(code: str = "2.000815") -> ProcedureVersion:
    return version_in_force(ProcedureVersion.objects.filter(procedure__code=code).first().procedure,
                            date(2026, 12, 2))


def _value(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    if hasattr(value, "year"):
        return value.strftime("%d/%m/%Y")
    if hasattr(value, "hour"):
        return value.strftime("%H:%M")
    return str(value)


def _put(data: dict[str, Any], form: Any) -> None:
    for bf in form:
        value = bf.value()
        if getattr(bf.field.widget, "input_type", "") == "checkbox" and not isinstance(value, list | tuple):
            if value:
                data[bf.html_name] = "on"
        elif value is not None:
            data[bf.html_name] = _value(value)


def form_data(response: Any) -> dict[str, Any]:
    """The POST a browser would send for the admin form page as it is (initial values, rows, inlines)."""
    form = response.context["adminform"].form
    formsets = [form.fee_formset, form.result_formset, *(i.formset for i in response.context["inline_admin_formsets"])]
    data: dict[str, Any] = {}
    for f in [form, *form.method_forms, *(x for fs in formsets for x in [fs.management_form, *fs.forms])]:
        _put(data, f)
    return {k: v for k, v in data.items() if k not in ("methods", "fees", "results")}


def new_version(world, **over: Any) -> dict[str, Any]:  # noqa: ANN001
    from motcua.catalog.models import Procedure

    proc = Procedure.objects.get(code="2.000815")
    data = {
        "procedure": proc.pk, "name": "Chứng thực bản sao từ bản chính", "procedure_type": "",
        "decision_number": "15/QĐ-UBND", "decision_date": "20/12/2026", "effective_from": "01/01/2027",
        "applicant_types": ["0", "1"], "online_level": "partial", "processing_time": "4", "time_unit": "hour",
        "intake_anywhere": "province", "competent_agency": "Sở Tư pháp", "executing_agency": "",
        "receiving_address": "", "requirements": "", "legal_basis": "Luật A\nNghị định B",
        "steps": "Bước 1\nBước 2", "keywords": "chứng thực, bản sao",
        "kenh1-accepted": "on", "kenh1-processing_time": "4", "kenh1-time_unit": "hour", "kenh1-fee": "2000",
        "kenh2-accepted": "on", "kenh2-processing_time": "8", "kenh2-time_unit": "hour",
        "phi-TOTAL_FORMS": "2", "phi-INITIAL_FORMS": "0",
        "phi-0-name": "Phí chứng thực", "phi-0-basis": "page", "phi-0-amount": "2000", "phi-0-collected": "1",
        "phi-1-name": "", "phi-1-basis": "dossier", "phi-1-amount": "0", "phi-1-collected": "1",
        "ketqua-TOTAL_FORMS": "2", "ketqua-INITIAL_FORMS": "0",
        "ketqua-0-text": "Bản sao được chứng thực từ bản chính", "ketqua-1-text": "",
        "components-TOTAL_FORMS": "1", "components-INITIAL_FORMS": "0",
        "components-0-order": "0", "components-0-name": "Bản chính giấy tờ", "components-0-originals": "1",
        "components-0-copies": "1", "components-0-required": "on", "components-0-document_type": "",
        "components-0-form_template": "",
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def test_add_version_through_form_fields_publishes_it(admin_client, world):  # noqa: ANN001
    old = current()
    page = admin_client.get(ADD).content.decode()
    assert "Phí, lệ phí" in page and "Áp dụng cho kênh" in page and "Nhận hồ sơ qua kênh này" in page
    assert 'type="checkbox" name="applicant_types"' in page
    r = admin_client.post(ADD, new_version(world))
    assert r.status_code == 302, r.content.decode()[:3000]
    v = ProcedureVersion.objects.get(decision_number="15/QĐ-UBND")
    assert v.applicant_types == [0, 1]
    assert v.methods == [{"channel": 1, "processing_time": 4.0, "time_unit": "hour", "fee": 2000},
                         {"channel": 2, "processing_time": 8.0, "time_unit": "hour"}]
    assert v.fees == [{"name": "Phí chứng thực", "amount": 2000, "collected": 1, "basis": "page"}]
    assert v.results == ["Bản sao được chứng thực từ bản chính"]
    assert v.legal_basis == ["Luật A", "Nghị định B"] and v.keywords == ["chứng thực", "bản sao"]
    assert v.components.get().name == "Bản chính giấy tờ"
    old.refresh_from_db()
    assert old.effective_to == date(2027, 1, 1) and old.status == "amended"
    assert v.accepts_channel(1) and not v.accepts_channel(3)
    # not in force yet: it may still be corrected, its fee row edited in place
    page = admin_client.get(change_url(v)).content.decode()
    assert "Công bố phiên bản mới" not in page and 'name="phi-0-amount"' in page
    r = admin_client.post(change_url(v), new_version(world, **{"phi-0-amount": "3000", "phi-TOTAL_FORMS": "1",
                                                                "phi-1-name": None, "phi-1-basis": None,
                                                                "phi-1-amount": None, "phi-1-collected": None,
                                                                "components-TOTAL_FORMS": "0"}))
    assert r.status_code == 302, r.content.decode()[:3000]
    v.refresh_from_db()
    assert v.fees[0]["amount"] == 3000
    # withdrawn before it takes effect: the version it was to replace is in force again
    r = admin_client.post(f"/admin/catalog/procedureversion/{v.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302
    old.refresh_from_db()
    assert old.effective_to is None and old.status == "published"
    assert not ProcedureVersion.objects.filter(pk=v.pk).exists()
    # the list's bulk delete keeps the versions in force
    admin_client.post("/admin/catalog/procedureversion/",
                      {"action": "delete_selected", "_selected_action": [old.pk], "post": "yes"})
    assert ProcedureVersion.objects.filter(pk=old.pk).exists()


@pytest.mark.parametrize(("over", "message"), [
    ({"phi-0-amount": "-5"}, "Đảm bảo giá trị này lớn hơn hoặc bằng với 0"),
    ({"phi-0-collected": "3"}, "Hãy chọn một lựa chọn hợp lệ."),
    ({"phi-0-name": ""}, "Trường này là bắt buộc."),
    ({"kenh1-accepted": None, "kenh2-accepted": None}, "Chọn ít nhất một kênh nộp hồ sơ."),
    ({"kenh1-fee": "abc"}, "Vui lòng sửa lỗi ở các kênh nộp bên dưới."),
    ({"applicant_types": ["7"]}, "Hãy chọn một lựa chọn hợp lệ."),
    ({"effective_from": "01/01/2019"},
     "Ngày hiệu lực phải sau ngày 01/05/2020, ngày hiệu lực của phiên bản 1024/QĐ-BTP"),
])
def test_invalid_rows_are_shown_and_nothing_is_saved(admin_client, world, over, message):  # noqa: ANN001
    before = ProcedureVersion.objects.count()
    r = admin_client.post(ADD, new_version(world, **over))
    assert r.status_code == 200
    html = r.content.decode()
    assert message in html
    assert 'class="errornote"' in html
    assert ProcedureVersion.objects.count() == before
    assert current().effective_to is None


def test_model_clean_is_the_shared_check(world):  # noqa: ANN001
    from django.core.exceptions import ValidationError

    v = current()
    v.fees = [{"name": "Phí", "amount": -1}]
    v.methods = [{"channel": 1}, {"channel": 1}]
    v.results = ["", 3]
    with pytest.raises(ValidationError) as exc:
        v.full_clean()
    assert set(exc.value.message_dict) >= {"fees", "methods", "results"}
    assert "Dòng phí 1: mức thu không hợp lệ." in exc.value.message_dict["fees"]


def test_published_version_is_read_only_and_offers_a_new_version(admin_client, world):  # noqa: ANN001
    v = current()
    r = admin_client.get(change_url(v))
    html = r.content.decode()
    assert r.status_code == 200
    assert "Công bố phiên bản mới" in html and f"?from={v.pk}" in html
    assert 'name="phi-0-amount"' not in html and 'name="_save"' not in html
    assert "Phí chứng thực" in html and "2.000" in html  # the fee row shown read-only
    r = admin_client.post(change_url(v), new_version(world))
    assert r.status_code == 403
    r = admin_client.post(f"/admin/catalog/procedureversion/{v.pk}/delete/", {"post": "yes"})
    assert r.status_code == 403
    assert ProcedureVersion.objects.filter(pk=v.pk).exists()


def test_publish_new_version_end_to_end(admin_client, world, clock):  # noqa: ANN001
    clock.set("2026-12-02 09:00")
    old = version_in_force(ProcedureVersion.objects.get(decision_number="1726/QĐ-BTP").procedure, date(2026, 12, 2))
    received = svc.intake(world.actor("counter_a"), world.intake_request("a"))
    assert received.version_id == old.pk
    page = admin_client.get(change_url(old)).content.decode()
    link = f"{ADD}?from={old.pk}"
    assert link.replace("&", "&amp;") in page
    r = admin_client.get(link)
    html = r.content.decode()
    assert "Bản nháp sao chép từ phiên bản" in html
    assert "Giấy chứng sinh" in html  # the components copied into the draft
    data = form_data(r)
    assert data["procedure"] == str(old.procedure_id) and not data.get("decision_number")
    data.update({"decision_number": "99/QĐ-UBND", "decision_date": "10/12/2026", "effective_from": "15/12/2026",
                 "processing_time": "2"})
    r = admin_client.post(link, data)
    assert r.status_code == 302, r.content.decode()[:4000]
    new = ProcedureVersion.objects.get(decision_number="99/QĐ-UBND")
    old.refresh_from_db()
    assert old.effective_to == date(2026, 12, 15) and old.status == "amended"
    assert new.status == "published" and new.effective_to is None and float(new.processing_time) == 2
    assert new.fees == old.fees and new.results == old.results and new.applicant_types == old.applicant_types
    assert list(new.components.values_list("name", flat=True)) == list(old.components.values_list("name",
                                                                                               flat=True))
    assert version_in_force(new.procedure, date(2026, 12, 14)) == old
    assert version_in_force(new.procedure, date(2026, 12, 15)) == new
    received.refresh_from_db()
    assert received.version_id == old.pk  # a dossier already received keeps its version
    # the new version is correctable until it takes effect, then read-only too
    assert 'name="_save"' in admin_client.get(change_url(new)).content.decode()
    clock.set("2026-12-15 08:00")
    assert "Công bố phiên bản mới" in admin_client.get(change_url(new)).content.decode()


def test_procedure_levels_are_checkboxes_and_versions_read_only_inline(admin_client, world):  # noqa: ANN001
    from motcua.catalog.models import Procedure

    proc = Procedure.objects.get(code="2.000815")
    html = admin_client.get(f"/admin/catalog/procedure/{proc.pk}/change/").content.decode()
    assert 'type="checkbox" name="levels" value="province"' in html and "checked" in html
    assert 'name="versions-0-decision_number"' not in html
