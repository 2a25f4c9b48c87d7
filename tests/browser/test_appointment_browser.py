"""An online appointment honoured on arrival: a citizen books a slot on the portal (390 px, axe), then at
the kiosk types the code, takes an appointment ticket, and the counter calls it before the normal
tickets taken earlier."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from motcua.queueing import services
from motcua.queueing.choices import AppointmentStatus, TicketKind
from motcua.queueing.models import Appointment, Counter, Ticket
from tests.browser.pw import a11y_violations, check_a11y, describe, portal_login, shot
from tests.queueing.appt_helpers import civil_status_group, local

PHONE = {"width": 390, "height": 844}


def test_an_online_appointment_honoured_on_arrival(page: Page, site, world, clock) -> None:  # noqa: ANN001
    group = civil_status_group(world, capacity=2)
    counter = Counter.objects.get(unit=group.unit, number=1)
    early = [services.issue_ticket(group, at=local("2025-09-10 08:40")),
             services.issue_ticket(group, at=local("2025-09-10 08:50"))]

    page.set_viewport_size(PHONE)
    portal_login(page, "citizen")
    page.goto("/portal/procedures/1.001193/")
    page.get_by_role("link", name="Đặt lịch hẹn nộp hồ sơ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đặt lịch hẹn nộp hồ sơ")
    expect(page.get_by_label("Nơi nộp hồ sơ")).to_have_value(str(group.unit_id))
    # today (Wednesday 10/09/2025, 09:00): the slots not begun yet
    expect(page.get_by_label("Ngày hẹn")).to_have_value("2025-09-10")
    found = a11y_violations(page)
    assert not found, describe(found)
    shot(page, "appointment-book-390")
    page.get_by_label(re.compile(r"^09:30 - 10:00")).check()
    page.get_by_role("button", name="Đặt lịch hẹn").click()

    expect(page).to_have_url(re.compile(r"/portal/appointments/[A-Z0-9]{6}/$"))
    code = page.locator(".appt-code").inner_text().strip()
    a = Appointment.objects.get(code=code)
    assert (a.owner_id, a.status, a.starts_at) == (world.users["citizen"].pk, AppointmentStatus.BOOKED,
                                                   local("2025-09-10 09:30"))
    expect(page.locator(".qr svg")).to_be_visible()
    check_a11y(page, "appointment detail (390 px)")
    shot(page, "appointment-detail-390")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Lịch hẹn của tôi").click()
    expect(page.locator(".appt-list")).to_contain_text(code)
    check_a11y(page, "my appointments (390 px)")

    # arrival at 09:20: the kiosk at the entrance, "Tôi có lịch hẹn"
    clock.set("2025-09-10 09:20")
    kiosk = page.context.new_page()
    kiosk.goto(f"/kiosk/?unit={group.unit.code}")
    kiosk.get_by_label("Mã lịch hẹn").fill(code.lower())
    kiosk.get_by_role("button", name="Lấy số theo lịch hẹn").click()
    expect(kiosk.locator("#ticket-number")).to_have_text("A003")
    ticket = Ticket.objects.get(appointment=a)
    assert ticket.kind == TicketKind.APPOINTMENT
    a.refresh_from_db()
    assert a.status == AppointmentStatus.CHECKED_IN

    # the counter calls: the booked citizen first, then the normal tickets in their order
    at = local("2025-09-10 09:21")
    assert [services.call_next(counter, None, at).pk for _ in range(3)] == [ticket.pk, early[0].pk, early[1].pk]


def test_the_dashboard_queue_panel(page_of, site, world) -> None:  # noqa: ANN001
    """The leader's operations dashboard loads its queue panel (its own fragment) at 1,366 px."""
    group = civil_status_group(world)
    t = services.issue_ticket(group, procedure_id=None, at=local("2025-09-10 08:00"))
    Ticket.objects.filter(pk=t.pk).update(first_called_at=local("2025-09-10 08:12"),
                                          finished_at=local("2025-09-10 08:20"), status="done")
    page = page_of("leader_a")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"/reports/dashboard/?unit={world.communes['a'].code}")
    panel = page.locator("#dash-queue-panel section.queue-stats")
    expect(panel).to_be_visible()
    expect(panel.locator('[data-k="today-wait-median"]')).to_have_text("12,0")  # the page language's decimal comma
    check_a11y(page, "dashboard with its queue panel")
    shot(page, "dashboard-queue-panel")
