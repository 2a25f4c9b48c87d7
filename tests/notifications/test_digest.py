"""The staff's daily digest: each member's overdue and approaching dossiers as their queues show
them, once a day, sent in batches through the SMTP server."""

from __future__ import annotations

import pytest

from motcua.core import clock as real_clock
from motcua.dossiers import services as svc
from motcua.notifications import digest, services
from motcua.notifications.choices import Kind, Status
from motcua.notifications.models import Notification
from motcua.office import queues

from .conftest import drain, switch_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def email_on(monkeypatch, inbox, smtp_server):  # noqa: ANN001, ANN201
    switch_on(monkeypatch, email_host="127.0.0.1", email_port=smtp_server[1], default_channels=("email",), batch=2)
    return inbox


@pytest.fixture
def flagged(world, clock):  # noqa: ANN001, ANN201
    """Commune b's dossier received on Monday (overdue by Wednesday), commune a's two on Wednesday
    morning (due Thursday: approaching); staff with e-mail addresses."""
    for name in ("specialist_a", "specialist_b", "monitor", "leader_p"):
        u = world.users[name]
        u.email, u.first_name, u.last_name = f"{name}@example.vn", "Bình", "Trần Thị"
        u.save()
    clock.set("2025-09-08 09:00")
    late = svc.intake(world.actor("counter_b"), world.intake_request("b"))
    clock.set("2025-09-10 09:00")
    near = [svc.intake(world.actor("counter_a"), world.intake_request("a")) for _ in range(2)]
    clock.set("2025-09-10 10:00")
    return late, near


def test_each_member_gets_what_their_queues_show(world, flagged, email_on):  # noqa: ANN001
    late, near = flagged
    now = real_clock.now()
    assert digest.build(now) == 3  # leader_p's department has none: no empty digest
    by_user = {n.user_id: n for n in Notification.objects.filter(kind=Kind.DIGEST)}
    for name in ("specialist_a", "specialist_b", "monitor"):  # the same sets as the two queues
        actor = world.actor(name)
        expected = set()
        for slug in ("overdue", "approaching"):
            expected |= {d.code for d in queues.base_queryset(actor, queues.BY_SLUG[slug], now, world.province.pk)}
        text = by_user[world.users[name].pk].text
        assert {c for c in (late.code, *(d.code for d in near)) if c in text} == expected, name
    monitor = by_user[world.users["monitor"].pk]
    assert monitor.subject == "Hồ sơ cần chú ý ngày 10/09/2025: 1 quá hạn, 2 sắp đến hạn"
    assert "QUÁ HẠN" in monitor.text and monitor.text.index(late.code) < monitor.text.index(near[0].code)
    assert "Kính gửi Trần Thị Bình" in monitor.text and "/office/queues/overdue/" in monitor.text
    drain()
    assert sorted(m["To"] for m in email_on.messages) == ["monitor@example.vn", "specialist_a@example.vn",
                                                           "specialist_b@example.vn"]
    assert set(Notification.objects.values_list("status", flat=True)) == {Status.SENT}


def test_once_a_day(world, flagged, email_on):  # noqa: ANN001
    now = real_clock.now()
    assert digest.build(now) == 3
    assert digest.build(now) == 0
    drain()
    assert len(email_on.messages) == 3


def test_opted_out_member_is_logged_not_sent(world, flagged, email_on):  # noqa: ANN001
    services.set_preference(user_id=world.users["monitor"].pk, opted_out=True)
    digest.build(real_clock.now())
    drain()
    assert Notification.objects.get(user=world.users["monitor"]).status == Status.OPTED_OUT
    assert len(email_on.messages) == 2


def test_the_list_is_capped(world, flagged, email_on, monkeypatch):  # noqa: ANN001
    import dataclasses

    from motcua.notifications import conf

    monkeypatch.setattr(conf, "SETTINGS", dataclasses.replace(conf.SETTINGS, digest_items=1))
    digest.build(real_clock.now())
    text = Notification.objects.get(user=world.users["monitor"]).text
    assert text.count("\n- ") == 1 and "... và 2 hồ sơ khác." in text


def test_the_worker_builds_it_from_the_digest_hour(world, flagged, email_on, clock):  # noqa: ANN001
    from motcua.jobs import periodic
    from motcua.notifications import tasks

    assert "notifications.digest" in periodic.jobs()
    clock.set("2025-09-10 06:30")
    assert tasks.build_digest.call() == "not yet"
    clock.set("2025-09-10 07:05")
    assert tasks.build_digest.call() == "2"  # at 7:05 only the overdue one is flagged (b and the monitor)


def test_a_batch_stops_inside_its_lease_and_the_rest_follows(world, flagged, email_on, monkeypatch):  # noqa: ANN001
    import dataclasses

    from motcua.jobs import outbox
    from motcua.jobs.models import OutboxMessage
    from motcua.jobs.worker import Worker

    digest.build(real_clock.now())
    normal = outbox.CONFIG
    monkeypatch.setattr(outbox, "CONFIG", dataclasses.replace(normal, jobs_lease=0.0))
    Worker(worker_id="test", once=True, own_connections=False).run()
    assert email_on.messages == [] and set(Notification.objects.values_list("status", flat=True)) == {Status.QUEUED}
    assert "lease nearly over" in OutboxMessage.objects.filter(destination=services.DESTINATION).first().last_error
    monkeypatch.setattr(outbox, "CONFIG", normal)
    drain()
    assert len(email_on.messages) == 3
