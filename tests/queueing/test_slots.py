"""A service group's slots from its unit's calendar: bookings held, cancelled ones freed, the unit's
afternoon-only day and closed day, the days offered."""

from __future__ import annotations

from datetime import date, time

import pytest

from motcua.catalog.models import Field
from motcua.queueing import appointments as appts
from motcua.queueing import slots
from motcua.queueing.models import OpeningOverride, ServiceGroup
from tests.queueing.appt_helpers import birth, civil_status_group, local

pytestmark = pytest.mark.django_db

MONDAY = date(2025, 9, 15)


def test_the_group_serving_the_procedure_field_else_one_serving_all(world):
    g = civil_status_group(world)
    unit = world.commune_centres["a"]
    assert slots.group_for(unit.pk, birth().field_id) == g
    other = Field.objects.get(code="CT")
    assert slots.group_for(unit.pk, other.pk) is None
    general = ServiceGroup.objects.create(unit=unit, letter="G", name="Tổng hợp")
    assert slots.group_for(unit.pk, other.pk) == general
    assert slots.group_for(world.commune_centres["b"].pk, birth().field_id) is None


def test_slots_count_the_bookings_held_not_the_cancelled(world, now):
    g = civil_status_group(world, capacity=2)
    offered = slots.slots_of_day(g, MONDAY, now)
    assert len(offered) == 16 and offered[0].free == 2
    person = appts.Person(world.users["citizen"].pk, "Nguyễn Văn An")
    a = appts.book(g, offered[0].starts_at, person, procedure_id=birth().pk)
    appts.book(g, offered[0].starts_at, appts.Person(world.users["citizen2"].pk, "Trần Thị B"))
    assert slots.slots_of_day(g, MONDAY, now)[0].free == 0
    appts.cancel(a, world.users["citizen"].pk)
    assert slots.slots_of_day(g, MONDAY, now)[0].free == 1


def test_an_afternoon_only_day_and_a_closed_day_of_the_unit(world, now):
    g = civil_status_group(world, slot_minutes=60)
    OpeningOverride.objects.create(unit=g.unit, day=MONDAY, opens=time(13, 0), closes=time(17, 0), reason="Họp")
    assert [f"{s.starts_at.hour + 7}" for s in slots.slots_of_day(g, MONDAY, now)] == ["13", "14", "15", "16"]
    closed = date(2025, 9, 16)
    OpeningOverride.objects.create(unit=g.unit, day=closed, reason="Kiểm kê")
    assert slots.slots_of_day(g, closed, now) == []
    days = slots.days_offered(g, now)
    assert closed not in days and MONDAY in days


def test_days_offered_from_today_to_30_days_working_days_only(world, now):
    g = civil_status_group(world)
    days = slots.days_offered(g, now)  # now: Wednesday 10/09/2025 09:00
    assert days[0] == date(2025, 9, 10) and days[-1] <= date(2025, 10, 10)
    assert all(d.weekday() < 5 for d in days)
    assert date(2025, 9, 13) not in days  # a Saturday
    # a result collected from its appointment time on
    later = slots.days_offered(g, now, not_before=local("2025-09-18 14:00"))
    assert later[0] == date(2025, 9, 18)
    assert slots.slots_of_day(g, date(2025, 9, 18), now, not_before=local("2025-09-18 14:00"))[0].starts_at \
        == local("2025-09-18 14:00")
