"""Every event of every dossier reaches the national portal, in order (issue 9, part 2).

The dossier services call ``on_event`` for each event they record, inside their transaction: it
enqueues an outbox message ``np:<dossier>:<seq>`` ordered per dossier and marks the dossier's
sync pending. The worker delivers it with ``deliver``: the dossier is looked up (``TraCuuHoSo``)
unless motcua knows the portal has it, inserted or updated (``DongBoHoSoMC``) from its current
state, then the trail rows the portal has not acknowledged yet are sent ``CapNhatTienDoHoSoMC``
in chunks, progress saved after each chunk. One delivery therefore carries every event up to
now: the later messages of the dossier find their events already acknowledged and cost one
query. A crash or a failing chunk is repaired by the retry: rows are a pure function of the
event, and the portal ignores a row it already holds, so nothing is lost or doubled.

Before anything is sent, ``check`` refuses what the portal would refuse for good (no national
procedure code, a code prefix that is not an agency's identification code), with a message an
administrator can act on; the message is then a dead letter, retried by ``repush`` once fixed.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from motcua.conf import CONFIG
from motcua.domain.codes import result_code
from motcua.domain.lifecycle import Action, Status
from motcua.dossiers.choices import ActionChoices, FileKind
from motcua.dossiers.models import Dossier, DossierEvent, DossierFile
from motcua.integrations.vneid.indicators import dossier_verified
from motcua.jobs import outbox
from motcua.jobs.models import UNDELIVERED, OutboxMessage
from motcua.jobs.models import Status as MessageStatus
from motcua.jobs.registry import Undeliverable
from motcua.units.choices import Role

from . import mapping
from .client import DossierExists, NationalPortal, PortalRejected
from .jobs import DESTINATION, enabled, portal
from .models import DossierSync, SyncState

AGENCY_CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")  # QCVN 102:2016, e.g. 000.00.11.H39
# motcua's applicant types (0 citizen, 1 enterprise, 2 household business) as LoaiDoiTuong
# (1 citizen, 2 enterprise, 3 state agency, 4 other organisation): a household business is not an
# enterprise under the Enterprise Law, so it is "other organisation"
APPLICANT_TYPE = {0: 1, 1: 2, 2: 4}
RESULT_FORM = {"counter": 1, "post": 2, "online": 3}  # HinhThuc: how the result is returned
TEXT_LIMIT = 2000  # free text with no documented limit (notes) is still kept reasonable


# -- enqueueing ---------------------------------------------------------------------------------

def ordering_key(dossier_id: int) -> str:
    return f"np:{dossier_id}"


def on_event(d: Dossier, event: DossierEvent) -> None:
    """The dossier services' hook, in their transaction: this event is to reach the portal."""
    if enabled():
        enqueue(d.pk, event.seq, from_event=True)


def enqueue(dossier_id: int, seq: int, *, force: bool = False, from_event: bool = False) -> OutboxMessage:
    """Mark the dossier pending up to ``seq`` and enqueue its delivery (in the caller's transaction).
    A failed dossier stays failed (its dead letter holds the new message back) until ``force``."""
    # a new dossier's first event (intake, submission): nothing before it; its sync row is written
    # by the delivery (until then the dossier reads as pending: ``status_of``, ``sync_state``)
    first = from_event and seq == 1
    if not first:
        rows = DossierSync.objects.filter(dossier_id=dossier_id)
        if not force:
            rows = rows.exclude(state=SyncState.FAILED)
        if not rows.update(wanted_seq=seq, state=SyncState.PENDING) and not (
                not force and DossierSync.objects.filter(dossier_id=dossier_id).update(wanted_seq=seq)):
            DossierSync.objects.bulk_create([DossierSync(dossier_id=dossier_id, wanted_seq=seq)],
                                            update_conflicts=True, unique_fields=["dossier"],
                                            update_fields=["wanted_seq", "state"])
    key = f"np:{dossier_id}:{seq}" + (f":again:{uuid.uuid4().hex[:12]}" if force else "")
    # an event's (dossier, seq) is unique and dossiers are never deleted: the key is new unless a
    # backfill already queued it (then it goes the careful way)
    return outbox.enqueue(DESTINATION, key, {"dossier": dossier_id, "seq": seq, "force": force},
                          ordering_key=ordering_key(dossier_id), new_key=first or force, first=first)


def backfill(dossiers: Iterable[Dossier] | None = None, batch: int = 2000) -> int:
    """Enqueue a sync of every dossier (or of ``dossiers``) whose last event is not known synced:
    history imported in bulk, or dossiers from before the integration was switched on."""
    from django.db.models import Max

    qs = Dossier.objects.all() if dossiers is None else dossiers
    rows = (qs.annotate(last=Max("events__seq")).filter(last__isnull=False)  # type: ignore[union-attr]
            .values_list("pk", "last").order_by("pk"))
    known = dict(DossierSync.objects.values_list("dossier_id", "wanted_seq"))
    n = 0
    todo = [(pk, last) for pk, last in rows.iterator(chunk_size=batch) if known.get(pk, 0) < last]
    for i in range(0, len(todo), batch):
        with transaction.atomic():
            for pk, last in todo[i:i + batch]:
                enqueue(pk, last)
                n += 1
    return n


def repush(dossier_ids: Sequence[int]) -> int:
    """Send these dossiers again in full (dossier, then every trail row): the reconciliation's and
    the mapping page's button. Their undelivered messages are superseded (discarded), since the new
    one carries everything. Returns how many were enqueued."""
    n = 0
    with transaction.atomic():
        for pk in dict.fromkeys(dossier_ids):
            last = DossierEvent.objects.filter(dossier_id=pk).order_by("-seq").values_list("seq", flat=True).first()
            if last is None:
                continue
            now = timezone.now()
            stale = list(OutboxMessage.objects.select_for_update().filter(  # not one being delivered now
                destination=DESTINATION, ordering_key=ordering_key(pk), status__in=UNDELIVERED).filter(
                Q(leased_until__isnull=True) | Q(leased_until__lt=now)))
            OutboxMessage.objects.filter(pk__in=[m.pk for m in stale]).update(status="discarded", leased_until=None)
            DossierSync.objects.filter(dossier_id=pk).update(on_portal=False, synced_seq=0)
            enqueue(pk, last, force=True)
            n += 1
    return n


def adopt(dossier_id: int) -> None:
    """The portal already has this dossier (it came from there): update it, never insert it."""
    DossierSync.objects.bulk_create([DossierSync(dossier_id=dossier_id, on_portal=True)],
                                    update_conflicts=True, unique_fields=["dossier"], update_fields=["on_portal"])


# -- what is sent -------------------------------------------------------------------------------

def check(d: Dossier) -> list[str]:
    """What keeps the portal from taking this dossier, as fixable sentences (empty: fine)."""
    problems = []
    if not d.procedure.national_code:
        problems.append(f"Thủ tục {d.procedure.code} chưa có mã TTHC quốc gia (MaTTHC): quản trị viên ánh xạ "
                        "mã tại trang «Ánh xạ mã TTHC» rồi bấm gửi lại.")
    prefix = d.code.split("-")[0]
    if not AGENCY_CODE.match(prefix):
        problems.append(f"Mã hồ sơ {d.code}: tiền tố {prefix} không phải mã định danh cơ quan (QCVN 102:2016, "
                        "dạng 000.00.00.H00); sửa mã của đơn vị tiếp nhận rồi gửi lại.")
    return problems


def _vi(label: Any) -> str:
    """A label as the portal reads it: Vietnamese, whatever language this thread has active."""
    with translation.override("vi"):
        return str(label())


def _t(moment: datetime | None) -> str:
    return mapping.format_time(moment) if moment else ""


def _due_with(d: Dossier, pauses: list[list[int]]) -> datetime | None:
    """The due time counted with these (closed) pauses only: the appointment the applicant was
    given at receipt is the one with none."""
    from motcua.calendars.services import calendar_for
    from motcua.domain.workcal import _cutoff_arg, from_epoch, to_epoch
    from motcua.dossiers.deadlines import cutoff_of

    if d.received_at is None:
        return None
    cal = calendar_for(d.province_id)
    closed = [(s, e) for s, e in pauses if e is not None]
    return from_epoch(cal.due_epoch(to_epoch(d.received_at), d.limit_seconds, closed,
                                    _cutoff_arg(cutoff_of(d))))  # type: ignore[arg-type]


def appointment_at_receipt(d: Dossier) -> datetime | None:
    """NgayHenTra: the appointment on the receipt, moved only by an apology letter (extension).
    Supplement pauses move motcua's due time but, as on paper, travel as DanhSachHoSoBoSung."""
    return d.extended_to or _due_with(d, [])


def dossier_record(d: Dossier, events: Sequence[DossierEvent] | None = None,
                   files: Sequence[DossierFile] | None = None) -> dict[str, Any]:
    """The dossier as ``DongBoHoSoMC`` takes it, from motcua's own data."""
    from .views_files import file_url

    events = list(d.events.order_by("seq")) if events is None else events
    files = list(d.files.select_related("component__component").order_by("pk")) if files is None else files
    version, proc = d.version, d.procedure
    inbound = getattr(d, "portal_inbound", None) if hasattr(d, "portal_inbound") else None
    refused = next((e.at for e in events if e.action == Action.REFUSE), None)
    ident = d.applicant_id_number
    components = [f for f in files if f.kind == FileKind.COMPONENT]
    results = [f for f in files if f.kind == FileKind.RESULT]
    record: dict[str, Any] = {
        "MaHoSo": d.code, "MaTTHC": proc.national_code, "TenTTHC": version.name or proc.name,
        "MaLinhVuc": proc.field.code, "TenLinhVuc": proc.field.name, "KenhThucHien": int(d.channel),
        "ChuHoSo": d.applicant_name, "LoaiDoiTuong": APPLICANT_TYPE.get(d.applicant_type, 4),
        "MaDoiTuong": (inbound.payload.get("MaDoiTuong", "") if inbound else ""),
        "SoGiayToChuHoSo": ident, "Email": d.applicant_email, "Fax": "", "SoDienThoai": d.applicant_phone,
        "TrichYeuHoSo": d.request_summary or version.name or proc.name,
        "NgayNopHoSo": _t(d.submitted_at), "NgayTiepNhan": _t(d.received_at),
        "NgayHenTra": _t(appointment_at_receipt(d)), "TrangThaiHoSo": int(d.status),
        "NgayTra": _t(d.returned_at), "ThongTinTra": _vi(d.get_result_delivery_display) if d.result_delivery else "",
        "HinhThuc": RESULT_FORM.get(d.result_delivery, 1), "NgayKetThucXuLy": _t(d.ended_at),
        "DonViXuLy": d.handling_unit.name, "GhiChu": "", "NoiNopHoSo": d.receiving_unit.name,
        "HoSoCoThanhPhanSoHoa": 1 if components else 0, "TaiKhoanDuocXacThucVoiVNeID": 1 if dossier_verified(d) else 0,
        "DuocThanhToanTrucTuyen": 1 if d.payments.filter(state="paid").exists() else 0,  # type: ignore[attr-defined]
        "NgayTuChoi": _t(refused),
        "DinhDanhCHS": ([{"LoaiDinhDanh": 1 if len(ident) == 12 else 2, "SoDinhDanh": ident}]
                        if ident.isdigit() and len(ident) in (9, 12) else []),
        "TaiLieuNop": [{
            "TepDinhKemId": str(f.pk), "TenTepDinhKem": mapping.truncate(f.name, mapping.FILE_NAME_LIMIT),
            "IsDeleted": False,
            "MaThanhPhanHoSo": str(f.component.component_id or f.component_id) if f.component else "",
            "DuongDanTaiTepTin": file_url(f), "DuocSoHoa": 1, "DuocTaiSuDung": 0, "DuocLayTuKhoDMQG": 0,
            "MaKetQuaThayThe": "",
        } for f in components],
        "DanhSachLePhi": [{
            "TenPhiLePhi": fee.get("name", ""), "MaPhiLePhi": str(i + 1), "HinhThucThu": int(fee.get("collected", 1)),
            "Gia": int(fee.get("amount", 0)), "LoaiPhiLePhi": 2 if "lệ phí" in fee.get("name", "").lower() else 1,
        } for i, fee in enumerate(version.fees or [])],
        "DanhSachHoSoBoSung": _supplements(d, events),
        "DanhSachGiayToKetQua": [{
            "TenGiayTo": f.name, "MaThanhPhanHoSo": "", "GiayToId": str(f.pk), "DuongDanTepTinKetQua": file_url(f),
            "MaGiayToKetQua": result_code(d.code, n),
        } for n, f in enumerate(results, start=1)],
    }
    return mapping.fit(record, mapping.DOSSIER_LIMITS)


def _supplements(d: Dossier, events: Sequence[DossierEvent]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    pauses = list(d.pauses or [])
    requests = [e for e in events if e.action == Action.REQUEST_SUPPLEMENT]
    supplied = [e for e in events if e.action == Action.SUPPLEMENT]
    for i, req in enumerate(requests):
        got = supplied[i] if i < len(supplied) else None
        before = _due_with(d, pauses[:i])
        after = _due_with(d, pauses[: i + 1]) if got is not None and i < len(pauses) else None
        out.append({
            "HoSoBoSungId": f"{d.code}-BS{i + 1}", "NguoiYeuCauBoSung": req.actor_name,
            "NoiDungBoSung": mapping.truncate(req.note, TEXT_LIMIT), "NgayBoSung": _t(req.at),
            "NguoiTiepNhanBoSung": got.actor_name if got else "", "NgayTiepNhanBoSung": _t(got.at if got else None),
            "TrangThaiBoSung": 1 if got else 0, "NgayHenTraTruoc": _t(before), "NgayHenTraMoi": _t(after),
        })
    return out


_ROLES = dict(Role.choices)
_ACTIONS = dict(ActionChoices.choices)


def trail_row(d: Dossier, e: DossierEvent, unit_names: dict[int, str]) -> dict[str, Any]:
    """One event as a trail row: a pure function of the event (sent again, it is the same row)."""
    with translation.override("vi"):
        action = str(_ACTIONS.get(e.action, e.action))
        title = str(_ROLES.get(e.role, "")) if e.role else ""
    step_due = (e.data or {}).get("step_due_at")
    row = {
        "MaHoSo": d.code, "NguoiXuLy": e.actor_name or "Hệ thống", "ChucDanh": title,
        "ThoiDiemXuLy": _t(e.at), "PhongBanXuLy": unit_names.get(e.unit_id or 0, ""),
        # numbered by the event's place in the log: two events alike in the same second stay two rows
        "NoiDungXuLy": mapping.truncate(f"{e.seq}. {action}: {e.note}" if e.note else f"{e.seq}. {action}", TEXT_LIMIT),
        "TrangThai": int(e.to_status), "NgayBatDau": _t(e.at),
        "NgayKetThucTheoQuyDinh": _t(datetime.fromisoformat(step_due)) if step_due else "",
    }
    return mapping.fit(row, mapping.TRAIL_LIMITS)


def trail_rows(d: Dossier, events: Sequence[DossierEvent] | None = None) -> list[dict[str, Any]]:
    """Every event of ``d`` as trail rows, in order."""
    from motcua.units.models import Unit

    events = list(d.events.order_by("seq")) if events is None else events
    names = dict(Unit.objects.filter(pk__in={e.unit_id for e in events if e.unit_id}).values_list("pk", "name"))
    return [trail_row(d, e, names) for e in events]


# -- delivery -----------------------------------------------------------------------------------

def _load(dossier_id: int) -> Dossier | None:
    return (Dossier.objects.select_related("procedure__field", "version", "receiving_unit", "handling_unit")
            .filter(pk=dossier_id).first())


def push(dossier_id: int, client: NationalPortal, state: DossierSync, *, from_seq: int | None = None,
         renew: Callable[[], object] | None = None) -> int:
    """Bring the portal up to date with the dossier: the dossier, then its unacknowledged trail
    rows. Progress is saved on ``state`` as it goes. Returns the trail rows sent."""
    # the events first, the dossier row after: the snapshot sent is then at least as new as the
    # trail, so a later event's message always finds something left to send
    events = list(DossierEvent.objects.filter(dossier_id=dossier_id).order_by("seq"))
    d = _load(dossier_id)
    if d is None:
        raise Undeliverable("Hồ sơ không còn trong hệ thống")
    problems = check(d)
    if problems:
        raise Undeliverable(" ".join(problems))
    files = list(d.files.select_related("component").order_by("pk"))
    record = dossier_record(d, events, files)
    update = state.on_portal or client.lookup_dossier(d.code) is not None
    try:
        client.sync_dossier(record, update=update)
    except DossierExists:  # the look-up missed it (the portal's index lags): it is there, update it
        client.sync_dossier(record, update=True)
    except PortalRejected as exc:
        if not update or "không tồn tại" not in str(exc):
            raise
        client.sync_dossier(record, update=False)  # the portal lost it: insert it again
    if not state.on_portal:
        state.on_portal = True
        DossierSync.objects.filter(pk=state.pk).update(on_portal=True)
    start = state.synced_seq if from_seq is None else from_seq
    todo = [e for e in events if e.seq > start]
    rows = trail_rows(d, todo)
    size = getattr(client, "trail_chunk", CONFIG.national_portal_trail_chunk)
    for i in range(0, len(rows), size):
        client.push_trail(rows[i:i + size])
        state.synced_seq = max(state.synced_seq, todo[min(i + size, len(todo)) - 1].seq)
        DossierSync.objects.filter(pk=state.pk).update(synced_seq=state.synced_seq)
        if renew is not None:
            renew()  # a long trail keeps the message's lease: no second worker pushes it meanwhile
    return len(rows)


def _finish(state: DossierSync) -> None:
    """Synced when everything enqueued so far is acknowledged (a newer event keeps it pending)."""
    now = timezone.now()
    DossierSync.objects.filter(pk=state.pk, wanted_seq__lte=state.synced_seq).update(
        state=SyncState.SYNCED, synced_at=now, last_error="")
    DossierSync.objects.filter(pk=state.pk, wanted_seq__gt=state.synced_seq).update(last_error="")


def deliver(message: OutboxMessage) -> None:
    """The ``national_portal`` destination's handler (see the module docstring)."""
    p = message.payload
    dossier_id = int(p["dossier"])
    if not Dossier.objects.filter(pk=dossier_id).exists():
        raise Undeliverable("Hồ sơ không còn trong hệ thống")
    state, _ = DossierSync.objects.get_or_create(dossier_id=dossier_id, defaults={"wanted_seq": int(p["seq"])})
    if not p.get("force") and state.on_portal and state.synced_seq >= int(p["seq"]):
        _finish(state)
        return  # an earlier delivery carried this event already
    client = portal()
    if client is None:
        raise RuntimeError("Kết nối Cổng DVCQG đang tắt (MOTCUA_NATIONAL_PORTAL_URL chưa đặt)")
    DossierSync.objects.filter(pk=state.pk).update(attempts=F("attempts") + 1, last_attempt_at=timezone.now())
    def renew() -> None:
        OutboxMessage.objects.filter(pk=message.pk).update(
            leased_until=timezone.now() + timedelta(seconds=CONFIG.jobs_lease))

    try:
        push(dossier_id, client, state, from_seq=0 if p.get("force") else None, renew=renew)
    except Exception as exc:
        final = isinstance(exc, Undeliverable) or message.attempts >= CONFIG.jobs_max_attempts
        DossierSync.objects.filter(pk=state.pk).update(
            state=SyncState.FAILED if final else SyncState.PENDING, last_error=f"{exc}"[:2000])
        raise
    _finish(state)
    _covered(message, state.synced_seq)


def _covered(message: OutboxMessage, synced_seq: int) -> int:
    """Mark the dossier's later messages whose event this delivery carried as delivered, in one
    UPDATE (after an outage a dossier's backlog then costs one push, not one task per event).
    Re-pushes are never covered: they must send everything again."""
    now = timezone.now()
    return (OutboxMessage.objects.filter(destination=DESTINATION, ordering_key=message.ordering_key,
                                         status=MessageStatus.PENDING, id__gt=message.pk,
                                         payload__seq__lte=synced_seq)
            .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now)).exclude(key__contains=":again:")
            .update(status=MessageStatus.DELIVERED, delivered_at=now, last_error=""))


def push_now(d: Dossier, client: NationalPortal) -> int:
    """Push ``d`` in full now, without the outbox (tests, benchmarks, the CLI's --now)."""
    last = DossierEvent.objects.filter(dossier_id=d.pk).order_by("-seq").values_list("seq", flat=True).first() or 0
    state, _ = DossierSync.objects.get_or_create(dossier=d)
    DossierSync.objects.filter(pk=state.pk).update(wanted_seq=max(state.wanted_seq, last))
    state.refresh_from_db()
    sent = push(d.pk, client, state)
    _finish(state)
    return sent


def status_of(d: Dossier) -> dict[str, Any]:
    """The dossier's sync status for its page and the API."""
    s = DossierSync.objects.filter(dossier=d).first()
    if s is None:
        return {"state": "off" if not enabled() else SyncState.PENDING.value, "label": "", "reason": "",
                "last_attempt_at": None, "synced_at": None}
    return {"state": s.state, "label": str(s.get_state_display()), "reason": s.last_error,
            "last_attempt_at": s.last_attempt_at, "synced_at": s.synced_at}


def page_status(actor: Any, d: Dossier) -> dict[str, Any] | None:
    """The dossier page's sync section (None: the integration is off and nothing was ever synced)."""
    from .views_sync import may_repush

    s = DossierSync.objects.filter(dossier=d).first()
    if s is None and not enabled():
        return None
    return {"sync": s, "enabled": enabled(), "may_repush": enabled() and may_repush(actor, d)}


__all__ = ["Status", "adopt", "backfill", "check", "deliver", "dossier_record", "enqueue", "on_event", "push",
           "push_now", "repush", "status_of", "trail_rows"]
