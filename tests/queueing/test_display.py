"""The waiting-room display: each counter's number now, the last called, the call key that makes the
display chime (changes on a call and on a recall), polling and the no-JavaScript refresh."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from motcua.queueing import calling, services
from tests.queueing.calling_setup import build_queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def q(world, now):  # noqa: ANN001, ANN201
    return build_queue(world)


def test_the_board_shows_each_counter_and_the_last_called(q, world, clock, now) -> None:  # noqa: ANN001
    officer = world.actor("counter_a")
    a1, b1 = services.issue_ticket(q.a, at=now), services.issue_ticket(q.b, at=now)
    c = Client()
    html = c.get(f"/display/?unit={q.unit.code}").content.decode()
    assert "Chưa gọi số nào hôm nay" in html and "Bật âm thanh" in html and 'aria-live="assertive"' in html
    assert 'hx-trigger="every 2s"' in html and 'http-equiv="refresh"' in html and "display.js" in html
    clock.set(now + timedelta(minutes=1))
    calling.call_next(officer, q.c2.pk)
    clock.set(now + timedelta(minutes=2))
    calling.call_next(officer, q.c3.pk)
    part = c.get(f"/display/board/?unit={q.unit.code}").content.decode()
    assert "<html" not in part
    assert 'data-announce="Mời số B001 đến Quầy 3"' in part
    rows = part.split('class="rows"')[1].split("</ul>")[0]
    assert rows.index("A001") < rows.index("Quầy 2") < rows.index("B001") < rows.index("Quầy 3")
    assert "Quầy 1" in rows and "—" in rows  # counter 1 is idle
    key = calling.board(q.unit)["call_key"]
    clock.set(now + timedelta(minutes=3))
    calling.recall(officer, a1.pk)  # a recall changes the key: the display chimes again
    b = calling.board(q.unit)
    assert b["call_key"] != key and b["latest"].pk == a1.pk
    calling.finish(officer, b1.pk)
    assert "B001" not in c.get(f"/display/board/?unit={q.unit.code}").content.decode().split('class="rows"')[1].split(
        "</ul>")[0]
    assert c.get("/display/?unit=nope").status_code == 404


def test_the_display_is_public_and_shows_no_personal_data(q, now) -> None:  # noqa: ANN001
    from motcua.queueing.models import Appointment

    a = Appointment.objects.create(unit=q.unit, group=q.a, name="Lê Thị Cúc", starts_at=now, ends_at=now + timedelta(
        minutes=30), code="HEN00002")
    services.issue_ticket(q.a, kind="appointment", appointment=a)
    html = Client().get(f"/display/?unit={q.unit.code}").content.decode()
    assert "Lê Thị Cúc" not in html
