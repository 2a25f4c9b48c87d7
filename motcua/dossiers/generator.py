"""Realistic dossier histories for demos and benchmarks, written through the bulk importer.

Mixes follow what provinces publish: online share rising from about 45% to 80% over the two
years, a few percent by post, certified copies and civil status dominating commune intake,
about 8% supplement requests (1% twice), 1.5% withdrawals, 1% refusals of online dossiers,
0.5% stopped, and 1-3% finished late; dossiers received recently are still open.

Postal service and fees (their own random stream, so the other figures do not move): a share of
the applicants choose the result by post (7% rising to 15% over the period; most of those who
send their dossier by post), whose return is preceded by the delivery order's ``postal`` events
(order created, parcel collected, delivered: the data the postal integration writes) and carries
``{"method": "post", "postal_code": ...}``; a few deliveries are cancelled by the post (the result
stays at the counter). A dossier sent by post (channel 3) has its pick-up order's ``postal``
events before its receipt. A fee due is paid at receipt: a ``fee_paid`` event (cash at the
counter or by post, online for an online dossier), and ``fees_paid`` is the sum of those events.
A postal order still on its way at the end of the period is left out (the live integration
orders it), so every history's order is complete or cancelled.

Each history follows the handling unit's internal process for its procedure, as the services
write it: ``start`` enters the first step, a ``forward`` enters each next one, the approval step is
left by an ``approve``; each step entered names its due time (the step's quota in working time,
computed by :func:`motcua.dossiers.process.step_due`) and a holder among the unit's staff of the
step's role, when there is one. A dossier still being processed stays at the step it had reached.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from django.db.models import Q

from motcua.calendars.services import calendar_for
from motcua.catalog.choices import Channel, OnlineLevel, VersionStatus
from motcua.catalog.models import ProcedureVersion, ProcessStep
from motcua.domain.codes import format_dossier_code
from motcua.domain.workcal import WorkingCalendar
from motcua.integrations.post import demo as post_demo
from motcua.integrations.post import mapping
from motcua.integrations.post import services as post_services
from motcua.units.models import StaffRole, Unit

from .bulk import HistoryRecord, import_history
from .process import step_due

Event = tuple[int, str, str, dict[str, Any] | None]  # (epoch seconds, action, note, data)

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
            "Ngô", "Dương", "Lý", "K'", "Ka"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Thu", "Hoài", "Gia", "Bảo"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Lan", "Linh", "Long", "Mai",
         "Nam", "Nga", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vy", "Yến", "Brơi", "Điểu"]
FIELD_WEIGHT = {"CT": 30, "HT": 20, "DD": 12, "HKD": 6, "BTXH": 6, "XD": 5, "LLTP": 6, "DN": 4, "NCC": 2,
                "NCCN": 1, "GD": 2, "YT": 2, "LD": 3}
ENTERPRISE_NAMES = ["Công ty TNHH Cà phê Cầu Đất", "Công ty CP Du lịch Langbiang", "HTX Nông nghiệp Nam Ban",
                    "Công ty TNHH Rau hoa Đà Lạt", "Hộ kinh doanh Tạp hóa Minh Châu"]


@dataclass
class Target:
    """Where a procedure is handled: receiving centre and handling unit."""

    version: ProcedureVersion
    receiving: Unit
    handling: Unit
    steps: tuple[ProcessStep, ...]  # the handling unit's process for the procedure, in order
    weight: float


def _targets(province: Unit, on: date) -> list[Target]:
    versions = (ProcedureVersion.objects.select_related("procedure__field")
                .filter(effective_from__lte=on).filter(Q(effective_to__isnull=True) | Q(effective_to__gt=on))
                .exclude(status=VersionStatus.ABOLISHED))
    units = {u.pk: u for u in Unit.objects.filter(path__startswith=province.path)}
    centres = {u.parent_id: u for u in units.values() if u.kind == "service_centre" and u.parent_id}
    steps: dict[tuple[int, int], list[ProcessStep]] = {}
    for step in ProcessStep.objects.filter(unit_id__in=units).order_by("procedure_id", "unit_id", "order"):
        steps.setdefault((step.procedure_id, step.unit_id), []).append(step)
    out = []
    for v in versions:
        for (proc_id, unit_id), process in steps.items():
            if proc_id != v.procedure_id or unit_id not in units or units[unit_id].dissolved_on:
                continue
            handling = units[unit_id]
            receiving = centres.get(handling.pk) or centres.get(handling.parent_id) or handling
            w = FIELD_WEIGHT.get(v.procedure.field.code, 1) * (3 if handling.kind == "commune" else 1)
            out.append(Target(v, receiving, handling, tuple(process), w))
    if not out:
        raise RuntimeError("no procedures with internal processes: run `motcua demo` first")
    return out


class Generator:
    def __init__(self, province: Unit, start: date, end: date, seed: int = 2025) -> None:
        self.province, self.start, self.end = province, start, end
        self.rng = random.Random(seed)
        self.step_rng = random.Random(seed * 7919 + 17)  # the internal process: steps, stays, holders
        self.cal: WorkingCalendar = calendar_for(province.pk)
        self.targets = _targets(province, end)
        self.weights = [t.weight for t in self.targets]
        from .models import DossierCounter

        self.seq: dict[tuple[int, date], int] = {
            (u, d): last for u, d, last in DossierCounter.objects.filter(
                unit__path__startswith=province.path).values_list("unit_id", "day", "last")}
        self.history: dict[int, list[ProcedureVersion]] = {}
        for v in ProcedureVersion.objects.exclude(status=VersionStatus.ABOLISHED).order_by("effective_from"):
            self.history.setdefault(v.procedure_id, []).append(v)
        self.now = int(datetime.combine(end, time(17, 0)).replace(tzinfo=UTC).timestamp()) - 7 * 3600
        self.days = [date.fromordinal(o) for o in range(start.toordinal(), end.toordinal() + 1)
                     if self.cal.is_working_day(date.fromordinal(o))]
        self.staff = _staff(province, {t.handling.pk: t.handling.path for t in self.targets})
        self.post_rng = random.Random(seed * 104729 + 29)  # result by post, postal and fee events
        from .models import Dossier

        # item-code serials of this run: after every dossier id there is, so a later run's codes are new
        self.serial = Dossier.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def _name(self) -> str:
        r = self.rng
        return f"{r.choice(SURNAMES)} {r.choice(MIDDLE)} {r.choice(GIVEN)}"

    def _channel(self, t: Target, frac: float) -> int:
        r = self.rng.random()
        online_share = 0.45 + 0.35 * frac
        if t.version.online_level != OnlineLevel.NONE and r < online_share:
            return Channel.ONLINE
        return Channel.POST if r > 0.96 else Channel.DIRECT

    def _version_on(self, t: Target, day: date) -> ProcedureVersion:
        for v in reversed(self.history.get(t.version.procedure_id, [])):
            if v.effective_from <= day and (v.effective_to is None or v.effective_to > day):
                return v
        return t.version  # the procedure is younger than the period: use its first version

    def _after(self, epoch: int, working_seconds: float) -> int:
        return self.cal.epoch_at(self.cal.ordinal_at(epoch) + int(working_seconds))

    def _result_delivery(self, channel: int, frac: float) -> str:
        share = 0.6 if channel == Channel.POST else 0.07 + 0.08 * frac
        return "post" if self.post_rng.random() < share else "counter"

    def _between(self, a: int, b: int, frac: float) -> int:
        """The instant ``frac`` of the working time between ``a`` and ``b``."""
        oa, ob = self.cal.ordinal_at(a), self.cal.ordinal_at(b)
        return max(a, min(b, self.cal.epoch_at(oa + int(max(0, ob - oa) * frac))))

    def _postal(self, ev: list[Event], kind: str, code: str, number: str, start: int, end: int,
                last: int = mapping.DELIVERED, message: str = "") -> None:
        """A postal order's events between ``start`` and ``end``: created, collected, then ``last``
        (delivered or cancelled) at ``end`` for a delivery, just before it for a pick-up."""
        at_last = end if kind == "delivery" else self._between(start, end, 0.9)
        for status, at in ((mapping.REGISTERED, self._between(start, end, 0.05)),
                           (mapping.COLLECTING, self._between(start, end, 0.4)), (last, at_last)):
            note = post_services.NOTES[(post_services.Kind(kind), status)].format(code=code, message=message)
            ev.append((at, "postal", note, {"postal": kind, "postal_status": status, "postal_code": code,
                                            "order_number": number}))

    def record(self) -> HistoryRecord:
        r = self.rng
        t = self.targets[r.choices(range(len(self.targets)), self.weights)[0]]
        di = r.randrange(len(self.days))
        day = self.days[di]
        sec = int(r.triangular(7 * 3600, 17.5 * 3600, 9.5 * 3600))
        submitted = int(datetime.combine(day, time()).replace(tzinfo=UTC).timestamp()) - 7 * 3600 + sec
        version = self._version_on(t, day)
        if version is not t.version:
            t = Target(version, t.receiving, t.handling, t.steps, t.weight)
        frac = di / max(1, len(self.days) - 1)
        channel = self._channel(t, frac)
        limit = t.version.limit_seconds(channel)
        key = (t.receiving.pk, day)
        self.seq[key] = self.seq.get(key, 0) + 1
        code = format_dossier_code(t.receiving.code, day, self.seq[key])
        self.serial += 1
        post = _Post(self._result_delivery(channel, frac), code, self.serial, t.version.fee_total(channel))
        ev: list[Event] = []
        if channel == Channel.DIRECT:
            ev.append((submitted, "intake", "", None))
            received = submitted
        else:
            ev.append((submitted, "submit", "", None))
            received = self._after(submitted, r.uniform(600, 4 * 3600))
            if channel == Channel.POST:  # collected from the applicant, arrived at the counter
                self._postal(ev, "pickup", mapping.item_code("EP", self.serial), code, submitted, received)
            if r.random() < 0.01:
                ev.append((received, "refuse", "Hồ sơ không đúng thẩm quyền giải quyết", None))
                return self._rec(t, code, channel, limit, ev, key, post)
            ev.append((received, "receive", "", None))
        if post.fee:  # collected at receipt
            ev.append((self._after(received, self.post_rng.uniform(5, 50)), "fee_paid", "",
                       {"amount": post.fee, "method": "online" if channel == Channel.ONLINE else "cash"}))
        self._process(ev, received, limit, t, post)
        return self._rec(t, code, channel, limit, ev, key, post)

    def _holder(self, t: Target, step: ProcessStep) -> int | None:
        staff = self.staff.get((t.handling.pk, step.role))
        return self.step_rng.choice(staff) if staff else None

    def _enter(self, step: ProcessStep | None, at: int, holder: int | None) -> dict[str, Any]:
        """The data of an event entering ``step`` at ``at`` (as motcua.dossiers.process writes it)."""
        if step is None:
            return {"step": None, "holder": None}
        due = step_due(self.cal, datetime.fromtimestamp(at, UTC), step)
        return {"step": step.pk, "step_name": step.name, "holder": holder, "step_due_at": due.isoformat()}

    def _process(self, ev: list[Event], received: int, limit: int, t: Target, post: _Post) -> None:
        r = self.rng
        clock = self._after(received, r.uniform(60, 1800))
        ev.append((clock, "start", "", self._enter(t.steps[0], clock, self._holder(t, t.steps[0]))))
        if r.random() < 0.015:
            ev.append((self._after(clock, r.uniform(0.1, 0.5) * limit), "withdraw", "Công dân đề nghị rút hồ sơ",
                       None))
            return
        late = r.random() < 0.025
        frac = r.uniform(1.02, 1.6) if late else min(0.98, r.betavariate(2.2, 2.8) + 0.05)
        worked = frac * limit
        supplements = 0
        if r.random() < 0.08:
            supplements = 2 if r.random() < 0.12 else 1
        spent = 0.0
        moves_from = clock
        for i in range(max(1, len(t.steps) - 2)):  # the time worked, in stretches
            portion = worked * r.uniform(0.15, 0.35)
            clock = self._after(clock, portion)
            spent += portion
            if i == 0:
                for _ in range(supplements):  # asked for at the first step, which the supplement returns to
                    ev.append((clock, "request_supplement", "Bổ sung giấy tờ còn thiếu", None))
                    back = clock + int(r.uniform(1, 10) * 86400)
                    clock = self.cal.epoch_at(self.cal.ordinal_at(back))
                    ev.append((clock, "supplement", "", None))
                moves_from = clock
        if r.random() < 0.005:
            end = self._after(clock, 3600)
            self._steps(ev, t, moves_from, end, stopped=True)
            ev.append((end, "stop", "Dừng xử lý theo quy định", None))
            return
        clock = self._after(clock, max(60.0, worked - spent))
        self._steps(ev, t, moves_from, clock)
        ev.append((clock, "finish", "", None))
        returned = r.random() < 0.97
        at = self._after(clock, r.uniform(0, 5 * 8 * 3600)) if returned else 0
        if post.result_delivery != "post":
            if returned:
                ev.append((at, "return", "", None))
            return
        code = post_demo.history_code(post.serial)
        if not returned:  # the post gave up (nobody at the address): the result waits at the counter
            gave_up = self._after(clock, self.post_rng.uniform(2, 4) * 8 * 3600)
            self._postal(ev, "delivery", code, post.code, clock, gave_up, mapping.CANCELLED,
                         "Người nhận vắng nhà, đã phát ba lần không thành công")
            return
        at = max(at, self._after(clock, self.post_rng.uniform(3, 8) * 3600))  # the post takes some hours
        self._postal(ev, "delivery", code, post.code, clock, at)
        ev.append((at, "return", post_services.RETURN_NOTE.format(code=code), {"method": "post", "postal_code": code}))

    def _steps(self, ev: list[Event], t: Target, first: int, end: int, stopped: bool = False) -> None:
        """The moves through the process between ``first`` (the first step is left) and ``end`` (the
        dossier is finished or stopped): each next step entered by a forward, the approval step left
        by an approve; the stays shared by the steps' quotas. Drawn from their own random stream, so
        the dossiers' times (and the figures they make) do not depend on the processes."""
        r, steps = self.step_rng, t.steps
        moves = len(steps) - (0 if steps[-1].approval else 1)
        if stopped:
            moves = r.randrange(moves + 1)
        shares = [max(0.25, float(s.quota_hours)) * r.uniform(0.5, 1.5) for s in steps[1:]]
        a, b = self.cal.ordinal_at(first), self.cal.ordinal_at(end)
        span = max(0, b - a) * r.uniform(0.85, 0.98) / max(sum(shares), 1e-9)
        at, done = first, 0.0
        for i, step in enumerate(steps[:moves]):
            if i:
                done += shares[i - 1]
                at = min(end, max(at, self.cal.epoch_at(a + int(span * done))))
            following = steps[i + 1] if i + 1 < len(steps) else None
            if step.approval:  # only the approval leaves it; the next step is nobody's until assigned
                ev.append((at, "approve", "Đồng ý", {
                    "document": None, "signature": "pending", "from_step": step.order,
                    **self._enter(following, at, None), "process_done": following is None}))
            else:
                ev.append((at, "forward", "", {"from_step": step.order,
                                               **self._enter(following, at, self._holder(t, following))}))

    def _rec(self, t: Target, code: str, channel: int, limit: int, ev: list[Event],
             key: tuple[int, date], post: _Post) -> HistoryRecord:
        ev = _complete_orders([e for e in ev if e[0] <= self.now] or ev[:1])
        paid = sum(int(data["amount"]) for _, action, _, data in ev if action == "fee_paid" and data)
        enterprise = t.version.applicant_types and 0 not in t.version.applicant_types
        return HistoryRecord(
            code=code, receiving_unit_id=t.receiving.pk, handling_unit_id=t.handling.pk,
            receiving_path=t.receiving.path, handling_path=t.handling.path, procedure_id=t.version.procedure_id,
            version_id=t.version.pk, channel=channel, limit_seconds=limit,
            events=[(at, action, note) for at, action, note, _ in ev], data=[data for *_, data in ev],
            applicant_type=1 if enterprise else 0,
            applicant_name=self.rng.choice(ENTERPRISE_NAMES) if enterprise else self._name(),
            applicant_id_number=f"068{self.rng.randrange(10**8, 10**9)}",
            applicant_phone=f"09{self.rng.randrange(10**7, 10**8)}",
            applicant_address=f"{t.handling.name}, {self.province.name}",
            fees_due=post.fee, fees_paid=paid, result_delivery=post.result_delivery,
            cutoff=_cutoff(t.version), sequence=(key[0], key[1].isoformat(), self.seq[key]),
        )

    def records(self, n: int) -> Iterator[HistoryRecord]:
        for _ in range(n):
            yield self.record()


@dataclass(frozen=True)
class _Post:
    """What a record's postal and fee events need: the result's way, the dossier code, the run's
    item-code serial of the dossier and the fee due."""

    result_delivery: str
    code: str
    serial: int
    fee: int


def _complete_orders(ev: list[Event]) -> list[Event]:
    """Leave out the ``postal`` events of an order not delivered nor cancelled by the end of the
    period (still on its way: the live integration orders it again)."""
    codes = {data["postal_code"] for _, action, _, data in ev if action == "postal" and data}
    if not codes:
        return ev
    done = {data["postal_code"] for _, action, _, data in ev
            if action == "postal" and data and data["postal_status"] in mapping.FINAL}
    if done == codes:
        return ev
    return [e for e in ev if e[1] != "postal" or (e[3] or {}).get("postal_code") in done]


def _staff(province: Unit, handling: dict[int, str]) -> dict[tuple[int, str], list[int]]:
    """(handling unit id, role) -> the people who may hold a step of that role there (the rule of
    motcua.dossiers.process._check_holder), those inside the unit first-choice over those above it."""
    inside: dict[tuple[int, str], list[int]] = {}
    above: dict[tuple[int, str], list[int]] = {}
    rows = (StaffRole.objects.filter(unit__path__startswith=province.path).order_by("user_id", "role")
            .values_list("user_id", "role", "unit__path").distinct())
    for user_id, role, path in rows:
        for unit_id, hpath in handling.items():
            if path.startswith(hpath):
                inside.setdefault((unit_id, role), []).append(user_id)
            elif hpath.startswith(path):
                above.setdefault((unit_id, role), []).append(user_id)
    return {k: inside.get(k) or above[k] for k in {*inside, *above}}


def _cutoff(v: ProcedureVersion) -> int:
    c = v.cutoff_time
    return -1 if c is None else c.hour * 3600 + c.minute * 60


def generate(n: int, province: Unit, start: date, end: date, seed: int = 2025,
             progress: Callable[[int], None] | None = None) -> int:
    """Generate and import ``n`` dossiers received between ``start`` and ``end``.

    Note: sequences continue from this run only; generate into an empty period or a fresh
    database (the importer bumps the code counters so later intakes never collide)."""
    gen = Generator(province, start, end, seed)
    return import_history(gen.records(n), province.pk, progress=progress)
