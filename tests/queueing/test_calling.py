"""Calling at a counter: the services (scoped to the officer's units), the counter panel (plain POST and
htmx), the dossier received from a ticket through the intake page, and call_next under concurrency."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, connections

from motcua.dossiers.models import Dossier
from motcua.queueing import calling, services
from motcua.queueing.choices import TicketStatus
from motcua.queueing.models import Counter, Ticket
from motcua.queueing.services import QueueError
from tests.office.test_intake import _form
from tests.queueing.calling_setup import build_queue


@pytest.fixture
def q(world, now):  # noqa: ANN001, ANN201
    return build_queue(world)


@pytest.fixture
def officer(world):  # noqa: ANN001, ANN201
    return world.actor("counter_a")


pytestmark = pytest.mark.django_db


def test_an_officer_sits_at_a_counter_of_their_unit_only(q, world, officer) -> None:  # noqa: ANN001
    assert {c.pk for c in calling.counters_for(officer)} == {q.c1.pk, q.c2.pk, q.c3.pk}
    calling.sit_at(officer, q.c2.pk)
    assert calling.my_counter(officer).pk == q.c2.pk
    calling.sit_at(officer, q.c1.pk)  # moving leaves the other counter
    assert calling.my_counter(officer).pk == q.c1.pk
    assert Counter.objects.get(pk=q.c2.pk).officer_id is None
    with pytest.raises(QueueError):
        calling.sit_at(officer, q.other.pk)
    with pytest.raises(QueueError):
        calling.call_next(officer, q.other.pk)
    assert calling.counters_for(world.actor("specialist_a")) == []


def test_call_serve_finish_records_the_times(q, officer, clock, now) -> None:  # noqa: ANN001
    t = services.issue_ticket(q.a, at=now)
    clock.set(now + timedelta(minutes=4))
    called = calling.call_next(officer, q.c2.pk)
    assert called.pk == t.pk and called.status == TicketStatus.CALLED
    assert called.first_called_at == now + timedelta(minutes=4) and called.counter_id == q.c2.pk
    clock.set(now + timedelta(minutes=5))
    started = calling.start(officer, t.pk)
    assert started.serving_at == now + timedelta(minutes=5)
    clock.set(now + timedelta(minutes=12))
    done = calling.finish(officer, t.pk)
    assert done.status == TicketStatus.DONE and done.finished_at == now + timedelta(minutes=12)
    assert calling.call_next(officer, q.c2.pk) is None


def test_recall_counts_and_moves_the_call_time(q, officer, clock, now) -> None:  # noqa: ANN001
    t = services.issue_ticket(q.a, at=now)
    calling.call_next(officer, q.c1.pk)
    clock.set(now + timedelta(minutes=1))
    r = calling.recall(officer, t.pk)
    assert (r.recalls, r.called_at) == (1, now + timedelta(minutes=1))
    assert Ticket.objects.get(pk=t.pk).first_called_at == now  # the wait ended at the first call


def test_call_next_finishes_the_one_being_served_and_refuses_over_one_only_called(q, officer) -> None:  # noqa: ANN001
    t1, t2 = services.issue_ticket(q.a), services.issue_ticket(q.a)
    calling.call_next(officer, q.c1.pk)
    with pytest.raises(QueueError, match="A001"):
        calling.call_next(officer, q.c1.pk)
    calling.start(officer, t1.pk)
    assert calling.call_next(officer, q.c1.pk).pk == t2.pk
    assert Ticket.objects.get(pk=t1.pk).status == TicketStatus.DONE


def test_skip_then_bring_back_the_same_day_is_called_first(q, officer, clock, now) -> None:  # noqa: ANN001
    t1, t2 = services.issue_ticket(q.a, at=now), services.issue_ticket(q.a, at=now + timedelta(seconds=1))
    calling.call_next(officer, q.c1.pk)
    assert calling.skip(officer, t1.pk).status == TicketStatus.SKIPPED
    assert [s.pk for s in calling.skipped_today(q.c1)] == [t1.pk]
    services.issue_ticket(q.a, kind="priority", priority_reason="elderly", at=now + timedelta(seconds=2))
    back = calling.bring_back(officer, t1.pk, q.c1.pk)
    assert back.status == TicketStatus.WAITING
    assert calling.call_next(officer, q.c1.pk).pk == t1.pk  # brought back to this counter: before priority
    with pytest.raises(QueueError):
        calling.skip(officer, t2.pk)  # waiting, not called
    calling.skip(officer, t1.pk)
    clock.set(now + timedelta(days=1))
    with pytest.raises(QueueError, match="ngày khác"):
        calling.bring_back(officer, t1.pk, q.c1.pk)


def test_transfer_to_a_counter_of_the_same_unit_is_served_first_there(q, officer) -> None:  # noqa: ANN001
    t1 = services.issue_ticket(q.b)
    services.issue_ticket(q.b, kind="priority", priority_reason="pregnant")
    calling.call_next(officer, q.c1.pk)  # the priority one
    p = calling.current(q.c1)
    calling.start(officer, p.pk)
    moved = calling.transfer(officer, p.pk, q.c3.pk)
    assert (moved.status, moved.transferred_to_id, moved.transfers, moved.counter_id) == (
        TicketStatus.WAITING, q.c3.pk, 1, None)
    assert calling.call_next(officer, q.c1.pk).pk == t1.pk  # counter 1 does not see it
    assert calling.call_next(officer, q.c3.pk).pk == p.pk
    with pytest.raises(QueueError):
        calling.transfer(officer, p.pk, q.other.pk)  # another unit's counter


def test_an_officer_of_another_unit_cannot_touch_the_ticket(q, world) -> None:  # noqa: ANN001
    t = services.issue_ticket(q.a)
    calling.call_next(world.actor("counter_a"), q.c1.pk)
    for fn in (calling.recall, calling.skip, calling.start, calling.finish):
        with pytest.raises(QueueError):
            fn(world.actor("counter_b"), t.pk)


def test_people_ahead_and_estimated_wait(q, officer, clock, now) -> None:  # noqa: ANN001
    ts = [services.issue_ticket(q.a, at=now + timedelta(minutes=i)) for i in range(4)]
    p = services.issue_ticket(q.a, kind="priority", priority_reason="disability", at=now + timedelta(minutes=5))
    assert calling.ahead(ts[0]) == 1  # the priority ticket is called before it
    assert calling.ahead(ts[3]) == 4 and calling.ahead(p) == 0
    f = calling.follow(ts[3].token)
    assert f.ahead == 4 and f.now_serving == ""
    # 2 counters serve A; 6 minutes by default per citizen
    assert f.wait_minutes == 12
    calling.call_next(officer, q.c2.pk)
    assert calling.follow(ts[3].token).now_serving == p.code


def test_panel_calls_serves_and_sends_to_intake_without_js(q, client_of, world) -> None:  # noqa: ANN001
    c = client_of("counter_a")
    r = c.get("/office/queue-counter/")
    assert r.status_code == 200 and "Quầy của tôi" in r.content.decode()
    assert c.post("/office/queue-counter/sit/", {"counter": q.other.pk}).status_code == 302
    assert calling.my_counter(world.actor("counter_a")) is None
    c.post("/office/queue-counter/sit/", {"counter": q.c1.pk})
    t = services.issue_ticket(q.a)
    services.issue_ticket(q.b)
    html = c.get("/office/queue-counter/").content.decode()
    assert "Gọi số tiếp theo" in html and "Đang chờ" in html and ">2<" in html
    r = c.post("/office/queue-counter/act/", {"action": "next"})
    assert r.status_code == 302
    html = c.get("/office/queue-counter/").content.decode()
    assert "Mời số A001" in html and 'id="current-number">A001<' in html
    assert f"/office/queue-counter/receive/{t.pk}/" in html
    for action in ("Gọi lại", "Vắng mặt (bỏ qua)", "Bắt đầu phục vụ", "Chuyển quầy", "Hoàn thành",
                   "Tiếp nhận hồ sơ từ số này"):
        assert action in html
    c.post("/office/queue-counter/act/", {"action": "start", "ticket": t.pk})
    assert Ticket.objects.get(pk=t.pk).status == TicketStatus.SERVING
    r = c.post("/office/queue-counter/act/", {"action": "bogus"})
    assert r.status_code == 302 and "Thao tác không hợp lệ" in c.get("/office/queue-counter/").content.decode()


def test_panel_with_htmx_redraws_in_place_with_the_outcome(q, client_of) -> None:  # noqa: ANN001
    c = client_of("counter_a")
    c.post("/office/queue-counter/sit/", {"counter": q.c1.pk})
    r = c.post("/office/queue-counter/act/", {"action": "next"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "Không còn ai đang chờ" in r.content.decode()
    assert "<html" not in r.content.decode() and 'id="panel"' in r.content.decode()
    t = services.issue_ticket(q.a)
    r = c.post("/office/queue-counter/act/", {"action": "skip", "ticket": t.pk}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and 'role="alert"' in r.content.decode()  # refused: not called yet
    counts = c.get("/office/queue-counter/?part=counts", HTTP_HX_REQUEST="true").content.decode()
    assert 'id="counts"' in counts and "<html" not in counts


def test_panel_is_for_counter_officers(q, client_of) -> None:  # noqa: ANN001
    assert client_of("specialist_a").get("/office/queue-counter/").status_code == 403
    assert client_of("counter_a").post("/office/queue-counter/act/", {"action": "next"}).status_code == 302


def test_a_dossier_received_from_a_ticket_links_and_finishes_it(q, client_of, world, clock, now) -> None:  # noqa: ANN001
    c = client_of("counter_a")
    officer = world.actor("counter_a")
    t = services.issue_ticket(q.a, at=now)
    clock.set(now + timedelta(minutes=3))
    calling.call_next(officer, q.c1.pk)
    html = c.get("/office/intake/", {"ticket": t.pk, "procedure": "1.001193"}).content.decode()
    assert 'name="ticket"' in html and f'value="{t.pk}"' in html and "A001" in html
    # from the panel's link, the procedure chosen afterwards: the ticket is remembered in the session
    assert c.get(f"/office/queue-counter/receive/{t.pk}/")["Location"] == f"/office/intake/?ticket={t.pk}"
    c.get("/office/intake/", {"ticket": t.pk})
    assert f'name="ticket" value="{t.pk}"' in c.get("/office/intake/", {"procedure": "1.001193"}).content.decode()
    clock.set(now + timedelta(minutes=9))
    r = c.post("/office/intake/", _form(world, ticket=t.pk))
    assert r.status_code == 302, r.content.decode()[:2000]
    d = Dossier.objects.latest("pk")
    t.refresh_from_db()
    assert (t.dossier_id, t.status, t.finished_at) == (d.pk, TicketStatus.DONE, now + timedelta(minutes=9))
    assert t.procedure_id == d.procedure_id and t.first_called_at == now + timedelta(minutes=3)
    # already linked: a second intake from it is refused, nothing written
    n = Dossier.objects.count()
    r = c.post("/office/intake/", _form(world, ticket=t.pk))
    assert r.status_code == 422 and Dossier.objects.count() == n
    assert "đã gắn với một hồ sơ" in r.content.decode()


def test_a_ticket_of_another_unit_is_refused_at_intake(q, client_of, world) -> None:  # noqa: ANN001
    from motcua.queueing.models import ServiceGroup

    t = services.issue_ticket(ServiceGroup.objects.get(unit=world.commune_centres["b"]))
    calling.call_next(world.actor("counter_b"), q.other.pk)
    c = client_of("counter_a")
    n = Dossier.objects.count()
    r = c.post("/office/intake/", _form(world, ticket=t.pk))
    assert r.status_code == 422 and Dossier.objects.count() == n
    assert Ticket.objects.get(pk=t.pk).dossier_id is None
    html = c.get("/office/intake/", {"ticket": t.pk, "procedure": "1.001193"}).content.decode()
    assert "Không tìm thấy số thứ tự này" in html and 'name="ticket"' not in html


def test_link_dossier_refuses_a_receiving_unit_outside_the_ticket_unit(q, world) -> None:  # noqa: ANN001
    t = services.issue_ticket(q.a)
    officer = world.actor("counter_a")
    calling.call_next(officer, q.c1.pk)
    with pytest.raises(QueueError, match="đơn vị khác"):
        calling.check_link(officer, t.pk, world.commune_centres["b"])


# ---- concurrency (PostgreSQL only) ----------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_fifty_counters_calling_at_once_never_share_a_ticket(world, now) -> None:  # noqa: ANN001
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL only")
    from motcua.queueing.models import ServiceGroup

    unit = world.commune_centres["a"]
    group = ServiceGroup.objects.create(unit=unit, letter="A", name="Hộ tịch")
    counters = []
    for i in range(50):
        c = Counter.objects.create(unit=unit, number=i + 1)
        c.groups.add(group)
        counters.append(c)
    tickets = [services.issue_ticket(group, at=now + timedelta(seconds=i)) for i in range(120)]
    got: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(50)

    def work(counter: Counter) -> None:
        try:
            barrier.wait()
            for _ in range(3):
                t = services.call_next(counter, None, at=now + timedelta(minutes=5))
                if t is not None:
                    with lock:
                        got.append(t.pk)
        except BaseException as err:  # noqa: BLE001
            errors.append(err)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(c,)) for c in counters]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert not errors, errors[:3]
    assert len(got) == len(set(got)) == 120  # nobody twice, nobody lost (150 calls for 120 tickets)
    assert set(got) == {t.pk for t in tickets}
    assert Ticket.objects.filter(status=TicketStatus.CALLED).count() == 120
    by_counter: dict[Any, int] = {}
    for cid in Ticket.objects.values_list("counter_id", flat=True):
        by_counter[cid] = by_counter.get(cid, 0) + 1
    assert max(by_counter.values()) <= 3


def test_the_menu_offers_gọi_số_to_counter_officers_with_a_counter(q, client_of, world) -> None:  # noqa: ANN001
    html = client_of("counter_a").get("/office/intake/").content.decode()
    assert 'href="/office/queue-counter/"' in html and "Gọi số" in html
    assert 'href="/office/queue-counter/"' not in client_of("specialist_a").get("/office/").content.decode()
    Counter.objects.filter(unit=world.commune_centres["b"]).update(active=False)
    assert 'href="/office/queue-counter/"' not in client_of("counter_b").get("/office/intake/").content.decode()


def test_a_booked_ticket_proposes_its_applicant_and_procedure_at_intake(q, client_of, world, now) -> None:  # noqa: ANN001
    from motcua.catalog.models import Procedure
    from motcua.queueing.models import Appointment

    proc = Procedure.objects.get(code="1.001193")
    a = Appointment.objects.create(unit=q.unit, group=q.a, procedure=proc, name="Trần Thị Bình",
                                   id_number="068111222333", phone="0911222333", starts_at=now,
                                   ends_at=now + timedelta(minutes=30), code="HEN00003")
    t = services.issue_ticket(q.a, kind="appointment", appointment=a, procedure_id=proc.pk)
    calling.call_next(world.actor("counter_a"), q.c1.pk)
    c = client_of("counter_a")
    r = c.get(f"/office/queue-counter/receive/{t.pk}/")
    assert r["Location"] == f"/office/intake/?ticket={t.pk}&procedure=1.001193"
    html = c.get(r["Location"]).content.decode()
    assert 'data-applicant_name="Trần Thị Bình"' in html and 'data-applicant_id_number="068111222333"' in html
    assert "queueing/intake.js" in html


def test_the_admin_keeps_service_groups_and_counters(q, world) -> None:  # noqa: ANN001
    from django.contrib.auth import get_user_model
    from django.test import Client

    root = get_user_model().objects.create_superuser("root", password="x-very-long-password")
    c = Client()
    c.force_login(root)
    for path in ("/admin/queueing/servicegroup/", "/admin/queueing/counter/",
                 f"/admin/queueing/counter/{q.c1.pk}/change/", "/admin/queueing/counter/add/"):
        assert c.get(path).status_code == 200, path
    r = c.post("/admin/queueing/counter/add/", {"unit": q.unit.pk, "number": 9, "name": "",
                                                "groups": [q.other.groups.first().pk], "active": "on"})
    assert r.status_code == 200 and "chỉ phục vụ các nhóm dịch vụ của đơn vị mình" in r.content.decode()
    assert not Counter.objects.filter(number=9).exists()
