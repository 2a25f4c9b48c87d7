"""The fees API under /api/v1/dossiers/{id}/fees: lines, paid, due now and receipts; cash
collected with field errors for bad input (never a 500), idempotent on its key; a citizen sees
only their own dossier's fees."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from motcua.core.models import ApiToken
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.fees.models import FeeReceipt

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world):  # noqa: ANN001, ANN201
    def make(username: str) -> Client:
        return Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(world.users[username], 'test')[1]}")

    return make


def _post(c: Client, d: Dossier, body: object):  # noqa: ANN202
    return c.post(f"/api/v1/dossiers/{d.pk}/fees/cash", data=json.dumps(body), content_type="application/json")


def test_get_and_collect(api, counter):  # noqa: ANN001
    d = counter.received()
    c = api("counter_a")
    r = c.get(f"/api/v1/dossiers/{d.pk}/fees")
    assert r.status_code == 200
    body = r.json()
    assert body["due_now"] == 52000 and body["paid"] == 0 and body["total"] == 67000 and body["receipts"] == []
    assert [(x["basis"], x["collected"], x["total"]) for x in body["lines"]] == [
        ("dossier", 1, 50000), ("page", 1, 2000), ("dossier", 2, 10000), ("copy", 4, 5000)]
    r = _post(c, d, {"amount": 52000, "payer": "Trần Thị Bình", "key": "abc"})
    assert r.status_code == 201, r.content
    assert r.json()["number"] == "0000001/2025" and r.json()["amount"] == 52000
    again = _post(c, d, {"amount": 52000, "payer": "Trần Thị Bình", "key": "abc"})
    assert again.status_code == 201 and again.json()["id"] == r.json()["id"]
    assert FeeReceipt.objects.count() == 1
    body = c.get(f"/api/v1/dossiers/{d.pk}/fees").json()
    assert body["paid"] == 52000 and body["due_now"] == 0 and body["receipts"][0]["number"] == "0000001/2025"


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"amount": -1}, 422, "amount"), ({"amount": 0}, 422, "amount"), ({"amount": "abc"}, 422, "amount"),
    ({"amount": 1.5}, 422, "amount"), ({"amount": 60000}, 422, "amount"), ({"amount": 10**30}, 422, "amount"),
    ({}, 422, "amount"), ({"amount": 1000, "method": "online"}, 422, "method"),
    ({"amount": 1000, "method": "bitcoin"}, 422, "method"), ({"amount": 1000, "version": 999}, 409, "version"),
    ("not an object", 422, None),
])
def test_bad_input_is_a_4xx_with_field_errors_and_changes_nothing(api, counter, body, status, field):  # noqa: ANN001
    d = counter.received()
    before = DossierEvent.objects.count()
    r = _post(api("counter_a"), d, body)
    assert r.status_code == status, r.content
    err = r.json()["error"]
    if field:
        assert field in err["fields"], err
    assert DossierEvent.objects.count() == before and not FeeReceipt.objects.exists()
    assert Dossier.objects.get(pk=d.pk).fees_paid == 0


def test_malformed_json_is_a_400(api, counter):  # noqa: ANN001
    d = counter.received()
    r = api("counter_a").post(f"/api/v1/dossiers/{d.pk}/fees/cash", data="{", content_type="application/json")
    assert 400 <= r.status_code < 500


def test_who_may_see_and_collect(api, counter, world):  # noqa: ANN001
    d = counter.received()
    assert api("counter_b").get(f"/api/v1/dossiers/{d.pk}/fees").status_code == 404  # another commune
    assert _post(api("specialist_a"), d, {"amount": 1000}).status_code == 403
    assert Client().get(f"/api/v1/dossiers/{d.pk}/fees").status_code == 401
    mine = counter.received(owner_id=world.users["citizen"].pk)
    assert api("citizen").get(f"/api/v1/dossiers/{mine.pk}/fees").status_code == 200
    assert api("citizen2").get(f"/api/v1/dossiers/{mine.pk}/fees").status_code == 404
    assert _post(api("citizen"), mine, {"amount": 1000}).status_code == 403  # citizens pay online
