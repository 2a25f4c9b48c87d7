"""Dossier API happy paths over HTTP, authentication, and scoping of what each user sees."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.core.models import ApiToken
from motcua.dossiers.models import Dossier, DossierEvent, DossierFile
from tests.api.conftest import API
from tests.factories import PDF


def ts(value: str | None) -> str | None:
    """An API datetime as ISO in UTC, for comparison."""
    return None if value is None else datetime.fromisoformat(value).isoformat()


# ---- intake ---------------------------------------------------------------------------------

def test_counter_intake_is_received_with_code_and_due_time(api, world, clock):
    clock.set("2026-03-10 09:00")  # Tuesday
    d = api.intake("counter_a")
    assert d["status"] == 2 and d["channel"] == 1
    assert d["code"] == "000.31.90.H39-260310-0001"
    assert re.fullmatch(r"[0-9A-Z.]+-\d{6}-\d{4}", d["code"])
    assert ts(d["received_at"]) == "2026-03-10T02:00:00+00:00"
    assert ts(d["due_at"]) == "2026-03-11T02:00:00+00:00"  # Wed 09:00 local, one working day
    assert d["procedure_code"] == "1.001193" and d["procedure_name"] == "Thủ tục đăng ký khai sinh"
    assert d["receiving_unit_code"] == "000.31.90.H39" and d["handling_unit_code"] == "000.31.10.H39"
    assert d["applicant_name"] == "Nguyễn Văn An" and d["version"] == 1 and d["verdict"] == ""
    row = Dossier.objects.get(pk=d["id"])
    assert row.owner_id is None and row.applicant_id_number == "068123456789"
    assert row.components.count() == 2
    assert api.intake("counter_a")["code"] == "000.31.90.H39-260310-0002"


def test_citizen_submits_online_and_counter_receives(api, world, clock):
    clock.set("2026-03-10 09:00")
    d = api.intake("citizen", channel=2)  # the required components: the counter accepts a complete dossier
    assert d["status"] == 1 and d["received_at"] is None and d["due_at"] is None
    assert Dossier.objects.get(pk=d["id"]).owner_id == world.users["citizen"].pk
    clock.set("2026-03-10 14:00")
    r = api.act("counter_a", d["id"], "receive", version=1, note="Đủ thành phần")
    assert r["status"] == 2 and r["version"] == 2
    assert ts(r["received_at"]) == "2026-03-10T07:00:00+00:00"
    assert ts(r["due_at"]) == "2026-03-11T07:00:00+00:00"  # 8 working hours later


def test_token_client_can_intake(api, token_client):
    c = token_client("counter_p")
    body = api.payload(procedure_code="2.000815", receiving_unit_code=world_code("centre"),
                       handling_unit_code=world_code("department"),
                       components=[{"name": "Bản chính giấy tờ", "originals": 1, "copies": 1}])
    body["components"] = [{"component_id": _component_id("2.000815"), "originals": 1, "copies": 1}]
    r = api.post(c, "/dossiers", body)
    assert r.status_code == 201, r.content
    assert r.json()["status"] == 2 and r.json()["fees_due"] == 2000


def world_code(which: str) -> str:
    return {"centre": "000.00.10.H39", "department": "000.00.11.H39"}[which]


def _component_id(proc: str) -> int:
    from motcua.catalog.models import Component, Procedure
    from motcua.catalog.services import version_in_force
    from motcua.core import clock

    v = version_in_force(Procedure.objects.get(code=proc), clock.local_date(clock.now()))
    return Component.objects.filter(version=v, required=True).values_list("pk", flat=True).first()


# ---- reading --------------------------------------------------------------------------------

def test_list_with_keyset_paging_and_filters(api, client_of, clock):
    clock.set("2026-03-10 09:00")
    ids = [api.intake("counter_a")["id"] for _ in range(5)]
    online = api.intake("citizen", channel=2, components=[])["id"]
    c = client_of("counter_a")
    seen, after, pages = [], None, 0
    while True:
        params = {"limit": 2, **({"after": after} if after else {})}
        r = api.get(c, "/dossiers", **params)
        assert r.status_code == 200
        page = r.json()
        seen += [d["id"] for d in page["items"]]
        pages += 1
        after = page["next_after"]
        if after is None:
            break
        assert after == page["items"][-1]["id"]
    assert pages == 3
    assert seen == sorted([*ids, online], reverse=True)
    assert [d["id"] for d in api.get(c, "/dossiers", status=1).json()["items"]] == [online]
    assert [d["id"] for d in api.get(c, "/dossiers", channel=2).json()["items"]] == [online]
    assert len(api.get(c, "/dossiers", procedure="1.001193").json()["items"]) == 6
    assert api.get(c, "/dossiers", procedure="2.000815").json()["items"] == []
    due_before = api.get(c, "/dossiers", due_before="2026-03-12T00:00:00+07:00").json()["items"]
    assert sorted(d["id"] for d in due_before) == ids


def test_detail_events_and_verdict(api, client_of, clock):
    clock.set("2026-03-10 09:00")
    d = api.intake("counter_a")
    c = client_of("specialist_a")
    r = api.get(c, f"/dossiers/{d['id']}")
    assert r.status_code == 200 and {**r.json(), "national_portal_sync": None} == d
    assert r.json()["national_portal_sync"]["state"] == "off"  # the integration is off in tests
    evs = api.get(c, f"/dossiers/{d['id']}/events").json()
    assert [(e["seq"], e["action"], e["from_status"], e["to_status"], e["role"]) for e in evs] == [
        (1, "intake", None, 2, "counter_officer")]
    assert evs[0]["data"] == {"code": d["code"]}
    clock.set("2026-03-10 15:00")
    v = api.get(c, f"/dossiers/{d['id']}/verdict").json()
    assert v["code"] == d["code"] and v["category"] == "in_progress_on_time"
    assert v["label"] == "Đang xử lý trong hạn"
    assert ts(v["due_at"]) == "2026-03-11T02:00:00+00:00"
    texts = [line["text"] for line in v["explanation"]]
    assert any(t.startswith("Tiếp nhận lúc 09:00 10/03/2026") for t in texts), texts
    assert any("Thời hạn giải quyết theo quy định: 1 ngày làm việc" in t for t in texts), texts
    assert any(t.startswith("Hạn giải quyết: 09:00 11/03/2026") for t in texts), texts
    assert all(set(line) == {"fact", "text", "values"} for line in v["explanation"])
    # as_of in the past of the due time, and after it
    late = api.get(c, f"/dossiers/{d['id']}/verdict", as_of="2026-03-12T09:00:00+07:00").json()
    assert late["category"] == "in_progress_late" and late["late_hours"] > 0
    assert any(line["text"].startswith("Kết luận: Đang xử lý quá hạn") for line in late["explanation"])


# ---- every operation --------------------------------------------------------------------------

def test_full_lifecycle_through_every_processing_endpoint(api, world, client_of, clock):
    clock.set("2026-03-10 08:00")
    d = api.intake("counter_a")
    i = d["id"]
    d = api.act("counter_a", i, "start", version=1, holder_id=world.users["counter_a"].pk, note="Chuyển xử lý")
    assert (d["status"], d["current_step"], d["holder_id"]) == (4, "Tiếp nhận", world.users["counter_a"].pk)
    assert ts(d["step_due_at"]) == "2026-03-10T02:00:00+00:00"  # 1 hour quota
    d = api.act("specialist_a", i, "forward", version=2, holder_id=world.users["specialist_a"].pk)
    assert (d["status"], d["current_step"]) == (4, "Thẩm định")
    clock.set("2026-03-10 10:00")
    d = api.act("specialist_a", i, "request-supplement", version=3, reason="Thiếu giấy chứng sinh",
                items=["Giấy chứng sinh"])
    assert d["status"] == 5
    clock.set("2026-03-12 10:00")
    d = api.act("counter_a", i, "supplement", version=4, note="Đã nhận bổ sung")
    assert d["status"] == 4
    # two working hours used before the pause; six remain from Thu 10:00 (office hours 07:30-11:30,
    # 13:00-17:00): 1.5 + 4 on Thursday, 0.5 on Friday -> Fri 08:00 local
    assert ts(d["due_at"]) == "2026-03-13T01:00:00+00:00"
    d = api.act("specialist_a", i, "request-payment", version=5, amount=150_000, reason="Lệ phí trích lục")
    assert (d["status"], d["fees_due"]) == (6, 150_000)
    d = api.act("counter_a", i, "payment", version=6, amount=150_000, reference="BL-0001")
    assert (d["status"], d["fees_paid"]) == (4, 150_000)
    d = api.act("leader_a", i, "forward", version=7, to_step=3)
    assert d["current_step"] == "Phê duyệt"
    d = api.act("leader_a", i, "forward", version=8, to_step=2, note="Trả lại thẩm định")
    assert d["current_step"] == "Thẩm định"
    d = api.act("specialist_a", i, "extend", version=9, reason="Cần xác minh thêm",
                new_appointment="2026-03-16T16:00:00+07:00")
    assert ts(d["appointment_at"]) == "2026-03-16T09:00:00+00:00"
    f = upload(client_of("specialist_a"), i, "ket-qua.pdf", PDF, kind="result")
    assert f.status_code == 201
    fid = f.json()["id"]
    d = api.act("specialist_a", i, "forward", version=10, note="Trình lãnh đạo")  # -> 3, the approval step
    r = api.post(client_of("leader_a"), f"/dossiers/{i}/approve", {"version": 11, "document_id": fid})
    assert r.status_code == 201, r.content
    clock.set("2026-03-13 09:00")
    d = api.act("leader_a", i, "finish", version=12, note="Đã ký", attachments=[fid])
    assert (d["status"], d["current_step"], d["holder_id"]) == (9, None, None)
    assert d["verdict"] in ("early", "on_time", "late") and d["ended_at"] is not None
    d = api.act("counter_a", i, "return", version=13, note="Đã trả")
    assert d["status"] == 10 and d["returned_at"] is not None and d["version"] == 14
    evs = api.get(client_of("counter_a"), f"/dossiers/{i}/events").json()
    assert [e["action"] for e in evs] == [
        "intake", "start", "forward", "request_supplement", "supplement", "request_payment", "payment",
        "forward", "forward", "extend", "forward", "approve", "finish", "return"]
    assert [e["seq"] for e in evs] == list(range(1, 15))
    assert evs[12]["attachments"] == [fid]
    assert evs[3]["data"]["items"] == ["Giấy chứng sinh"] and evs[3]["note"] == "Thiếu giấy chứng sinh"
    v = api.get(client_of("counter_a"), f"/dossiers/{i}/verdict").json()
    assert any("Có văn bản xin lỗi, hẹn lại" in line["text"] for line in v["explanation"])
    assert any("Tạm dừng tính thời gian chờ bổ sung" in line["text"] for line in v["explanation"])


def test_refuse_an_online_dossier(api):
    d = api.intake("citizen", channel=2, components=[])
    r = api.act("counter_a", d["id"], "refuse", reason="Ảnh chụp không đọc được", version=1)
    assert r["status"] == 3 and r["ended_at"] is not None


def test_request_supplement_before_receipt_and_supplement(api):
    d = api.intake("citizen", channel=2, components=[])
    r = api.act("counter_a", d["id"], "request-supplement", reason="Thiếu tờ khai")
    assert r["status"] == 5
    r = api.act("citizen", d["id"], "supplement", note="Đã nộp bổ sung")
    assert r["status"] == 1  # back to where it was: not yet received


def test_withdraw_by_counter_and_by_owner(api):
    d = api.intake("counter_a")
    assert api.act("counter_a", d["id"], "withdraw", reason="Công dân xin rút")["status"] == 7
    own = api.intake("citizen", channel=2, components=[])
    assert api.act("citizen", own["id"], "withdraw", reason="Tôi nộp nhầm")["status"] == 7


def test_stop_by_leader(api):
    d = api.intake("counter_a")
    api.act("counter_a", d["id"], "start")
    r = api.act("leader_a", d["id"], "stop", reason="Hồ sơ giả mạo giấy tờ")
    assert r["status"] == 8 and r["ended_at"] is not None


# ---- files ----------------------------------------------------------------------------------

def upload(client, dossier_id: int, name: str, content: bytes, kind: str = "component",  # noqa: ANN001, ANN201
           content_type: str = "application/pdf", **extra):
    data = {"file": SimpleUploadedFile(name, content, content_type=content_type), "kind": kind, **extra}
    return client.post(f"{API}/dossiers/{dossier_id}/files", data)


def test_upload_a_pdf(api, client_of, media):
    d = api.intake("counter_a")
    comp = Dossier.objects.get(pk=d["id"]).components.first()
    r = upload(client_of("counter_a"), d["id"], "To khai.pdf", PDF, component_id=comp.pk)
    assert r.status_code == 201, r.content
    f = r.json()
    assert f == {"id": f["id"], "name": "To khai.pdf", "kind": "component", "content_type": "application/pdf",
                 "size": len(PDF), "sha256": hashlib.sha256(PDF).hexdigest()}
    row = DossierFile.objects.get(pk=f["id"])
    assert row.component_id == comp.pk and row.dossier_id == d["id"]
    assert (media / row.storage_key).read_bytes() == PDF


def test_owner_uploads_to_own_dossier_and_type_ignores_client_header(api, client_of):
    d = api.intake("citizen", channel=2, components=[])
    r = upload(client_of("citizen"), d["id"], "scan.pdf", PDF, kind="attachment", content_type="image/png")
    assert r.status_code == 201, r.content
    assert r.json()["content_type"] == "application/pdf"  # detected from the bytes


def test_upload_size_limit(api, client_of, monkeypatch):
    import dataclasses

    from motcua.dossiers import storage

    monkeypatch.setattr(storage, "CONFIG", dataclasses.replace(storage.CONFIG, max_upload_bytes=len(PDF)))
    d = api.intake("counter_a")
    assert upload(client_of("counter_a"), d["id"], "ok.pdf", PDF).status_code == 201
    with api.unchanged():
        r = upload(client_of("counter_a"), d["id"], "big.pdf", PDF + b"x")
    api.error(r, 422, "validation_error", ("file",))


def test_monitor_may_not_upload(api, client_of, media):
    d = api.dossier_at(2)
    with api.unchanged(media):
        r = upload(client_of("monitor"), d.pk, "x.pdf", PDF)
    api.error(r, 403, "forbidden")


def test_applicant_may_not_upload_a_result(api, client_of, media):
    d = api.intake("citizen", channel=2, components=[])
    with api.unchanged(media):
        r = upload(client_of("citizen"), d["id"], "ket-qua.pdf", PDF, kind="result")
    api.error(r, 403, "forbidden")


# ---- authentication -------------------------------------------------------------------------

PROTECTED = [
    ("get", "/dossiers"), ("post", "/dossiers"), ("get", "/dossiers/{id}"), ("get", "/dossiers/{id}/events"),
    ("get", "/dossiers/{id}/verdict"), ("post", "/dossiers/{id}/receive"), ("post", "/dossiers/{id}/refuse"),
    ("post", "/dossiers/{id}/start"), ("post", "/dossiers/{id}/forward"),
    ("post", "/dossiers/{id}/request-supplement"), ("post", "/dossiers/{id}/supplement"),
    ("post", "/dossiers/{id}/request-payment"), ("post", "/dossiers/{id}/payment"),
    ("post", "/dossiers/{id}/extend"), ("post", "/dossiers/{id}/withdraw"), ("post", "/dossiers/{id}/stop"),
    ("post", "/dossiers/{id}/finish"), ("post", "/dossiers/{id}/return"), ("post", "/dossiers/{id}/files"),
    ("get", "/catalog/export"), ("post", "/catalog/import"), ("post", "/calendars/68/overrides"),
]


@pytest.mark.parametrize(("method", "path"), PROTECTED)
@pytest.mark.parametrize("auth", ["anonymous", "bad_token", "revoked_token", "expired_token", "inactive_user"])
def test_protected_endpoints_need_authentication(api, world, anon, token_of, method, path, auth):
    from django.test import Client
    from django.utils import timezone

    d = api.dossier_at(1)
    headers = {}
    if auth == "bad_token":
        headers["HTTP_AUTHORIZATION"] = "Bearer mc_not-a-real-token"
    elif auth != "anonymous":
        raw = token_of("admin")
        tok = ApiToken.objects.get(prefix=raw[:8])
        if auth == "revoked_token":
            tok.revoked = True
            tok.save()
        elif auth == "expired_token":
            tok.expires_at = timezone.now()
            tok.save()
        else:
            world.users["admin"].is_active = False
            world.users["admin"].save()
        headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    c = Client(**headers) if headers else anon
    url = API + path.format(id=d.pk)
    with api.unchanged():
        r = c.get(url) if method == "get" else c.post(url, data="{}", content_type="application/json")
    api.error(r, 401, "unauthorized")


def test_valid_token_authenticates(api, token_client):
    d = api.dossier_at(2)
    r = api.get(token_client("monitor"), f"/dossiers/{d.pk}")
    assert r.status_code == 200 and r.json()["code"] == d.code


def test_malformed_authorization_header_is_401(api):
    from django.test import Client

    for header in ("Bearer", "Basic dXNlcjpwYXNz", "Bearer  ", "mc_abc"):
        api.error(api.get(Client(HTTP_AUTHORIZATION=header), "/dossiers"), 401, "unauthorized")


# ---- scoping --------------------------------------------------------------------------------

ACTIONS = ["receive", "refuse", "start", "forward", "request-supplement", "supplement", "request-payment",
           "payment", "extend", "withdraw", "stop", "finish", "return"]
BODY = {"reason": "Lý do", "amount": 1000, "new_appointment": "2030-01-01T09:00:00+07:00"}


def test_other_commune_sees_and_touches_nothing(api, client_of, media):
    a = api.dossier_at(4)
    c = client_of("counter_b")
    assert a.pk not in [d["id"] for d in api.get(c, "/dossiers").json()["items"]]
    for user in ("counter_b", "specialist_b", "leader_b"):
        cb = client_of(user)
        for path in ("", "/events", "/verdict"):
            api.error(api.get(cb, f"/dossiers/{a.pk}{path}"), 404, "not_found")
        for action in ACTIONS:
            with api.unchanged(media):
                r = api.post(cb, f"/dossiers/{a.pk}/{action}", BODY)
            api.error(r, 404, "not_found")
        with api.unchanged(media):
            api.error(upload(cb, a.pk, "x.pdf", PDF), 404, "not_found")
    # and counter_b cannot register into commune a's centre
    with api.unchanged():
        r = api.post(c, "/dossiers", api.payload("a"))
    api.error(r, 403, "forbidden")


def test_citizens_see_only_their_own(api, client_of):
    own = api.intake("citizen", channel=2, components=[])
    other = api.intake("citizen2", channel=2, components=[])
    counter = api.dossier_at(2)
    c1, c2 = client_of("citizen"), client_of("citizen2")
    assert [d["id"] for d in api.get(c1, "/dossiers").json()["items"]] == [own["id"]]
    assert [d["id"] for d in api.get(c2, "/dossiers").json()["items"]] == [other["id"]]
    for path in ("", "/events", "/verdict"):
        assert api.get(c1, f"/dossiers/{own['id']}{path}").status_code == 200
        api.error(api.get(c2, f"/dossiers/{own['id']}{path}"), 404, "not_found")
        api.error(api.get(c1, f"/dossiers/{counter.pk}{path}"), 404, "not_found")
    with api.unchanged():
        api.error(api.post(c2, f"/dossiers/{own['id']}/withdraw", {"reason": "x"}), 404, "not_found")
        api.error(upload(c2, own["id"], "x.pdf", PDF), 404, "not_found")


def test_citizen_may_not_take_staff_actions_on_own_dossier(api, client_of):
    own = api.intake("citizen", channel=2, components=[])
    for action in ("receive", "refuse", "start", "request-supplement", "stop"):
        with api.unchanged():
            r = api.post(client_of("citizen"), f"/dossiers/{own['id']}/{action}", BODY)
        api.error(r, 403, "forbidden")


def test_citizen_may_not_intake_at_the_counter(api, client_of):
    with api.unchanged():
        r = api.post(client_of("citizen"), "/dossiers", api.payload(channel=1))
    api.error(r, 403, "forbidden")


def test_specialist_may_not_receive(api, client_of):
    d = api.dossier_at(1)
    with api.unchanged():
        r = api.post(client_of("specialist_a"), f"/dossiers/{d.pk}/receive", {})
    api.error(r, 403, "forbidden")
    with api.unchanged():
        r = api.post(client_of("specialist_a"), "/dossiers", api.payload())
    api.error(r, 403, "forbidden")


def test_monitor_sees_the_whole_province_but_cannot_act(api, client_of):
    a, b = api.dossier_at(2, "a"), api.dossier_at(2, "b")
    c = client_of("monitor")
    assert {d["id"] for d in api.get(c, "/dossiers").json()["items"]} == {a.pk, b.pk}
    assert api.get(c, f"/dossiers/{b.pk}/events").status_code == 200
    with api.unchanged():
        r = api.post(c, f"/dossiers/{a.pk}/start", {})
    api.error(r, 403, "forbidden")


def test_stale_version_conflict_between_two_officers(api, client_of):
    d = api.intake("counter_a")
    assert api.act("counter_a", d["id"], "start", version=1)["version"] == 2
    events = DossierEvent.objects.count()
    with api.unchanged():
        r = api.post(client_of("leader_a"), f"/dossiers/{d['id']}/stop", {"reason": "Giả mạo", "version": 1})
    err = api.error(r, 409, "conflict", ("version",))
    assert "2" in err["fields"]["version"]
    assert DossierEvent.objects.count() == events


# ---- OpenAPI --------------------------------------------------------------------------------

def test_openapi_lists_the_dossier_paths(anon):
    r = anon.get(f"{API}/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    assert doc["openapi"].startswith("3.")
    paths = doc["paths"]
    for p in ["/api/v1/dossiers", "/api/v1/dossiers/{dossier_id}", "/api/v1/dossiers/{dossier_id}/events",
              "/api/v1/dossiers/{dossier_id}/verdict", "/api/v1/dossiers/{dossier_id}/files",
              "/api/v1/lookup/{code}", "/api/v1/catalog/procedures", "/api/v1/units",
              *(f"/api/v1/dossiers/{{dossier_id}}/{a}" for a in ACTIONS)]:
        assert p in paths, p
    assert "post" in paths["/api/v1/dossiers"] and "get" in paths["/api/v1/dossiers"]


def test_docs_page_uses_no_cdn(anon):
    r = anon.get(f"{API}/docs")
    assert r.status_code == 200
    html = r.content.decode().lower()
    assert "openapi.json" in html
    for needle in ("cdn.", "jsdelivr", "unpkg", "cdnjs", "googleapis"):
        assert needle not in html, needle


# ---- the internal process through the API ------------------------------------------------------

def test_process_rules_and_step_holders_through_the_api(api, world, clock):
    from motcua.dossiers import services as svc
    from motcua.units.choices import Role
    from tests.factories import _user, attach_result

    clock.set("2026-03-10 09:00")
    d = api.dossier_at(4)
    api.act("specialist_a", d.pk, "forward")  # -> 2 Thẩm định
    r = api.post(api.client_of("specialist_a"), f"/dossiers/{d.pk}/finish", {})
    assert r.status_code == 409, r.content
    err = r.json()["error"]
    assert err["code"] == "step_refused" and err["fields"] == {"step": "steps_remaining"}
    r = api.post(api.client_of("leader_a"), f"/dossiers/{d.pk}/approve", {})
    assert r.status_code == 409 and r.json()["error"]["fields"] == {"step": "not_approval_step"}
    body = api.act("specialist_a", d.pk, "claim", note="Tôi xử lý")
    assert body["holder_id"] == world.users["specialist_a"].pk and body["current_step"] == "Thẩm định"
    r = api.post(api.client_of("leader_a"), f"/dossiers/{d.pk}/claim", {})
    assert r.status_code == 409 and r.json()["error"]["fields"] == {"step": "already_held"}
    me, counter = world.users["specialist_a"].pk, world.users["counter_a"].pk
    r = api.post(api.client_of("specialist_a"), f"/dossiers/{d.pk}/assign", {"holder_id": me})
    assert r.status_code == 403 and r.json()["error"]["fields"] == {"step": "not_leader"}
    r = api.post(api.client_of("specialist_a"), f"/dossiers/{d.pk}/hand-over", {"holder_id": counter})
    assert r.status_code == 422 and "holder_id" in r.json()["error"]["fields"]
    colleague = _user("specialist_a2", world.communes["a"], Role.SPECIALIST)
    body = api.act("leader_a", d.pk, "assign", holder_id=colleague.pk)
    assert body["holder_id"] == colleague.pk
    api.client_of = _client_for(world, colleague, api.client_of)
    api.act("specialist_a2", d.pk, "hand-over", holder_id=me)
    api.act("specialist_a", d.pk, "forward")  # -> 3 Phê duyệt
    svc.approve(world.actor("leader_a"), d.pk)  # (the approve endpoint: tests/test_approval.py)
    r = api.post(api.client_of("leader_a"), f"/dossiers/{d.pk}/finish", {})
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"result": "result_missing"}
    attach_result(world, d.pk)
    assert api.act("leader_a", d.pk, "finish")["status"] == 9


def _client_for(world, user, client_of):  # noqa: ANN001, ANN202
    """``client_of`` that also signs in ``user`` (a colleague made in the test)."""
    from django.test import Client

    extra = Client()
    extra.force_login(user)
    return lambda username: extra if username == user.username else client_of(username)
