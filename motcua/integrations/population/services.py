"""Population database look-ups: one service for the counter and the portal (issue 13, part 7).

:func:`look_up` checks the request (a 12-digit ID number, the name, the birth year, a reason; the
citizen only for themselves or, with a stated reason, a family member), counts it against the
person's rate limit, calls the database *outside any transaction* with the client's time-outs,
writes one audit row (:class:`~.models.Lookup`, its own autocommitted INSERT) and only then returns
what may be filled. A miss, a mismatch, a malformed reply or no answer fills nothing and says why; a
hit fills the name, birth date and address together, never part of them.

A successful look-up is linked to the dossier it served (:func:`link_dossier`, an event hook): the
dossier that the same person receives at the counter or submits online, with the ID number looked up,
within ``LINK_WINDOW`` after it.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.utils.translation import gettext as _

from motcua.conf import CONFIG
from motcua.core import clock
from motcua.domain.errors import DomainError, ValidationFailed

from . import client as wire
from . import mapping
from .models import Channel, Lookup, LookupUse, Outcome, Reason

SETTINGS = CONFIG.population  # tests replace it (monkeypatch.setattr(services, "SETTINGS", ...))
LINK_WINDOW = timedelta(hours=2)
LINKED_ACTIONS = frozenset({"intake", "submit"})
PER_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_client: wire.HttpPopulation | None = None


class Unavailable(DomainError):
    code = "population_unavailable"
    http_status = 503


def enabled() -> bool:
    return bool(SETTINGS.url)


def client() -> wire.HttpPopulation:
    global _client
    if _client is None or _client.url != SETTINGS.url:
        _client = wire.HttpPopulation.from_settings(SETTINGS)
    return _client


@dataclass(frozen=True)
class Who:
    """Who looks up: a counter officer at a unit, or a citizen (``own_id``: their own ID number)."""

    user: Any
    name: str
    channel: str
    role: str = ""
    unit: Any = None
    officer_code: str = ""
    own_id: str = ""


@dataclass(frozen=True)
class Ask:
    id_number: str
    name: str
    birth_year: str
    reason: str
    reason_text: str = ""
    procedure: Any = None  # catalog.Procedure, for MaDVC and the indicators


@dataclass
class Result:
    outcome: str
    message: str
    citizen: mapping.Citizen | None = None
    lookup: Lookup | None = None
    relation: str = ""
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def hit(self) -> bool:
        return self.outcome == Outcome.HIT and self.citizen is not None


# -- checking the request -------------------------------------------------------------------------
def check(who: Who, ask: Ask) -> dict[str, str]:
    """Field errors of a look-up request (an empty dict: it may be sent)."""
    errors: dict[str, str] = {}
    if not (ask.id_number.isdigit() and len(ask.id_number) == 12):
        errors["applicant_id_number"] = _("Số định danh cá nhân gồm đúng 12 chữ số.")
    if not mapping.fold_name(ask.name) or len(ask.name) > 100:
        errors["applicant_name"] = _("Nhập họ tên như trên thẻ căn cước để tra cứu.")
    year = ask.birth_year.strip()
    if not (year.isdigit() and 1900 <= int(year) <= clock.local_date(clock.now()).year):
        errors["population_year"] = _("Nhập năm sinh (4 chữ số) để tra cứu.")
    errors.update(_check_reason(who, ask))
    return errors


def _check_reason(who: Who, ask: Ask) -> dict[str, str]:
    if who.channel == Channel.PORTAL:
        if ask.id_number == who.own_id:
            return {}
        if ask.reason != Reason.FAMILY or len(ask.reason_text.strip()) < 5:
            return {"population_reason_text": _("Chỉ tra cứu được số định danh của bạn, hoặc của người thân trong "
                                                "gia đình khi nêu rõ quan hệ và lý do.")}
        return {}
    if ask.reason not in {r.value for r in (Reason.INTAKE, Reason.VERIFY, Reason.UPDATE, Reason.OTHER)}:
        return {"population_reason": _("Chọn lý do tra cứu.")}
    if ask.reason == Reason.OTHER and len(ask.reason_text.strip()) < 5:
        return {"population_reason_text": _("Ghi rõ lý do tra cứu.")}
    return {}


def over_limit(who: Who) -> bool:
    """Count one look-up against the person's fixed window (MOTCUA_POPULATION_RATE); True when over."""
    count, _, per = SETTINGS.rate.partition("/")
    seconds = PER_SECONDS[per]
    key = f"population:rate:{getattr(who.user, 'pk', 'anon')}:{int(time.time() // seconds)}"
    cache.add(key, 0, seconds + 1)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, seconds + 1)
        used = 1
    return used > int(count)


# -- the look-up ----------------------------------------------------------------------------------
def new_request_id() -> str:
    """MaYeuCau: the integration code, local time to the second and 48 random bits (unique per call)."""
    stamp = clock.local(clock.now()).strftime("%Y%m%d%H%M%S")
    return f"{SETTINGS.integration_code}-{stamp}-{secrets.token_hex(6)}"


def look_up(who: Who, ask: Ask) -> Result:
    """One look-up, audited; raises ``ValidationFailed`` (nothing sent, nothing written) on a bad request."""
    errors = check(who, ask)
    if errors:
        raise ValidationFailed(_("Chưa đủ thông tin để tra cứu."), fields=errors)
    if not enabled():
        raise Unavailable(_("Chưa kết nối Cơ sở dữ liệu quốc gia về dân cư."))
    ids = [new_request_id()]
    if over_limit(who):
        return _record(who, ask, ids[-1], Result(Outcome.RATE_LIMITED, _(
            "Bạn đã tra cứu quá số lần cho phép trong thời gian ngắn. Vui lòng thử lại sau ít phút.")), 0)
    started = time.monotonic()
    result = _call(who, ask, ids)
    return _record(who, ask, ids[-1], result, int((time.monotonic() - started) * 1000))


def _renewer(ids: list[str]) -> Any:
    def renew() -> str:
        ids.append(new_request_id())
        return ids[-1]
    return renew


def _call(who: Who, ask: Ask, ids: list[str]) -> Result:
    query = mapping.Query(ids[0], ask.id_number, ask.name, int(ask.birth_year), SETTINGS.integration_code,
                          _service_code(ask.procedure), who.officer_code)
    try:
        reply = client().look_up(query, renew_id=_renewer(ids))
    except wire.Unavailable as exc:
        return Result(Outcome.UNAVAILABLE, _("Cơ sở dữ liệu dân cư không trả lời (%(why)s). Chưa điền thông tin nào; "
                                             "vui lòng nhập tay hoặc thử lại sau.") % {"why": exc})
    except wire.Refused as exc:
        return Result(Outcome.REFUSED, _("Nền tảng chia sẻ dữ liệu từ chối yêu cầu (%(why)s). Chưa điền thông tin "
                                         "nào.") % {"why": exc})
    except mapping.Malformed as exc:
        return Result(Outcome.MALFORMED, _("Phản hồi của Cơ sở dữ liệu dân cư không hợp lệ (%(why)s). Chưa điền "
                                           "thông tin nào.") % {"why": exc})
    return _judge(who, ask, reply)


def _judge(who: Who, ask: Ask, reply: mapping.Reply) -> Result:
    if reply.code == mapping.NOT_FOUND:
        return Result(Outcome.MISS, _("Không tìm thấy công dân có số định danh %(id)s. Chưa điền thông tin nào; "
                                      "kiểm tra lại số trên thẻ căn cước.") % {"id": ask.id_number})
    citizen = reply.citizen
    if reply.code == mapping.MISMATCH or citizen is None or mapping.fold_name(citizen.full_name) != mapping.fold_name(
            ask.name) or citizen.birth_year != int(ask.birth_year):
        return Result(Outcome.MISMATCH, _("Họ tên hoặc năm sinh không khớp với số định danh %(id)s trong Cơ sở dữ "
                                          "liệu dân cư. Chưa điền thông tin nào; đối chiếu lại với thẻ căn cước.")
                      % {"id": ask.id_number})
    if citizen.id_number != ask.id_number:
        return Result(Outcome.MALFORMED, _("Phản hồi trả về số định danh khác số đã tra cứu. Chưa điền thông tin nào."))
    relation = ""
    if who.channel == Channel.PORTAL and ask.id_number != who.own_id:
        relation = citizen.related_to(who.own_id) or ""
        if not relation:
            return Result(Outcome.NOT_FAMILY, _("Theo Cơ sở dữ liệu dân cư, người này không phải cha, mẹ, vợ, chồng "
                                                "hoặc cùng hộ với bạn. Chưa điền thông tin nào."))
    return Result(Outcome.HIT, _("Đã điền họ tên, ngày sinh và địa chỉ từ Cơ sở dữ liệu quốc gia về dân cư. Vui lòng "
                                 "kiểm tra lại trước khi nộp."), citizen, relation=relation)


def _service_code(procedure: Any) -> str:
    if procedure is None:
        return "MOTCUA"
    return procedure.national_code or procedure.code


def _record(who: Who, ask: Ask, request_id: str, result: Result, duration_ms: int) -> Result:
    unit = who.unit
    result.lookup = Lookup.objects.create(
        at=clock.now(), user=who.user if getattr(who.user, "pk", None) else None, actor_name=who.name[:255],
        channel=who.channel, role=who.role, unit=unit, unit_path=getattr(unit, "path", "") or "",
        id_number=ask.id_number, reason=ask.reason if ask.reason in Reason.values else Reason.OTHER,
        reason_text=ask.reason_text.strip()[:500], procedure=ask.procedure, outcome=result.outcome,
        message=result.message[:500], request_id=request_id, duration_ms=duration_ms)
    return result


# -- linking a look-up to its dossier --------------------------------------------------------------
def link_dossier(d: Any, ev: Any) -> None:
    """Event hook (in the event's transaction): a dossier received at the counter or submitted online
    uses the latest successful look-up of its ID number by the same person within ``LINK_WINDOW``."""
    if ev.action not in LINKED_ACTIONS or not d.applicant_id_number or ev.actor_id is None:
        return
    candidate = (Lookup.objects.filter(user_id=ev.actor_id, id_number=d.applicant_id_number, outcome=Outcome.HIT,
                                       at__gt=ev.at - LINK_WINDOW, at__lte=ev.at + timedelta(minutes=1),
                                       use__isnull=True)
                 .order_by("-at").first())
    if candidate is not None and not LookupUse.objects.filter(dossier=d).exists():
        LookupUse.objects.create(lookup=candidate, dossier=d, linked_at=ev.at)


# -- the audit log, as administrators read it ------------------------------------------------------
def visible_lookups(scope: Any) -> Any:
    """Look-ups of the units where the user is an administrator (superusers: all)."""
    from motcua.units.choices import Role

    qs = Lookup.objects.select_related("unit", "use__dossier")
    if scope.is_superuser:
        return qs
    paths = scope.paths([Role.ADMIN])
    if not paths:
        return qs.none()
    from django.db.models import Q

    q = Q(pk__in=[])
    for p in paths:
        q |= Q(unit_path__startswith=p)
    return qs.filter(q)


def may_read_log(scope: Any) -> bool:
    from motcua.units.choices import Role

    return scope.is_superuser or scope.has_role(Role.ADMIN)
