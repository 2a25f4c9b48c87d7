"""End to end over real HTTP: a running server, an external system with a bearer token (httpx),
a file upload, the lifecycle, and the public lookup."""

from __future__ import annotations

import httpx
import pytest
from django.test import Client

from motcua.core.models import ApiToken
from motcua.dossiers.models import Dossier
from tests.factories import PDF

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def http(live_server):  # noqa: ANN001, ANN201
    with httpx.Client(base_url=f"{live_server.url}/api/v1", timeout=30) as c:
        yield c


def bearer(world, username: str) -> dict[str, str]:  # noqa: ANN001
    return {"Authorization": f"Bearer {ApiToken.issue(world.users[username], 'he-thong-ngoai')[1]}"}


def test_intake_act_and_look_up_over_http(world, api, http):
    counter, specialist, leader = (bearer(world, u) for u in ("counter_a", "specialist_a", "leader_a"))
    r = http.post("/dossiers", json=api.payload(), headers=counter)
    assert r.status_code == 201, r.text
    d = r.json()
    assert d["status"] == 2 and d["version"] == 1

    r = http.post(f"/dossiers/{d['id']}/files", headers=counter, data={"kind": "component"},
                  files={"file": ("to-khai.pdf", PDF, "application/pdf")})
    assert r.status_code == 201, r.text
    file_id = r.json()["id"]
    r = http.post(f"/dossiers/{d['id']}/files", headers=counter,
                  files={"file": ("virus.pdf", b"MZ\x90\x00" + b"\x00" * 60, "application/pdf")})
    assert r.status_code == 422 and r.json()["error"]["fields"]["file"]

    def act(headers: dict[str, str], action: str, body: dict, status: int = 200) -> dict:
        r = http.post(f"/dossiers/{d['id']}/{action}", json=body, headers=headers)
        assert r.status_code == status, (action, r.text)
        return r.json()

    # the internal process: reception (counter) -> appraisal (specialist) -> approval (leader)
    act(counter, "start", {"version": 1})
    act(specialist, "forward", {"version": 2})  # out of the counter's reception step
    act(specialist, "claim", {"version": 3})  # the specialist takes the appraisal step
    err = act(leader, "finish", {"version": 4}, status=409)["error"]  # not through the process yet
    assert err["code"] == "step_refused" and err["fields"] == {"step": "steps_remaining"}
    r = http.post(f"/dossiers/{d['id']}/files", headers=specialist, data={"kind": "result"},
                  files={"file": ("ket-qua.pdf", PDF, "application/pdf")})
    assert r.status_code == 201, r.text
    result_id = r.json()["id"]
    act(specialist, "forward", {"version": 4})  # to the leader's approval step
    r = http.post(f"/dossiers/{d['id']}/approve", json={"version": 5, "note": "Đồng ý"}, headers=leader)
    assert r.status_code == 201, r.text
    assert r.json()["document_id"] == result_id
    done = act(leader, "finish", {"version": 6, "attachments": [file_id, result_id]})
    assert done["status"] == 9
    returned = act(counter, "return", {"version": 7, "note": "Đã trả tại quầy"})
    assert returned["status"] == 10 and returned["version"] == 8

    r = http.post(f"/dossiers/{d['id']}/return", json={}, headers=counter)
    assert r.status_code == 409 and r.json()["error"]["code"] == "illegal_transition"

    events = http.get(f"/dossiers/{d['id']}/events", headers=specialist).json()
    assert [e["action"] for e in events] == ["intake", "start", "forward", "forward", "forward", "approve",
                                             "finish", "return"]

    r = httpx.get(f"{http.base_url}lookup/{d['code']}")  # no credentials at all
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == 10 and body["applicant"] == "N***** V** An"
    for secret in ("068123456789", "0912345678", "Nguyễn", "Trần Phú"):
        assert secret not in r.text


def test_tokens_are_checked_over_http(world, api, http):
    r = http.get("/dossiers")
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    r = http.get("/dossiers", headers={"Authorization": "Bearer mc_forged"})
    assert r.status_code == 401
    headers = bearer(world, "counter_b")
    ApiToken.objects.update(revoked=True)
    assert http.get("/dossiers", headers=headers).status_code == 401
    headers = bearer(world, "counter_a")
    assert http.get("/dossiers", headers=headers).status_code == 200
    assert http.post("/dossiers", content=b"{oops", headers={**headers, "Content-Type": "application/json"}
                     ).status_code == 400
    assert Dossier.objects.count() == 0


def test_session_cookie_needs_csrf_for_writes(world, api, http):
    c = Client()
    c.force_login(world.users["counter_a"])
    http.cookies.set("sessionid", c.cookies["sessionid"].value)
    assert http.get("/dossiers").status_code == 200
    r = http.post("/dossiers", json=api.payload())
    assert r.status_code == 403, r.text
    assert r.json()["error"]["code"]
    assert Dossier.objects.count() == 0


def test_openapi_and_docs_over_http(http):
    assert "/api/v1/dossiers" in http.get("/openapi.json").json()["paths"]
    html = http.get("/docs").text.lower()
    assert "cdn." not in html and "jsdelivr" not in html and "unpkg" not in html
