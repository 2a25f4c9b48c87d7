"""Queues in ``motcua demo``: service groups and counters for the province's service centre and every
commune's centre, the commune counter officers seated at counter 1, and the mornings of the last
working days as queue history (tickets issued from 07:30 to 11:15, called, served and finished, some
priority, some skipped, some transferred, some linked to no dossier) so that the waiting-time
statistics have figures. Idempotent: groups and counters by their natural keys; history only for
days that have no ticket yet."""

from __future__ import annotations

import random
import secrets
from datetime import date, datetime, time, timedelta
from typing import IO

from django.contrib.auth import get_user_model
from django.db import transaction

from motcua.calendars.services import calendar_for
from motcua.catalog.models import Field
from motcua.core import clock
from motcua.units.choices import UnitKind
from motcua.units.models import Unit

from .choices import PriorityReason, TicketKind, TicketStatus
from .models import Counter, ServiceGroup, Ticket, TicketSequence

# letter, name, catalog field codes
PROVINCE_GROUPS = [
    ("A", "Tư pháp, hộ tịch, lý lịch tư pháp", ["LLTP", "NCCN", "HT", "CT"]),
    ("B", "Đất đai, môi trường", ["DD"]),
    ("C", "Xây dựng", ["XD"]),
    ("D", "Doanh nghiệp, hộ kinh doanh", ["DN", "HKD"]),
    ("E", "Lao động, người có công, bảo trợ xã hội", ["LD", "NCC", "BTXH"]),
    ("F", "Y tế, giáo dục", ["YT", "GD"]),
]
COMMUNE_GROUPS = [
    ("A", "Hộ tịch, chứng thực", ["HT", "CT", "NCCN"]),
    ("B", "Đất đai, xây dựng", ["DD", "XD"]),
    ("C", "Kinh doanh, lao động, xã hội và khác", ["HKD", "DN", "LD", "NCC", "BTXH", "YT", "GD", "LLTP"]),
]
# counter number -> group letters it serves
PROVINCE_COUNTERS = {1: "A", 2: "A", 3: "B", 4: "B", 5: "C", 6: "D", 7: "E", 8: "EF"}
COMMUNE_COUNTERS = {1: "AC", 2: "A", 3: "BC"}
HISTORY_DAYS = 3  # working days of queue history (mornings)


def _groups(unit: Unit, spec: list[tuple[str, str, list[str]]]) -> dict[str, ServiceGroup]:
    fields = {f.code: f for f in Field.objects.all()}
    out = {}
    for i, (letter, name, codes) in enumerate(spec):
        g, _ = ServiceGroup.objects.get_or_create(unit=unit, letter=letter, defaults={"name": name, "position": i})
        g.fields.add(*[fields[c] for c in codes if c in fields])
        out[letter] = g
    return out


def _counters(unit: Unit, spec: dict[int, str], groups: dict[str, ServiceGroup]) -> list[Counter]:
    out = []
    for number, letters in spec.items():
        c, _ = Counter.objects.get_or_create(unit=unit, number=number, defaults={"name": f"Quầy {number}"})
        c.groups.add(*[groups[x] for x in letters])
        out.append(c)
    return out


def _working_days(province_id: int, before: date, n: int) -> list[date]:
    cal = calendar_for(province_id)
    days, d = [], before
    while len(days) < n:
        d -= timedelta(days=1)
        if cal.is_working_day(d):
            days.append(d)
    return sorted(days)


def _morning(unit: Unit, groups: dict[str, ServiceGroup], counters: list[Counter], day: date,
             rng: random.Random, arrivals: int) -> list[Ticket]:
    """One morning's tickets, simulated counter by counter: each counter takes the earliest waiting
    ticket of its groups (priority first) when it is free; serving takes 3 to 15 minutes."""
    start = clock.aware(datetime.combine(day, time(7, 30)))
    letters = list(groups)
    weights = [5, 3, 2, 2, 1, 1][: len(letters)]
    # the morning rush: most citizens come between 07:30 and 09:30
    issued = sorted(start + timedelta(seconds=rng.triangular(0, 3.75 * 3600, 0.6 * 3600)) for _ in range(arrivals))
    numbers = dict.fromkeys(letters, 0)
    tickets = []
    for at in issued:
        letter = rng.choices(letters, weights)[0]
        numbers[letter] += 1
        prio = rng.random() < 0.08
        tickets.append(Ticket(
            unit=unit, group=groups[letter], day=day, number=numbers[letter],
            kind=TicketKind.PRIORITY if prio else TicketKind.NORMAL,
            priority_reason=rng.choice(PriorityReason.values) if prio else "", status=TicketStatus.WAITING,
            token=secrets.token_urlsafe(16), issued_at=at))
    free = {c.pk: start for c in counters}
    serves = {c.pk: {g.pk for g in c.groups.all()} for c in counters}
    by_pk = {c.pk: c for c in counters}
    waiting = list(tickets)
    while waiting:
        cid = min(free, key=free.get)
        at = free[cid]
        ready = [t for t in waiting if t.group_id in serves[cid] and t.issued_at <= at]
        if not ready:
            later = [t.issued_at for t in waiting if t.group_id in serves[cid]]
            if not later:
                del free[cid]
                if not free:
                    break
                continue
            free[cid] = min(later)
            continue
        t = min(ready, key=lambda x: (x.kind != TicketKind.PRIORITY, x.issued_at))
        waiting.remove(t)
        t.counter, t.first_called_at, t.called_at = by_pk[cid], at, at
        if rng.random() < 0.04:  # absent
            t.status = TicketStatus.SKIPPED
            free[cid] = at + timedelta(seconds=rng.uniform(30, 90))
            continue
        t.serving_at = at + timedelta(seconds=rng.uniform(15, 90))
        if rng.random() < 0.15:
            t.recalls = 1
        if rng.random() < 0.03 and len(counters) > 1:
            t.transfers = 1
        t.finished_at = t.serving_at + timedelta(seconds=rng.triangular(180, 900, 360))
        t.status = TicketStatus.DONE
        free[cid] = t.finished_at + timedelta(seconds=rng.uniform(5, 40))
    for t in waiting:  # not reached before noon: the counters stopped
        t.status = TicketStatus.CANCELLED
    return tickets


@transaction.atomic
def prepare(out: IO[str] | None = None) -> None:
    from motcua.core.demo import COMMUNES, PROVINCE_CENTRE

    User = get_user_model()
    rng = random.Random(14)
    centre = Unit.objects.get(code=PROVINCE_CENTRE[0])
    units = [(centre, _groups(centre, PROVINCE_GROUPS), PROVINCE_COUNTERS, "motcua.tinh", 120)]
    for slug, code, _name, _admin in COMMUNES:
        cc = (Unit.objects.filter(parent__code=code, kind=UnitKind.SERVICE_CENTRE).order_by("pk").first())
        if cc is not None:
            units.append((cc, _groups(cc, COMMUNE_GROUPS), COMMUNE_COUNTERS, f"motcua.{slug}", 45))
    made = 0
    for unit, groups, spec, officer, arrivals in units:
        counters = _counters(unit, spec, groups)
        user = User.objects.filter(username=officer).first()
        if user is not None and not Counter.objects.filter(officer=user).exists():
            Counter.objects.filter(pk=counters[0].pk).update(officer=user)
        for day in _working_days(unit.province_id, clock.local_date(clock.now()), HISTORY_DAYS):
            if Ticket.objects.filter(unit=unit, day=day).exists():
                continue
            tickets = _morning(unit, groups, counters, day, rng, arrivals)
            Ticket.objects.bulk_create(tickets)
            for g in groups.values():
                last = max((t.number for t in tickets if t.group_id == g.pk), default=0)
                TicketSequence.objects.update_or_create(group=g, day=day, defaults={"last": last})
            made += len(tickets)
    if out is not None and made:
        out.write(f"Đã tạo {made} số thứ tự mẫu (hàng đợi các buổi sáng gần đây).\n")
