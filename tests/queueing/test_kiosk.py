"""The kiosk: take a number (a group, priority, an appointment's check-in), the printed ticket (58/80 mm,
QR to the follow page), the phone's follow page (no personal data), the per-address rate limit."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client

from motcua.queueing import calling, services
from motcua.queueing.choices import TicketKind, TicketStatus
from motcua.queueing.models import Appointment, Ticket
from tests.queueing.calling_setup import build_queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def q(world, now):  # noqa: ANN001, ANN201
    return build_queue(world)


def _kiosk(q) -> str:  # noqa: ANN001
    return f"/kiosk/?unit={q.unit.code}"


def test_kiosk_shows_the_groups_and_priority_reasons(q) -> None:  # noqa: ANN001
    html = Client().get(_kiosk(q)).content.decode()
    for text in ("Lấy số thứ tự", "Hộ tịch, chứng thực", "Đất đai", "Tôi thuộc diện ưu tiên", "Người cao tuổi",
                 "Phụ nữ có thai", "Tôi có lịch hẹn", "Mã lịch hẹn"):
        assert text in html
    assert Client().get("/kiosk/?unit=nope").status_code == 404
    assert Client().get("/kiosk/").status_code == 404


def test_taking_a_number_prints_the_ticket(q) -> None:  # noqa: ANN001
    c = Client(enforce_csrf_checks=False)
    services.issue_ticket(q.a)  # somebody already waits
    r = c.post("/kiosk/", {"unit": q.unit.code, "group": q.a.pk, "reason": "", "paper": "58"})
    assert r.status_code == 302
    t = Ticket.objects.latest("pk")
    assert (t.code, t.kind, t.unit_id) == ("A002", TicketKind.NORMAL, q.unit.pk)
    assert r["Location"] == f"/kiosk/ticket/{t.token}/?paper=58"
    html = c.get(r["Location"]).content.decode()
    assert ">A002<" in html and "Hộ tịch, chứng thực" in html and q.unit.name in html
    assert "ticket-58.css" in html and "<svg" in html and "Trước bạn còn 1 người" in html
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", html)
    assert "ticket-80.css" in c.get(f"/kiosk/ticket/{t.token}/").content.decode()  # the default paper


def test_a_priority_number_and_bad_input(q) -> None:  # noqa: ANN001
    c = Client()
    c.post("/kiosk/", {"unit": q.unit.code, "group": q.b.pk, "reason": "elderly"})
    t = Ticket.objects.latest("pk")
    assert (t.kind, t.priority_reason) == (TicketKind.PRIORITY, "elderly")
    assert c.post("/kiosk/", {"unit": q.unit.code, "group": q.b.pk, "reason": "vip"}).status_code == 422
    r = c.post("/kiosk/", {"unit": q.unit.code, "group": q.other.groups.first().pk})  # another unit's group
    assert r.status_code == 422 and "Vui lòng chọn một nhóm dịch vụ" in r.content.decode()
    q.a.active = False
    q.a.save()
    r = c.post("/kiosk/", {"unit": q.unit.code, "group": q.a.pk})
    assert r.status_code == 422 and "tạm ngừng" in r.content.decode()
    assert Ticket.objects.count() == 1


def test_an_appointment_code_checks_in(q, now) -> None:  # noqa: ANN001
    a = Appointment.objects.create(unit=q.unit, group=q.a, name="Nguyễn Văn An", starts_at=now + timedelta(minutes=10),
                                   ends_at=now + timedelta(minutes=40), code="HEN12345")
    c = Client()
    r = c.post("/kiosk/", {"unit": q.unit.code, "appointment": "hen12345"})
    assert r.status_code == 302, r.content.decode()[:500]
    t = Ticket.objects.get(appointment=a)
    assert t.kind == TicketKind.APPOINTMENT
    assert "Nguyễn Văn An" not in c.get(r["Location"]).content.decode()  # no personal data on the slip
    r = c.post("/kiosk/", {"unit": q.unit.code, "appointment": "NOPE0000"})
    assert r.status_code == 422 and 'role="alert"' in r.content.decode()
    assert c.post("/kiosk/", {"unit": q.unit.code, "appointment": ""}).status_code == 422


def test_the_kiosk_is_rate_limited_per_address(q) -> None:  # noqa: ANN001
    from motcua.queueing import kiosk

    n = int(kiosk.RATE.split("/")[0])
    c = Client()
    for _ in range(n):
        assert c.post("/kiosk/", {"unit": q.unit.code, "group": q.a.pk}).status_code == 302
    r = c.post("/kiosk/", {"unit": q.unit.code, "group": q.a.pk})
    assert r.status_code == 429 and "Retry-After" in r
    assert Ticket.objects.count() == n
    assert Client(REMOTE_ADDR="10.0.0.9").post("/kiosk/", {"unit": q.unit.code, "group": q.a.pk}).status_code == 302


def test_the_follow_page_tells_the_wait_and_no_personal_data(q, world, now) -> None:  # noqa: ANN001
    a = Appointment.objects.create(unit=q.unit, group=q.a, name="Trần Thị Bình", phone="0911222333",
                                   starts_at=now + timedelta(hours=3), ends_at=now + timedelta(hours=4),
                                   code="HEN00001")
    first = services.issue_ticket(q.a)
    t = services.issue_ticket(q.a, kind=TicketKind.APPOINTMENT, appointment=a)
    c = Client()
    html = c.get(f"/queue/t/{t.token}/").content.decode()
    assert "A002" in html and "Số người trước bạn" in html and "khoảng" in html
    assert "Trần Thị Bình" not in html and "0911222333" not in html
    assert 'hx-trigger="every 5s"' in html
    officer = world.actor("counter_a")
    assert calling.call_next(officer, q.c1.pk).pk == t.pk  # booked: before the first come, normal ticket
    part = c.get(f"/queue/t/{first.token}/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in part and t.code in part  # the number served now in the group
    assert "Mời bạn đến Quầy 1" in c.get(f"/queue/t/{t.token}/", HTTP_HX_REQUEST="true").content.decode()
    calling.finish(officer, t.pk)
    assert Ticket.objects.get(pk=t.pk).status == TicketStatus.DONE
    assert "đã được phục vụ" in c.get(f"/queue/t/{t.token}/").content.decode()
    assert c.get("/queue/t/unknown/").status_code == 404
