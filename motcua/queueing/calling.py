"""Calling at a counter: the officer's counter, call next, recall, skip (and bring back), start and
finish serving, transfer to another counter, link the dossier received from a ticket; and what the
public pages read (people ahead, the estimated wait, what each counter serves now).

Every function takes plain arguments (an :class:`~motcua.dossiers.services.Actor`, ids, instants) and
is scoped: an officer acts only at counters of the units where they hold the counter officer role.
Errors are :class:`~motcua.queueing.services.QueueError` with a Vietnamese message shown as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.domain import queueing as rules
from motcua.units.choices import Role
from motcua.units.models import Unit

from . import services
from .choices import TicketStatus
from .models import Counter, ServiceGroup, Ticket
from .services import QueueError

OPEN = (TicketStatus.CALLED, TicketStatus.SERVING)  # at a counter now
DEFAULT_SERVICE = timedelta(minutes=6)  # the estimate's service time until the day has finished tickets


# ---- who sits where -----------------------------------------------------------------------------

def _may_act(actor: Any, unit_path: str) -> bool:  # noqa: ANN401
    return bool(actor.scope.has_role(Role.COUNTER_OFFICER, unit_path))


def counters_for(actor: Any) -> list[Counter]:  # noqa: ANN401
    """The active counters the actor may call at (their counter officer units' subtrees)."""
    if actor.scope.is_superuser:
        qs = Counter.objects.all()
    else:
        paths = actor.scope.paths([Role.COUNTER_OFFICER])
        if not paths:
            return []
        q = Q(pk__in=[])
        for p in paths:
            q |= Q(unit__path__startswith=p)
        qs = Counter.objects.filter(q)
    return list(qs.filter(active=True).select_related("unit", "officer").order_by("unit__path", "number"))


def is_counter_officer(actor: Any) -> bool:  # noqa: ANN401
    """Whether the actor has any counter to call at."""
    return has_counters(actor.scope)


def has_counters(scope: Any) -> bool:  # noqa: ANN401
    """Whether a counter officer of ``scope`` has an open counter in their units (the "Gọi số" menu
    entry; one indexed query)."""
    if scope.is_superuser:
        return Counter.objects.filter(active=True).exists()
    paths = scope.paths([Role.COUNTER_OFFICER])
    if not paths:
        return False
    q = Q(pk__in=[])
    for p in paths:
        q |= Q(unit__path__startswith=p)
    return Counter.objects.filter(q, active=True).exists()


def get_counter(actor: Any, counter_id: int) -> Counter:  # noqa: ANN401
    """The counter, if the actor may call at it."""
    c = Counter.objects.select_related("unit").filter(pk=counter_id, active=True).first()
    if c is None or not _may_act(actor, c.unit.path):
        raise QueueError(_("Bạn không được gọi số tại quầy này."))
    return c


def my_counter(actor: Any) -> Counter | None:  # noqa: ANN401
    """The counter the actor sits at now (Counter.officer), if they still may call there."""
    if actor.user_id is None:
        return None
    c = Counter.objects.select_related("unit").filter(officer_id=actor.user_id, active=True).order_by("pk").first()
    return c if c is not None and _may_act(actor, c.unit.path) else None


@transaction.atomic
def sit_at(actor: Any, counter_id: int) -> Counter:  # noqa: ANN401
    """"Quầy của tôi": the actor sits at this counter (and leaves any other one)."""
    c = get_counter(actor, counter_id)
    Counter.objects.filter(officer_id=actor.user_id).exclude(pk=c.pk).update(officer=None)
    Counter.objects.filter(pk=c.pk).update(officer_id=actor.user_id)
    c.officer_id = actor.user_id
    return c


def leave(actor: Any) -> None:  # noqa: ANN401
    Counter.objects.filter(officer_id=actor.user_id).update(officer=None)


# ---- the calls ----------------------------------------------------------------------------------

def current(counter: Counter, at: datetime | None = None) -> Ticket | None:
    """Today's ticket called or being served at the counter (the latest called)."""
    day = clock.local_date(at or clock.now())
    return (Ticket.objects.select_related("group", "procedure", "appointment")
            .filter(counter=counter, day=day, status__in=OPEN).order_by("-called_at", "-pk").first())


def _ticket(actor: Any, ticket_id: int, *, lock: bool = True) -> Ticket:  # noqa: ANN401
    qs = Ticket.objects.select_related("group", "unit")
    if lock:
        qs = qs.select_for_update(of=("self",))
    t = qs.filter(pk=ticket_id).first()
    if t is None or not _may_act(actor, t.unit.path):
        raise QueueError(_("Không tìm thấy số thứ tự này tại đơn vị của bạn."))
    return t


def _expect(t: Ticket, *statuses: str) -> None:
    if t.status not in statuses:
        raise QueueError(_("Số %(code)s đang ở trạng thái “%(status)s”, không làm được thao tác này.") % {
            "code": t.code, "status": t.get_status_display()})


def call_next(actor: Any, counter_id: int, at: datetime | None = None) -> Ticket | None:  # noqa: ANN401
    """Call the next number at the counter. A ticket being served there is finished first; one called
    and not yet served must be served, skipped or finished before (so nobody is lost silently)."""
    at = at or clock.now()
    counter = get_counter(actor, counter_id)
    with transaction.atomic():
        now_at = current(counter, at)
        if now_at is not None:
            if now_at.status == TicketStatus.CALLED:
                raise QueueError(_("Số %(code)s đang được gọi: hãy bắt đầu phục vụ, bỏ qua hoặc hoàn thành "
                                   "trước khi gọi số tiếp theo.") % {"code": now_at.code})
            _finish(now_at, at)
    return services.call_next(counter, actor.user_id, at=at)


def recall(actor: Any, ticket_id: int, at: datetime | None = None) -> Ticket:  # noqa: ANN401
    """Call the same number again (the display chimes again)."""
    at = at or clock.now()
    with transaction.atomic():
        t = _ticket(actor, ticket_id)
        _expect(t, TicketStatus.CALLED, TicketStatus.SERVING)
        t.recalls += 1
        t.called_at = at
        t.save(update_fields=["recalls", "called_at"])
    return t


def skip(actor: Any, ticket_id: int, at: datetime | None = None) -> Ticket:  # noqa: ANN401
    """The citizen is absent: the number is skipped (it can be brought back the same day)."""
    at = at or clock.now()
    with transaction.atomic():
        t = _ticket(actor, ticket_id)
        _expect(t, TicketStatus.CALLED)
        t.status = TicketStatus.SKIPPED
        t.save(update_fields=["status"])
    return t


def bring_back(actor: Any, ticket_id: int, counter_id: int, at: datetime | None = None) -> Ticket:  # noqa: ANN401
    """A skipped citizen came back (the same day): the number waits again, called first at this counter."""
    at = at or clock.now()
    counter = get_counter(actor, counter_id)
    with transaction.atomic():
        t = _ticket(actor, ticket_id)
        _expect(t, TicketStatus.SKIPPED)
        if t.day != clock.local_date(at):
            raise QueueError(_("Số %(code)s là của ngày khác, không gọi lại được.") % {"code": t.code})
        if not counter.groups.filter(pk=t.group_id).exists():
            raise QueueError(_("Quầy này không phục vụ nhóm của số %(code)s.") % {"code": t.code})
        t.status, t.transferred_to, t.counter = TicketStatus.WAITING, counter, None
        t.save(update_fields=["status", "transferred_to", "counter"])
    return t


def start(actor: Any, ticket_id: int, at: datetime | None = None) -> Ticket:  # noqa: ANN401
    """The citizen is at the counter: serving starts."""
    at = at or clock.now()
    with transaction.atomic():
        t = _ticket(actor, ticket_id)
        _expect(t, TicketStatus.CALLED)
        t.status, t.serving_at = TicketStatus.SERVING, at
        t.save(update_fields=["status", "serving_at"])
    return t


def _finish(t: Ticket, at: datetime) -> None:
    t.status, t.finished_at = TicketStatus.DONE, at
    t.serving_at = t.serving_at or t.called_at or at  # finished straight from the call: served from then
    t.save(update_fields=["status", "finished_at", "serving_at"])


def finish(actor: Any, ticket_id: int, at: datetime | None = None) -> Ticket:  # noqa: ANN401
    """Serving is over."""
    at = at or clock.now()
    with transaction.atomic():
        t = _ticket(actor, ticket_id)
        _expect(t, TicketStatus.CALLED, TicketStatus.SERVING)
        _finish(t, at)
    return t


def transfer(actor: Any, ticket_id: int, to_counter_id: int, at: datetime | None = None) -> Ticket:  # noqa: ANN401
    """Send the citizen to another counter of the same unit: the number waits again and that counter
    calls it first."""
    at = at or clock.now()
    with transaction.atomic():
        t = _ticket(actor, ticket_id)
        _expect(t, TicketStatus.CALLED, TicketStatus.SERVING)
        to = Counter.objects.filter(pk=to_counter_id, active=True).first()
        if to is None or to.unit_id != t.unit_id:
            raise QueueError(_("Chỉ chuyển được sang một quầy đang mở của cùng đơn vị."))
        if to.pk == t.counter_id:
            raise QueueError(_("Số %(code)s đang ở chính quầy này.") % {"code": t.code})
        t.status, t.transferred_to, t.counter = TicketStatus.WAITING, to, None
        t.transfers += 1
        t.serving_at = None
        t.save(update_fields=["status", "transferred_to", "counter", "transfers", "serving_at"])
    return t


def check_link(actor: Any, ticket_id: int, receiving_unit: Unit | None = None) -> Ticket:  # noqa: ANN401
    """The ticket a dossier may be received from: at a counter now, of the actor's units (and of the
    receiving unit's, when given), not linked to a dossier yet."""
    t = _ticket(actor, ticket_id, lock=False)
    if t.dossier_id is not None:
        raise QueueError(_("Số %(code)s đã gắn với một hồ sơ khác.") % {"code": t.code})
    if receiving_unit is not None and not receiving_unit.path.startswith(t.unit.path):
        raise QueueError(_("Số %(code)s là của đơn vị khác, không dùng cho hồ sơ nhận tại %(unit)s.") % {
            "code": t.code, "unit": receiving_unit.name})
    _expect(t, TicketStatus.CALLED, TicketStatus.SERVING)
    return t


def link_dossier(actor: Any, ticket_id: int, dossier: Any, at: datetime | None = None) -> Ticket:  # noqa: ANN401
    """The counter received ``dossier`` from this ticket: link them and finish the ticket (in the
    intake's transaction: a refusal rolls the intake back)."""
    at = at or clock.now()
    with transaction.atomic():
        check_link(actor, ticket_id, dossier.receiving_unit)
        t = _ticket(actor, ticket_id)
        if t.dossier_id is not None:  # linked meanwhile
            raise QueueError(_("Số %(code)s đã gắn với một hồ sơ khác.") % {"code": t.code})
        t.dossier = dossier
        if t.procedure_id is None:
            t.procedure_id = dossier.procedure_id
        t.save(update_fields=["dossier", "procedure"])
        if t.status in OPEN:
            _finish(t, at)
    return t


def prefill(t: Ticket) -> dict[str, str]:
    """What the intake page may propose from the ticket: the booked applicant's name, number, phone."""
    a = t.appointment
    if a is None:
        return {}
    return {k: v for k, v in {"applicant_name": a.name, "applicant_id_number": a.id_number,
                              "applicant_phone": a.phone}.items() if v}


# ---- what the panel and the public pages read ---------------------------------------------------

def waiting_counts(groups: list[ServiceGroup], at: datetime | None = None) -> dict[int, int]:
    """Waiting tickets today per group id."""
    day = clock.local_date(at or clock.now())
    rows = (Ticket.objects.filter(group__in=groups, day=day, status=TicketStatus.WAITING)
            .values("group_id").annotate(n=Count("pk")))
    counts = {g.pk: 0 for g in groups}
    counts.update({r["group_id"]: r["n"] for r in rows})
    return counts


def skipped_today(counter: Counter, at: datetime | None = None) -> list[Ticket]:
    """Today's skipped numbers of the counter's groups (to bring one back)."""
    day = clock.local_date(at or clock.now())
    return list(Ticket.objects.select_related("group").filter(
        group__in=counter.groups.all(), day=day, status=TicketStatus.SKIPPED).order_by("-called_at")[:20])


def ahead(t: Ticket, at: datetime | None = None) -> int:
    """How many waiting tickets of its group are called before this one (by the calling order, as seen
    by a counter it was not transferred to)."""
    if t.status != TicketStatus.WAITING:
        return 0
    at = at or clock.now()
    waiting = [rules.Waiting(w.pk, rules.TicketKind(w.kind), w.issued_at, w.transferred_to_id,
                             w.appointment.starts_at if w.appointment_id else None)
               for w in Ticket.objects.select_related("appointment").filter(
                   group_id=t.group_id, day=t.day, status=TicketStatus.WAITING)]
    mine = next((w for w in waiting if w.id == t.pk), None)
    if mine is None:
        return 0
    counter_id = t.transferred_to_id or -1
    key = rules.rank(mine, counter_id, at)
    return sum(1 for w in waiting if w.id != t.pk and w.transferred_to_counter in (None, counter_id)
               and rules.rank(w, counter_id, at) < key)


def average_service(group_id: int, day: Any) -> timedelta:  # noqa: ANN401
    """The day's mean serving time in the group (DEFAULT_SERVICE before any ticket is finished)."""
    mean = (Ticket.objects.filter(group_id=group_id, day=day, status=TicketStatus.DONE,
                                  serving_at__isnull=False, finished_at__isnull=False)
            .aggregate(m=Avg(ExpressionWrapper(F("finished_at") - F("serving_at"), output_field=DurationField())))
            ["m"])
    return mean if isinstance(mean, timedelta) and mean > timedelta(0) else DEFAULT_SERVICE


def estimated_wait(t: Ticket, people_ahead: int) -> timedelta:
    """People ahead x the day's mean serving time / the open counters serving the group."""
    counters = max(1, Counter.objects.filter(groups=t.group_id, active=True).count())
    return average_service(t.group_id, t.day) * people_ahead / counters


@dataclass(frozen=True)
class Follow:
    """The phone's follow page: no personal data."""
    ticket: Ticket
    status: str
    now_serving: str  # the group's number last called, "" if none yet
    ahead: int
    wait_minutes: int
    counter: str  # where to go once called


def follow(token: str, at: datetime | None = None) -> Follow | None:
    at = at or clock.now()
    t = Ticket.objects.select_related("group", "unit", "counter").filter(token=token).first()
    if t is None:
        return None
    last = (Ticket.objects.select_related("group").filter(group_id=t.group_id, day=t.day, called_at__isnull=False)
            .order_by("-called_at", "-pk").first())
    n = ahead(t, at)
    wait = estimated_wait(t, n) if t.status == TicketStatus.WAITING else timedelta(0)
    return Follow(t, t.status, last.code if last else "", n, int(round(wait.total_seconds() / 60)),
                  str(t.counter) if t.counter_id and t.status in OPEN else "")


def board(unit: Unit, at: datetime | None = None, last: int = 6) -> dict[str, Any]:
    """The display's board: each open counter's number now, the last numbers called today."""
    day = clock.local_date(at or clock.now())
    counters = list(Counter.objects.filter(unit=unit, active=True).order_by("number"))
    called = list(Ticket.objects.select_related("group", "counter").filter(
        unit=unit, day=day, called_at__isnull=False, counter__isnull=False).order_by("-called_at", "-pk")[:last])
    serving: dict[int, Ticket] = {}
    for t in (Ticket.objects.select_related("group").filter(unit=unit, day=day, status__in=OPEN, counter__isnull=False)
              .order_by("-called_at", "-pk")):  # at most one or two per counter
        serving.setdefault(t.counter_id, t)
    rows = [{"counter": c, "ticket": serving.get(c.pk)} for c in counters]
    recent = called
    latest = recent[0] if recent else None
    return {"rows": rows, "recent": recent, "latest": latest,
            # changes when a number is called or recalled: the display chimes
            "call_key": f"{latest.pk}-{latest.recalls}-{latest.called_at.timestamp():.0f}" if latest else ""}
