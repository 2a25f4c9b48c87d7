"""Feedback in ``make demo``: over the generated history, feedback cases in every state (answered on
time and late, refused, waiting for information, transferred, published, closed, still open and
overdue), complaints about dossiers, the applicants' ratings of returned dossiers (mostly satisfied,
some not) and the follow-up case each dissatisfied rating opened, so the pages, the dashboard and
the three 766 satisfaction indicators show real figures from the first start.

Rows are written in bulk (a few seconds for 20,000 dossiers); each step's time is placed in working
time on the province's calendar and the cases' due times and verdicts come from the same domain
rules as the live service (:func:`motcua.feedback.services.refresh`). Idempotent: demo cases carry
``external_ref = "demo-<n>"`` and ratings are one per dossier; a second run adds nothing."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import IO, Any

from django.db import transaction

from motcua.calendars.services import calendar_for
from motcua.core import clock
from motcua.domain import feedback as fb
from motcua.domain.lifecycle import Status
from motcua.domain.workcal import WorkingCalendar
from motcua.dossiers.models import Dossier
from motcua.units.models import StaffRole, Unit

from . import services as fsvc
from .choices import Channel, Kind, Urgency
from .models import Case, CaseEvent, Category

SEED = 766
PER_DOSSIERS = 30  # one feedback case for about this many dossiers
MAX_CASES = 1500
RATED_SHARE = 0.5  # returned dossiers rated by their applicant
DAY = 8 * 3600
A = fb.CaseAction

# scenario -> (weight, steps as (action, working days after the previous step))
SCENARIOS: dict[str, tuple[int, list[tuple[fb.CaseAction, float]]]] = {
    "answered": (30, [(A.ACKNOWLEDGE, 1), (A.ANSWER, 6)]),
    "answered_late": (8, [(A.ACKNOWLEDGE, 2), (A.ANSWER, 16)]),
    "published": (12, [(A.ACKNOWLEDGE, 1), (A.ANSWER, 5), (A.PUBLISH, 1)]),
    "published_late": (3, [(A.ACKNOWLEDGE, 1), (A.ANSWER, 5), (A.PUBLISH, 4)]),
    "refused": (5, [(A.REFUSE, 1)]),
    "refused_late": (2, [(A.REFUSE, 4)]),
    "info": (6, [(A.ACKNOWLEDGE, 1), (A.REQUEST_INFO, 2), (A.PROVIDE_INFO, 3), (A.ANSWER, 6)]),
    "info_waiting": (3, [(A.ACKNOWLEDGE, 1), (A.REQUEST_INFO, 2)]),
    "transferred": (5, [(A.TRANSFER, 1), (A.ACKNOWLEDGE, 1), (A.ANSWER, 7)]),
    "transferred_waiting": (2, [(A.TRANSFER, 1)]),
    "closed": (6, [(A.ACKNOWLEDGE, 1), (A.ANSWER, 8), (A.PUBLISH, 1), (A.CLOSE, 3)]),
    "acknowledged": (6, [(A.ACKNOWLEDGE, 1)]),
    "new": (4, []),
}
NOTES = {
    A.ACKNOWLEDGE: "Đã tiếp nhận, giao chuyên viên xem xét.",
    A.TRANSFER: "Chuyển đơn vị có thẩm quyền giải quyết.",
    A.REQUEST_INFO: "Đề nghị cung cấp thêm địa điểm, thời gian cụ thể.",
    A.PROVIDE_INFO: "Sáng thứ Hai tuần trước, tại quầy số 2.",
    A.REFUSE: "Nội dung không thuộc phạm vi giải quyết của đơn vị; đề nghị gửi Tòa án nhân dân huyện.",
    A.PUBLISH: "",
    A.CLOSE: "Kết thúc: người gửi đã nhận câu trả lời.",
}
TEXTS = {
    "feedback": ["Thời gian chờ tại bộ phận một cửa quá lâu.", "Cán bộ hướng dẫn chưa rõ thành phần hồ sơ.",
                 "Khu vực chờ thiếu ghế ngồi, máy lấy số hay hỏng.", "Cổng dịch vụ công báo lỗi khi tải tệp."],
    "recommendation": ["Đề nghị cho phép nộp bản sao điện tử thay bản sao chứng thực.",
                       "Đề nghị mở thêm quầy tiếp nhận vào buổi sáng thứ Bảy."],
    "complaint": ["Hồ sơ đã quá ngày hẹn nhưng chưa có kết quả.",
                  "Bị yêu cầu bổ sung giấy tờ không có trong quy định."],
}
ANSWERS = ["Đơn vị đã chấn chỉnh, bố trí thêm cán bộ vào giờ cao điểm.",
           "Đơn vị tiếp thu, đã hướng dẫn lại thành phần hồ sơ theo quy định hiện hành.",
           "Đã kiểm tra, hồ sơ được giải quyết và trả kết quả; đơn vị xin lỗi vì sự chậm trễ.",
           "Kiến nghị được ghi nhận và báo cáo cấp có thẩm quyền xem xét sửa đổi quy định."]
FOLLOWUP_ANSWERS = ["Lãnh đạo đã gọi điện xin lỗi người nộp, nhắc nhở cán bộ tiếp nhận.",
                    "Đã rà soát hồ sơ, giải thích lý do chậm trả và hướng dẫn người nộp."]


def prepare(out: IO[str]) -> None:
    fsvc.load_categories()
    rng = random.Random(SEED)
    now = clock.now()
    ratings, rated_ids = _ratings(rng, now)
    made = _cases(rng, now)
    followups = _followups(rng, now)
    _mark_dirty(rated_ids)
    from .notify import history

    told = history()
    out.write(f"Phản ánh, kiến nghị: {made} phản ánh mẫu, {ratings} đánh giá hồ sơ, "
              f"{followups} phản ánh sau đánh giá không hài lòng, {told} tin nhắn đã gửi người phản ánh.\n")


# ---- the applicants' ratings of returned dossiers -------------------------------------------------

def _ratings(rng: random.Random, now: datetime) -> tuple[int, list[int]]:
    from motcua.portal.models import Rating

    rated = set(Rating.objects.values_list("dossier_id", flat=True))
    rows = []
    for pk, returned in Dossier.objects.filter(status=Status.RETURNED, returned_at__isnull=False).values_list(
            "pk", "returned_at").order_by("pk").iterator(chunk_size=5000):
        if pk in rated or random.Random(pk * 31 + SEED).random() >= RATED_SHARE:
            continue
        r = random.Random(pk).random()
        score = 1 if r < 0.72 else (2 if r < 0.9 else 3)
        at = min(returned + timedelta(hours=2 + pk % 40), now)
        rows.append(Rating(dossier_id=pk, score=score, comment="Cán bộ chậm, phải đi lại nhiều lần." if score == 3
                           else "", created_at=at))
    Rating.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows), [r.dossier_id for r in rows]


def _mark_dirty(ids: list[int]) -> None:
    """Queue the rated dossiers for the statistics read model (``make demo`` drains the queue)."""
    from motcua.reports.models import DirtyDossier

    DirtyDossier.objects.bulk_create([DirtyDossier(dossier_id=i) for i in ids], batch_size=2000)


# ---- feedback cases over the history --------------------------------------------------------------

class Placer:
    """Working-time placement of a case's steps on its province's calendar."""

    def __init__(self, cal: WorkingCalendar, now: datetime) -> None:
        self.cal, self.now = cal, now

    def after(self, at: datetime, days: float) -> datetime:
        return self.cal.add_working_seconds(at, int(days * DAY))


def _staff() -> dict[int, list[tuple[int, str, str]]]:
    """(user id, name, role) of each unit's handling staff."""
    out: dict[int, list[tuple[int, str, str]]] = {}
    for uid, unit_id, role, first, last, username in StaffRole.objects.filter(
            role__in=["specialist", "leader"]).values_list("user_id", "unit_id", "role", "user__first_name",
                                                         "user__last_name", "user__username"):
        out.setdefault(unit_id, []).append((uid, f"{last} {first}".strip() or username, role))
    return out


def _cases(rng: random.Random, now: datetime) -> int:
    done = set(Case.objects.filter(external_ref__startswith="demo-").values_list("external_ref", flat=True))
    dossiers = list(Dossier.objects.filter(received_at__isnull=False).values_list(
        "pk", "handling_unit_id", "procedure_id", "received_at", "applicant_name", "applicant_phone",
        "applicant_id_number", "owner_id").order_by("pk"))
    if not dossiers:
        return 0
    cats = {c.code: c for c in Category.objects.filter(internal=False, active=True)}
    units = {u.pk: u for u in Unit.objects.filter(pk__in={d[1] for d in dossiers})}
    staff = _staff()
    n = min(MAX_CASES, max(12, len(dossiers) // PER_DOSSIERS))
    picks = sorted(rng.sample(range(len(dossiers)), min(n, len(dossiers))))
    names, weights = list(SCENARIOS), [w for w, _ in SCENARIOS.values()]
    plan: list[tuple[Case, list[tuple[datetime, fb.CaseAction, str]]]] = []
    for i, idx in enumerate(picks):
        ref = f"demo-{i}"
        if ref in done:
            continue
        d = dossiers[idx]
        unit = units[d[1]]
        placer = Placer(calendar_for(unit.province_id), now)
        received = placer.after(d[3], rng.uniform(0.5, 10))
        if received >= now:
            continue
        # the oldest cases take every scenario once (every state shows), the rest by weight
        scenario = names[i] if i < len(names) else rng.choices(names, weights)[0]
        c = _new_case(rng, i, ref, d, unit, cats, received)
        steps = _steps(rng, placer, c, scenario, received, now)
        plan.append((c, steps))
    with transaction.atomic():
        return _write(plan, units, staff, now)


def _new_case(rng: random.Random, i: int, ref: str, d: tuple[Any, ...], unit: Unit, cats: dict[str, Category],
              received: datetime) -> Case:
    pk, _unit_id, procedure_id, _r, name, phone, id_number, owner_id = d
    code = rng.choices(["PA-TTHC", "PA-CANBO", "PA-DONVI", "KN-CHINHSACH", "KN-HOSO"], [25, 15, 20, 15, 25])[0]
    cat = cats[code]
    anonymous = cat.kind != Kind.COMPLAINT and rng.random() < 0.2
    channel = rng.choices([Channel.PORTAL, Channel.COUNTER, Channel.BOX, Channel.API], [55, 20, 15, 10])[0]
    if anonymous and channel == Channel.COUNTER:
        channel = Channel.BOX
    attrs = {"issue": rng.choice(["late", "extra_papers", "fees"])} if cat.kind == Kind.COMPLAINT else {}
    return Case(
        code=f"tmp-{ref}", category=cat, kind=cat.kind, subject=cat.subject,
        dossier_id=pk if cat.kind == Kind.COMPLAINT else None, procedure_id=procedure_id, subject_unit=unit,
        title="", description=rng.choice(TEXTS.get(cat.kind, TEXTS["feedback"])), attributes=attrs,
        anonymous=anonymous, sender_name="" if anonymous else name, sender_phone="" if anonymous else phone,
        sender_id_number="" if anonymous else id_number,
        owner_id=owner_id if (not anonymous and cat.kind == Kind.COMPLAINT) else None, channel=channel,
        external_ref=ref, partner="demo-app" if channel == Channel.API else "", unit=unit, unit_path=unit.path,
        urgency=Urgency.URGENT if rng.random() < 0.05 else Urgency.NORMAL, status=fb.CaseStatus.NEW.value,
        publish_required=cat.publish, limits_version="", received_at=received, updated_at=received)


def _steps(rng: random.Random, placer: Placer, c: Case, scenario: str, received: datetime,
           now: datetime) -> list[tuple[datetime, fb.CaseAction, str]]:
    steps = list(SCENARIOS[scenario][1])
    if not c.publish_required:
        steps = [s for s in steps if s[0] is not A.PUBLISH]
    if c.anonymous:  # nobody to ask
        steps = [s for s in steps if s[0] not in (A.REQUEST_INFO, A.PROVIDE_INFO)]
    out, at = [], received
    for action, days in steps:
        at = placer.after(at, max(0.1, days * rng.uniform(0.7, 1.2)))
        if at >= now:
            break  # the rest has not happened yet
        note = rng.choice(ANSWERS) if action is A.ANSWER else NOTES[action]
        out.append((at, action, note))
    if c.publish_required and out and out[-1][1] is A.ANSWER and rng.random() < 0.85:
        at = placer.after(out[-1][0], rng.uniform(0.3, 2.3))  # most answers published within 2 days
        if at < now:
            out.append((at, A.PUBLISH, ""))
    if out and out[-1][1] in (A.ANSWER, A.PUBLISH, A.CLOSE) and not c.anonymous and rng.random() < 0.6:
        at = placer.after(out[-1][0], rng.uniform(0.2, 3))
        if at < now:  # the sender rates the answer: "1" satisfied, "0" not
            out.append((at, A.RATE, "1" if rng.random() < 0.75 else "0"))
    return out


def _write(plan: list[tuple[Case, list[tuple[datetime, fb.CaseAction, str]]]], units: dict[int, Unit],
           staff: dict[int, list[tuple[int, str, str]]], now: datetime) -> int:
    for c, steps in plan:
        _project(c, steps, units, now)
    Case.objects.bulk_create([c for c, _ in plan], batch_size=500)
    events = []
    for c, steps in plan:
        c.code = fsvc.make_code(c)
        events += _events_of(c, steps, staff)
    Case.objects.bulk_update([c for c, _ in plan], ["code"], batch_size=500)
    CaseEvent.objects.bulk_create(events, batch_size=1000)
    return len(plan)


def _project(c: Case, steps: list[tuple[datetime, fb.CaseAction, str]], units: dict[int, Unit],
             now: datetime) -> None:
    """Status, dates, answer, due times and verdict after the steps (the live rules)."""
    status = fb.CaseStatus.NEW
    for at, action, note in steps:
        status = fb.next_status(action, status)
        _apply(c, at, action, note, units)
    c.status = status.value
    c.updated_at = steps[-1][0] if steps else c.received_at
    version, _ = fsvc.limits_for(c.unit, c.urgency, c.received_at)
    c.limits_version = version.version
    fsvc.refresh(c, now, [fb.CaseEvent(c.received_at, A.SUBMIT)] + [fb.CaseEvent(at, a) for at, a, _ in steps])


def _apply(c: Case, at: datetime, action: fb.CaseAction, note: str, units: dict[int, Unit]) -> None:
    setters: dict[fb.CaseAction, Callable[[], None]] = {
        A.ACKNOWLEDGE: lambda: setattr(c, "acknowledged_at", c.acknowledged_at or at),
        A.ANSWER: lambda: (setattr(c, "answer", note), setattr(c, "answered_at", at)),
        A.REFUSE: lambda: (setattr(c, "refusal_reason", note), setattr(c, "refused_at", at)),
        A.PUBLISH: lambda: setattr(c, "published_at", at),
        A.CLOSE: lambda: setattr(c, "closed_at", at),
        A.REQUEST_INFO: lambda: setattr(c, "info_request", note),
    }
    if action in setters:
        setters[action]()
    if action is A.RATE:
        c.satisfied, c.rated_at = note == "1", at
        c.rating_criteria = {"timely": True, "clear": True} if c.satisfied else {"attitude": True}
    if action is A.TRANSFER:
        target = _transfer_target(c, units)
        if target is not None:
            c.unit, c.unit_path = target, target.path


def _transfer_target(c: Case, units: dict[int, Unit]) -> Unit | None:
    others = sorted((u for u in units.values() if u.pk != c.unit_id and u.province_id == c.unit.province_id),
                    key=lambda u: u.pk)
    return others[c.received_at.day % len(others)] if others else None


def _events_of(c: Case, steps: list[tuple[datetime, fb.CaseAction, str]],
               staff: dict[int, list[tuple[int, str, str]]]) -> list[CaseEvent]:
    people = staff.get(c.unit_id, [])
    events = [CaseEvent(case=c, seq=1, at=c.received_at, action=A.SUBMIT.value, from_status="",
                        to_status=fb.CaseStatus.NEW.value, actor_name="" if c.anonymous else c.sender_name,
                        role="sender", data={"channel": c.channel})]
    status = fb.CaseStatus.NEW
    for seq, (at, action, note) in enumerate(steps, start=2):
        new = fb.next_status(action, status)
        pool = [p for p in people if p[2] == "leader"] if c.kind == Kind.FOLLOWUP and action is A.ANSWER else people
        who = pool[(c.pk + seq) % len(pool)] if pool else (None, "motcua", "admin")
        if action in (A.PROVIDE_INFO, A.RATE):
            who = (None, c.sender_name, "sender")
        events.append(CaseEvent(case=c, seq=seq, at=at, action=action.value, from_status=status.value,
                                to_status=new.value, actor_id=who[0], actor_name=who[1], role=who[2],
                                unit_id=c.unit_id, note="" if action in (A.ANSWER, A.RATE) else note,
                                data={"satisfied": note == "1"} if action is A.RATE else {}))
        status = new
    return events


# ---- follow-ups of the dissatisfied ratings -------------------------------------------------------

def _followups(rng: random.Random, now: datetime) -> int:
    from motcua.portal.models import Rating

    cat = Category.objects.get(code=fsvc.FOLLOWUP_CATEGORY)
    done = set(Case.objects.filter(source_rating_id__isnull=False).values_list("source_rating_id", flat=True))
    ratings = list(Rating.objects.filter(score=3).exclude(pk__in=done).select_related("dossier__handling_unit"))
    plan = []
    units: dict[int, Unit] = {}
    for r in ratings:
        d = r.dossier
        unit = d.handling_unit
        units[unit.pk] = unit
        placer = Placer(calendar_for(unit.province_id), now)
        c = Case(code=f"tmp-fu-{r.pk}", category=cat, kind=Kind.FOLLOWUP, subject=cat.subject, dossier=d,
                 procedure_id=d.procedure_id, title=f"Đánh giá không hài lòng: hồ sơ {d.code}",
                 description=r.comment or "Người nộp hồ sơ không hài lòng với việc giải quyết hồ sơ.",
                 sender_name=d.applicant_name, sender_phone=d.applicant_phone, sender_id_number=d.applicant_id_number,
                 owner_id=d.owner_id, channel=Channel.RATING, source_rating_id=r.pk, unit=unit, unit_path=unit.path,
                 urgency=Urgency.FOLLOWUP, status=fb.CaseStatus.NEW.value, received_at=r.created_at,
                 updated_at=r.created_at)
        late = rng.random() < 0.25
        steps: list[tuple[datetime, fb.CaseAction, str]] = []
        at = placer.after(r.created_at, 1)
        if at < now:
            steps.append((at, A.ACKNOWLEDGE, NOTES[A.ACKNOWLEDGE]))
            at = placer.after(at, 6 if late else rng.uniform(1, 3.5))
            if at < now:
                steps.append((at, A.ANSWER, rng.choice(FOLLOWUP_ANSWERS)))
        plan.append((c, steps))
    with transaction.atomic():
        return _write(plan, units, _staff(), now)
