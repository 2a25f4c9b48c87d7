"""Reconciliation with the national portal: where the portal's view of a unit's dossiers differs
from motcua's, and why (issue 9, part 5).

A run covers the dossiers of a unit's subtree (received or handled there) received on the local
days ``start``..``end``. The worker (``tasks.run_reconciliation``) reads each one's state on the
portal through ``TraCuuHoSo``, in batches of ``CONFIG.national_portal_lookup_batch`` and at most
``CONFIG.national_portal_lookup_rate`` calls a second, saving the progress after each batch, and
compares it with what motcua sends (``sync.dossier_record`` and ``sync.trail_rows``):

- ``missing``: the portal has no such dossier;
- ``status``: TrangThaiHoSo differs;
- ``dates``: one of NgayTiepNhan, NgayHenTra, NgayKetThucXuLy, NgayTra differs;
- ``verdict``: the portal's naive on-time verdict (DanhGiaDungHan) differs from motcua's, with
  motcua's explanation of its own verdict kept beside the portal's (the evidence to send);
- ``trail``: the portal has fewer processing trail rows than motcua sent.

A dossier whose sync is still pending is reported as ``pending`` and nothing else: the run does
not accuse the portal of what motcua has not sent yet. Web pages and the API never call the portal:
they create the run (:func:`start`) and the worker executes it (:func:`execute`).
"""

from __future__ import annotations

import logging
import time as _time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.calendars.services import FIRST_YEAR, LAST_YEAR
from motcua.conf import CONFIG
from motcua.core import clock
from motcua.domain.errors import NotFound, PermissionDenied, ValidationFailed
from motcua.domain.verdict import Category
from motcua.dossiers.choices import StatusChoices, VerdictChoices
from motcua.dossiers.models import Dossier
from motcua.units.choices import Role
from motcua.units.models import Unit

from . import mapping
from .client import PortalError, PortalUnavailable
from .models import Difference, DossierSync, ReconciliationRun, RunStatus, SyncState

log = logging.getLogger("motcua.integrations.national_portal")

ROLES = (Role.LEADER.value, Role.MONITOR.value, Role.ADMIN.value)  # who may reconcile a unit
MAX_PERIOD_DAYS = 3 * 366 + 1
KINDS = {
    "missing": gettext_lazy("Chưa có trên Cổng DVCQG"),
    "status": gettext_lazy("Khác trạng thái"),
    "dates": gettext_lazy("Khác ngày"),
    "verdict": gettext_lazy("Khác đánh giá đúng hạn"),
    "trail": gettext_lazy("Thiếu quá trình xử lý"),
    "pending": gettext_lazy("Đang chờ đồng bộ"),
}
DIFFERENCE_KINDS = ("missing", "status", "dates", "verdict", "trail")  # "pending" is not a difference
DATE_FIELDS = {
    "NgayTiepNhan": gettext_lazy("Ngày tiếp nhận"),
    "NgayHenTra": gettext_lazy("Ngày hẹn trả"),
    "NgayKetThucXuLy": gettext_lazy("Ngày kết thúc xử lý"),
    "NgayTra": gettext_lazy("Ngày trả kết quả"),
}
PORTAL_VERDICTS = {
    "DUNG_HAN": gettext_lazy("Đúng hạn"),
    "QUA_HAN": gettext_lazy("Quá hạn"),
    "DANG_XU_LY": gettext_lazy("Đang xử lý"),
}
# motcua's categories in the portal's words: finished early or on time = on time; finished late, or
# still open and already late = late; still open within time = running
AS_PORTAL_VERDICT = {
    Category.EARLY.value: "DUNG_HAN", Category.ON_TIME.value: "DUNG_HAN", Category.LATE.value: "QUA_HAN",
    Category.IN_PROGRESS_ON_TIME.value: "DANG_XU_LY", Category.IN_PROGRESS_LATE.value: "QUA_HAN",
}
_FINISHED = frozenset({Category.EARLY.value, Category.ON_TIME.value, Category.LATE.value})
RETRY_PAUSES: tuple[float, ...] = (0.5, 2.0)  # a lookup answered 5xx / timed out is tried again after these
SHOWN_FORMAT = "%d/%m/%Y %H:%M"
TRAIL_FIELDS = ("MaHoSo", "NguoiXuLy", "ChucDanh", "ThoiDiemXuLy", "PhongBanXuLy", "NoiDungXuLy", "TrangThai",
                "NgayBatDau", "NgayKetThucTheoQuyDinh")
MAX_ROWS_SHOWN = 20  # missing trail rows named in a difference


# ---- who may reconcile what -------------------------------------------------------------------

def may_reconcile(actor: Any, unit: Unit) -> bool:
    """Leaders, monitors (inspectors) and administrators of the unit or above it."""
    if actor.system or actor.scope.is_superuser:
        return True
    return any(actor.scope.has_role(role, unit.path) for role in ROLES)


def visible_runs(actor: Any) -> QuerySet[ReconciliationRun]:
    qs = ReconciliationRun.objects.select_related("unit", "created_by")
    if actor.system or actor.scope.is_superuser:
        return qs
    paths = actor.scope.paths(ROLES)
    if not paths:
        return qs.none()
    q = Q(pk__in=[])
    for p in paths:
        q |= Q(unit__path__startswith=p)
    return qs.filter(q)


def get_run(actor: Any, pk: int) -> ReconciliationRun:
    """The run, if the actor may see its unit (not found otherwise: its existence is not told)."""
    run = visible_runs(actor).filter(pk=pk).first()
    if run is None:
        raise NotFound("Reconciliation not found.")
    return run


def check_period(start: date, end: date) -> None:
    errors: dict[str, str] = {}
    for name, day in (("start", start), ("end", end)):
        if not FIRST_YEAR <= day.year <= LAST_YEAR - 1:
            errors[name] = f"must be within {FIRST_YEAR}-{LAST_YEAR - 1}"
    if not errors and end < start:
        errors["end"] = "must not be before start"
    if not errors and (end - start).days >= MAX_PERIOD_DAYS:
        errors["end"] = f"a period is at most {MAX_PERIOD_DAYS} days"
    if errors:
        raise ValidationFailed("Invalid period.", fields=errors)


def start(actor: Any, unit: Unit, start: date, end: date) -> ReconciliationRun:
    """Create a run of ``unit``'s dossiers received ``start``..``end`` and enqueue it for the worker."""
    from . import tasks

    if not may_reconcile(actor, unit):
        raise PermissionDenied("You may not reconcile the dossiers of this unit.")
    check_period(start, end)
    with transaction.atomic():
        run = ReconciliationRun.objects.create(unit=unit, start=start, end=end, created_at=clock.now(),
                                               created_by_id=actor.user_id, status=RunStatus.QUEUED)
        tasks.run_reconciliation.enqueue(run.pk)
    return run


# ---- the run ------------------------------------------------------------------------------------

def run_dossiers(run: ReconciliationRun) -> QuerySet[Dossier]:
    """The dossiers of the run's unit subtree received on its local days."""
    first = clock.aware(datetime.combine(run.start, time.min))
    after = clock.aware(datetime.combine(run.end + timedelta(days=1), time.min))
    path = run.unit.path
    return Dossier.objects.filter(Q(receiving_path__startswith=path) | Q(handling_path__startswith=path),
                                  received_at__gte=first, received_at__lt=after)


class Pace:
    """At most ``rate`` calls a second: ``wait()`` before each call."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self.next_at = _time.monotonic()

    def wait(self) -> None:
        now = _time.monotonic()
        if self.next_at > now:
            _time.sleep(self.next_at - now)
        self.next_at = max(self.next_at, now) + self.interval


def execute(run_id: int, client: Any) -> dict[str, Any]:
    """Run one reconciliation (the worker's task): compare, store the differences and the totals.
    A portal outage ends it as failed with the reason; what was checked before is kept. The
    stored reasons are Vietnamese whatever language the calling thread has active."""
    with translation.override(settings.LANGUAGE_CODE):
        return _execute(run_id, client)


def _execute(run_id: int, client: Any) -> dict[str, Any]:
    run = ReconciliationRun.objects.select_related("unit").get(pk=run_id)
    run.items.all().delete()  # a task run again starts over
    if client is None:
        return _finish(run, RunStatus.FAILED, _("Chưa cấu hình kết nối Cổng DVCQG (MOTCUA_NATIONAL_PORTAL_URL)."))
    ids = list(run_dossiers(run).order_by("pk").values_list("pk", flat=True))
    ReconciliationRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, total=len(ids), checked=0,
                                                        differences=0, error="", finished_at=None)
    pace, now = Pace(CONFIG.national_portal_lookup_rate), clock.now()
    try:
        for batch in _chunks(ids, CONFIG.national_portal_lookup_batch):
            _run_batch(run, batch, client, pace, now)
    except PortalError as exc:
        log.warning("reconciliation %s stopped: %s", run.pk, exc)
        run.refresh_from_db()
        return _finish(run, RunStatus.FAILED, _("Cổng DVCQG không trả lời, đối soát dừng lại: %(e)s") % {"e": exc})
    except Exception:  # a fault of ours: never left "running" for ever; the task records the traceback
        log.exception("reconciliation %s failed", run.pk)
        _finish(run, RunStatus.FAILED, _("Lỗi hệ thống khi đối soát; đã ghi nhật ký, đề nghị chạy lại."))
        raise
    run.refresh_from_db()
    return _finish(run, RunStatus.DONE, "")


def _finish(run: ReconciliationRun, status: str, error: str) -> dict[str, Any]:
    ReconciliationRun.objects.filter(pk=run.pk).update(status=status, error=error, finished_at=clock.now())
    run.refresh_from_db()
    return {"status": run.status, "total": run.total, "checked": run.checked, "differences": run.differences}


def _chunks(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for i in range(0, len(ids), max(1, size)):
        yield ids[i:i + size]


def _run_batch(run: ReconciliationRun, ids: Sequence[int], client: Any, pace: Pace, now: datetime) -> None:
    """Check one batch; save its differences and progress, also when the portal fails midway."""
    dossiers = (Dossier.objects.filter(pk__in=ids).order_by("pk")
                .select_related("procedure__field", "version", "receiving_unit", "handling_unit"))
    syncs = {s.dossier_id: s for s in DossierSync.objects.filter(dossier_id__in=ids)}
    from motcua.jobs.models import OutboxMessage
    from motcua.jobs.models import Status as MessageStatus

    from .jobs import DESTINATION

    # a new dossier has no sync row until its first delivery: a queued message says it is pending
    unsynced = [i for i in ids if i not in syncs]
    if unsynced:
        queued = set(OutboxMessage.objects.filter(
            destination=DESTINATION, status=MessageStatus.PENDING,
            ordering_key__in=[f"np:{i}" for i in unsynced]).values_list("ordering_key", flat=True))
        for i in unsynced:
            if f"np:{i}" in queued:
                syncs[i] = DossierSync(dossier_id=i, state=SyncState.PENDING, wanted_seq=1, synced_seq=0)
    rows: list[Difference] = []
    done = 0
    try:
        for d in dossiers:
            found = check_dossier(d, syncs.get(d.pk), client, pace, now)
            if found is not None:
                rows.append(Difference(run=run, dossier=d, **found.as_fields()))
            done += 1
    finally:
        with transaction.atomic():
            Difference.objects.bulk_create(rows)
            real = sum(1 for r in rows if r.kinds != ["pending"])
            ReconciliationRun.objects.filter(pk=run.pk).update(checked=F("checked") + done,
                                                                differences=F("differences") + real)


def lookup(client: Any, code: str, pace: Pace) -> dict[str, Any] | None:
    """TraCuuHoSo, paced; a 5xx or a timeout is tried again (``RETRY_PAUSES``), then raised."""
    for pause in (*RETRY_PAUSES, None):
        pace.wait()
        try:
            return client.lookup_dossier(code)  # type: ignore[no-any-return]
        except PortalUnavailable:
            if pause is None:
                raise
            _time.sleep(pause)
    return None  # not reached


# ---- one dossier ------------------------------------------------------------------------------

@dataclass
class Found:
    """What a run found on one dossier."""

    kinds: list[str]
    reasons: list[str]
    motcua: dict[str, Any]
    portal: dict[str, Any]
    explanation: list[dict[str, Any]]

    def as_fields(self) -> dict[str, Any]:
        return {"kinds": self.kinds, "reasons": self.reasons, "motcua": self.motcua, "portal": self.portal,
                "explanation": self.explanation}


def is_pending(s: DossierSync | None) -> bool:
    return s is not None and s.state == SyncState.PENDING and s.wanted_seq > s.synced_seq


def check_dossier(d: Dossier, s: DossierSync | None, client: Any, pace: Pace, now: datetime) -> Found | None:
    """Compare one dossier with the portal's copy; None when they agree."""
    from . import sync

    if is_pending(s):
        left = s.wanted_seq - s.synced_seq  # type: ignore[union-attr]
        reason = _("Hồ sơ đang chờ đồng bộ: motcua chưa gửi xong %(n)s sự kiện lên Cổng DVCQG, "
                   "chưa đối chiếu.") % {"n": left}
        return Found(["pending"], [reason], {"wanted_seq": s.wanted_seq, "synced_seq": s.synced_seq},  # type: ignore[union-attr]
                     {}, [])
    events = list(d.events.order_by("seq"))
    record = sync.dossier_record(d, events)
    rows = sync.trail_rows(d, events)
    ours = motcua_side(record, rows, motcua_verdict(d, now))
    theirs = lookup(client, d.code, pace)
    if theirs is None:
        return Found(["missing"], [_missing_reason(d, s)], ours, {}, [])
    portal = portal_side(theirs)
    lacking = missing_rows(rows, theirs.get("QuaTrinhXuLy") or [])
    if lacking:
        ours["QuaTrinhThieu"] = [_row_text(r) for r in lacking[:MAX_ROWS_SHOWN]]
    found = compare(ours, portal, len(lacking))
    if not found:
        return None
    kinds, reasons = [k for k, _r in found], [r for _k, r in found]
    explanation: list[dict[str, Any]] = []
    if "verdict" in kinds:
        explanation = motcua_explanation(d, now)
        portal["explanation"] = portal_explanation(portal)
    return Found(kinds, reasons, ours, portal, explanation)


def motcua_verdict(d: Dossier, now: datetime) -> str:
    """motcua's verdict category: the stored one for finished dossiers, as of now for open ones
    (whose stored verdict is that of their last event, or blank for imported history)."""
    if d.verdict not in _FINISHED and d.received_at is not None:
        from motcua.dossiers.deadlines import explain

        return str(explain(d, now).category.value)
    return str(d.verdict or "")


def trail_key(row: dict[str, Any]) -> tuple[str, ...]:
    """A trail row by its documented fields (a portal may add its own). The portal keeps one copy
    of identical rows (it ignores a row sent twice), so motcua's rows count distinct keys."""
    return tuple(str(row.get(name) if row.get(name) is not None else "") for name in TRAIL_FIELDS)


def missing_rows(ours: Sequence[dict[str, Any]], theirs: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """motcua's trail rows the portal does not hold (each distinct row once, in order)."""
    held = {trail_key(r) for r in theirs if isinstance(r, dict)}
    out, seen = [], set()
    for r in ours:
        key = trail_key(r)
        if key not in held and key not in seen:
            seen.add(key)
            out.append(r)
    return out


def _row_text(row: dict[str, Any]) -> str:
    return f"{shown(row.get('ThoiDiemXuLy'))} {row.get('NoiDungXuLy') or ''}".strip()


def motcua_side(record: dict[str, Any], rows: Sequence[dict[str, Any]], verdict: str) -> dict[str, Any]:
    out = {"TrangThaiHoSo": _int(record.get("TrangThaiHoSo"))}
    out.update({name: record.get(name) or "" for name in DATE_FIELDS})
    out["DanhGiaDungHan"] = AS_PORTAL_VERDICT.get(verdict, "")
    out["verdict"] = verdict
    out["SoDongQuaTrinh"] = len({trail_key(r) for r in rows})
    out["SoLanTamDung"] = len(record.get("DanhSachHoSoBoSung") or [])
    return out


def portal_side(found: dict[str, Any]) -> dict[str, Any]:
    out = {"TrangThaiHoSo": _int(found.get("TrangThaiHoSo"))}
    out.update({name: str(found.get(name) or "") for name in DATE_FIELDS})
    out["DanhGiaDungHan"] = str(found.get("DanhGiaDungHan") or "")
    out["DienGiaiDanhGia"] = str(found.get("DienGiaiDanhGia") or "")
    out["SoDongQuaTrinh"] = len(found.get("QuaTrinhXuLy") or [])
    return out


def compare(ours: dict[str, Any], portal: dict[str, Any], missing: int = 0) -> list[tuple[str, str]]:
    """(kind, reason) for each way the portal's copy differs from motcua's (both as ``*_side``);
    ``missing``: how many of motcua's trail rows the portal lacks."""
    out: list[tuple[str, str]] = []
    if ours["TrangThaiHoSo"] != portal["TrangThaiHoSo"]:
        out.append(("status", _("Trạng thái khác nhau: motcua là %(a)s, Cổng DVCQG là %(b)s.") % {
            "a": status_text(ours["TrangThaiHoSo"], quoted=True),
            "b": status_text(portal["TrangThaiHoSo"], quoted=True)}))
    dates = [_("%(f)s: motcua %(a)s, Cổng DVCQG %(b)s") % {"f": label, "a": shown(ours[name]), "b": shown(portal[name])}
             for name, label in DATE_FIELDS.items() if str(ours[name] or "") != str(portal[name] or "")]
    if dates:
        out.append(("dates", _("Ngày khác nhau: %(d)s.") % {"d": "; ".join(dates)}))
    if ours["DanhGiaDungHan"] and portal["DanhGiaDungHan"] and ours["DanhGiaDungHan"] != portal["DanhGiaDungHan"]:
        out.append(("verdict", _verdict_reason(ours, portal)))
    if missing > 0:
        out.append(("trail", _("Cổng DVCQG thiếu %(n)s trên %(m)s dòng quá trình xử lý (mới có %(p)s dòng).") % {
            "n": missing, "m": ours["SoDongQuaTrinh"], "p": portal["SoDongQuaTrinh"]}))
    return out


def _verdict_reason(ours: dict[str, Any], portal: dict[str, Any]) -> str:
    text = _("Đánh giá khác nhau: motcua đánh giá «%(a)s», Cổng DVCQG đánh giá «%(b)s»") % {
        "a": VerdictChoices(ours["verdict"]).label, "b": portal_verdict_text(portal["DanhGiaDungHan"])}
    if ours.get("SoLanTamDung") and portal["DanhGiaDungHan"] == "QUA_HAN" and ours["DanhGiaDungHan"] != "QUA_HAN":
        if portal["NgayKetThucXuLy"]:
            return text + _(" vì Cổng DVCQG so ngày kết thúc xử lý (%(end)s) với ngày hẹn trả lúc tiếp nhận (%(due)s), "
                            "không trừ thời gian tạm dừng chờ bổ sung hồ sơ.") % {
                "end": shown(portal["NgayKetThucXuLy"]), "due": shown(portal["NgayHenTra"])}
        return text + _(" vì Cổng DVCQG so thời điểm tra cứu với ngày hẹn trả lúc tiếp nhận (%(due)s), không trừ "
                        "thời gian tạm dừng chờ bổ sung hồ sơ.") % {"due": shown(portal["NgayHenTra"])}
    if portal.get("DienGiaiDanhGia"):
        text += " (" + portal["DienGiaiDanhGia"] + ")"
    return text + "."


def _missing_reason(d: Dossier, s: DossierSync | None) -> str:
    text = _("Chưa có trên Cổng DVCQG: tra cứu mã hồ sơ %(code)s không thấy.") % {"code": d.code}
    if s is not None and s.state == SyncState.FAILED and s.last_error:
        text += " " + _("Lần gửi gần nhất bị lỗi: %(e)s") % {"e": s.last_error}
    return text


def motcua_explanation(d: Dossier, now: datetime) -> list[dict[str, Any]]:
    """motcua's explanation of its verdict (receipt, cut-off, limit, pauses, end), as the dossier page."""
    from motcua.dossiers.deadlines import explain
    from motcua.dossiers.explain import render_explanation

    return render_explanation(explain(d, now))


def portal_explanation(portal: dict[str, Any]) -> list[str]:
    """The portal's naive judgement, in sentences beside motcua's."""
    out = [_("Ngày hẹn trả trên Cổng DVCQG: %(at)s.") % {"at": shown(portal["NgayHenTra"])}]
    if portal["NgayKetThucXuLy"]:
        out.append(_("Ngày kết thúc xử lý trên Cổng DVCQG: %(at)s.") % {"at": shown(portal["NgayKetThucXuLy"])})
    else:
        out.append(_("Cổng DVCQG chưa có ngày kết thúc xử lý: so với thời điểm tra cứu."))
    out.append(_("Kết luận của Cổng DVCQG: %(v)s%(why)s.") % {
        "v": portal_verdict_text(portal["DanhGiaDungHan"]),
        "why": f" ({portal['DienGiaiDanhGia']})" if portal.get("DienGiaiDanhGia") else ""})
    out.append(_("Cổng DVCQG không trừ thời gian tạm dừng chờ bổ sung, không tính theo ngày, giờ làm việc."))
    return out


# ---- values as people read them -----------------------------------------------------------------

def _int(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def shown(wire: object) -> str:
    """A wire date (``yyyyMMddHHmmss``) as ``dd/mm/yyyy HH:MM``; empty as "(chưa có)"."""
    if not wire:
        return _("(chưa có)")
    try:
        return mapping.parse_time(str(wire)).strftime(SHOWN_FORMAT)
    except ValueError:
        return str(wire)


def wire_datetime(wire: object) -> datetime | None:
    """A wire date as a naive local datetime (for Excel), None when empty or malformed."""
    try:
        return mapping.parse_time(str(wire)).replace(tzinfo=None) if wire else None
    except ValueError:
        return None


def status_text(code: int | None, quoted: bool = False) -> str:
    if code is None:
        return _("(không có)")
    try:
        label = StatusChoices(code).label
    except ValueError:
        return str(code)
    return f"«{label}» ({code})" if quoted else f"{label} ({code})"


def portal_verdict_text(code: str) -> str:
    return str(PORTAL_VERDICTS.get(code, code or _("(không có)")))


def motcua_verdict_text(verdict: str) -> str:
    try:
        return str(VerdictChoices(verdict).label)
    except ValueError:
        return verdict


def kind_labels(kinds: Sequence[str]) -> list[str]:
    return [str(KINDS.get(k, k)) for k in kinds]


# ---- re-push ----------------------------------------------------------------------------------

def repush(actor: Any, run: ReconciliationRun) -> int:
    """Send again, in full, every dossier of the run that differs (not those still pending):
    ``sync.repush`` enqueues them in the outbox; the rows record when."""
    from . import sync

    if not may_reconcile(actor, run.unit):
        raise PermissionDenied("You may not re-push the dossiers of this unit.")
    items = differing(run)
    ids = sorted({i.dossier_id for i in items})
    if not ids:
        return 0
    with transaction.atomic():
        count = sync.repush(ids)
        Difference.objects.filter(pk__in=[i.pk for i in items]).update(repushed_at=clock.now())
    return int(count)


def differing(run: ReconciliationRun) -> list[Difference]:
    return [i for i in run.items.all() if i.kinds != ["pending"]]


def differences_of(run: ReconciliationRun, kind: str | None = None) -> QuerySet[Difference]:
    """The run's rows (with their dossier's code), optionally only those of one kind, by id."""
    qs = run.items.select_related("dossier").order_by("pk")
    if kind:  # the JSON list as text holds the quoted kind (portable: SQLite has no JSON containment)
        qs = qs.annotate(kinds_text=Cast("kinds", TextField())).filter(kinds_text__contains=f'"{kind}"')
    return qs


def pending_count(run: ReconciliationRun) -> int:
    return sum(1 for kinds in run.items.values_list("kinds", flat=True) if kinds == ["pending"])


def kind_counts(run: ReconciliationRun) -> dict[str, int]:
    counts = dict.fromkeys(KINDS, 0)
    for kinds in run.items.values_list("kinds", flat=True):
        for k in kinds:
            counts[k] = counts.get(k, 0) + 1
    return counts
