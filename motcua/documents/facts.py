"""What the documents print, read from a dossier and its event log: the issuing unit, the
events a letter is based on, and the hand-overs of the control slip."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model

from motcua.core import clock
from motcua.domain.lifecycle import Action
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.units.choices import TERRITORIAL_KINDS
from motcua.units.models import Unit

from .layout import Issuer

_PLACE_PREFIXES = ("Thành phố ", "Tỉnh ", "Phường ", "Xã ", "Đặc khu ", "Huyện ", "Quận ", "Thị xã ")


def issuer(unit: Unit, number: str, on: datetime | None) -> Issuer:
    """The header of a document issued by ``unit``: its parent body, its name, the place."""
    ids = [int(i) for i in unit.path.strip("/").split("/")]
    chain = sorted(Unit.objects.filter(pk__in=ids), key=lambda u: ids.index(u.pk))
    parent = chain[-2].name if len(chain) > 1 else ""
    place = next((u.name for u in reversed(chain) if u.kind in TERRITORIAL_KINDS), unit.name)
    for prefix in _PLACE_PREFIXES:
        place = place.removeprefix(prefix)
    return Issuer(parent, unit.name, number, place, on)


def latest_event(d: Dossier, action: Action) -> DossierEvent | None:
    return d.events.filter(action=action.value).order_by("-seq").first()


def receiving_officer(d: Dossier) -> str:
    ev = d.events.filter(action__in=[Action.INTAKE.value, Action.RECEIVE.value]).order_by("-seq").first()
    return ev.actor_name if ev is not None else ""


def parse_instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class Handover:
    """One row of the control slip: who handed the dossier to whom, when, and how the step
    being left did against its time quota (early / on time / late, blank when unknown)."""

    what: str
    giver: str
    receiver: str
    at: datetime
    step_due: datetime | None
    result: str


def step_result(left_at: datetime, due: datetime | None) -> str:
    """Early if the step is left on an earlier working day than its due time, late if after it."""
    if due is None:
        return ""
    if left_at > due:
        return "Trễ hạn"
    return "Trước hạn" if clock.local_date(left_at) < clock.local_date(due) else "Đúng hạn"


# action -> who receives the dossier: the "officer" who acted (from the applicant), the internal
# "step" entered (an approval moves the dossier on to the next step), the "one_stop" department
# (result back), or the "applicant". Other actions (an apology) hand nothing over.
_RECEIVER = {
    Action.INTAKE: "officer", Action.RECEIVE: "officer", Action.SUPPLEMENT: "officer", Action.PAYMENT: "officer",
    Action.START: "step", Action.FORWARD: "step", Action.SEND_BACK: "step", Action.APPROVE: "step",
    Action.FINISH: "one_stop",
    Action.RETURN: "applicant", Action.REQUEST_SUPPLEMENT: "applicant", Action.REQUEST_PAYMENT: "applicant",
    Action.REFUSE: "applicant", Action.STOP: "applicant", Action.WITHDRAW: "applicant",
}


class _Names:
    """Display names of the units and step holders the events refer to, fetched in two queries."""

    def __init__(self, events: list[DossierEvent]) -> None:
        unit_ids = {e.unit_id for e in events if e.unit_id}
        holder_ids = {e.data.get("holder") for e in events if isinstance(e.data.get("holder"), int)}
        self.units = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name"))
        users = get_user_model().objects.filter(pk__in=holder_ids)
        self.users = {u.pk: f"{u.last_name} {u.first_name}".strip() or u.get_username() for u in users}

    def actor(self, e: DossierEvent) -> str:
        unit = self.units.get(e.unit_id, "")
        return f"{e.actor_name} ({unit})" if unit and e.actor_name else (e.actor_name or unit)

    def step(self, e: DossierEvent, d: Dossier) -> str:
        step = e.data.get("step_name") or ""
        holder = self.users.get(e.data.get("holder"), "")
        parts = [p for p in (step, holder) if p]
        return " - ".join(parts) + f" ({d.handling_unit.name})" if parts else d.handling_unit.name


def _action_label(action: str) -> str:
    from motcua.dossiers.choices import ActionChoices

    return str(dict(ActionChoices.choices).get(action, action))


def _parties(e: DossierEvent, d: Dossier, names: _Names, kind: str) -> tuple[str, str]:
    applicant = d.applicant_name
    if kind == "officer":
        return applicant, names.actor(e)
    receiver = {"step": lambda: names.step(e, d), "one_stop": lambda: f"Bộ phận một cửa ({d.receiving_unit.name})",
                "applicant": lambda: applicant}[kind]()
    return names.actor(e), receiver


def handovers(d: Dossier) -> list[Handover]:
    """The control slip rows, in the order of the event log."""
    events = [e for e in d.events.order_by("seq") if e.action in _RECEIVER]
    names = _Names(events)
    rows, step_due = [], None
    for e in events:
        kind = _RECEIVER[Action(e.action)]
        giver, receiver = _parties(e, d, names, kind)
        leaves_step = kind in ("step", "one_stop") and "holder_change" not in e.data  # a hand-over keeps the step
        result = step_result(e.at, step_due) if leaves_step else ""
        rows.append(Handover(_action_label(e.action), giver, receiver, e.at, step_due if leaves_step else None,
                             result))
        if leaves_step:
            step_due = parse_instant(e.data.get("step_due_at"))
    return rows
