"""The operations dashboard's queue panel (an htmx fragment with its own view): waiting and serving
times today and this month in the unit's subtree, with a chart the reports' way."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.dossiers.services import Actor
from motcua.reports import charts
from motcua.reports.pages import DASHBOARD_ROLES, pick_unit
from motcua.reports.views import report_page
from motcua.units.models import Unit

from . import stats

PANEL_TTL = 60  # every viewer of a unit shares the panel for a minute


def panel_context(unit: Unit) -> dict[str, Any]:
    now = clock.now()
    today = clock.local_date(now)
    key = f"queueing:panel:{unit.pk}:{get_language()}:{clock.local(now):%Y%m%d%H%M}"

    def build() -> dict[str, Any]:
        month, day = stats.month_and_day(unit, today.replace(day=1), today)
        hours = month.by_hour
        chart = charts.column_chart("queue-wait-hours", _("Thời gian chờ theo giờ lấy số (trung vị, phút), tháng này"),
                                    [r.label for r in hours], [r.waiting.median or 0 for r in hours],
                                    value_header=_("Phút"))
        counters = charts.bar_chart("queue-wait-counters", _("Thời gian chờ theo quầy (trung vị, phút), tháng này"),
                                    [(r.label, r.waiting.median or 0) for r in month.by_counter],
                                    value_header=_("Phút"))
        return {"unit": unit, "as_of": now, "today": day, "month": month, "hours_chart": chart,
                "counters_chart": counters, "procedures": month.by_procedure[:10]}

    return cache.get_or_set(key, build, PANEL_TTL)


@report_page(DASHBOARD_ROLES)
def panel(request: HttpRequest, actor: Actor) -> HttpResponse:
    unit = pick_unit(actor, request.GET.get("unit"), DASHBOARD_ROLES)
    return render(request, "queueing/_stats_panel.html", panel_context(unit))
