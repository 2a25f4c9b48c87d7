"""The demo's notification history: sent notifications for the recent events, never doubled."""

from __future__ import annotations

import io

import pytest

from motcua.dossiers import services as svc
from motcua.integrations.sms.mapping import is_plain
from motcua.notifications import demo
from motcua.notifications.choices import Status
from motcua.notifications.models import Notification

from .conftest import received

pytestmark = pytest.mark.django_db


def test_the_demo_history_shows_sent_notifications(world):  # noqa: ANN001 - channels off, as in make demo
    a = received(world)
    svc.start(world.actor("counter_a"), a.pk)
    svc.request_supplement(world.actor("specialist_a"), a.pk, "Thiếu giấy chứng sinh")
    b = received(world, phone="")  # no mobile number: nothing to show
    assert not Notification.objects.exists()  # channels off: the hook recorded nothing
    out = io.StringIO()
    demo.prepare(out)
    rows = list(Notification.objects.order_by("event_id", "channel"))
    assert "tin đã gửi" in out.getvalue() and "đang tắt" in out.getvalue()
    expected = 4 if a.pk % 3 == 0 else 2  # SMS for each event, Zalo for one dossier in three
    assert len(rows) == expected and {n.status for n in rows} == {Status.SENT}
    assert {n.kind for n in rows} == {"received", "supplement"} and not any(n.dossier_id == b.pk for n in rows)
    for n in rows:
        assert n.sent_at > n.created_at and n.reply["simulated"]
        if n.channel == "sms":
            assert is_plain(n.text) and a.code in n.text
    demo.prepare(io.StringIO())
    assert Notification.objects.count() == expected  # nothing doubled
