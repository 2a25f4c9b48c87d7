"""The same operation through the command, the API and the administrator's page; the admin site."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from motcua.core.models import ApiToken
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.units.models import Reorganization, Unit, UnitVersion

A, B = "000.31.10.H39", "000.32.10.H39"
DECISION = {"decision_number": "1656/NQ-UBTVQH15", "decision_date": "2025-06-16", "issuer": "UBTVQH",
            "effective_on": "2025-09-10"}


def _bearer(world, username: str) -> Client:  # noqa: ANN001
    return Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(world.users[username], 'test')[1]}")


# ---- command ----

def test_cli_dry_run_prints_the_preview_and_changes_nothing(world, dossiers, tmp_path):
    f = tmp_path / "merge.json"
    f.write_text(json.dumps({"kind": "merge", **DECISION, "spec": {"sources": [A], "target_code": B}}))
    out = StringIO()
    call_command("reorganize", "--file", str(f), "--dry-run", stdout=out)
    text = out.getvalue()
    assert "hồ sơ đang giải quyết chuyển sang đơn vị kế thừa" in text and "dry run" in text
    assert json.loads(text.splitlines()[-2])["open_dossiers"] == 2
    assert not Reorganization.objects.exists() and Unit.objects.get(code=A).dissolved_on is None


def test_cli_flags_apply_and_schedule(world, dossiers):
    out = StringIO()
    call_command("reorganize", "--kind", "rename", "--unit", A, "--name", "Phường A", "--decision-number", "5/QĐ",
                 "--decision-date", "01/09/2025", "--issuer", "UBND tỉnh", "--effective-on", "10/09/2025", stdout=out)
    assert "applied" in out.getvalue() and Unit.objects.get(code=A).name == "Phường A"
    call_command("reorganize", "--kind", "merge", "--sources", A, "--target", B, "--decision-number", "6/QĐ",
                 "--decision-date", "01/09/2025", "--issuer", "UBND tỉnh", "--effective-on", "01/10/2025",
                 "--schedule", stdout=out)
    assert Reorganization.objects.get(decision_number="6/QĐ").status == "scheduled"


def test_cli_bad_spec_names_the_field(world):
    with pytest.raises(CommandError, match="spec.target_code"):
        call_command("reorganize", "--kind", "merge", "--sources", A, "--target", "nope", "--decision-number", "1",
                     "--decision-date", "01/09/2025", "--issuer", "x", "--effective-on", "10/09/2025")


# ---- API ----

def test_api_dry_run_apply_list_detail(world, dossiers):
    c = _bearer(world, "admin")
    body = {"kind": "merge", **DECISION, "spec": {"sources": [A], "target_code": B}}
    dry = c.post("/api/v1/units/reorganizations", {**body, "dry_run": True}, content_type="application/json")
    assert dry.status_code == 200 and dry.json()["counts"]["open_dossiers"] == 2 and dry.json()["id"] is None
    assert not Reorganization.objects.exists()
    done = c.post("/api/v1/units/reorganizations", body, content_type="application/json")
    assert done.status_code == 201, done.content
    rid = done.json()["id"]
    assert done.json()["status"] == "applied"
    assert Dossier.objects.filter(handling_unit__code=B).count() == 3
    listed = c.get("/api/v1/units/reorganizations").json()
    assert [x["id"] for x in listed] == [rid]
    one = c.get(f"/api/v1/units/reorganizations/{rid}").json()
    assert one["summary"]["counts"]["open_dossiers"] == 2
    assert c.get("/api/v1/units/reorganizations/999999").status_code == 404
    again = c.post("/api/v1/units/reorganizations", body, content_type="application/json")
    assert again.status_code == 422 and "spec.sources" in again.json()["error"]["fields"]  # A has ended


def test_api_bad_spec_gives_field_errors_and_writes_nothing(world, dossiers):
    c = _bearer(world, "admin")
    events = DossierEvent.objects.count()
    resp = c.post("/api/v1/units/reorganizations", {"kind": "merge", **DECISION, "spec": {
        "sources": [A, B], "target": {"code": A, "name": "", "kind": "commune", "parent_code": "68"}}},
        content_type="application/json")
    assert resp.status_code == 422
    fields = resp.json()["error"]["fields"]
    assert {"spec.target.code", "spec.target.name"} <= set(fields)
    assert DossierEvent.objects.count() == events and not Reorganization.objects.exists()


def test_api_is_for_administrators_only(world, dossiers):
    body = {"kind": "rename", **DECISION, "spec": {"unit": A, "name": "Phường A"}}
    for username in ("specialist_a", "leader_a", "monitor"):
        c = _bearer(world, username)
        assert c.post("/api/v1/units/reorganizations", body, content_type="application/json").status_code == 403
        assert c.get("/api/v1/units/reorganizations").status_code == 403
    assert Client().get("/api/v1/units/reorganizations").status_code == 401
    assert Unit.objects.get(code=A).name == "Xã A"


# ---- the administrator's page ----

FORM = {"kind": "merge", "decision_number": "1656/NQ-UBTVQH15", "decision_date": "16/06/2025",
        "issuer": "Ủy ban Thường vụ Quốc hội", "effective_on": "10/09/2025"}


def test_page_preview_then_apply(world, dossiers, client_of):
    c = client_of("admin")
    page = c.get("/office/units/reorganizations/new/")
    assert page.status_code == 200 and "Xã A (000.31.10.H39)" in page.content.decode()
    data = {**FORM, "sources": [A, B], "new_code": "000.33.10.H39", "new_name": "Xã Hợp Nhất",
            "new_kind": "commune", "new_parent": "68"}
    preview = c.post("/office/units/reorganizations/new/", {**data, "step": "preview"})
    html = preview.content.decode()
    assert preview.status_code == 200 and "Thực hiện ngay" in html and "Xã Hợp Nhất" in html
    assert not Unit.objects.filter(code="000.33.10.H39").exists()
    done = c.post("/office/units/reorganizations/new/", {**data, "step": "apply"}, follow=True)
    assert done.status_code == 200 and "Đã thực hiện" in done.content.decode()
    new = Unit.objects.get(code="000.33.10.H39")
    assert Dossier.objects.filter(handling_unit=new).count() == 3
    assert c.get("/office/units/reorganizations/").content.decode().count("1656/NQ-UBTVQH15") == 1


def test_page_shows_field_errors_and_schedules(world, dossiers, client_of):
    c = client_of("admin")
    bad = c.post("/office/units/reorganizations/new/", {**FORM, "sources": [A], "target": A, "step": "apply"})
    assert bad.status_code == 422 and "has-error" in bad.content.decode()
    assert not Reorganization.objects.exists()
    ok = c.post("/office/units/reorganizations/new/", {**FORM, "kind": "rename", "unit": A, "name": "Phường A",
                                                       "effective_on": "01/10/2025", "step": "schedule"})
    assert ok.status_code == 302
    assert Reorganization.objects.get().status == "scheduled" and Unit.objects.get(code=A).name == "Xã A"


def test_page_refuses_non_administrators(world, client_of):
    assert client_of("leader_a").get("/office/units/reorganizations/new/").status_code == 403
    refused = client_of("leader_a").post("/office/units/reorganizations/new/", {**FORM, "step": "apply"})
    assert refused.status_code == 403


# ---- the admin site ----

@pytest.fixture
def superuser_client(world):  # noqa: ANN001, ANN201
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", "root@example.vn", "x-password-123")
    c = Client()
    c.force_login(root)
    return c


def test_admin_parent_is_read_only_after_creation(world, superuser_client):
    a = world.communes["a"]
    page = superuser_client.get(f"/admin/units/unit/{a.pk}/change/").content.decode()
    assert 'name="parent"' not in page
    superuser_client.post(f"/admin/units/unit/{a.pk}/change/", {
        "code": a.code, "name": "Xã A sửa", "kind": a.kind, "parent": world.communes["b"].pk, "admin_code": "",
        "staff_roles-TOTAL_FORMS": 0, "staff_roles-INITIAL_FORMS": 0,
        "versions-TOTAL_FORMS": 0, "versions-INITIAL_FORMS": 0})
    a.refresh_from_db()
    assert a.parent_id == world.province.pk and a.name == "Xã A sửa"
    # the corrected name is versioned from today; the parent never changed
    assert set(UnitVersion.objects.filter(unit=a).values_list("name", "parent_id")) == {
        ("Xã A", world.province.pk), ("Xã A sửa", world.province.pk)}


def test_a_unit_created_in_the_admin_gets_its_version(world, superuser_client):
    resp = superuser_client.post("/admin/units/unit/add/", {
        "code": "000.35.10.H39", "name": "Xã Mới", "kind": "commune", "parent": world.province.pk, "admin_code": "",
        "established_on": "2025-07-01",
        "staff_roles-TOTAL_FORMS": 0, "staff_roles-INITIAL_FORMS": 0,
        "versions-TOTAL_FORMS": 0, "versions-INITIAL_FORMS": 0})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    u = Unit.objects.get(code="000.35.10.H39")
    v = UnitVersion.objects.get(unit=u)
    assert (v.parent_id, v.path, v.valid_from, v.valid_until) == (world.province.pk, u.path, u.established_on, None)
