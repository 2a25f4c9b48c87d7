"""The leaders' operations dashboard: headline rates, the 12-month trend, the ranking of units,
overdue hot spots by procedure and by unit, and today's intake.

Every number is a figure of :mod:`motcua.reports.services` (the read model when it can answer,
else the event log), so it equals the report page, the exports and the API: the hot spots are
the figure ``in_progress_late`` split by procedure (one read of the read model's stocks) and by
subordinate unit (the figures the ranking computes anyway), today's intake is the figure
``received`` of today, by channel, and by hour from the indexed receipt time of the same
dossiers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from django.core.cache import cache
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from motcua.catalog.choices import Channel
from motcua.catalog.models import Procedure
from motcua.core import clock
from motcua.domain.errors import ValidationFailed
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import Actor
from motcua.units.models import Unit

from . import charts
from . import index766 as idx
from . import services as svc
from .facts import NO_FILTERS
from .figures import Figures
from .pages import DASHBOARD_ROLES, ReportQuery, _month_end, as_float, figure_rows, pick_unit, rate_rows
from .steps import late_steps_of_unit

HEADLINE = ("on_time_rate", "resolved_on_time_rate", "online_rate", "online_full_rate", "digitization_rate",
            "e_result_rate", "satisfaction_rate")
HEADLINE_COUNTS = ("received", "to_process", "in_progress_late", "about_to_be_late", "not_collected")
TREND_MONTHS = 12
TOP = 10
# The dashboard of a unit is computed at most once a minute (every viewer of the unit shares it);
# a past month's figures (as of its end) change only when history is imported: kept 10 minutes.
DASHBOARD_TTL = 90
TREND_TTL = 600


def dashboard_query(actor: Actor, params: Mapping[str, str]) -> ReportQuery:
    """The current month to date (to the end of today) of a unit the caller leads or monitors."""
    unit = pick_unit(actor, params.get("unit"), DASHBOARD_ROLES)
    today = clock.local_date(clock.now())
    return ReportQuery(unit, "custom", today.replace(day=1), today, NO_FILTERS,
                       svc.period_of(today.replace(day=1), today))


def dashboard_context(q: ReportQuery) -> dict[str, Any]:
    now = clock.now()
    key = f"reports:dashboard:{q.unit.pk}:{get_language()}:{clock.local(now):%Y%m%d%H%M}"  # texts are translated
    return cache.get_or_set(key, lambda: build_dashboard(q, now), DASHBOARD_TTL)


def ranking_context(q: ReportQuery) -> dict[str, Any]:
    """The ranking panel (loaded after the page, by htmx): computed at most once a minute per unit."""
    now = clock.now()
    key = f"reports:dashboard-ranking:{q.unit.pk}:{get_language()}:{clock.local(now):%Y%m%d%H%M}"
    return cache.get_or_set(key, lambda: build_ranking(q, now), DASHBOARD_TTL)


def build_dashboard(q: ReportQuery, now: datetime) -> dict[str, Any]:
    """The page's first paint: headline figures, trend, hot procedures, late steps, feedback and
    today's intake. The ranking of the subordinate units comes after (:func:`build_ranking`)."""
    from motcua.feedback.queries import dashboard_section as feedback_section  # issue 12: feedback hot spots

    with svc.shared_reads():  # the day's changed dossiers read once for the headline and hot procedures
        figs = svc.compute_figures(q.unit, q.period.start, q.period.end)
        return {
            "q": q, "as_of": now, "report_url": q.url("reports:report"),
            "headline": rate_rows(q, figs, HEADLINE), "counts": figure_rows(q, figs, HEADLINE_COUNTS),
            "average_hours": figs.average_processing_hours,
            "trend": trend_charts(q, figs), "ranking_url": ranking_url(q),
            "hot_procedures": hot_procedures(q),
            "late_url": q.url("reports:drill", "in_progress_late"), "today": today_charts(q, figs),
            "late_steps": late_steps_of_unit(q.unit.path, q.period.start, q.period.end, now).as_dict(),
            "feedback": feedback_section(q.unit, q.period),
        }


def ranking_url(q: ReportQuery) -> str:
    return reverse("reports:dashboard_ranking") + "?" + urlencode({"unit": q.unit.code})


def build_ranking(q: ReportQuery, now: datetime) -> dict[str, Any]:
    """The 766 ranking of the subordinate units and the overdue dossiers by unit, from one read
    for the unit and all of them (the unit's own figures are the headline's)."""
    with svc.shared_reads():
        ranking, figs = idx.ranking_with_parent(q.unit, q.period)
    return {"q": q, "as_of": now, "ranking": ranking_chart(ranking), "hot_units": hot_units(q, figs, ranking)}


# ---- trend and ranking ------------------------------------------------------------------------------

def _month_starts(first: date, n: int) -> list[date]:
    out = [first]
    while len(out) < n:
        out.append(date.fromordinal(out[-1].toordinal() - 1).replace(day=1))
    return out[::-1]


def _point(figs: Figures) -> dict[str, Any]:
    c, r = figs.counts, figs.rates
    return {"received": c["received"], "resolved": c["resolved"], "late": c["late"],
            "on_time": as_float(r["on_time_rate"].value), "online": as_float(r["online_rate"].value)}


def _month_key(unit: Unit, first: date, state: str) -> str:
    return f"reports:month:{unit.pk}:{first:%Y-%m}:{state}"


def _state() -> str:
    """The read model's revision and the unit tree's state: a change of either computes the kept
    months again (a history imported, a dossier's files or rating changed, a reorganization)."""
    from . import boundaries as bd
    from . import readmodel

    return f"{readmodel.revision()}:{'-'.join(map(str, bd.fingerprint()))}"


def past_months(unit: Unit, firsts: list[date]) -> dict[date, dict[str, Any] | None]:
    """The trend points of ended months (kept 10 minutes each), those not kept computed from one
    read of the read model (:func:`~motcua.reports.services.compute_monthly_figures`)."""
    state = _state()
    kept = cache.get_many([_month_key(unit, m, state) for m in firsts])
    out: dict[date, dict[str, Any] | None] = {}
    todo = []
    for m in firsts:
        if _month_key(unit, m, state) in kept:
            out[m] = kept[_month_key(unit, m, state)]
            continue
        try:
            svc.period_of(m, _month_end(m))
        except ValidationFailed:  # before the first year the calendars cover
            out[m] = None
            continue
        todo.append(m)
    computed = {m: _point(f) for m, f in svc.compute_monthly_figures(unit, todo).items()}
    cache.set_many({_month_key(unit, m, state): point for m, point in computed.items()}, TREND_TTL)
    return out | computed


def trend_charts(q: ReportQuery, current: Figures) -> list[charts.Chart]:
    """The last 12 months (the current one to date): rates as lines, intake as columns."""
    months = _month_starts(q.first_day, TREND_MONTHS)
    past = past_months(q.unit, months[:-1])
    points = [past[m] for m in months[:-1]] + [_point(current)]
    labels = [f"{m:%m/%y}" for m in months]

    def values(key: str) -> list[Any]:
        return [p[key] if p else None for p in points]

    lines = [charts.Series(_("Tỷ lệ đúng hạn"), values("on_time")),
             charts.Series(_("Tỷ lệ trực tuyến"), values("online"))]
    return [charts.line_chart("trend-rates", _("Tỷ lệ đúng hạn và tỷ lệ trực tuyến, 12 tháng"), labels, lines,
                              y_max=100),
            charts.column_chart("trend-received", _("Hồ sơ tiếp nhận theo tháng"), labels, values("received"),
                                value_header=_("Tiếp nhận"))]


def ranking_chart(rows: list[idx.RankingRow]) -> charts.Chart | None:
    if not rows:
        return None
    items = [(f"{r.rank}. {r.index.unit.name}" if r.rank else r.index.unit.name,
              as_float(r.index.score.points) if idx.has_data(r.index) else None) for r in rows]
    return charts.bar_chart("ranking", _("Xếp hạng chỉ số 766 của các đơn vị trực thuộc (điểm)"), items, x_max=100,
                            value_header=_("Điểm"))


# ---- overdue hot spots ------------------------------------------------------------------------------

def _top(counts: dict[Any, int]) -> list[tuple[Any, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[:TOP]


def hot_procedures(q: ReportQuery) -> charts.Chart:
    """The figure "in progress late" by procedure, the ten largest, each linking to its list."""
    by_id = svc.in_progress_late_by_procedure(q.unit, q.period.start, q.period.end)
    procs = {pk: (code, name) for pk, code, name in
             Procedure.objects.filter(pk__in=list(by_id)).values_list("pk", "code", "name")}
    top = _top({procs[p][0]: n for p, n in by_id.items()})
    titles = dict(procs.values())
    links = tuple(replace(q, filters=replace(q.filters, procedure=code)).url("reports:drill", "in_progress_late")
                  for code, _n in top)
    return replace(charts.bar_chart("hot-procedures", _("Hồ sơ đang quá hạn theo thủ tục (10 thủ tục nhiều nhất)"),
                                    [(f"{code} - {titles[code]}", n) for code, n in top],
                                    value_header=_("Hồ sơ")), links=links)


def hot_units(q: ReportQuery, figs: Figures, ranking: list[idx.RankingRow]) -> charts.Chart:
    """The figure "in progress late" of each subordinate unit (from the figures the ranking read),
    the ten largest; dossiers the unit handles itself (no subordinate unit does) make a row of
    their own, so the rows add up to the unit's figure. Each row links to its list."""
    rows = [(r.index.unit.name, r.index.unit, r.index.figures.counts["in_progress_late"]) for r in ranking]
    own = figs.counts["in_progress_late"] - sum(n for _name, _unit, n in rows)
    if own:
        name = _("%(unit)s (trực tiếp giải quyết)") % {"unit": q.unit.name} if ranking else q.unit.name
        rows.append((name, q.unit, own))
    top = sorted((r for r in rows if r[2]), key=lambda r: (-r[2], r[0]))[:TOP]
    return replace(charts.bar_chart("hot-units", _("Hồ sơ đang quá hạn theo đơn vị giải quyết (10 đơn vị nhiều nhất)"),
                                    [(name, n) for name, _unit, n in top], value_header=_("Hồ sơ")),
                   links=tuple(replace(q, unit=unit).url("reports:drill", "in_progress_late") for _n, unit, _c in top))


# ---- today's intake ---------------------------------------------------------------------------------

def today_charts(q: ReportQuery, figs: Figures | None = None) -> dict[str, Any]:
    """Today's intake: the figure "received" of today, split by channel and by hour of receipt.
    ``figs``: the figures of ``q``'s period, when it runs to now (today's count is then theirs
    less the period up to midnight, not today read again from the event log)."""
    today = clock.local_date(clock.now())
    period = svc.period_of(today, today)
    total = None
    if figs is not None and q.period.until is not None and clock.local_date(q.period.end) == today:
        total = svc.received_since_midnight(q.unit, q.period, figs)
    if total is None:
        total = svc.compute_figures(q.unit, period.start, period.end).counts["received"]
    hours, channels = receipts(q.unit, period)
    span = range(min([7, *hours]), max([17, *hours]) + 1)
    return {"total": total,
            "channels": [(label, channels.get(value, 0)) for value, label in Channel.choices],
            "url": ReportQuery(q.unit, "custom", today, today, NO_FILTERS, period).url("reports:drill", "received"),
            "hours": charts.column_chart("today-hours", _("Hồ sơ tiếp nhận hôm nay theo giờ"),
                                         [f"{h}h" for h in span], [hours.get(h, 0) for h in span],
                                         value_header=_("Tiếp nhận"))}


def receipts(unit: Unit, period: svc.Period) -> tuple[dict[int, int], dict[int, int]]:
    """Dossiers of the unit's subtree received in the period, by local hour of receipt and by
    channel, from the receipt time each dossier keeps (indexed): the same dossiers as the figure
    "received" (tests check that the sums agree)."""
    hours: dict[int, int] = {}
    channels: dict[int, int] = {}
    rows = Dossier.objects.filter(handling_path__startswith=unit.path, received_at__gte=period.start,
                                  received_at__lt=period.end).values_list("received_at", "channel")
    for at, channel in rows.iterator(chunk_size=2000):
        hour = clock.local(at).hour
        hours[hour] = hours.get(hour, 0) + 1
        channels[channel] = channels.get(channel, 0) + 1
    return hours, channels
