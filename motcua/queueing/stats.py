"""Waiting and serving times at the one-stop counters, for the leaders' operations dashboard.

Waiting: a ticket's issue to its first call (``issued_at`` -> ``first_called_at``); serving: from the
start of serving (else the first call) to its end (``finished_at``). Counts, medians and 90th
percentiles per counter, per procedure (the ticket's, else the received dossier's) and per local hour
of issue; tickets skipped (absent when called) and appointments missed (no-shows).

Scoped to a unit's subtree (the dashboard's unit, one the leader may see). One indexed read of the
tickets (``ticket_unit_day``: unit and day) and one grouped count of the appointments by status; the
medians and percentiles need each ticket's times, so they are computed here (SQLite has no percentile).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count

from motcua.catalog.models import Procedure
from motcua.core import clock
from motcua.units.models import Unit

from .choices import AppointmentStatus, TicketStatus
from .models import Appointment, Counter, Ticket

LOCAL_OFFSET = 7 * 3600  # seconds: Vietnam: UTC+7 all year, no daylight saving (motcua.domain.workcal)


@dataclass(frozen=True)
class Spread:
    """A distribution of durations in minutes: how many, the median and the 90th percentile."""

    count: int
    median: float | None
    p90: float | None

    @classmethod
    def of(cls, minutes: list[float]) -> Spread:
        if not minutes:
            return cls(0, None, None)
        data = sorted(minutes)
        return cls(len(data), round(statistics.median(data), 1), round(percentile(data, 0.9), 1))


def percentile(sorted_data: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default), on sorted data."""
    if len(sorted_data) == 1:
        return sorted_data[0]
    pos = (len(sorted_data) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(sorted_data) - 1)
    return sorted_data[lo] + (sorted_data[hi] - sorted_data[lo]) * (pos - lo)


@dataclass
class Row:
    key: int | None
    label: str
    tickets: int
    waiting: Spread
    serving: Spread


@dataclass
class QueueStats:
    start: date
    end: date
    tickets: int = 0
    waiting: Spread = field(default_factory=lambda: Spread(0, None, None))
    serving: Spread = field(default_factory=lambda: Spread(0, None, None))
    skipped: int = 0  # absent when called
    appointments: dict[str, int] = field(default_factory=dict)  # by status
    by_counter: list[Row] = field(default_factory=list)
    by_procedure: list[Row] = field(default_factory=list)
    by_hour: list[Row] = field(default_factory=list)

    @property
    def no_shows(self) -> int:
        return self.appointments.get(AppointmentStatus.MISSED, 0)


def _minutes(a: datetime | None, b: datetime | None) -> float | None:
    if a is None or b is None or b < a:
        return None
    return (b - a).total_seconds() / 60


class _Acc:
    def __init__(self) -> None:
        self.n = 0
        self.wait: list[float] = []
        self.serve: list[float] = []

    def add(self, wait: float | None, serve: float | None) -> None:
        self.n += 1
        if wait is not None:
            self.wait.append(wait)
        if serve is not None:
            self.serve.append(serve)

    def row(self, key: int | None, label: str) -> Row:
        return Row(key, label, self.n, Spread.of(self.wait), Spread.of(self.serve))


def ticket_rows(unit: Unit, start: date, end: date) -> Iterable[tuple]:
    """The tickets of the unit's subtree issued on days [start, end]: the one read (ticket_unit_day)."""
    units = Unit.objects.filter(path__startswith=unit.path).values("pk")
    return (Ticket.objects.filter(unit_id__in=units, day__gte=start, day__lte=end)
            .values_list("day", "counter_id", "procedure_id", "dossier__procedure_id", "issued_at", "first_called_at",
                         "serving_at", "finished_at", "status")
            .iterator(chunk_size=2000))


def queue_stats(unit: Unit, start: date, end: date) -> QueueStats:
    return compute(ticket_rows(unit, start, end), start, end, appointment_counts(unit, start, end))


def month_and_day(unit: Unit, first: date, day: date) -> tuple[QueueStats, QueueStats]:
    """The figures of days [first, day] and of ``day`` alone, from one read of the tickets."""
    rows = list(ticket_rows(unit, first, day))
    return (compute(rows, first, day, appointment_counts(unit, first, day)),
            compute([r for r in rows if r[0] == day], day, day, appointment_counts(unit, day, day)))


def compute(rows: Iterable[tuple], start: date, end: date, appointments: dict[str, int]) -> QueueStats:
    total, by_counter, by_proc, by_hour = _Acc(), defaultdict(_Acc), defaultdict(_Acc), defaultdict(_Acc)
    skipped = 0
    for _day, counter_id, proc_id, dossier_proc, issued, called, serving, finished, status in rows:
        wait = _minutes(issued, called)
        serve = _minutes(serving or called, finished)
        total.add(wait, serve)
        if counter_id is not None:
            by_counter[counter_id].add(wait, serve)
        by_proc[proc_id or dossier_proc].add(wait, serve)
        by_hour[(int(issued.timestamp()) + LOCAL_OFFSET) // 3600 % 24].add(wait, serve)
        skipped += status == TicketStatus.SKIPPED
    s = QueueStats(start, end, total.n, Spread.of(total.wait), Spread.of(total.serve), skipped, appointments)
    counters = {c.pk: str(c) for c in Counter.objects.filter(pk__in=list(by_counter))}
    procs = dict(Procedure.objects.filter(pk__in=[k for k in by_proc if k]).values_list("pk", "name"))
    s.by_counter = sorted((a.row(k, counters.get(k, "?")) for k, a in by_counter.items()), key=lambda r: r.label)
    s.by_procedure = sorted((a.row(k, procs.get(k, "") if k else "") for k, a in by_proc.items()),
                            key=lambda r: -r.tickets)
    s.by_hour = [by_hour[h].row(h, f"{h}h") for h in sorted(by_hour)]
    return s


def appointment_counts(unit: Unit, start: date, end: date) -> dict[str, int]:
    """Appointments of the unit's subtree whose slot falls on days [start, end], by status (one grouped count)."""
    units = Unit.objects.filter(path__startswith=unit.path).values("pk")
    lo = clock.aware(datetime.combine(start, time(0)))
    hi = clock.aware(datetime.combine(end + timedelta(days=1), time(0)))
    rows = (Appointment.objects.filter(unit_id__in=units, starts_at__gte=lo, starts_at__lt=hi)
            .values("status").annotate(n=Count("pk")).order_by().values_list("status", "n"))
    return dict(rows)
