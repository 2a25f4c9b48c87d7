"""Public lookup by dossier code: no sign-in, status and due time, the applicant's name masked,
and nothing else about the person."""

from __future__ import annotations

import pytest

from tests.api.conftest import API
from tests.factories import through_process

PERSON = {
    "name": "Nguyễn Văn An", "type": 0, "id_number": "068123456789", "phone": "0912345678",
    "email": "an.nguyen@example.vn", "address": "12 Đường Trần Phú, Phường 1",
}
SECRETS = ["068123456789", "0912345678", "912345678", "an.nguyen", "example.vn", "Trần Phú", "Đường",
           "Nguyễn", "Văn An", "Nguyen", "Ngọc Lan", "079987654321", "0987654321", "Đăng ký khai sinh cho con"]
KEYS = {"code", "procedure_name", "status", "status_label", "applicant", "received_at", "due_at", "appointment_at",
        "returned_at"}


def _intake(api, clock) -> dict:  # noqa: ANN001
    clock.set("2026-03-10 09:00")
    return api.intake("counter_a", applicant=PERSON, representative_name="Trần Thị Ngọc Lan",
                      representative_id_number="079987654321", representative_phone="0987654321",
                      representative_relationship="authorized")  # required with a representative (issue 14)


def test_anonymous_lookup_shows_status_due_time_and_masked_name(api, anon, clock):
    d = _intake(api, clock)
    r = anon.get(f"{API}/lookup/{d['code']}")
    assert r.status_code == 200
    body = r.json()
    assert set(body) == KEYS
    assert body["code"] == d["code"] and body["status"] == 2 and body["status_label"] == "Đã tiếp nhận"
    assert body["applicant"] == "N***** V** An"  # every word but the given name keeps only its initial
    assert body["procedure_name"] == "Thủ tục đăng ký khai sinh"
    assert body["due_at"].startswith("2026-03-11T02:00:00") and body["returned_at"] is None
    text = r.content.decode()
    for secret in SECRETS:
        assert secret not in text, secret
    assert str(d["id"]) not in body.values()


def test_mask_style(api, anon, clock):
    clock.set("2026-03-10 09:00")
    for name, masked in [("Nguyễn Văn An", "N***** V** An"), ("Lê Thị Bích Ngọc", "L* T** B*** Ngọc"),
                         ("An", "A*"), ("  Phạm   Hùng  ", "P*** Hùng")]:
        d = api.intake("counter_a", applicant={**PERSON, "name": name})
        assert anon.get(f"{API}/lookup/{d['code']}").json()["applicant"] == masked


def test_lookup_follows_the_dossier_to_its_return(api, anon, clock, world):
    d = _intake(api, clock)
    api.act("counter_a", d["id"], "start")
    assert anon.get(f"{API}/lookup/{d['code']}").json()["status"] == 4
    through_process(world, d["id"])  # every step passed, the result attached and approved
    for action, who in (("finish", "leader_a"), ("return", "counter_a")):
        api.act(who, d["id"], action)
    body = anon.get(f"{API}/lookup/{d['code']}").json()
    assert body["status"] == 10 and body["status_label"] == "Đã trả kết quả" and body["returned_at"]
    text = anon.get(f"{API}/lookup/{d['code']}").content.decode()
    for secret in SECRETS:
        assert secret not in text, secret


def test_online_submission_is_found_before_receipt(api, anon, clock):
    clock.set("2026-03-10 09:00")
    d = api.intake("citizen", channel=2, components=[], applicant=PERSON)
    body = anon.get(f"{API}/lookup/{d['code']}").json()
    assert body["status"] == 1 and body["received_at"] is None and body["due_at"] is None
    assert body["applicant"] == "N***** V** An"


@pytest.mark.parametrize("who", ["counter_b", "citizen2", "monitor"])
def test_signed_in_users_get_the_same_public_view(api, client_of, who, clock):
    d = _intake(api, clock)
    r = client_of(who).get(f"{API}/lookup/{d['code']}")
    assert r.status_code == 200 and set(r.json()) == KEYS
    assert "068123456789" not in r.content.decode()


def test_lookup_with_a_bad_token_still_works(api, clock):
    from django.test import Client

    d = _intake(api, clock)
    r = Client(HTTP_AUTHORIZATION="Bearer nonsense").get(f"{API}/lookup/{d['code']}")
    assert r.status_code == 200


def test_unknown_code_is_404_and_reveals_nothing(api, anon, clock):
    d = _intake(api, clock)
    for code in (d["code"][:-1] + "9", d["code"] + "-KQ1"):
        r = anon.get(f"{API}/lookup/{code}")
        err = api.error(r, 404, "not_found")
        assert err["fields"] == {}
        assert "Nguyễn" not in r.content.decode()
    r = anon.get(f"{API}/lookup/0")  # cannot be a code: a field error, and still nothing revealed
    assert api.error(r, 422, "validation_error")["fields"] == {"code": "malformed"}


def test_a_code_typed_in_lower_case_is_found(api, anon, clock):
    d = _intake(api, clock)
    assert anon.get(f"{API}/lookup/{d['code'].lower()}").json()["code"] == d["code"]
