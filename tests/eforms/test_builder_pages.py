"""The builder's pages (Django test client): administrators only; a draft started from the
shipped form, fields added, configured, ordered and removed through the page's forms; problems
block publishing; a published form is locked and changes go to the next procedure version's draft;
one form's JSON downloaded and uploaded (validated); previews at the two widths."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.catalog.models import ProcedureVersion
from motcua.domain.eforms import check_definition
from motcua.eforms import shipped
from motcua.eforms.models import FormDefinition

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(world):  # noqa: ANN001, ANN201
    return ProcedureVersion.objects.get(procedure__code="1.001193", effective_to__isnull=True)


def url(name: str, version: ProcedureVersion, **kw: str) -> str:
    return reverse(f"eforms_builder:{name}", kwargs={"version_id": version.pk, **kw})


def change(client, version, **post):  # noqa: ANN001, ANN201
    return client.post(url("change", version), post)


def form_of(version: ProcedureVersion) -> dict:
    return FormDefinition.objects.get(version=version).definition


def test_only_administrators_build(client_of, version) -> None:  # noqa: ANN001
    for user in ("counter_a", "leader_a", "citizen"):
        assert client_of(user).get(reverse("eforms_builder:index")).status_code == 403
        assert client_of(user).post(url("start", version)).status_code == 403
    assert not FormDefinition.objects.exists()
    page = client_of("admin").get(reverse("eforms_builder:index") + "?q=khai sinh")
    assert page.status_code == 200 and "Thủ tục đăng ký khai sinh" in page.content.decode()


def test_start_from_the_shipped_form_then_edit_the_draft(client_of, version) -> None:  # noqa: ANN001
    admin = client_of("admin")
    assert admin.post(url("start", version), {"source": "shipped"}).status_code == 302
    form = FormDefinition.objects.get(version=version)
    assert not form.published and form.definition == shipped.load("khai-sinh")
    page = admin.get(url("edit", version)).content.decode()
    assert "Họ, chữ đệm, tên người yêu cầu" in page and "Công bố cùng phiên bản thủ tục" in page

    r = change(admin, version, op="add_field", container="child", type="number", label_vi="Cân nặng (gam)",
               label_en="Weight (g)", key="weight", min="300", max="8000", integer="on",
               help_vi="Theo giấy chứng sinh")
    assert r.status_code == 302
    child = next(s for s in form_of(version)["sections"] if s["key"] == "child")
    assert child["fields"][-1] == {"key": "weight", "type": "number", "label": {"vi": "Cân nặng (gam)",
                                   "en": "Weight (g)"}, "help": {"vi": "Theo giấy chứng sinh", "en": ""},
                                   "min": 300, "max": 8000, "integer": True}
    # up (htmx redraws the editor), then edit it with a condition, then remove it
    r = admin.post(url("change", version), {"op": "move_field", "container": "child", "key": "weight",
                                            "direction": "up"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "builder-fields" in r.content.decode()
    keys = [f["key"] for f in next(s for s in form_of(version)["sections"] if s["key"] == "child")["fields"]]
    assert keys[-2:] == ["weight", "home_town"]
    edit_page = admin.get(url("edit", version) + "?container=child&key=weight").content.decode()
    assert 'value="Cân nặng (gam)"' in edit_page
    change(admin, version, op="update_field", container="child", key="weight", type="number",
           label_vi="Cân nặng khi sinh (gam)", show_if_field="child.sex", show_if_op="in", show_if_value="nam, nu")
    weight = next(f for f in form_of(version)["sections"][1]["fields"] if f["key"] == "weight")
    assert weight["label"]["vi"] == "Cân nặng khi sinh (gam)" and weight["show_if"] == {"field": "child.sex",
                                                                                          "in": ["nam", "nu"]}
    change(admin, version, op="remove_field", container="child", key="weight")
    assert form_of(version) == shipped.load("khai-sinh")


def test_drag_order_sections_and_groups(client_of, version) -> None:  # noqa: ANN001
    admin = client_of("admin")
    admin.post(url("start", version), {"source": "shipped"})
    order = ["sex", "full_name", "birth_date", "ethnicity", "nationality", "birth_place", "home_town"]
    r = admin.post(url("change", version), {"op": "reorder", "container": "child", "order": ",".join(order)},
                   HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    assert [f["key"] for f in form_of(version)["sections"][1]["fields"]] == order
    assert change(admin, version, op="reorder", container="child", order="sex,full_name").status_code == 400

    change(admin, version, op="add_section", section_key="siblings", title_vi="Anh chị em", title_en="Siblings")
    change(admin, version, op="add_field", container="siblings", type="group", key="items", label_vi="Anh chị em",
           min_items="0", max_items="5")
    change(admin, version, op="add_field", container="siblings.items", type="text", key="name", label_vi="Họ tên")
    change(admin, version, op="move_section", key="siblings", direction="up")
    defn = form_of(version)
    assert [s["key"] for s in defn["sections"]][-2:] == ["siblings", "request"]
    assert defn["sections"][-2]["fields"][0]["fields"][0]["key"] == "name"
    assert check_definition(defn) == []


def test_bad_input_is_refused_with_the_field_named_and_nothing_saved(client_of, version) -> None:  # noqa: ANN001
    admin = client_of("admin")
    admin.post(url("start", version), {"source": "shipped"})
    before = form_of(version)
    r = change(admin, version, op="add_field", container="child", type="number", label_vi="Số", min="nhiều")
    assert r.status_code == 400 and "Nhập một số." in r.content.decode()
    r = change(admin, version, op="add_field", container="child", type="text", label_vi="Trùng", key="full_name")
    assert r.status_code == 400 and "Mã này đã có trong cùng phần" in r.content.decode()
    assert change(admin, version, op="explode").status_code == 400
    assert change(admin, version, op="remove_field", container="nowhere", key="x").status_code == 400
    assert form_of(version) == before


def test_problems_block_publishing_then_published_is_locked(client_of, version) -> None:  # noqa: ANN001
    admin = client_of("admin")
    admin.post(url("start", version), {"source": "blank"})
    page = admin.get(url("edit", version)).content.decode()
    assert "Biểu mẫu còn lỗi cần sửa trước khi công bố" in page  # an empty section
    assert admin.post(url("publish", version)).status_code == 400
    change(admin, version, op="add_field", container="thong_tin", type="text", label_vi="Họ, chữ đệm, tên")
    assert admin.post(url("publish", version)).status_code == 302
    form = FormDefinition.objects.get(version=version)
    assert form.published
    r = change(admin, version, op="add_field", container="thong_tin", type="text", label_vi="Thêm")
    assert r.status_code == 409
    assert FormDefinition.objects.get(version=version).definition == form.definition
    page = admin.get(url("edit", version)).content.decode()
    assert "Tạo phiên bản tiếp theo và bản nháp biểu mẫu" in page and "Thêm trường" not in page


def test_the_next_procedure_version_gets_a_draft_copy(client_of, version) -> None:  # noqa: ANN001
    admin = client_of("admin")
    admin.post(url("start", version), {"source": "shipped"})
    admin.post(url("publish", version))
    bad = admin.post(url("next", version), {"decision_number": "12/QĐ-UBND", "decision_date": "31/02/2027",
                                            "effective_from": "01/03/2027"})
    assert bad.status_code == 400
    r = admin.post(url("next", version), {"decision_number": "12/QĐ-UBND", "decision_date": "15/02/2027",
                                          "effective_from": "01/03/2027"})
    assert r.status_code == 302
    later = ProcedureVersion.objects.get(procedure=version.procedure, effective_from="2027-03-01")
    assert later.decision_number == "12/QĐ-UBND" and later.components.count() == version.components.count()
    version.refresh_from_db()
    assert str(version.effective_to) == "2027-03-01"
    draft = FormDefinition.objects.get(version=later)
    assert not draft.published and draft.definition == shipped.load("khai-sinh")
    assert FormDefinition.objects.get(version=version).published  # the published one is untouched
    assert r["Location"] == url("edit", later)


def test_download_and_upload_one_form(client_of, version) -> None:  # noqa: ANN001
    admin = client_of("admin")
    admin.post(url("start", version), {"source": "blank"})
    khai_tu = shipped.load("khai-tu")
    upload = SimpleUploadedFile("f.json", json.dumps(khai_tu, ensure_ascii=False).encode(), "application/json")
    assert admin.post(url("upload", version), {"file": upload}).status_code == 302
    assert form_of(version) == khai_tu
    r = admin.get(url("export", version))
    assert r.status_code == 200 and r["Content-Disposition"].startswith('attachment; filename="khai-tu-')
    assert json.loads(r.content.decode("utf-8")) == khai_tu
    broken = SimpleUploadedFile("f.json", b'{"key": "x", "sections": []}', "application/json")
    r = admin.post(url("upload", version), {"file": broken})
    assert r.status_code == 400 and "Biểu mẫu chưa hợp lệ" in r.content.decode()
    assert admin.post(url("upload", version), {}).status_code == 400
    assert form_of(version) == khai_tu


def test_previews_on_a_phone_and_on_the_counter_pc(client_of, version) -> None:  # noqa: ANN001
    admin = client_of("admin")
    admin.post(url("start", version), {"source": "shipped"})
    phone = admin.get(url("preview", version, device="phone")).content.decode()
    assert "builder-frame-phone" in phone and url("frame", version) in phone
    assert "builder-frame-counter" in admin.get(url("preview", version, device="counter")).content.decode()
    assert admin.get(url("preview", version, device="watch")).status_code == 404
    frame = admin.get(url("frame", version)).content.decode()
    assert "Họ, chữ đệm, tên người yêu cầu" in frame and "Ngày, tháng, năm sinh" in frame
