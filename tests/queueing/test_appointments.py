"""Appointments: booking within capacity (also under concurrency), cancelling, the confirmation through
the outbox, the check-in on arrival (window, idempotence, clear refusals), the calling order it earns,
the missed ones, and collecting a result from its appointment time."""

from __future__ import annotations

import dataclasses
import time as walltime
from datetime import date, timedelta

import pytest

from motcua.domain import slots as rules
from motcua.domain.lifecycle import Status
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier
from motcua.queueing import appointments as appts
from motcua.queueing import services
from motcua.queueing import slots as slotsvc
from motcua.queueing.choices import AppointmentPurpose, AppointmentStatus, TicketKind
from motcua.queueing.models import Appointment, Counter, Ticket
from motcua.queueing.services import QueueError
from tests.queueing.appt_helpers import birth, civil_status_group, local
from tests.test_concurrency import run_together, shared_db  # noqa: F401 - the file database of the threads

pytestmark = pytest.mark.django_db

MONDAY = date(2025, 9, 15)


def person(world, who: str = "citizen", phone: str = "0912345678") -> appts.Person:  # noqa: ANN001
    return appts.Person(world.users[who].pk, f"Công dân {who}", "068123456789", phone)


@pytest.fixture
def group(world):  # noqa: ANN001, ANN201
    return civil_status_group(world, capacity=2)


def first_slot(group, now):  # noqa: ANN001, ANN201
    return slotsvc.slots_of_day(group, MONDAY, now)[0]


def test_book_gives_a_short_unambiguous_code_and_holds_a_place(world, now, group):
    slot = first_slot(group, now)
    a = appts.book(group, slot.starts_at, person(world), procedure_id=birth().pk)
    assert len(a.code) == rules.CODE_LENGTH and set(a.code) <= set(rules.CODE_ALPHABET)
    assert (a.unit_id, a.status, a.starts_at, a.ends_at - a.starts_at) == (
        group.unit_id, AppointmentStatus.BOOKED, slot.starts_at, timedelta(minutes=30))
    assert appts.of_owner(world.users["citizen"].pk, a.code.lower()) == a
    assert appts.of_owner(world.users["citizen2"].pk, a.code) is None  # another citizen's


def test_capacity_refuses_the_third_and_the_same_citizen_twice(world, now, group):
    slot = first_slot(group, now)
    appts.book(group, slot.starts_at, person(world))
    with pytest.raises(QueueError, match="đã đặt lịch hẹn trong khung giờ này"):
        appts.book(group, slot.starts_at, person(world))
    appts.book(group, slot.starts_at, person(world, "citizen2"))
    with pytest.raises(QueueError, match="hết chỗ"):
        appts.book(group, slot.starts_at, appts.Person(None, "Khách"))
    assert Appointment.objects.filter(starts_at=slot.starts_at).count() == 2


def test_a_citizen_holds_at_most_five_open_appointments(world, now, group):
    offered = slotsvc.slots_of_day(group, MONDAY, now)
    made = [appts.book(group, s.starts_at, person(world)) for s in offered[:appts.MAX_OPEN]]
    with pytest.raises(QueueError, match="5 lịch hẹn chưa đến"):
        appts.book(group, offered[appts.MAX_OPEN].starts_at, person(world))
    appts.cancel(made[0], world.users["citizen"].pk)
    appts.book(group, offered[appts.MAX_OPEN].starts_at, person(world))


def test_only_an_offered_slot_is_booked(world, now, group):
    for bad in (local("2025-09-15 12:00"),  # lunch
                local("2025-09-15 07:45"),  # not a slot's start
                local("2025-09-13 08:00"),  # a Saturday
                local("2025-09-10 08:30"),  # begun already (now: 09:00 the same day)
                local("2025-10-20 08:00")):  # past the 30 days
        with pytest.raises(QueueError, match="không còn nhận lịch hẹn"):
            appts.book(group, bad, person(world))
    assert not Appointment.objects.exists()


def test_cancel_frees_the_place_only_the_owner_and_once(world, now, group):
    slot = first_slot(group, now)
    a = appts.book(group, slot.starts_at, person(world))
    with pytest.raises(QueueError, match="không thể hủy"):
        appts.cancel(a, world.users["citizen2"].pk)
    appts.cancel(a, world.users["citizen"].pk)
    with pytest.raises(QueueError, match="không còn hủy được"):
        appts.cancel(a, world.users["citizen"].pk)
    assert first_slot(group, now).free == 2


def test_the_confirmation_is_queued_through_the_outbox(world, now, group, monkeypatch):
    from motcua.jobs.models import OutboxMessage
    from motcua.notifications import conf
    from motcua.notifications.models import Notification

    monkeypatch.setattr(conf, "SETTINGS", dataclasses.replace(conf.SETTINGS, sms_url="http://127.0.0.1:9",
                                                              default_channels=("sms",)))
    a = appts.book(group, first_slot(group, now).starts_at, person(world))
    n = Notification.objects.get(kind="appointment")
    assert n.recipient == "84912345678" and a.code in n.text and "15/09/2025" in n.text
    assert OutboxMessage.objects.filter(destination="notifications", key=f"notify:appt{a.pk}:sms:84912345678").exists()


@pytest.mark.django_db(transaction=True)
def test_citizens_booking_the_last_place_at_once_one_wins(world, now, group, shared_db, monkeypatch):  # noqa: F811
    slot = local("2025-09-15 08:00")
    appts.book(group, slot, person(world))  # one place of two is taken
    can_book = rules.can_book

    def slow_can_book(offered, held):  # noqa: ANN001, ANN202 - widen the race: count, wait, then insert
        walltime.sleep(0.3)
        return can_book(offered, held)

    monkeypatch.setattr(appts.rules, "can_book", slow_can_book)
    others = [appts.Person(None, f"Khách {i}") for i in range(4)]
    results = run_together([lambda p=p: appts.book(group, slot, p).code for p in others])
    won = [r for kind, r in results if kind == "ok"]
    lost = [r for kind, r in results if kind == "error"]
    assert len(won) == 1 and len(lost) == 3, results
    assert all(isinstance(e, QueueError) and "hết chỗ" in str(e) for e in lost)
    assert Appointment.objects.filter(starts_at=slot).count() == 2


# ---- arrival ------------------------------------------------------------------------------------------

def booked(world, group, now, at: str = "2025-09-15 09:00"):  # noqa: ANN001, ANN201
    return appts.book(group, local(at), person(world), procedure_id=birth().pk)


def test_check_in_issues_one_appointment_ticket_and_is_idempotent(world, now, group):
    a = booked(world, group, now)
    t = appts.check_in(f" {a.code.lower()} ", group.unit, local("2025-09-15 08:10"))
    assert (t.kind, t.appointment_id, t.procedure_id, t.code) == (TicketKind.APPOINTMENT, a.pk, birth().pk, "A001")
    a.refresh_from_db()
    assert a.status == AppointmentStatus.CHECKED_IN
    assert appts.check_in(a.code, group.unit, local("2025-09-15 08:20")).pk == t.pk
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize(("when", "message"), [
    ("2025-09-15 07:59", "vui lòng lấy số từ 08:00"),
    ("2025-09-15 10:01", "đã quá giờ"),
    ("2025-09-16 09:00", "là ngày 15/09/2025, không phải hôm nay"),
])
def test_check_in_outside_its_window_is_refused_clearly(world, now, group, when, message):
    a = booked(world, group, now)
    with pytest.raises(QueueError, match=message):
        appts.check_in(a.code, group.unit, local(when))
    assert not Ticket.objects.exists()
    assert appts.check_in(a.code, group.unit, local("2025-09-15 10:00")).kind == TicketKind.APPOINTMENT


def test_check_in_refusals_unknown_other_unit_cancelled(world, now, group):
    a = booked(world, group, now)
    with pytest.raises(QueueError, match="Không tìm thấy lịch hẹn"):
        appts.check_in("K7M2QP", group.unit, local("2025-09-15 09:00"))  # well formed, never issued
    with pytest.raises(QueueError, match="không phải tại đơn vị này"):
        appts.check_in(a.code, world.commune_centres["b"], local("2025-09-15 09:00"))
    with pytest.raises(QueueError, match="Vui lòng nhập mã"):
        appts.check_in(" - ", group.unit, local("2025-09-15 09:00"))
    appts.cancel(a, None)
    with pytest.raises(QueueError, match="đã bị hủy"):
        appts.check_in(a.code, group.unit, local("2025-09-15 09:00"))


def test_the_appointment_ticket_is_called_before_earlier_normal_and_priority_tickets(world, now, group):
    a = booked(world, group, now)
    counter = Counter.objects.get(unit=group.unit, number=1)
    normal = services.issue_ticket(group, at=local("2025-09-15 08:30"))
    prio = services.issue_ticket(group, kind="priority", priority_reason="elderly", at=local("2025-09-15 08:40"))
    t = appts.check_in(a.code, group.unit, local("2025-09-15 08:50"))
    assert services.call_next(counter, None, at=local("2025-09-15 08:50")).pk == t.pk  # its slot begins within 15 min
    assert services.call_next(counter, None, at=local("2025-09-15 08:51")).pk == prio.pk
    assert services.call_next(counter, None, at=local("2025-09-15 08:52")).pk == normal.pk


def test_missed_appointments_are_marked_after_their_day(world, now, group):
    a = booked(world, group, now)
    b = booked(world, group, now, "2025-09-15 10:00")
    appts.check_in(b.code, group.unit, local("2025-09-15 10:00"))
    assert appts.mark_missed(local("2025-09-15 23:00")) == 0  # the day has not ended
    assert appts.mark_missed(local("2025-09-16 00:05")) == 1
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status) == (AppointmentStatus.MISSED, AppointmentStatus.CHECKED_IN)
    with pytest.raises(QueueError, match="không đến"):
        appts.check_in(a.code, group.unit, local("2025-09-15 09:10"))


def test_the_job_is_registered():
    from motcua.jobs import periodic

    assert "queueing.missed-appointments" in periodic.jobs()


# ---- collecting a result -----------------------------------------------------------------------------

def test_collect_is_offered_from_the_appointment_time_at_the_return_unit(world, now, group):
    d = svc.intake(world.actor("counter_a"), world.intake_request())
    d = Dossier.objects.select_related("procedure").get(pk=d.pk)
    assert appts.collect_offer(d) is None  # received, far from its appointment time
    Dossier.objects.filter(pk=d.pk).update(status=Status.PROCESSED, appointment_at=local("2025-09-15 14:00"))
    d.refresh_from_db()
    offer = appts.collect_offer(d)
    assert offer is not None and offer.group == group and offer.not_before == local("2025-09-15 14:00")
    with pytest.raises(QueueError):  # before its appointment time
        appts.book(group, local("2025-09-15 09:00"), person(world), dossier=d, purpose=AppointmentPurpose.COLLECT)
    a = appts.book(group, local("2025-09-15 14:00"), person(world), dossier=d, purpose=AppointmentPurpose.COLLECT)
    assert appts.open_collect(d.pk) == a
    t = appts.check_in(a.code, group.unit, local("2025-09-15 13:30"))
    assert (t.procedure_id, t.dossier_id) == (d.procedure_id, d.pk)


# ---- the portal pages ------------------------------------------------------------------------------------

def test_portal_booking_pages(world, now, group, client_of):
    c = client_of("citizen")
    page = c.get("/portal/procedures/1.001193/")
    assert page.status_code == 200 and "/portal/appointments/book/1.001193/" in page.content.decode()
    r = c.get("/portal/appointments/book/1.001193/", {"unit": group.unit_id, "day": "2025-09-15"})
    html = r.content.decode()
    assert r.status_code == 200 and "TTPVHCC xã A" in html and "Thứ Hai, 15/09/2025" in html and "07:30 - 08:00" in html
    slot = local("2025-09-15 08:00").isoformat()
    r = c.post("/portal/appointments/book/1.001193/", {"unit": group.unit_id, "day": "2025-09-15", "slot": slot})
    assert r.status_code == 302
    a = Appointment.objects.get()
    assert r["Location"] == f"/portal/appointments/{a.code}/" and a.procedure_id == birth().pk
    detail = c.get(r["Location"]).content.decode()
    assert a.code in detail and "<svg" in detail and "08:00 - 08:30, 15/09/2025" in detail
    assert a.code in c.get("/portal/appointments/").content.decode()
    # bad input: a friendly message, nothing written
    for bad in ({"slot": "nonsense"}, {"slot": local("2025-09-15 12:00").isoformat()}, {}):
        r = c.post("/portal/appointments/book/1.001193/", {"unit": group.unit_id, "day": "2025-09-15", **bad})
        assert r.status_code == 422 and 'role="alert"' in r.content.decode()
    assert c.get("/portal/appointments/book/9.999999/").status_code == 404
    assert client_of("citizen2").get(f"/portal/appointments/{a.code}/").status_code == 404  # not theirs
    assert client_of("citizen2").post(f"/portal/appointments/{a.code}/cancel/").status_code == 404
    assert client_of("counter_a").get("/portal/appointments/").status_code == 403  # staff do not book
    r = c.post(f"/portal/appointments/{a.code}/cancel/")
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.status == AppointmentStatus.CANCELLED


def test_a_unit_without_a_service_group_offers_no_booking(world, now, client_of):
    r = client_of("citizen").get("/portal/appointments/book/1.001193/")
    assert r.status_code == 200 and "Chưa có nơi tiếp nhận nào nhận đặt lịch hẹn" in r.content.decode()


def test_the_dossier_page_offers_collecting_the_result(world, now, group, client_of):
    d = svc.intake(world.actor("counter_a"), world.intake_request())
    Dossier.objects.filter(pk=d.pk).update(owner=world.users["citizen"], status=Status.PROCESSED,
                                           appointment_at=local("2025-09-15 14:00"))
    c = client_of("citizen")
    html = c.get(f"/portal/dossiers/{d.pk}/").content.decode()
    assert f"/portal/appointments/collect/{d.pk}/" in html
    r = c.get(f"/portal/appointments/collect/{d.pk}/", {"day": "2025-09-15"})
    assert r.status_code == 200 and "14:00 - 14:30" in r.content.decode() and "13:00 - 13:30" not in r.content.decode()
    slot = local("2025-09-15 14:30").isoformat()
    r = c.post(f"/portal/appointments/collect/{d.pk}/", {"day": "2025-09-15", "slot": slot})
    assert r.status_code == 302
    a = Appointment.objects.get(dossier=d)
    assert a.purpose == AppointmentPurpose.COLLECT and a.unit_id == d.receiving_unit_id
    assert a.code in c.get(f"/portal/dossiers/{d.pk}/").content.decode()  # the booked one shown instead
    assert client_of("citizen2").get(f"/portal/appointments/collect/{d.pk}/").status_code == 404
