"""Realistic dossier histories for demos and benchmarks, written through the bulk importer.

Mixes follow what provinces publish: online share rising from about 45% to 80% over the two
years, a few percent by post, certified copies and civil status dominating commune intake,
about 8% supplement requests (1% twice), 1.5% withdrawals, 1% refusals of online dossiers,
0.5% stopped, and 1-3% finished late; dossiers received recently are still open.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from django.db.models import Q

from motcua.calendars.services import calendar_for
from motcua.catalog.choices import Channel, OnlineLevel, VersionStatus
from motcua.catalog.models import ProcedureVersion, ProcessStep
from motcua.domain.codes import format_dossier_code
from motcua.domain.workcal import WorkingCalendar
from motcua.units.models import Unit

from .bulk import HistoryRecord, import_history

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
    steps: int
    weight: float


def _targets(province: Unit, on: date) -> list[Target]:
    versions = (ProcedureVersion.objects.select_related("procedure__field")
                .filter(effective_from__lte=on).filter(Q(effective_to__isnull=True) | Q(effective_to__gt=on))
                .exclude(status=VersionStatus.ABOLISHED))
    units = {u.pk: u for u in Unit.objects.filter(path__startswith=province.path)}
    centres = {u.parent_id: u for u in units.values() if u.kind == "service_centre" and u.parent_id}
    steps: dict[tuple[int, int], int] = {}
    for proc_id, unit_id in ProcessStep.objects.values_list("procedure_id", "unit_id"):
        steps[(proc_id, unit_id)] = steps.get((proc_id, unit_id), 0) + 1
    out = []
    for v in versions:
        for (proc_id, unit_id), n in steps.items():
            if proc_id != v.procedure_id or unit_id not in units or units[unit_id].dissolved_on:
                continue
            handling = units[unit_id]
            receiving = centres.get(handling.pk) or centres.get(handling.parent_id) or handling
            w = FIELD_WEIGHT.get(v.procedure.field.code, 1) * (3 if handling.kind == "commune" else 1)
            out.append(Target(v, receiving, handling, n, w))
    if not out:
        raise RuntimeError("no procedures with internal processes: run `motcua demo` first")
    return out


class Generator:
    def __init__(self, province: Unit, start: date, end: date, seed: int = 2025) -> None:
        self.province, self.start, self.end = province, start, end
        self.rng = random.Random(seed)
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
        channel = self._channel(t, di / max(1, len(self.days) - 1))
        limit = t.version.limit_seconds(channel)
        key = (t.receiving.pk, day)
        self.seq[key] = self.seq.get(key, 0) + 1
        code = format_dossier_code(t.receiving.code, day, self.seq[key])
        ev: list[tuple[int, str, str]] = []
        if channel == Channel.DIRECT:
            ev.append((submitted, "intake", ""))
            received = submitted
        else:
            ev.append((submitted, "submit", ""))
            received = self._after(submitted, r.uniform(600, 4 * 3600))
            if r.random() < 0.01:
                ev.append((received, "refuse", "Hồ sơ không đúng thẩm quyền giải quyết"))
                return self._rec(t, code, channel, limit, ev, key)
            ev.append((received, "receive", ""))
        self._process(ev, received, limit, t.steps)
        return self._rec(t, code, channel, limit, ev, key)

    def _process(self, ev: list[tuple[int, str, str]], received: int, limit: int, steps: int) -> None:
        r = self.rng
        clock = self._after(received, r.uniform(60, 1800))
        ev.append((clock, "start", ""))
        if r.random() < 0.015:
            ev.append((self._after(clock, r.uniform(0.1, 0.5) * limit), "withdraw", "Công dân đề nghị rút hồ sơ"))
            return
        late = r.random() < 0.025
        frac = r.uniform(1.02, 1.6) if late else min(0.98, r.betavariate(2.2, 2.8) + 0.05)
        worked = frac * limit
        supplements = 0
        if r.random() < 0.08:
            supplements = 2 if r.random() < 0.12 else 1
        spent = 0.0
        for i in range(max(1, steps - 2)):
            portion = worked * r.uniform(0.15, 0.35)
            clock = self._after(clock, portion)
            spent += portion
            if i == 0 and supplements:
                for _ in range(supplements):
                    ev.append((clock, "request_supplement", "Bổ sung giấy tờ còn thiếu"))
                    back = clock + int(r.uniform(1, 10) * 86400)
                    clock = self.cal.epoch_at(self.cal.ordinal_at(back))
                    ev.append((clock, "supplement", ""))
            ev.append((clock, "forward", ""))
        if r.random() < 0.005:
            ev.append((self._after(clock, 3600), "stop", "Dừng xử lý theo quy định"))
            return
        clock = self._after(clock, max(60.0, worked - spent))
        ev.append((clock, "finish", ""))
        if r.random() < 0.97:
            ev.append((self._after(clock, r.uniform(0, 5 * 8 * 3600)), "return", ""))

    def _rec(self, t: Target, code: str, channel: int, limit: int, ev: list[tuple[int, str, str]],
             key: tuple[int, date]) -> HistoryRecord:
        ev = [e for e in ev if e[0] <= self.now] or ev[:1]
        enterprise = t.version.applicant_types and 0 not in t.version.applicant_types
        return HistoryRecord(
            code=code, receiving_unit_id=t.receiving.pk, handling_unit_id=t.handling.pk,
            receiving_path=t.receiving.path, handling_path=t.handling.path, procedure_id=t.version.procedure_id,
            version_id=t.version.pk, channel=channel, limit_seconds=limit, events=ev,
            applicant_type=1 if enterprise else 0,
            applicant_name=self.rng.choice(ENTERPRISE_NAMES) if enterprise else self._name(),
            applicant_id_number=f"068{self.rng.randrange(10**8, 10**9)}",
            applicant_phone=f"09{self.rng.randrange(10**7, 10**8)}",
            applicant_address=f"{t.handling.name}, {self.province.name}",
            fees_due=t.version.fee_total(channel), fees_paid=t.version.fee_total(channel),
            cutoff=_cutoff(t.version), sequence=(key[0], key[1].isoformat(), self.seq[key]),
        )

    def records(self, n: int) -> Iterator[HistoryRecord]:
        for _ in range(n):
            yield self.record()


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
