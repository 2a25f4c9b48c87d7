"""Zalo ZNS against its simulator server: template messages with their data, token expiry and the
single-use refresh token, quota exceeded, lost replies (duplicate tracking_id), refusals."""

from __future__ import annotations

import time

import pytest

from motcua.dossiers import services as svc
from motcua.jobs.worker import Worker
from motcua.notifications.choices import Status
from motcua.notifications.models import Notification, ProviderToken

from .conftest import drain, received, switch_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def zalo(monkeypatch, zalo_sim):  # noqa: ANN001, ANN201
    switch_on(monkeypatch, zalo_url=zalo_sim.url, default_channels=("zalo",))
    return zalo_sim


def assert_once_each(sim, *dossiers) -> None:  # noqa: ANN001, ANN002
    sent = list(Notification.objects.filter(dossier__in=dossiers).order_by("pk"))
    assert [n.status for n in sent] == [Status.SENT] * len(sent), [(n.status, n.error) for n in sent]
    ids = [m["tracking_id"] for m in sim.state()["messages"]]
    assert len(ids) == len(set(ids)) == len(sent)


def test_template_message_with_its_data(world, zalo):  # noqa: ANN001
    d = received(world, email="")
    drain()
    [m] = zalo.state()["messages"]
    d.refresh_from_db()
    from motcua.notifications.services import local_time

    assert m["phone"] == "84912345678" and m["template_id"] == "310001"
    assert m["template_data"]["code"] == d.code
    assert m["template_data"]["procedure"] == "Thủ tục đăng ký khai sinh"  # ZNS keeps the diacritics
    assert m["template_data"]["appointment"] == local_time(d.appointment_at)
    assert m["template_data"]["link"].endswith(f"/portal/lookup/?code={d.code}")
    n = Notification.objects.get(dossier=d)
    assert n.status == Status.SENT and n.reply["msg_id"].startswith("zns-") and d.code in n.text


def test_expired_token_is_refreshed_once_and_the_new_pair_kept(world, zalo):  # noqa: ANN001
    d1 = received(world, email="")
    drain()
    zalo.faults(expire_tokens=True)
    d2 = received(world, email="")
    drain()
    assert zalo.state()["refreshes"] == 1
    first = ProviderToken.objects.get(provider="zalo")
    zalo.faults(expire_tokens=True)  # again: the rotated refresh token must be the one used
    d3 = received(world, email="")
    drain()
    assert zalo.state()["refreshes"] == 2
    assert ProviderToken.objects.get(provider="zalo").refresh_token != first.refresh_token
    assert_once_each(zalo, d1, d2, d3)


def test_quota_exceeded_waits_then_goes(world, zalo):  # noqa: ANN001
    zalo.faults(quota=1)
    d = received(world, email="")
    svc.start(world.actor("counter_a"), d.pk)
    svc.request_supplement(world.actor("specialist_a"), d.pk, "Thiếu giấy chứng sinh")
    Worker(worker_id="test", once=True, own_connections=False).run()
    first, second = Notification.objects.filter(dossier=d).order_by("pk")
    assert first.status == Status.SENT and second.status == Status.QUEUED and "-144" in second.error
    zalo.faults(quota=None)
    drain()
    assert_once_each(zalo, d)


@pytest.mark.parametrize("faults", [{"drop_reply": 1}, {"drop_reply": 2}, {"http_500": 3}])
def test_failures_nothing_lost_nothing_twice(world, zalo, faults):  # noqa: ANN001
    zalo.faults(**faults)
    a, b = received(world, email=""), received(world, email="", phone="0987654321")
    drain()
    assert_once_each(zalo, a, b)
    assert max(n.attempts for n in Notification.objects.all()) >= 2


def test_slow_zalo_times_out_and_the_retry_is_a_duplicate(world, zalo):  # noqa: ANN001
    zalo.faults(delay=1.5)
    d = received(world, email="")
    Worker(worker_id="test", once=True, own_connections=False).run()
    assert Notification.objects.get(dossier=d).status == Status.QUEUED
    zalo.faults(delay=None)
    drain()
    time.sleep(1.0)  # the first call, still in the simulator, lands late: as a duplicate
    assert_once_each(zalo, d)


def test_no_zalo_account_is_failed_at_once(world, zalo):  # noqa: ANN001
    zalo.faults(unreachable=["0912345678"])
    d = received(world, email="")
    drain()
    n = Notification.objects.get(dossier=d)
    assert n.status == Status.FAILED and "-118" in n.error and n.attempts == 1
    assert zalo.state()["messages"] == []
