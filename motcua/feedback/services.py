"""Feedback use cases shared by every entry point (portal, office, Open311 API, jobs): sending a
case, what the public may see of it, the follow-up a dissatisfied dossier rating opens, and what the
handling steps share (who sees what, the event, the deadlines). The handling steps themselves
(acknowledge, transfer, answer...) are in :mod:`motcua.feedback.handling`, reachable from here too.

CONTRACT (kept stable for motcua/open311, see /work/notes/contract-feedback.md): ``Submission``,
``submit``, ``get_public``, ``public_cases``, ``open_followup`` and the Case attributes ``code``,
``category.code``, ``is_open``, ``status``, ``description``, ``address``, ``lat``, ``lon``,
``received_at``, ``updated_at``, ``due_at``, ``answer``, ``unit``, ``public_status_note()``.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from motcua.calendars.services import calendar_for
from motcua.core import clock
from motcua.domain import feedback as fb
from motcua.domain.errors import NotFound, PermissionDenied, ValidationFailed
from motcua.dossiers.services import Actor
from motcua.units.choices import Role
from motcua.units.models import Unit

from .choices import Channel, FileKind, Kind, Subject, Urgency
from .models import Case, CaseEvent, CaseFile, Category

FIXTURES = Path(__file__).parent / "fixtures"
SYSTEM_NAME = "Hệ thống phản ánh, kiến nghị"
FOLLOWUP_CATEGORY = "HL-HOSO"
STAFF_CHANNELS = frozenset({Channel.COUNTER, Channel.BOX})
PHOTO_TYPES = frozenset({"image/jpeg", "image/png"})
MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 10 * 1024 * 1024
PHONE = re.compile(r"^\+?[0-9 .\-]{8,20}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class Submission:
    """A feedback as sent through any channel (the form, the counter, the box, the API)."""

    category_code: str
    description: str
    title: str = ""
    sender_name: str = ""
    sender_phone: str = ""
    sender_email: str = ""
    sender_id_number: str = ""
    anonymous: bool = False
    dossier_code: str = ""
    procedure_code: str = ""
    unit_id: int | None = None
    lat: float | None = None
    lon: float | None = None
    address: str = ""
    channel: str = "portal"
    attributes: dict = field(default_factory=dict)
    photos: list[tuple[str, bytes, str]] = field(default_factory=list)  # (name, content, content type)
    external_ref: str = ""
    partner: str = ""
    urgency: str = Urgency.NORMAL  # staff only: "urgent"
    officer: str = ""


def system() -> Actor:
    return Actor.system_actor(SYSTEM_NAME)


# ---- data: limits and categories ---------------------------------------------------------------

@lru_cache(maxsize=1)
def limits_versions() -> tuple[fb.LimitsVersion, ...]:
    """Every limits version shipped in ``fixtures/feedback_limits_*.json`` (validated)."""
    out = []
    for path in sorted(FIXTURES.glob("feedback_limits_*.json")):
        with path.open(encoding="utf-8") as fh:
            out.append(fb.parse_limits(json.load(fh)))
    return tuple(out)


def limits_for(unit: Unit, urgency: str, on: datetime) -> tuple[fb.LimitsVersion, fb.Limits]:
    from motcua.core.refcache import cached

    pid = unit.province_id
    province = cached("unit_code", str(pid), lambda: Unit.objects.only("code").get(pk=pid).code)
    v = fb.version_in_force(limits_versions(), province, clock.local_date(on))
    return v, v.limits(urgency)


def categories_data() -> dict[str, Any]:
    with (FIXTURES / "categories.json").open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def load_categories() -> int:
    """Create or update the shipped categories (idempotent); an administrator's own ones stay."""
    n = 0
    for c in categories_data()["categories"]:
        fields = {k: c.get(k, d) for k, d in (("name", ""), ("name_en", ""), ("kind", Kind.FEEDBACK),
                                               ("subject", Subject.OTHER), ("group", ""), ("keywords", ""),
                                               ("attributes", []), ("publish", True), ("internal", False),
                                               ("order", 0), ("description", ""))}
        Category.objects.update_or_create(code=c["code"], defaults=fields)
        n += 1
    return n


def answer_criteria() -> list[dict[str, str]]:
    """The criteria a sender rates an answer by (data: ``fixtures/categories.json``)."""
    crit: list[dict[str, str]] = categories_data()["answer_criteria"]
    return crit


# ---- who sees what ----------------------------------------------------------------------------

def visible_cases(actor: Actor) -> QuerySet[Case]:
    """Cases the actor may see: their units' subtrees (staff), or their own (a citizen)."""
    qs = Case.objects.all()
    if actor.system or actor.scope.is_superuser:
        return qs
    if actor.scope.roles:
        q = Q(pk__in=[])
        for p in actor.scope.paths():
            q |= Q(unit_path__startswith=p)
        return qs.filter(q)
    if actor.user_id is not None:
        return qs.filter(owner_id=actor.user_id)
    return qs.none()


def get_case(actor: Actor, case_id: int) -> Case:
    c = visible_cases(actor).select_related("category", "unit", "dossier", "procedure").filter(pk=case_id).first()
    if c is None:
        raise NotFound("Feedback case not found.")
    return c


def public_cases(category_code: str = "", status: str = "", start: datetime | None = None,
                 end: datetime | None = None) -> QuerySet[Case]:
    """Cases anyone may see (without personal data): every category open to the public except the
    complaints about one's own dossier and the internal follow-ups. ``status``: "open" or "closed"
    (Open311's two), or a case status."""
    qs = (Case.objects.filter(category__internal=False).exclude(kind__in=[Kind.COMPLAINT, Kind.FOLLOWUP])
          .select_related("category", "unit"))
    if category_code:
        qs = qs.filter(category__code=category_code)
    if status == "open":
        qs = qs.filter(status__in=[s.value for s in fb.OPEN])
    elif status == "closed":
        qs = qs.exclude(status__in=[s.value for s in fb.OPEN])
    elif status:
        qs = qs.filter(status=status)
    if start is not None:
        qs = qs.filter(received_at__gte=start)
    if end is not None:
        qs = qs.filter(received_at__lt=end)
    return qs.order_by("-received_at", "-pk")


def get_public(code_or_id: str | int) -> Case:
    """A public case by its code or id; NotFound otherwise (also for non-public ones)."""
    qs = public_cases()
    key = str(code_or_id).strip()
    c = qs.filter(code=key).first() or (qs.filter(pk=int(key)).first() if key.isdigit() else None)
    if c is None:
        raise NotFound("No public feedback case with this code.")
    return c


_NOTES = {
    fb.CaseStatus.NEW: "Đã tiếp nhận, đang chuyển đơn vị có thẩm quyền xử lý.",
    fb.CaseStatus.ACKNOWLEDGED: "Đơn vị có thẩm quyền đang xem xét, xử lý.",
    fb.CaseStatus.INFO_REQUESTED: "Đơn vị xử lý đề nghị người gửi bổ sung thông tin.",
    fb.CaseStatus.TRANSFERRED: "Đã chuyển đơn vị có thẩm quyền xử lý.",
    fb.CaseStatus.ANSWERED: "Đã có câu trả lời.",
    fb.CaseStatus.REFUSED: "Không thuộc phạm vi xử lý: đã từ chối, có nêu lý do.",
    fb.CaseStatus.PUBLISHED: "Đã trả lời và công khai kết quả xử lý.",
    fb.CaseStatus.CLOSED: "Đã kết thúc xử lý.",
}


def public_status_note(c: Case) -> str:
    """The plain-language progress of a case, with the responsible unit and, once answered, the answer
    (answers and refusal reasons are written for the public: no personal data of the sender)."""
    note = f"{_NOTES[fb.CaseStatus(c.status)]} {c.unit.name}."
    if c.status == fb.CaseStatus.REFUSED and c.refusal_reason:
        note += f" Lý do: {c.refusal_reason}"
    return note


# ---- the event and the projection -------------------------------------------------------------

def role_of(actor: Actor, c: Case, roles: frozenset[str]) -> str:
    """The role under which ``actor`` acts on ``c`` (PermissionDenied if none)."""
    if actor.system or actor.scope.is_superuser:
        return Role.ADMIN
    for role in sorted(roles):
        if actor.scope.has_role(role, c.unit_path):
            return role
    if "sender" in roles and actor.user_id is not None and c.owner_id == actor.user_id:
        return "sender"
    raise PermissionDenied("You may not take this action on this feedback case.")


def record_event(c: Case, actor: Actor, role: str, action: fb.CaseAction, old: str, at: datetime,
                 note: str = "", data: dict[str, Any] | None = None) -> CaseEvent:
    last = c.events.order_by("-seq").values_list("seq", flat=True).first() or 0
    unit_id = next((u for r, _, u in actor.scope.roles if r == role), None)
    return CaseEvent.objects.create(case=c, seq=last + 1, at=at, action=action.value, from_status=old,
                                    to_status=c.status, actor_id=actor.user_id, actor_name=actor.name, role=role,
                                    unit_id=unit_id, note=note, data=data or {})


def clock_of(c: Case, extra: list[fb.CaseEvent] | None = None) -> fb.CaseClock:
    at = c.received_at
    _, limits = limits_for(c.unit, c.urgency, at)
    stored = c.events.values_list("at", "action") if c.pk else []
    events = [fb.CaseEvent(at_, fb.CaseAction(action)) for at_, action in stored] + (extra or [])
    return fb.CaseClock(at, limits, events, c.publish_required)


def clock_with(c: Case, events: list[fb.CaseEvent], memo: dict[tuple[int, str, Any], fb.Limits]) -> fb.CaseClock:
    """The case's clock from events already read (bulk paths: reports, the 766 measures); ``memo``
    keeps the limits per (province, urgency, day of receipt) across cases."""
    key = (c.province_id, c.urgency, clock.local_date(c.received_at))
    if key not in memo:
        memo[key] = limits_for(c.unit, c.urgency, c.received_at)[1]
    return fb.CaseClock(c.received_at, memo[key], events, c.publish_required)


def refresh(c: Case, as_of: datetime | None = None, extra: list[fb.CaseEvent] | None = None) -> fb.Judgement:
    """Recompute the case's due times and verdict from its events (``extra``: not yet written)."""
    as_of = as_of or clock.now()
    j = fb.judge(calendar_for(c.province_id), clock_of(c, extra), as_of)
    d = j.deadlines
    c.due_at, c.refuse_due_at, c.info_due_at, c.publish_due_at = d.answer, d.refuse, d.request_info, d.publish
    c.verdict, c.late_seconds = j.verdict.value, j.late_seconds
    return j


# ---- sending ------------------------------------------------------------------------------------

def _validate(actor: Actor | None, s: Submission) -> tuple[dict[str, str], Category | None]:
    errors: dict[str, str] = {}
    cat = Category.objects.filter(code=s.category_code, active=True).first()
    if cat is None or (cat.internal and not (actor and actor.system)):
        cat = None
        errors["category_code"] = "unknown"
    if not (s.description or "").strip():
        errors["description"] = "required"
    elif len(s.description) > 5000:
        errors["description"] = "too long (5000 characters at most)"
    errors.update(_check_channel(actor, s))
    errors.update(_check_sender(s, cat))
    errors.update(_check_place(s))
    errors.update(_check_photos(s.photos))
    if cat is not None:
        errors.update(_check_attributes(cat, s.attributes))
    return errors, cat


def _is_staff(actor: Actor | None) -> bool:
    return actor is not None and (bool(actor.scope.roles) or actor.scope.is_superuser or actor.system)


def _check_channel(actor: Actor | None, s: Submission) -> dict[str, str]:
    errors = {}
    if s.channel not in Channel.values:
        errors["channel"] = "unknown"
    elif s.channel in STAFF_CHANNELS and not _is_staff(actor):
        errors["channel"] = "staff only"
    if s.urgency not in (Urgency.NORMAL, Urgency.URGENT):
        errors["urgency"] = "unknown"
    elif s.urgency == Urgency.URGENT and not _is_staff(actor):
        errors["urgency"] = "staff only"
    return errors


def _check_sender(s: Submission, cat: Category | None) -> dict[str, str]:
    errors = {}
    if cat is not None and cat.kind == Kind.COMPLAINT and s.anonymous:
        errors["anonymous"] = "a complaint about a dossier cannot be anonymous"
    if not s.anonymous:
        if not (s.sender_name or "").strip():
            errors["sender_name"] = "required (or send anonymously)"
        if not (s.sender_phone or s.sender_email):
            errors["sender_phone"] = "a phone number or an e-mail address is required"
    if s.sender_phone and not PHONE.match(s.sender_phone):
        errors["sender_phone"] = "malformed"
    if s.sender_email and not EMAIL.match(s.sender_email):
        errors["sender_email"] = "malformed"
    return errors


def _check_place(s: Submission) -> dict[str, str]:
    if (s.lat is None) != (s.lon is None):
        return {"lat": "latitude and longitude go together"}
    if s.lat is not None and s.lon is not None and not (-90 <= s.lat <= 90 and -180 <= s.lon <= 180):
        return {"lat": "out of range"}
    if len(s.address or "") > 500:
        return {"address": "too long"}
    return {}


def _check_photos(photos: list[tuple[str, bytes, str]]) -> dict[str, str]:
    from motcua.dossiers.storage import detect_type

    if len(photos) > MAX_PHOTOS:
        return {"photos": f"at most {MAX_PHOTOS} photos"}
    for name, content, _ in photos:
        if not content:
            return {"photos": f"{name}: empty"}
        if len(content) > MAX_PHOTO_BYTES:
            return {"photos": f"{name}: larger than {MAX_PHOTO_BYTES} bytes"}
        if detect_type(content[:16], name) not in PHOTO_TYPES:
            return {"photos": f"{name}: not a JPEG or PNG image"}
    return {}


def _check_attributes(cat: Category, values: dict[str, Any]) -> dict[str, str]:
    errors = {}
    known = {a["code"]: a for a in cat.attributes or []}
    for code in values:
        if code not in known:
            errors[f"attribute[{code}]"] = "unknown"
    for code, a in known.items():
        v = values.get(code)
        if a.get("required") and v in (None, "", []):
            errors[f"attribute[{code}]"] = "required"
        elif v not in (None, "") and a.get("datatype") in ("singlevaluelist", "multivaluelist"):
            keys = {x["key"] for x in a.get("values", [])}
            if any(x not in keys for x in (v if isinstance(v, list) else [v])):
                errors[f"attribute[{code}]"] = "not one of the listed values"
    return errors


def _subject(actor: Actor | None, s: Submission, cat: Category, errors: dict[str, str]) -> dict[str, Any]:
    """The dossier, procedure or unit the case is about (a dossier complaint: the sender's own)."""
    from motcua.catalog.models import Procedure
    from motcua.dossiers.models import Dossier

    out: dict[str, Any] = {}
    if s.dossier_code:
        d = Dossier.objects.select_related("handling_unit", "procedure").filter(code=s.dossier_code.strip()).first()
        if d is None:
            errors["dossier_code"] = "unknown"
        elif cat.kind == Kind.COMPLAINT and not _own_dossier(actor, s, d):
            errors["dossier_code"] = "not the sender's own dossier"
        else:
            out["dossier"] = d
    elif cat.kind == Kind.COMPLAINT:
        errors["dossier_code"] = "required for a complaint about a dossier"
    if s.procedure_code:
        p = Procedure.objects.filter(code=s.procedure_code.strip()).first()
        if p is None:
            errors["procedure_code"] = "unknown"
        out["procedure"] = p
    if s.unit_id is not None:
        u = Unit.objects.filter(pk=s.unit_id, dissolved_on__isnull=True).first()
        if u is None:
            errors["unit_id"] = "unknown"
        out["unit"] = u
    return out


def _own_dossier(actor: Actor | None, s: Submission, d: Any) -> bool:
    """A citizen's own dossier (their account), or the applicant's identity number matches (the
    counter, the box or a partner app on their behalf)."""
    if actor is not None and not actor.system and not actor.scope.roles and actor.user_id is not None:
        return bool(d.owner_id == actor.user_id)
    ids = {x for x in (d.applicant_id_number, d.representative_id_number) if x}
    return bool(s.sender_id_number) and s.sender_id_number.strip() in ids


def route(subject: dict[str, Any]) -> Unit:
    """The responsible unit: the dossier's handling unit, else the chosen unit, else the unit that
    runs the procedure (its process's unit, the chosen unit's own if it has one), else the province."""
    if subject.get("dossier") is not None:
        return subject["dossier"].handling_unit
    chosen, proc = subject.get("unit"), subject.get("procedure")
    if proc is not None:
        from motcua.catalog.models import ProcessStep

        steps = ProcessStep.objects.filter(procedure=proc).select_related("unit")
        if chosen is not None:
            inside = steps.filter(unit__path__startswith=chosen.path).order_by("unit__path").first()
            if inside is not None:
                return inside.unit
            return chosen
        first = steps.order_by("unit__path").first()
        if first is not None:
            return first.unit
    if chosen is not None:
        return chosen
    root = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    if root is None:
        raise ValidationFailed("No unit can handle feedback.", fields={"unit_id": "required"})
    return root


def submit(actor: Actor | None, s: Submission) -> Case:
    """Record a new case from any channel, routed to its responsible unit, with its deadlines.
    Raises ValidationFailed with field errors (nothing is written then)."""
    errors, cat = _validate(actor, s)
    subject = _subject(actor, s, cat, errors) if cat is not None else {}
    if errors:
        raise ValidationFailed("The feedback is not valid.", fields=errors)
    assert cat is not None
    actor = actor or system()
    unit = route(subject)
    owner_id = actor.user_id if actor.user_id is not None and not actor.scope.roles and not actor.system else None
    if subject.get("dossier") is not None and owner_id is None and cat.kind == Kind.COMPLAINT:
        owner_id = subject["dossier"].owner_id
    now = clock.now()
    version, _ = limits_for(unit, s.urgency, now)
    with transaction.atomic():
        c = Case(category=cat, kind=cat.kind, subject=cat.subject, dossier=subject.get("dossier"),
                 procedure=subject.get("procedure") or getattr(subject.get("dossier"), "procedure", None),
                 subject_unit=subject.get("unit"), officer=s.officer[:255], title=s.title[:255],
                 description=s.description.strip(), lat=s.lat, lon=s.lon, address=s.address.strip(),
                 attributes=s.attributes or {}, anonymous=s.anonymous, channel=s.channel,
                 sender_name="" if s.anonymous else s.sender_name.strip(),
                 sender_phone="" if s.anonymous else s.sender_phone.strip(),
                 sender_email="" if s.anonymous else s.sender_email.strip(),
                 sender_id_number="" if s.anonymous else s.sender_id_number.strip(),
                 owner_id=owner_id, external_ref=s.external_ref[:100], partner=s.partner[:60],
                 unit=unit, unit_path=unit.path, urgency=s.urgency,
                 publish_required=cat.publish,
                 limits_version=version.version, received_at=now, updated_at=now, code=_temp_code())
        refresh(c, now, [fb.CaseEvent(now, fb.CaseAction.SUBMIT)])
        c.save()
        c.code = make_code(c)
        Case.objects.filter(pk=c.pk).update(code=c.code)
        role = "sender" if owner_id == actor.user_id and owner_id else _staff_role(actor)
        record_event(c, actor, role, fb.CaseAction.SUBMIT, "", now, data={"channel": s.channel})
        for name, content, _ in s.photos:
            store_file(c, None, name, content, FileKind.PHOTO, now)
    return c


def _staff_role(actor: Actor) -> str:
    if actor.scope.roles:
        return actor.scope.roles[0][0]
    return Role.ADMIN if actor.system or actor.scope.is_superuser else ""


def _temp_code() -> str:
    import secrets

    return f"tmp-{secrets.token_hex(8)}"


def make_code(c: Case) -> str:
    """PA-<yymmdd of receipt>-<id, 6 digits>: unique, readable at the counter and on the phone."""
    return f"PA-{clock.local_date(c.received_at):%y%m%d}-{c.pk:06d}"


def store_file(c: Case, ev: CaseEvent | None, name: str, content: bytes, kind: str, at: datetime) -> CaseFile:
    from motcua.dossiers.storage import store_upload

    obj = store_upload(io.BytesIO(content), name, MAX_PHOTO_BYTES)
    return CaseFile.objects.create(case=c, event=ev, kind=kind, name=Path(name).name[:255] or "file",
                                   content_type=obj.content_type, size=obj.size, sha256=obj.sha256,
                                   storage_key=obj.key, uploaded_at=at)


# ---- the follow-up of a dissatisfied dossier rating ---------------------------------------------

def open_followup(rating: Any) -> Case:
    """A dissatisfied rating of a dossier opens a follow-up case for the leader of the dossier's
    handling unit, with the follow-up deadline; idempotent (one case per rating)."""
    existing = Case.objects.filter(source_rating_id=rating.pk).first()
    if existing is not None:
        return existing
    d = rating.dossier
    cat = Category.objects.filter(code=FOLLOWUP_CATEGORY).first()
    if cat is None:
        load_categories()
        cat = Category.objects.get(code=FOLLOWUP_CATEGORY)
    now = clock.now()
    unit = d.handling_unit
    version, _ = limits_for(unit, Urgency.FOLLOWUP, now)
    text = (rating.comment or "").strip() or "Người nộp hồ sơ không hài lòng với việc giải quyết hồ sơ."
    with transaction.atomic():
        c = Case(category=cat, kind=Kind.FOLLOWUP, subject=Subject.DOSSIER, dossier=d, procedure_id=d.procedure_id,
                 title=f"Đánh giá không hài lòng: hồ sơ {d.code}", description=text,
                 sender_name=d.applicant_name, sender_phone=d.applicant_phone, sender_email=d.applicant_email,
                 sender_id_number=d.applicant_id_number, owner_id=d.owner_id, channel=Channel.RATING,
                 source_rating_id=rating.pk, unit=unit, unit_path=unit.path, urgency=Urgency.FOLLOWUP,
                 attributes={"criteria": _criteria_of(rating)},
                 limits_version=version.version, received_at=now, updated_at=now, code=_temp_code())
        refresh(c, now, [fb.CaseEvent(now, fb.CaseAction.SUBMIT)])
        c.save()
        c.code = make_code(c)
        Case.objects.filter(pk=c.pk).update(code=c.code)
        record_event(c, system(), Role.ADMIN, fb.CaseAction.SUBMIT, "", now,
                     note="Tự động mở từ đánh giá không hài lòng", data={"rating_id": rating.pk})
    return c


def _criteria_of(rating: Any) -> dict[str, Any]:
    """The rating's answers to the survey's criteria: its ``criteria`` ({criterion code: level}) when
    the portal's Rating has them, else {criterion code: level name} from its answers, else {}."""
    given = getattr(rating, "criteria", None)
    if isinstance(given, dict):
        return dict(given)
    answers = getattr(rating, "answers", None)
    if answers is None or not hasattr(answers, "values_list"):
        return {}
    return {code: name for code, name in answers.values_list("criterion__code", "level_name")}


def __getattr__(name: str) -> Any:
    """``services.<handling step>``: resolved lazily from :mod:`motcua.feedback.handling`."""
    if not name.startswith("__"):
        from . import handling

        if name in handling.__all__:
            return getattr(handling, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ---- a calendar change moves the open cases' due times ---------------------------------------------

def recompute_province(province_id: int, chunk: int = 2000) -> int:
    """Recompute the due times and verdicts of the province's cases still running a clock (open, or
    answered and waiting for publication) on its current calendar; returns how many changed."""
    from .indicators import _events_of

    qs = (Case.objects.filter(unit_path__startswith=f"/{province_id}/")
          .filter(Q(status__in=[s.value for s in fb.OPEN]) | Q(status=fb.CaseStatus.ANSWERED.value,
                                                                publish_due_at__isnull=False))
          .select_related("unit").order_by("pk"))
    fields = ["due_at", "refuse_due_at", "info_due_at", "publish_due_at", "verdict", "late_seconds"]
    changed, last, now, memo = 0, 0, clock.now(), {}
    cal = calendar_for(province_id)
    while True:
        cases = list(qs.filter(pk__gt=last)[:chunk])
        if not cases:
            return changed
        events = _events_of([c.pk for c in cases])
        moved = []
        for c in cases:
            before = tuple(getattr(c, f) for f in fields)
            j = fb.judge(cal, clock_with(c, events.get(c.pk, []), memo), now)
            d = j.deadlines
            c.due_at, c.refuse_due_at, c.info_due_at, c.publish_due_at = d.answer, d.refuse, d.request_info, d.publish
            c.verdict, c.late_seconds = j.verdict.value, j.late_seconds
            if tuple(getattr(c, f) for f in fields) != before:
                moved.append(c)
        Case.objects.bulk_update(moved, fields, batch_size=500)
        changed += len(moved)
        last = cases[-1].pk


def on_calendar_changed(sender: Any, province_id: int, **kwargs: Any) -> None:
    recompute_province(province_id)
