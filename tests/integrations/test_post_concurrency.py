"""Concurrency: workers taking tracking codes at the same instant never share one; two requests
ordering the same delivery at once make one order. Real threads, one connection each, real commits."""

from __future__ import annotations

import dataclasses

import pytest

from motcua.dossiers import services as svc
from motcua.integrations.post import jobs, mapping, services
from motcua.integrations.post.models import ItemCode, PostalOrder
from motcua.jobs.models import OutboxMessage
from tests.factories import finished
from tests.test_concurrency import run_together, shared_db  # noqa: F401 - the fixture

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("shared_db")]


def test_simultaneous_workers_take_distinct_codes_and_an_empty_pool_says_so(world):  # noqa: ANN001
    actor = world.actor("counter_a")
    orders = [PostalOrder.objects.create(dossier=svc.intake(actor, world.intake_request()), kind="delivery",
                                         order_number=f"N{i}", created_at="2026-12-01T09:00:00Z") for i in range(9)]
    services.add_codes([mapping.item_code("EB", n) for n in range(1, 9)])
    results = run_together([lambda o=o: services.take_code(o) for o in orders])
    assert all(kind == "ok" for kind, _ in results), results
    codes = [r for _, r in results if r is not None]
    assert len(codes) == len(set(codes)) == 8 and [r for _, r in results].count(None) == 1
    assert services.free_codes() == 0
    for code in codes:
        taken = ItemCode.objects.get(code=code)
        assert PostalOrder.objects.get(pk=taken.order_id).item_code == code


def test_two_requests_ordering_the_same_delivery_make_one_order(world, monkeypatch):  # noqa: ANN001
    req = world.intake_request("a", result_delivery="post")
    req.applicant.address = "1 Lê Lợi"
    d = svc.intake(world.actor("counter_a"), req)
    svc.start(world.actor("counter_a"), d.pk)
    finished(world, d.pk)  # integration off: no order yet
    monkeypatch.setattr(jobs, "SETTINGS", dataclasses.replace(jobs.SETTINGS, url="http://127.0.0.1:9"))
    d.refresh_from_db()
    results = run_together([lambda: services.order_delivery(d).pk] * 4)
    assert all(kind == "ok" for kind, _ in results), results
    assert len({r for _, r in results}) == 1
    assert PostalOrder.objects.count() == 1 and OutboxMessage.objects.filter(destination=jobs.DESTINATION).count() == 1
