"""Appointment slots of a service group: its unit's working-time calendar (the province's calendar:
working days, office periods, holidays and compensatory days, with the unit's own opening overrides)
cut by :mod:`motcua.domain.slots`, less the bookings already held (one grouped, indexed query)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Count, Q

from motcua.calendars.services import calendar_for
from motcua.domain import slots as rules
from motcua.domain.workcal import WorkingCalendar

from .choices import AppointmentStatus
from .models import Appointment, OpeningOverride, ServiceGroup

HOLDING = Q(status__in=[AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN])  # cancelled/missed free nothing


def calendar_of(group: ServiceGroup) -> WorkingCalendar:
    return calendar_for(group.unit.province_id)


def group_for(unit_id: int, field_id: int | None) -> ServiceGroup | None:
    """The active service group of ``unit_id`` serving the procedure's field; else one serving every
    field (a group listing none); else None (the unit takes no appointment for it)."""
    groups = list(ServiceGroup.objects.filter(unit_id=unit_id, active=True).prefetch_related("fields"))
    for g in groups:
        if field_id is not None and any(f.pk == field_id for f in g.fields.all()):
            return g
    return next((g for g in groups if not g.fields.all()), None)


def override_of(unit_id: int, day: date) -> tuple[tuple[time, time], ...] | None:
    o = OpeningOverride.objects.filter(unit_id=unit_id, day=day).first()
    if o is None:
        return None
    return () if o.opens is None or o.closes is None else ((o.opens, o.closes),)


def _day_bounds(cal: WorkingCalendar, day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), UTC) - timedelta(seconds=cal.utc_offset)
    return start, start + timedelta(days=1)


def booked_counts(group_id: int, start: datetime, end: datetime) -> dict[datetime, int]:
    """Bookings held per slot start of the group in [start, end) (index appointment_group_slot)."""
    rows = (Appointment.objects.filter(HOLDING, group_id=group_id, starts_at__gte=start, starts_at__lt=end)
            .values("starts_at").annotate(n=Count("pk")).values_list("starts_at", "n"))
    return {at.astimezone(UTC): n for at, n in rows}


def slots_of_day(group: ServiceGroup, day: date, now: datetime, not_before: datetime | None = None,
                 cal: WorkingCalendar | None = None) -> list[rules.Slot]:
    cal = cal or calendar_of(group)
    start, end = _day_bounds(cal, day)
    return rules.slots_of_day(cal, day, group.slot_minutes, group.slot_capacity, now,
                              booked=booked_counts(group.pk, start, end), override=override_of(group.unit_id, day),
                              not_before=not_before)


def days_offered(group: ServiceGroup, now: datetime, not_before: datetime | None = None,
                 cal: WorkingCalendar | None = None) -> list[date]:
    """The working days from today (or from ``not_before``'s day) to the horizon."""
    cal = cal or calendar_of(group)
    first = cal.local_date(not_before) if not_before else None
    closed = set(OpeningOverride.objects.filter(unit_id=group.unit_id, opens__isnull=True,
                                                day__gte=cal.local_date(now)).values_list("day", flat=True))
    return [d for d in rules.booking_days(cal, cal.local_date(now), first=first) if d not in closed]
