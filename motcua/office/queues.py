"""Work queues: which dossiers each role works on, filtered, sorted by due time and paged by key.

Every queue is the actor's visible dossiers (services.visible_dossiers) narrowed by status and by
the units where the actor holds the queue's role. Paging is by key on (due time, id), never by
offset and never with COUNT(*), so a page costs the same at row 20 and at row 2,000,000.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import reduce
from operator import or_

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from motcua.core import clock
from motcua.domain.lifecycle import Status
from motcua.dossiers import boundaries
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier
from motcua.units.choices import Role

S = Status
PAGE_SIZE = 25


@dataclass(frozen=True)
class Queue:
    """A work queue: statuses, the roles that see it and on which dossier path they hold them."""

    slug: str
    title: object
    statuses: tuple[int, ...]
    roles: frozenset[str]
    path: str  # "receiving", "handling", "return" (boundaries.return_queue_filter) or "" (any visible dossier)
    leader_step: bool = False  # only dossiers at an approval step
    flag: str = ""  # "overdue" / "approaching": services.flagged
    sort: str = "due_at"
    bulk_forward: bool = False


STAFF = frozenset({Role.COUNTER_OFFICER, Role.SPECIALIST, Role.LEADER, Role.MONITOR, Role.ADMIN})
QUEUES: tuple[Queue, ...] = (
    Queue("receive", _("Chờ tiếp nhận"), (S.NEW,), frozenset({Role.COUNTER_OFFICER}), "receiving",
          sort="submitted_at"),
    Queue("start", _("Chờ chuyển xử lý"), (S.RECEIVED,), frozenset({Role.COUNTER_OFFICER}), "receiving"),
    Queue("process", _("Cần xử lý"), (S.RECEIVED, S.PROCESSING), frozenset({Role.SPECIALIST}), "handling",
          bulk_forward=True),
    Queue("approve", _("Chờ phê duyệt"), (S.PROCESSING,), frozenset({Role.LEADER}), "handling",
          leader_step=True, bulk_forward=True),
    # received here with no other return unit, or to be handed over here (intake across boundaries)
    Queue("return", _("Chờ trả kết quả"), (S.PROCESSED,), frozenset({Role.COUNTER_OFFICER}), "return"),
    Queue("supplement", _("Đang yêu cầu bổ sung"), (S.SUPPLEMENT,), STAFF, ""),
    Queue("approaching", _("Sắp đến hạn"), (), STAFF, "", flag="approaching"),
    Queue("overdue", _("Quá hạn"), (), STAFF, "", flag="overdue"),
    # a step past its quota: its holder sees it, and the leaders of the handling unit (escalation)
    Queue("step_overdue", _("Quá hạn bước"), (S.PROCESSING,), frozenset({Role.SPECIALIST, Role.LEADER}), "handling",
          flag="step_overdue", sort="step_due_at"),
    # dossiers the national portal has not taken (a dead letter: fix the reason, then re-push)
    Queue("sync_failed", _("Đồng bộ Cổng DVCQG lỗi"), (), frozenset({Role.COUNTER_OFFICER, Role.LEADER, Role.ADMIN}),
          "", flag="sync_failed", sort="submitted_at"),
)
BY_SLUG = {q.slug: q for q in QUEUES}


def queues_for(actor: svc.Actor) -> list[Queue]:
    """The queues ``actor`` works on, in display order."""
    from motcua.integrations.national_portal.jobs import enabled

    shown = [q for q in QUEUES if q.flag != "sync_failed" or enabled()]
    if actor.system or actor.scope.is_superuser:
        return shown
    held = {r for r, _, _ in actor.scope.roles}
    return [q for q in shown if q.roles & held]


@dataclass
class Filters:
    """Parsed, validated queue filters (unknown or malformed values are dropped, not errors)."""

    q: str = ""
    procedure: int | None = None
    field: int | None = None
    channel: int | None = None
    status: int | None = None
    due: str = ""  # "overdue", "today", "week"
    sync: str = ""  # the national portal sync state: "failed", "pending", "synced"
    after: str = ""  # keyset cursor
    declared: str = ""  # a value declared in the e-form (accent-folded, from its start: motcua/eforms)

    def query(self, **over: object) -> dict[str, object]:
        data = {"q": self.q, "procedure": self.procedure, "field": self.field, "channel": self.channel,
                "status": self.status, "due": self.due, "sync": self.sync, "after": self.after,
                "declared": self.declared, **over}
        return {k: v for k, v in data.items() if v not in (None, "")}


@dataclass
class Page:
    rows: list[Dossier]
    next_after: str = ""


def _province(actor: svc.Actor) -> int | None:
    """The province whose calendar sets the "approaching" window: the actor's, else the first."""
    paths = actor.scope.paths()
    if paths:
        return int(paths[0].strip("/").split("/")[0])
    from motcua.units.models import Unit

    return Unit.objects.filter(parent__isnull=True).order_by("pk").values_list("pk", flat=True).first()


def base_queryset(actor: svc.Actor, queue: Queue, now: datetime, province: int | None) -> QuerySet[Dossier]:
    return svc.visible_dossiers(actor).filter(queue_filter(actor, queue, now, province))


def queue_filter(actor: svc.Actor, queue: Queue, now: datetime, province: int | None) -> Q:
    """What narrows the actor's visible dossiers to ``queue`` (one Q: the page and the counts share it)."""
    q = Q(status__in=queue.statuses) if queue.statuses else Q()
    if queue.path and not (actor.system or actor.scope.is_superuser):
        paths = actor.scope.paths(queue.roles)
        if queue.path == "return":
            q &= boundaries.return_queue_filter(paths)
        else:
            q &= Q(pk__in=[]) if not paths else _any_prefix(f"{queue.path}_path", paths)
    if queue.leader_step:
        q &= Q(current_step__approval=True)  # the process marks the leader's approval step
    if queue.flag == "step_overdue":
        return q & step_overdue_filter(actor, now)
    if queue.flag == "sync_failed":
        return q & Q(portal_sync__state="failed")
    if queue.flag:
        q &= svc.flagged_filter(queue.flag, province, now) if province else Q(pk__in=[])
    return q


def counts(actor: svc.Actor, available: list[Queue]) -> dict[str, int]:
    """How many dossiers each queue holds, in one query (one conditional COUNT per queue over the
    actor's visible dossiers that are in at least one of them)."""
    if not available:
        return {}
    now = clock.now()
    province = _province(actor)
    filters = {q.slug: queue_filter(actor, q, now, province) for q in available}
    qs = svc.visible_dossiers(actor).filter(reduce(or_, filters.values())).order_by()
    return qs.aggregate(**{slug: Count("pk", filter=f, distinct=False) for slug, f in filters.items()})


def step_overdue(qs: QuerySet[Dossier], actor: svc.Actor, now: datetime) -> QuerySet[Dossier]:
    """Dossiers whose current step is past its quota, for the step's holder and the handling leaders."""
    return qs.filter(step_overdue_filter(actor, now))


def step_overdue_filter(actor: svc.Actor, now: datetime) -> Q:
    q = Q(current_step__isnull=False, step_due_at__lt=now)
    if actor.system or actor.scope.is_superuser:
        return q
    leads = actor.scope.paths([Role.LEADER])
    return q & (Q(holder_id=actor.user_id) | (_any_prefix("handling_path", leads) if leads else Q(pk__in=[])))


STEP_LABELS = {S.NEW: _("Chờ tiếp nhận"), S.RECEIVED: _("Chờ chuyển xử lý"), S.PROCESSING: _("Chờ hoàn thành xử lý"),
               S.SUPPLEMENT: _("Chờ người nộp bổ sung"), S.FINANCIAL: _("Chờ thực hiện nghĩa vụ tài chính"),
               S.PROCESSED: _("Chờ trả kết quả")}


def step_label(d: Dossier) -> object:
    """What the dossier waits for when it is at no internal step."""
    return STEP_LABELS.get(S(d.status), _("Đã kết thúc"))


def _any_prefix(field_name: str, paths: list[str]) -> Q:
    q = Q(pk__in=[])
    for p in paths:
        q |= Q(**{f"{field_name}__startswith": p})
    return q


def apply_filters(qs: QuerySet[Dossier], f: Filters, now: datetime) -> QuerySet[Dossier]:
    if f.q:
        qs = qs.filter(Q(code=f.q) | Q(applicant_name__icontains=f.q))
    if f.declared:
        from motcua.eforms.services import filter_declared

        qs = filter_declared(qs, f.declared)
    exact = {"procedure_id": f.procedure, "procedure__field_id": f.field, "channel": f.channel,
             "status": f.status}
    qs = qs.filter(**{k: v for k, v in exact.items() if v is not None})
    if f.sync == "pending":  # a new dossier has no sync row until its first delivery
        qs = qs.filter(Q(portal_sync__state="pending") | Q(portal_sync__isnull=True))
    elif f.sync in ("failed", "synced"):
        qs = qs.filter(portal_sync__state=f.sync)
    if f.due == "overdue":
        qs = qs.filter(due_at__lt=now)
    elif f.due in ("today", "week"):
        days = 1 if f.due == "today" else 7
        start = datetime.combine(clock.local_date(now) + timedelta(days=days), datetime.min.time())
        qs = qs.filter(due_at__lt=clock.aware(start))
    return qs


def _cursor(d: Dossier, sort: str) -> str:
    value = getattr(d, sort)
    return f"{value.isoformat() if value else '-'}|{d.pk}"


def _after(qs: QuerySet[Dossier], cursor: str, sort: str) -> QuerySet[Dossier]:
    """Rows after ``cursor`` in (sort NULLS LAST, id) order; a malformed cursor starts over."""
    try:
        raw, pk_text = cursor.rsplit("|", 1)
        pk = int(pk_text)
        value = None if raw == "-" else datetime.fromisoformat(raw)
    except ValueError:
        return qs
    if value is None:
        return qs.filter(**{f"{sort}__isnull": True, "pk__gt": pk})
    return qs.filter(Q(**{f"{sort}__gt": value}) | Q(**{sort: value, "pk__gt": pk})
                     | Q(**{f"{sort}__isnull": True}))


def page_of(actor: svc.Actor, queue: Queue, f: Filters, size: int = PAGE_SIZE) -> Page:
    """One page of ``queue``: at most ``size`` rows after the filters' cursor, plus the next cursor."""
    now = clock.now()
    province = _province(actor)
    qs = apply_filters(base_queryset(actor, queue, now, province), f, now)
    if f.after:
        qs = _after(qs, f.after, queue.sort)
    order = (F(queue.sort).asc(nulls_last=True), "pk")
    # pick the page's ids on the dossier table alone, then join only those rows: joining every candidate
    # row before the sort cost 2-4x at 1M dossiers, and far more when the planner misjudged the row count
    ids = qs.order_by(*order).values("pk")[: size + 1]
    rows = list(Dossier.objects.filter(pk__in=ids).select_related("procedure", "version", "current_step", "holder")
                .order_by(*order))
    more = len(rows) > size
    rows = rows[:size]
    page = Page(rows, _cursor(rows[-1], queue.sort) if more else "")
    if rows and province:
        window = svc.flag_window(province, now)
        for d in rows:
            d.queue_flag = svc.flag_of(d, now, window)  # type: ignore[attr-defined]
    for d in rows:
        d.step_flag = bool(d.current_step_id and d.step_due_at and d.step_due_at < now  # type: ignore[attr-defined]
                           and d.status == S.PROCESSING)
        d.step_label = step_label(d)  # type: ignore[attr-defined]
    return page
