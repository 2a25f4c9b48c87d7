"""Context builders for the report pages: parse the query, check the caller's scope, call the
statistics services (the same calls as :mod:`motcua.reports.api`, so a figure is the same
number on every page, in the API and in the exports) and shape what the templates show."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from motcua.catalog.choices import Channel
from motcua.catalog.models import Field, Procedure
from motcua.core import clock
from motcua.domain.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from motcua.domain.workcal import from_epoch
from motcua.dossiers.explain import render_explanation
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import Actor, visible_dossiers
from motcua.units.choices import Role
from motcua.units.models import Unit

from . import boundaries as bd
from . import index766 as idx
from . import services as svc
from .api import index_out
from .facts import Filters
from .figures import Figures
from .reasons import LABELS

PERIOD_KINDS = ("month", "quarter", "year", "custom")
DASHBOARD_ROLES = (Role.LEADER.value, Role.MONITOR.value, Role.ADMIN.value)
PAGE_SIZE = 50

# ---- the query: unit, period, filters ------------------------------------------------------------


@dataclass(frozen=True)
class ReportQuery:
    """A parsed, authorized report query."""

    unit: Unit
    kind: str  # one of PERIOD_KINDS
    first_day: date
    last_day: date
    filters: Filters
    period: svc.Period

    def api_params(self, **extra: Any) -> dict[str, Any]:
        """The parameters of the same query for the API, the exports and the drill-down links."""
        f = self.filters
        out = {"unit": self.unit.code, "start": self.first_day.isoformat(), "end": self.last_day.isoformat(),
               "field": f.field, "procedure": f.procedure, "channel": f.channel,
               "basis": None if f.basis == "handling" else f.basis, "boundaries": f.boundaries or None, **extra}
        return {k: v for k, v in out.items() if v not in (None, "")}

    def url(self, name: str, *args: Any, **extra: Any) -> str:
        return reverse(name, args=args) + "?" + urlencode(self.api_params(**extra))


def _bad(field: str) -> ValidationFailed:
    return ValidationFailed("Invalid report parameters.", fields={field: "invalid"})


def _int(params: Mapping[str, str], name: str, low: int, high: int, default: int) -> int:
    raw = (params.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise _bad(name)
    return int(raw)


def _date(params: Mapping[str, str], name: str) -> date:
    try:
        return date.fromisoformat((params.get(name) or "").strip())
    except ValueError:
        raise _bad(name) from None


def _month(params: Mapping[str, str], today: date) -> tuple[date, date]:
    raw = (params.get("month") or "").strip()
    try:
        first = date.fromisoformat(raw + "-01") if raw else today.replace(day=1)
    except ValueError:
        raise _bad("month") from None
    return first, _month_end(first)


def _month_end(first: date) -> date:
    nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def period_days(params: Mapping[str, str], today: date) -> tuple[str, date, date]:
    """(kind, first day, last day) from ``period`` and its parameters; the current month by default.
    ``start`` and ``end`` without ``period`` (the API's parameters) mean a custom period."""
    kind = params.get("period") or ("custom" if params.get("start") or params.get("end") else "month")
    if kind not in PERIOD_KINDS:
        raise _bad("period")
    if kind == "month":
        return (kind, *_month(params, today))
    if kind == "custom":
        return kind, _date(params, "start"), _date(params, "end")
    year = _int(params, "year", 1900, 9999, today.year)
    if kind == "year":
        return kind, date(year, 1, 1), date(year, 12, 31)
    q = _int(params, "quarter", 1, 4, (today.month - 1) // 3 + 1)
    return kind, date(year, 3 * q - 2, 1), _month_end(date(year, 3 * q, 1))


def _code(params: Mapping[str, str], name: str, model: type[Field] | type[Procedure]) -> str | None:
    code = (params.get(name) or "").strip()
    if code and not model.objects.filter(code=code).exists():
        raise _bad(name)
    return code or None


def parse_filters(params: Mapping[str, str]) -> Filters:
    channel = (params.get("channel") or "").strip()
    if channel and channel not in ("1", "2", "3"):
        raise _bad("channel")
    basis = params.get("basis") or "handling"
    if basis not in ("handling", "receiving"):
        raise _bad("basis")
    boundaries = params.get("boundaries") or ""
    if boundaries not in ("", *bd.CHOICES):
        raise _bad("boundaries")
    return Filters(_code(params, "field", Field), _code(params, "procedure", Procedure),
                   int(channel) if channel else None, basis, boundaries)


def parse_query(actor: Actor, params: Mapping[str, str], roles: Iterable[str] | None = None) -> ReportQuery:
    """The unit (checked against the caller's scope), the period and the filters of a page."""
    unit = pick_unit(actor, params.get("unit"), roles)
    kind, first, last = period_days(params, clock.local_date(clock.now()))
    period = svc.period_of(first, last)
    filters = parse_filters(params)
    # the boundaries chosen (or the default: today's units, the old ones for an ended unit) are shown
    filters = replace(filters, boundaries=bd.resolve(unit, filters.boundaries))
    return ReportQuery(unit, kind, first, last, filters, period)


# ---- units the caller may see -------------------------------------------------------------------


def visible_units(actor: Actor, roles: Iterable[str] | None = None) -> list[Unit]:
    """Units inside the subtrees where the caller holds one of ``roles`` (any role by default)."""
    scope = actor.scope
    if scope.is_superuser:
        return list(Unit.objects.order_by("path"))
    paths = scope.paths(roles)
    if not paths:
        return []
    return list(Unit.objects.filter(reduce(or_, (Q(path__startswith=p) for p in paths))).order_by("path"))


def may_see(actor: Actor, unit: Unit, roles: Iterable[str] | None = None) -> bool:
    scope = actor.scope
    if roles is None:
        return scope.covers(unit.path)
    return any(scope.has_role(r, unit.path) for r in roles)


def pick_unit(actor: Actor, code: str | None, roles: Iterable[str] | None = None) -> Unit:
    """The unit by code (the caller's top unit by default), if the caller may see it."""
    if code:
        unit = svc.unit_by_code(code)
    else:
        units = visible_units(actor, roles)
        if not units:
            raise PermissionDenied("You may not see any report.")
        unit = min(units, key=lambda u: (u.path.count("/"), u.path))
    if not may_see(actor, unit, roles):
        raise PermissionDenied("You may not see the reports of this unit.")
    return unit


def unit_choices(actor: Actor, roles: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """(code, indented name) of the visible units, in tree order."""
    units = visible_units(actor, roles)
    top = min((u.path.count("/") for u in units), default=0)
    return [(u.code, "\u00a0\u00a0" * (u.path.count("/") - top) + u.name) for u in units]


def form_context(actor: Actor, params: Mapping[str, str], roles: Iterable[str] | None = None,
                 q: ReportQuery | None = None) -> dict[str, Any]:
    """The choices of the filter form and the values to show in it (as given, even when invalid;
    those of the query ``q`` where none was given)."""
    shown = {k: params.get(k, "") for k in ("unit", "period", "month", "quarter", "year", "start", "end", "field",
                                            "procedure", "channel", "basis", "boundaries")}
    if q is not None:
        defaults = {"unit": q.unit.code, "period": q.kind, "start": q.first_day.isoformat(),
                    "end": q.last_day.isoformat(), "boundaries": q.filters.boundaries}
        shown.update({k: v for k, v in defaults.items() if not shown[k]})
    return {
        "units": unit_choices(actor, roles),
        "fields": list(Field.objects.order_by("name").values_list("code", "name")),
        "procedures": list(Procedure.objects.order_by("code").values_list("code", "name")),
        "channels": [(str(v), label) for v, label in Channel.choices],
        "period_kinds": [("month", _("Tháng")), ("quarter", _("Quý")), ("year", _("Năm")),
                         ("custom", _("Tùy chọn"))],
        "params": shown,
        "boundary_choices": [(k, bd.LABELS[k]) for k in (bd.NOW, bd.THEN)],
    }


# ---- errors as friendly sentences -----------------------------------------------------------------

_FIELD_TEXT = {
    "unit": gettext_noop("Không có đơn vị nào với mã đã chọn."),
    "parent": gettext_noop("Không có đơn vị nào với mã đã chọn."),
    "period": gettext_noop("Loại kỳ báo cáo không hợp lệ (tháng, quý, năm hoặc tùy chọn)."),
    "month": gettext_noop("Tháng không hợp lệ (định dạng năm-tháng, ví dụ 2026-03)."),
    "quarter": gettext_noop("Quý phải từ 1 đến 4."),
    "year": gettext_noop("Năm không hợp lệ."),
    "start": gettext_noop("Ngày bắt đầu không hợp lệ hoặc nằm ngoài khoảng năm hệ thống hỗ trợ."),
    "end": gettext_noop("Ngày kết thúc không hợp lệ: không được trước ngày bắt đầu, kỳ báo cáo tối đa 3 năm."),
    "field": gettext_noop("Không có lĩnh vực với mã đã chọn."),
    "procedure": gettext_noop("Không có thủ tục với mã đã chọn."),
    "channel": gettext_noop("Kênh nộp không hợp lệ."),
    "basis": gettext_noop("Cách tính theo đơn vị không hợp lệ."),
    "boundaries": gettext_noop("Đơn vị đã kết thúc hoạt động chỉ xem được theo địa giới tại thời điểm báo cáo; "
                               "hoặc chọn đơn vị kế thừa."),
    "figure": gettext_noop("Chỉ tiêu thống kê không hợp lệ."),
    "after": gettext_noop("Trang không hợp lệ."),
}


def friendly(err: DomainError) -> list[str]:
    """What to tell the reader, in Vietnamese, never the internals."""
    if isinstance(err, PermissionDenied):
        return [_("Bạn không có quyền xem báo cáo của đơn vị này.")]
    if isinstance(err, NotFound):
        return [_("Không tìm thấy hồ sơ.")]
    texts = [_(_FIELD_TEXT[f]) for f in err.fields if f in _FIELD_TEXT]
    return texts or [_("Thông tin chưa hợp lệ, vui lòng kiểm tra lại.")]


def status_of(err: DomainError) -> int:
    """400 for bad parameters (the API answers 422 with the JSON envelope), else the error's status."""
    return 400 if isinstance(err, ValidationFailed) else err.http_status


# ---- figures as the page shows them ----------------------------------------------------------------

SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (gettext_noop("Tiếp nhận"), ("carried_over", "received", "to_process", "received_online")),
    (gettext_noop("Đã giải quyết"), ("resolved", "resolved_early", "resolved_on_time", "resolved_late",
                                      "resolved_in_time", "processed")),
    (gettext_noop("Đang giải quyết"), ("in_progress_on_time", "in_progress_late", "about_to_be_late", "late",
                                        "not_late")),
    (gettext_noop("Trường hợp khác"), ("supplement_requested", "withdrawn", "refused", "stopped",
                                        "not_collected")),
    (gettext_noop("Dịch vụ công trực tuyến và số hóa"), ("online_full_eligible", "online_full", "digitizable",
                                                          "digitized", "digitized_any", "digitized_all",
                                                          "result_digitized", "e_result")),
    (gettext_noop("Mức độ hài lòng"), ("rated", "rated_satisfied", "rated_dissatisfied")),
)
RATE_LABELS = {
    "on_time_rate": gettext_noop("Tỷ lệ đúng hạn (100% - tỷ lệ quá hạn)"),
    "late_rate": gettext_noop("Tỷ lệ quá hạn"),
    "resolved_on_time_rate": gettext_noop("Tỷ lệ giải quyết trước hạn và đúng hạn"),
    "online_rate": gettext_noop("Tỷ lệ hồ sơ trực tuyến"),
    "online_full_rate": gettext_noop("Tỷ lệ hồ sơ trực tuyến toàn trình"),
    "digitization_rate": gettext_noop("Tỷ lệ số hóa hồ sơ"),
    "e_result_rate": gettext_noop("Tỷ lệ cấp kết quả điện tử"),
    "digitized_any_rate": gettext_noop("Tỷ lệ hồ sơ có thành phần đã số hóa"),
    "digitized_all_rate": gettext_noop("Tỷ lệ hồ sơ số hóa toàn bộ thành phần"),
    "result_digitized_rate": gettext_noop("Tỷ lệ hồ sơ có kết quả đã số hóa"),
    "online_payment_rate": gettext_noop("Tỷ lệ thanh toán trực tuyến"),
    "satisfaction_rate": gettext_noop("Tỷ lệ hài lòng"),
}


def figure_rows(q: ReportQuery, figs: Figures, keys: Iterable[str]) -> list[dict[str, Any]]:
    return [{"key": k, "label": _(LABELS[k]), "count": figs.counts[k],
             "url": q.url("reports:drill", k)} for k in keys]


def rate_rows(q: ReportQuery, figs: Figures, keys: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Every rate with its numerator and denominator (links to their dossiers); N/A when unavailable."""
    out = []
    for key in keys or RATE_LABELS:
        r = figs.rates[key]
        out.append({"key": key, "label": _(RATE_LABELS[key]), "value": r.value, "note": r.note,
                    "numerator": _term(q, figs, r.numerator), "denominator": _term(q, figs, r.denominator)})
    return out


def _term(q: ReportQuery, figs: Figures, key: str) -> dict[str, Any] | None:
    if not key:
        return None
    return {"key": key, "label": _(LABELS[key]), "count": figs.counts[key], "url": q.url("reports:drill", key)}


def channel_rows(q: ReportQuery, figs: Figures) -> list[dict[str, Any]]:
    """Received in the period by channel: the figure "received" with the channel filter, as the API
    gives it (each links to the list with that filter)."""
    out = []
    for value, label in Channel.choices:
        by = replace(q, filters=replace(q.filters, channel=value))
        if q.filters.channel is None:
            count = svc.compute_figures(q.unit, q.period.start, q.period.end, by.filters).counts["received"]
        else:
            count = figs.counts["received"] if value == q.filters.channel else 0
        out.append({"label": label, "count": count, "url": by.url("reports:drill", "received")})
    return out


def index_context(q: ReportQuery, figs: Figures) -> dict[str, Any]:
    """The 766 index of the unit (unfiltered, as the API computes it) and the ranking of its children."""
    unfiltered = Filters(boundaries=q.filters.boundaries)
    base = figs if q.filters == unfiltered else svc.compute_figures(q.unit, q.period.start, q.period.end, unfiltered)
    ranking = [index_out(r.index, q.period, r.rank)
               for r in idx.ranking(q.unit, q.period, boundaries=q.filters.boundaries)]
    return {"index": index_out(idx.index_of(q.unit, base, q.period), q.period), "ranking": ranking}


def report_context(q: ReportQuery) -> dict[str, Any]:
    figs = svc.compute_figures(q.unit, q.period.start, q.period.end, q.filters)
    return {
        "q": q, "figures": figs,
        "sections": [(_(title), figure_rows(q, figs, keys)) for title, keys in SECTIONS],
        "by_channel": channel_rows(q, figs),
        "rates": rate_rows(q, figs),
        "average_hours": figs.average_processing_hours,
        "exports": export_links(q), "as_of": svc.as_of_text(q.period),
        "boundaries": bd.LABELS[q.filters.boundaries] if q.filters.boundaries else "",
        **index_context(q, figs),
    }


def export_links(q: ReportQuery, figure: str | None = None) -> list[tuple[str, str]]:
    extra = {"figure": figure} if figure else {}
    out = [(_("Tải danh sách hồ sơ (CSV)"), q.url("api:export_dossiers_csv", **extra)),
           (_("Tải danh sách hồ sơ (Excel)"), q.url("api:export_dossiers_xlsx", **extra))]
    if not figure:
        out.append((_("Tải báo cáo định kỳ (Excel)"), q.url("api:export_report_xlsx")))
    return out


# ---- drill-down and "why" -------------------------------------------------------------------------


def _after(params: Mapping[str, str]) -> int | None:
    raw = (params.get("after") or "").strip()
    if raw and not raw.isdigit():
        raise _bad("after")
    return int(raw) if raw else None


def drill_context(q: ReportQuery, figure: str, params: Mapping[str, str]) -> dict[str, Any]:
    """One page of the dossiers behind ``figure`` (keyset on the id), with the dossier details."""
    svc.check_figure(figure)
    facts = svc.facts_for(figure, q.unit, q.period.start, q.period.end, q.filters, after=_after(params),
                          limit=PAGE_SIZE + 1)
    more = len(facts) > PAGE_SIZE
    facts = facts[:PAGE_SIZE]
    rows = [(f.id, f.code) for f in facts]
    details = {d["pk"]: d for d in Dossier.objects.filter(pk__in=[i for i, _c in rows]).values(
        "pk", "applicant_name", "procedure__code", "procedure__name", "handling_unit__name", "channel",
        "holder__username", "holder__first_name", "holder__last_name")}
    items = [{"id": f.id, "code": f.code, **details.get(f.id, {}), **_lateness(f, details.get(f.id, {})),
              "why": q.url("reports:why", f.id)} for f in facts]
    return {"q": q, "figure": figure, "label": _(LABELS[figure]), "items": items,
            "next": q.url("reports:drill", figure, after=rows[-1][0]) if more else "",
            "first": q.url("reports:drill", figure) if params.get("after") else "",
            "back": q.url("reports:report"), "exports": export_links(q, figure), "as_of": svc.as_of_text(q.period)}


def _lateness(f: Any, row: dict[str, Any]) -> dict[str, Any]:
    """A drill-down row's due time, working hours late as of the period end (the exports' figure, from
    the engine's facts) and the current holder's name."""
    from .exports import _hours_late

    holder = (f"{row.get('holder__last_name') or ''} {row.get('holder__first_name') or ''}".strip()
              or row.get("holder__username") or "")
    return {"due": from_epoch(f.due) if f.due is not None else None, "hours_late": _hours_late(f),
            "holder": holder}


def why_context(actor: Actor, q: ReportQuery, dossier_id: int) -> dict[str, Any]:
    """Where a dossier counts in the period and why, with the verdict as of the period end."""
    d = visible_dossiers(actor).select_related("version").filter(pk=dossier_id).first()
    if d is None:
        raise NotFound("Dossier not found.")
    out = svc.why(d, q.period.start, q.period.end)
    v = out["verdict"]
    figures = [{**r, "url": q.url("reports:drill", r["figure"])} for r in out["figures"]]
    return {"q": q, "dossier": d, "figures": figures, "category": v.category.value,
            "sentences": [fact["text"] for fact in render_explanation(v)], "back": q.url("reports:report"),
            "as_of": svc.as_of_text(q.period), "units": out["units"]}


def as_float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
