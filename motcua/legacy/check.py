"""The dry run: every group of the file checked against the catalog, the unit tree, the state machine
and what was imported before, giving either a :class:`~motcua.dossiers.bulk.HistoryRecord` ready for the
bulk importer or the problems by row. The verdict is computed here (the bulk importer's projection, from
the legacy timestamps, the procedure's limit and the working calendar) and compared with the file's own.

The import (:mod:`motcua.legacy.load`) runs the same checks: nothing is written that the dry run refused.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from motcua.calendars.services import calendar_for
from motcua.catalog.choices import VersionStatus
from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.core import clock
from motcua.domain.errors import IllegalTransition
from motcua.domain.lifecycle import Action, Status, next_status
from motcua.dossiers.bulk import HistoryRecord, project
from motcua.dossiers.choices import StatusChoices
from motcua.dossiers.models import Dossier
from motcua.units.models import Unit

from . import format as fmt
from .parse import FileProblem, Group, Problem, Row, groups, open_tables

CHUNK = 2000  # groups looked up in the database together
MAX_PROBLEMS = 2000  # problems kept for the page (all are counted)
_CODE = re.compile(r"^(?P<agency>.+)-(?P<day>\d{6})-(?P<seq>\d{4,})$")


@dataclass
class Checked:
    group: Group
    record: HistoryRecord | None = None
    province_id: int | None = None
    digest: str = ""
    verdict: str = ""
    problems: list[Problem] = field(default_factory=list)
    existing: str = ""  # "", "same" (imported before with this content: skipped)

    @property
    def failed(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


@dataclass
class Report:
    rows: int = 0
    dossiers: int = 0
    new: int = 0
    skipped: int = 0
    failed: int = 0
    warnings: int = 0
    problem_count: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)
    failed_codes: set[str] = field(default_factory=set)
    verdicts: dict[str, int] = field(default_factory=dict)
    unreadable: bool = False  # the file could not be read at all (one problem says why)

    def add(self, c: Checked) -> None:
        self.rows += c.group.rows
        for p in c.problems:
            self.problem_count += 1
            if p.severity == "warning":
                self.warnings += 1
            if len(self.problems) < MAX_PROBLEMS:
                self.problems.append(p.as_dict())
            if p.severity == "error" and p.code and not c.group.refused:
                self.failed_codes.add(p.code)
        if c.group.refused:  # a repeated or out-of-order dossier row: the row itself is refused
            self.dossiers += 1
            self.failed += 1
        if c.group.dossier is None:
            return
        self.dossiers += 1
        if c.failed:
            self.failed += 1
        elif c.existing == "same":
            self.skipped += 1
        else:
            self.new += 1
            if c.verdict:
                self.verdicts[c.verdict] = self.verdicts.get(c.verdict, 0) + 1

    def counts(self) -> dict[str, Any]:
        return {"rows": self.rows, "dossiers": self.dossiers, "new": self.new, "skipped": self.skipped,
                "failed": self.failed, "warnings": self.warnings, "problems": self.problem_count,
                "verdicts": self.verdicts, "unreadable": self.unreadable}


class Context:
    """Reference data looked up once (units, procedures and their versions, calendars), the caller's
    administered subtrees (None: every unit, the command line) and "now"."""

    def __init__(self, may_administer: Callable[[str], bool] | None = None, now: datetime | None = None) -> None:
        self.may = may_administer
        self.now = int((now or clock.now()).timestamp())
        self.units: dict[str, Unit | None] = {}
        self.procedures: dict[str, Procedure | None] = {}
        self.versions: dict[int, list[ProcedureVersion]] = {}

    def unit(self, code: str) -> Unit | None:
        if code not in self.units:
            self.units[code] = (Unit.objects.filter(code=code).first()
                                or _only(Unit.objects.filter(admin_code=code)))
        return self.units[code]

    def procedure(self, code: str) -> Procedure | None:
        if code not in self.procedures:
            self.procedures[code] = (Procedure.objects.filter(code=code).first()
                                     or _only(Procedure.objects.filter(national_code=code)))
        return self.procedures[code]

    def version(self, procedure: Procedure, on: date) -> ProcedureVersion | None:
        """The version in force on ``on`` (as motcua.catalog.services.version_in_force), from memory."""
        if procedure.pk not in self.versions:
            self.versions[procedure.pk] = list(
                ProcedureVersion.objects.filter(procedure=procedure)
                .exclude(Q(status=VersionStatus.ABOLISHED) & Q(effective_to__isnull=True))
                .order_by("-effective_from"))
        for v in self.versions[procedure.pk]:
            if v.effective_from <= on and (v.effective_to is None or v.effective_to > on):
                return v
        return None


def _only(qs: Any) -> Any:
    found = list(qs[:2])
    return found[0] if len(found) == 1 else None


class _Checker:
    def __init__(self, ctx: Context, group: Group) -> None:
        self.ctx, self.g = ctx, group
        self.c = Checked(group, problems=list(group.problems))

    def problem(self, row: Row, column: str, message: str, kind: str, severity: str = "error") -> None:
        self.c.problems.append(Problem(row.file, row.number, column, message, kind,
                                       self.g.code, severity))

    def unit(self, row: Row, column: str, required: bool = True) -> Unit | None:
        code = row.get(column)
        if not code:
            if required:
                self.problem(row, column, _("Thiếu mã đơn vị."), "missing_value")
            return None
        u = self.ctx.unit(code)
        if u is None:
            self.problem(row, column, _("Không có đơn vị mã %(c)s.") % {"c": code}, "unknown_unit")
        elif self.ctx.may is not None and not self.ctx.may(u.path):
            self.problem(row, column, _("Đơn vị %(c)s ngoài phạm vi bạn quản trị.") % {"c": code}, "not_administered")
            return None
        return u

    def events(self) -> list[tuple[int, str, str]]:
        out: list[tuple[int, str, str]] = []
        status: Status | None = None
        resume: Status | None = None
        last = 0
        broken = False
        for row in self.g.events:
            try:
                at = fmt.parse_time(row.values.get("thoi_diem"))
            except fmt.CellError as exc:
                self.problem(row, "thoi_diem", str(exc), "bad_date")
                broken = True
                continue
            if at > self.ctx.now:
                self.problem(row, "thoi_diem", _("Thời điểm %(t)s ở tương lai.") % {"t": fmt.show_time(at)},
                             "future_date")
                broken = True
            if at < last:
                self.problem(row, "thoi_diem", _("Sự kiện sớm hơn sự kiện đứng trước nó (các sự kiện của một hồ sơ "
                                                 "phải theo thứ tự thời gian)."), "event_order")
                broken = True
            last = max(last, at)
            name = row.get("thao_tac")
            if name not in fmt.IMPORTED_ACTIONS:
                self.problem(row, "thao_tac", _("Không có thao tác mã \"%(a)s\".") % {"a": name}, "unknown_action")
                broken = True
                continue
            if not broken:
                action = Action(name)
                try:
                    if action is Action.REQUEST_SUPPLEMENT:
                        resume = status
                    status = next_status(action, status, resume)
                except IllegalTransition:
                    state = (_("chưa có sự kiện nào") if status is None
                             else _("trạng thái \"%(s)s\"") % {"s": StatusChoices(int(status)).label})
                    self.problem(row, "thao_tac", _("Thứ tự sự kiện không thể xảy ra: không thể \"%(a)s\" khi hồ sơ "
                                                    "%(st)s.") % {"a": fmt.ACTION_LABELS[name], "st": state},
                                 "impossible_order")
                    broken = True
            out.append((at, name, row.get("ghi_chu")))
        return out

    def run(self) -> Checked:  # noqa: C901 - one check after the other, each a line or two
        g, c = self.g, self.c
        d = g.dossier
        if d is None:
            return c
        code = d.get("ma_ho_so")
        if len(code) > fmt.CODE_MAX:
            self.problem(d, "ma_ho_so", _("Mã hồ sơ dài quá %(n)s ký tự.") % {"n": fmt.CODE_MAX}, "bad_value")
        receiving = self.unit(d, "ma_don_vi_tiep_nhan")
        handling = self.unit(d, "ma_don_vi_xu_ly", required=False) if d.get("ma_don_vi_xu_ly") else receiving
        if receiving and handling and receiving.path.split("/")[1] != handling.path.split("/")[1]:
            self.problem(d, "ma_don_vi_xu_ly", _("Đơn vị giải quyết không cùng tỉnh với nơi tiếp nhận."), "bad_value")
        proc_code = d.get("ma_thu_tuc")
        proc = self.ctx.procedure(proc_code) if proc_code else None
        if proc is None:
            self.problem(d, "ma_thu_tuc", _("Không có thủ tục mã %(c)s trong danh mục.") % {"c": proc_code}
                         if proc_code else _("Thiếu mã thủ tục."), "unknown_procedure")
        channel = fmt.CHANNELS.get(d.get("kenh"))
        if channel is None:
            self.problem(d, "kenh", _("Kênh nộp phải là 1, 2 hoặc 3."), "bad_value")
        name = d.get("ten_nguoi_nop")
        if not name:
            self.problem(d, "ten_nguoi_nop", _("Thiếu tên người nộp."), "missing_value")
        fees = []
        for col in ("le_phi", "da_nop"):
            try:
                fees.append(fmt.parse_amount(d.values.get(col)))
            except fmt.CellError as exc:
                self.problem(d, col, str(exc), "bad_value")
                fees.append(0)
        legacy = d.get("ket_qua_cu").lower()
        if legacy and legacy not in fmt.LEGACY_VERDICTS:
            self.problem(d, "ket_qua_cu", _("Đánh giá cũ phải là early, on_time hoặc late."), "bad_value")
        events = self.events()
        if c.failed or not events:
            return c
        assert receiving and handling and proc and channel
        version = self.ctx.version(proc, clock.local_date(datetime.fromtimestamp(events[0][0], UTC)))
        if version is None:
            self.problem(g.events[0], "thoi_diem", _("Thủ tục %(c)s không có phiên bản hiệu lực vào ngày này.")
                         % {"c": proc.code}, "no_version")
            return c
        rec = HistoryRecord(
            code=code, receiving_unit_id=receiving.pk, handling_unit_id=handling.pk,
            receiving_path=receiving.path, handling_path=handling.path, procedure_id=proc.pk,
            version_id=version.pk, channel=channel, applicant_name=name, limit_seconds=version.limit_seconds(channel),
            events=events, applicant_id_number=d.get("so_dinh_danh"), applicant_phone=d.get("so_dien_thoai"),
            applicant_address=d.get("dia_chi"), fees_due=fees[0], fees_paid=fees[1],
            cutoff=_cutoff(version), sequence=_sequence(code, receiving))
        province = int(receiving.path.split("/")[1])
        try:
            p = project(rec, calendar_for(province))
        except (ValueError, KeyError, IndexError, IllegalTransition):
            self.problem(g.events[0], "thoi_diem", _("Không tính được thời hạn theo lịch làm việc cho các thời điểm "
                                                     "này."), "calendar")
            return c
        c.record, c.province_id, c.verdict = rec, province, p.verdict
        c.digest = digest(rec)
        if legacy and p.verdict in fmt.VERDICT_LABELS and legacy != p.verdict:
            self.problem(d, "ket_qua_cu", _("Hệ thống cũ ghi \"%(old)s\", tính lại theo thời hạn và lịch làm việc là "
                                            "\"%(new)s\" (nhập theo kết quả tính lại).")
                         % {"old": fmt.VERDICT_LABELS[legacy], "new": fmt.VERDICT_LABELS[p.verdict]},
                         "verdict_differs", "warning")
        return c


def _cutoff(v: ProcedureVersion) -> int:
    t = v.cutoff_time
    return -1 if t is None else t.hour * 3600 + t.minute * 60


def _sequence(code: str, receiving: Unit) -> tuple[int, str, int] | None:
    """A legacy code in this system's own format for its receiving unit raises that day's counter, so
    that a later intake never gets the same code."""
    m = _CODE.match(code)
    if not m or m["agency"] != receiving.code:
        return None
    try:
        day = datetime.strptime(m["day"], "%y%m%d").date()
    except ValueError:
        return None
    return receiving.pk, day.isoformat(), int(m["seq"])


def digest(rec: HistoryRecord) -> str:
    """The content of a dossier as imported: a re-import with the same content is skipped."""
    body = [rec.code, rec.receiving_unit_id, rec.handling_unit_id, rec.procedure_id, rec.channel, rec.applicant_name,
            rec.applicant_id_number, rec.applicant_phone, rec.applicant_address, rec.fees_due, rec.fees_paid,
            rec.events]
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


def _against_database(batch: list[Checked]) -> None:
    """Mark what exists already: the same content imported before (skipped), a different content
    under the same code, or a code the system gave a dossier of its own."""
    from .models import LegacyRecord

    codes = [c.record.code for c in batch if c.record is not None]
    if not codes:
        return
    known = dict(LegacyRecord.objects.filter(code__in=codes).values_list("code", "digest"))
    native = set(Dossier.objects.filter(code__in=[x for x in codes if x not in known]).values_list("code", flat=True))
    for c in batch:
        if c.record is None:
            continue
        code, d = c.record.code, c.group.dossier
        assert d is not None
        if code in known:
            if known[code] == c.digest:
                c.existing = "same"
            else:
                c.problems.append(Problem(d.file, d.number, "ma_ho_so", _("Hồ sơ %(c)s đã được nhập trước đây với nội "
                                                                          "dung khác.") % {"c": code},
                                          "duplicate_code", code))
        elif code in native:
            c.problems.append(Problem(d.file, d.number, "ma_ho_so", _("Mã hồ sơ %(c)s đã có trong hệ thống.")
                                      % {"c": code}, "duplicate_code", code))


def checked(paths: list[Path], ctx: Context, stack: ExitStack) -> Iterator[Checked]:
    """Every group of the file, checked, in file order (database look-ups a chunk at a time)."""
    d, e = open_tables(paths, stack)
    batch: list[Checked] = []
    for g in groups(d, e):
        batch.append(_Checker(ctx, g).run())
        if len(batch) >= CHUNK:
            _against_database(batch)
            yield from batch
            batch = []
    _against_database(batch)
    yield from batch


def dry_run(paths: list[Path], ctx: Context | None = None,
            progress: Callable[[int], None] | None = None) -> Report:
    """Check the whole file; nothing is written. A file that cannot be read at all gives one problem."""
    report = Report()
    ctx = ctx or Context()
    try:
        with ExitStack() as stack:
            for i, c in enumerate(checked(paths, ctx, stack)):
                report.add(c)
                if progress and i % CHUNK == CHUNK - 1:
                    progress(report.rows)
    except FileProblem as exc:
        report.problem_count += 1
        report.problems.append(exc.problem.as_dict())
        report.unreadable = True
    if progress:
        progress(report.rows)
    return report


def problems_of(items: Iterable[dict[str, Any]], severity: str) -> list[dict[str, Any]]:
    return [p for p in items if p["severity"] == severity]
