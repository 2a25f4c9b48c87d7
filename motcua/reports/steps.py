"""Late steps, read from the event log: each internal step a dossier went through, when it was
entered and left, its due time (the step's quota in working time, recorded on the event that
entered it) and whether it was late.

A step is entered by a ``start``, ``forward``, ``send_back`` or ``approve`` event whose data names
the step (``step``, ``step_due_at``); a ``forward`` that only changes the holder keeps the step.
It is left by the next such event or by the end of processing (finish, withdraw, stop). It is
late when it is left after its due time, or, still open, when the instant judged is past it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from motcua.domain.lifecycle import Action

ENTERING = frozenset({Action.START.value, Action.FORWARD.value, Action.SEND_BACK.value, Action.APPROVE.value})
ENDING = frozenset({Action.FINISH.value, Action.WITHDRAW.value, Action.STOP.value})


@dataclass(frozen=True)
class StepSpan:
    """One stay of a dossier at one step."""

    dossier_id: int
    step_id: int
    step_name: str
    entered_at: datetime
    due_at: datetime | None
    left_at: datetime | None  # None: the dossier is still at this step
    holder_id: int | None

    def late(self, as_of: datetime) -> bool:
        """Left after its due time, or still open and past it at ``as_of``."""
        if self.due_at is None:
            return False
        return (self.left_at or as_of) > self.due_at

    def open_at(self, instant: datetime) -> bool:
        return self.entered_at < instant and (self.left_at is None or self.left_at >= instant)

    def overdue_at(self, instant: datetime) -> bool:
        return self.due_at is not None and instant > self.due_at


def parse_instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _moves(ev_action: str, data: dict) -> bool:
    return ev_action in ENTERING and "holder_change" not in data


def spans_of(events: Iterable[tuple[int, str, datetime, dict]]) -> Iterator[StepSpan]:
    """Step stays from ``(dossier_id, action, at, data)`` rows ordered by dossier then seq."""
    open_span: StepSpan | None = None
    current_dossier: int | None = None
    for dossier_id, action, at, data in events:
        if dossier_id != current_dossier:
            if open_span is not None:
                yield open_span
            open_span, current_dossier = None, dossier_id
        data = data or {}
        if open_span is not None and "holder_change" in data and action == Action.FORWARD.value:
            open_span = StepSpan(**{**open_span.__dict__, "holder_id": data.get("holder")})
            continue
        if _moves(action, data) or action in ENDING:
            if open_span is not None:
                yield StepSpan(**{**open_span.__dict__, "left_at": at})
                open_span = None
            if action in ENTERING and isinstance(data.get("step"), int):
                open_span = StepSpan(dossier_id, data["step"], data.get("step_name", ""), at,
                                     parse_instant(data.get("step_due_at")), None, data.get("holder"))
    if open_span is not None:
        yield open_span


def step_spans(dossier_ids: Iterable[int]) -> list[StepSpan]:
    """Every step stay of the given dossiers (ids, or a query of ids: one query), from their events."""
    from django.db.models import QuerySet

    from motcua.dossiers.models import DossierEvent

    ids = dossier_ids if isinstance(dossier_ids, QuerySet) else list(dossier_ids)
    rows = (DossierEvent.objects.filter(dossier_id__in=ids,
                                        action__in=sorted(ENTERING | ENDING))
            .order_by("dossier_id", "seq").values_list("dossier_id", "action", "at", "data"))
    return list(spans_of(rows.iterator(chunk_size=2000)))


def left_steps(dossier_ids: list[int]) -> dict[int, list[tuple[int, bool]]]:
    """Per dossier, the steps it left: (epoch second left, left after the step's due time), for
    the read model's ``steps_left`` / ``steps_left_late`` columns (one query)."""
    out: dict[int, list[tuple[int, bool]]] = {}
    for s in step_spans(dossier_ids):
        if s.left_at is not None:
            out.setdefault(s.dossier_id, []).append((int(s.left_at.timestamp()), s.late(s.left_at)))
    return out


@dataclass(frozen=True)
class LateSteps:
    """Steps left in the period (late among them) and steps open and past due at ``as_of``."""

    left: int
    left_late: int
    open_late: int

    def as_dict(self) -> dict[str, int]:
        return {"steps_left": self.left, "steps_left_late": self.left_late, "steps_open_late": self.open_late}


def count_late_steps(spans: Iterable[StepSpan], start: datetime, end: datetime, as_of: datetime) -> LateSteps:
    left = left_late = open_late = 0
    for s in spans:
        if s.left_at is not None and start <= s.left_at < end:
            left += 1
            left_late += s.late(as_of)
        elif s.open_at(end) and s.overdue_at(as_of):
            open_late += 1
    return LateSteps(left, left_late, open_late)


def late_steps_of_unit(unit_path: str, start: datetime, end: datetime, as_of: datetime,
                       basis: str = "handling") -> LateSteps:
    """Late steps of the dossiers handled (or received) in ``unit_path``'s subtree: steps left in
    ``[start, end)`` (late among them) and steps still open and past due at ``as_of``.

    Only the histories of dossiers with a step event in the period are read; the open steps of a
    period judged as of now come from the dossier rows (the step each dossier is at and its due
    time), those of a past period from the histories of every dossier of the scope until its end."""
    from motcua.core import clock
    from motcua.domain.lifecycle import Status
    from motcua.dossiers.models import Dossier, DossierEvent

    field = "handling_path" if basis == "handling" else "receiving_path"
    scope = {f"dossier__{field}__startswith": unit_path}
    actions = sorted(ENTERING | ENDING)
    left = _left_from_read_model(unit_path, start, end) if basis == "handling" else None
    if left is None:
        touched = (DossierEvent.objects.filter(**scope, action__in=actions, at__gte=start, at__lt=end)
                   .values_list("dossier_id", flat=True).distinct())
        counted = count_late_steps(step_spans(touched), start, end, as_of)
        left = counted.left, counted.left_late
    if as_of >= clock.now():
        open_late = Dossier.objects.filter(**{f"{field}__startswith": unit_path}, status=Status.PROCESSING,
                                           current_step__isnull=False, step_due_at__lt=as_of).count()
    else:
        before_end = (DossierEvent.objects.filter(**scope, action__in=actions, at__lt=end)
                      .values_list("dossier_id", flat=True).distinct())
        open_late = sum(1 for s in step_spans(before_end) if s.open_at(end) and s.overdue_at(as_of))
    return LateSteps(left[0], left[1], open_late)


def _left_from_read_model(unit_path: str, start: datetime, end: datetime) -> tuple[int, int] | None:
    """Steps left in the period and late among them from the read model's buckets (rows kept by
    each dossier's current handling path, as this count), when it can answer exactly: the buckets
    current and the period bounded by local midnights, or judged within its last day (the buckets
    to that day's midnight, and the steps left since from the histories of the dossiers with a
    step event since); None: read the event log."""
    from motcua.dossiers.models import DossierEvent
    from motcua.units.models import Unit

    from . import readmodel
    from .readfigures import bucket_steps, midnight_within

    unit = Unit.objects.filter(path=unit_path).first()
    if unit is None or not readmodel.ready(unit.province_id):
        return None
    got = bucket_steps(unit, start, end)
    midnight = midnight_within(start, end) if got is None else None
    if midnight is None:
        return got
    base = bucket_steps(unit, start, midnight)
    assert base is not None
    touched = (DossierEvent.objects.filter(dossier__handling_path__startswith=unit_path,
                                           action__in=sorted(ENTERING | ENDING), at__gte=midnight, at__lt=end)
               .values_list("dossier_id", flat=True).distinct())
    today = count_late_steps(step_spans(touched), midnight, end, end)
    return base[0] + today.left, base[1] + today.left_late


def mark_late(spans: Iterable[StepSpan], as_of: datetime) -> dict[tuple[int, datetime], bool]:
    """(step id, entered at) -> late, for the control slip."""
    return {(s.step_id, s.entered_at): s.late(as_of) for s in spans}
