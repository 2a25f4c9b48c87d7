"""Waiting and serving times: medians and p90 per counter, per procedure (the ticket's, else the
dossier's) and per hour; skipped tickets and no-shows; the leader's scope; the dashboard panel."""

from __future__ import annotations

import time as walltime
from datetime import date, timedelta

import pytest

from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier
from motcua.queueing import appointments as appts
from motcua.queueing import services, stats
from motcua.queueing.choices import TicketStatus
from motcua.queueing.models import Counter, ServiceGroup, Ticket
from tests.queueing.appt_helpers import birth, civil_status_group, local

pytestmark = pytest.mark.django_db

DAY = date(2025, 9, 10)


def served(group, counter, issued: str, wait: int, serve: int | None, procedure_id=None, dossier=None,  # noqa: ANN001
           status=TicketStatus.DONE) -> Ticket:  # noqa: ANN001
    t = services.issue_ticket(group, procedure_id=procedure_id, at=local(issued))
    called = t.issued_at + timedelta(minutes=wait)
    Ticket.objects.filter(pk=t.pk).update(
        counter=counter, status=status, first_called_at=called, called_at=called, serving_at=called,
        finished_at=called + timedelta(minutes=serve) if serve is not None else None, dossier=dossier)
    return t


def test_medians_p90_per_counter_procedure_and_hour(world, now):
    g = civil_status_group(world)
    c1 = Counter.objects.get(unit=g.unit, number=1)
    c2 = Counter.objects.create(unit=g.unit, number=2)
    for i, wait in enumerate([2, 4, 6, 8, 10, 12, 14, 16, 18, 20]):  # 08:00-08:09, counter 1
        served(g, c1, f"2025-09-10 08:0{i}", wait, 10, procedure_id=birth().pk)
    d = svc.intake(world.actor("counter_a"), world.intake_request())
    served(g, c2, "2025-09-10 14:00", 30, 5, dossier=Dossier.objects.get(pk=d.pk))  # its procedure from the dossier
    served(g, c2, "2025-09-10 14:10", 1, None, status=TicketStatus.SKIPPED)
    services.issue_ticket(g, at=local("2025-09-10 14:20"))  # still waiting: counted, no times
    s = stats.queue_stats(world.communes["a"], DAY, DAY)
    assert s.tickets == 13 and s.skipped == 1
    assert s.waiting.count == 12 and s.serving.count == 11
    by_counter = {r.label: r for r in s.by_counter}
    assert by_counter["Quầy 1"].waiting == stats.Spread(10, 11.0, 18.2)  # p90: linear between ranks
    assert by_counter["Quầy 1"].serving.median == 10.0
    assert by_counter["Quầy 2"].tickets == 2 and by_counter["Quầy 2"].waiting.median == 15.5
    by_proc = {r.key: r for r in s.by_procedure}
    assert by_proc[birth().pk].tickets == 11  # ten from the ticket, one from its dossier
    assert by_proc[None].tickets == 2
    hours = {r.key: r for r in s.by_hour}
    assert set(hours) == {8, 14} and hours[8].waiting.median == 11.0 and hours[14].tickets == 3
    # another commune's leader sees none of it; the province sees it all
    assert stats.queue_stats(world.communes["b"], DAY, DAY).tickets == 0
    assert stats.queue_stats(world.province, DAY, DAY).tickets == 13


def test_no_shows_are_the_missed_appointments(world, now):
    g = civil_status_group(world)
    person = appts.Person(world.users["citizen"].pk, "An")
    a = appts.book(g, local("2025-09-11 09:00"), person)
    appts.book(g, local("2025-09-11 09:30"), person)
    appts.check_in(a.code, g.unit, local("2025-09-11 08:50"))
    appts.mark_missed(local("2025-09-12 00:10"))
    s = stats.queue_stats(world.communes["a"], date(2025, 9, 11), date(2025, 9, 11))
    assert s.no_shows == 1 and s.appointments == {"checked_in": 1, "missed": 1}


def test_the_dashboard_panel_for_a_leader_of_the_unit_only(world, now, client_of, django_assert_max_num_queries):
    g = civil_status_group(world)
    served(g, Counter.objects.get(unit=g.unit), "2025-09-10 08:00", 7, 12, procedure_id=birth().pk)
    url = f"/reports/queue/panel/?unit={world.communes['a'].code}"
    leader = client_of("leader_a")
    with django_assert_max_num_queries(14):  # sign-in and scope, then: tickets once, 2 counts, 2+2 names
        r = leader.get(url)
    html = r.content.decode()
    assert r.status_code == 200 and 'data-k="today-tickets">1<' in html and 'data-k="today-wait-median">7' in html
    assert 'id="queue-wait-hours"' in html and "Thủ tục đăng ký khai sinh" in html
    assert client_of("leader_b").get(url).status_code == 403
    assert client_of("citizen").get(url).status_code == 403
    dash = client_of("leader_a").get(f"/reports/dashboard/?unit={world.communes['a'].code}").content.decode()
    assert "/reports/queue/panel/?unit=" in dash


def test_measured_a_month_of_tickets_is_read_quickly(world, now):
    """20 working days x 300 tickets in one unit: the month's figures in well under a second."""
    g = civil_status_group(world)
    counter = Counter.objects.get(unit=g.unit)
    other = ServiceGroup.objects.create(unit=world.commune_centres["b"], letter="B", name="Khác")
    rows = []
    for day in range(1, 29):
        d = date(2025, 9, day)
        if d.weekday() >= 5:
            continue
        for n in range(1, 301):
            issued = local(f"2025-09-{day:02d} 08:00") + timedelta(minutes=n)
            rows.append(Ticket(unit=g.unit, group=g, day=d, number=n, token=f"t{day}-{n}", issued_at=issued,
                               first_called_at=issued + timedelta(minutes=n % 40), counter=counter,
                               finished_at=issued + timedelta(minutes=n % 40 + 8), status=TicketStatus.DONE))
    rows += [Ticket(unit=other.unit, group=other, day=DAY, number=1, token="x", issued_at=local("2025-09-10 08:00"))]
    Ticket.objects.bulk_create(rows, batch_size=2000)
    t0 = walltime.perf_counter()
    s = stats.queue_stats(world.communes["a"], date(2025, 9, 1), date(2025, 9, 30))
    elapsed = walltime.perf_counter() - t0
    assert s.tickets == len(rows) - 1 and s.waiting.median == 18.0
    print(f"queue_stats over {s.tickets} tickets: {elapsed * 1000:.0f} ms")  # noqa: T201
    assert elapsed < 3.0
    month, day = stats.month_and_day(world.communes["a"], date(2025, 9, 1), DAY)
    assert (month.tickets, day.tickets, day.waiting.median) == (2400, 300, 18.0)  # 1-10/09: eight weekdays
