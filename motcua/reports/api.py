"""Reports API: statistics and the Decision 766 index (see motcua.reports.services).

Every endpoint parses, checks that the requested unit lies inside the caller's role subtrees
(403 otherwise), calls one service and renders. Periods are local calendar days, ``start`` to
``end`` inclusive; figures are as of the end of ``end``, or as of now while the period is still
running (``as_of`` says which).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from ninja import Router
from pydantic import Field

from motcua.api.docs import errors
from motcua.domain.errors import NotFound, PermissionDenied, ValidationFailed
from motcua.dossiers.explain import render_explanation
from motcua.dossiers.services import Actor, visible_dossiers
from motcua.units.models import Unit

from . import boundaries as bd
from . import exports as ex
from . import index766 as idx
from . import periodic
from . import services as svc
from .facts import Filters
from .figures import COUNT_FIGURES, Figures
from .reasons import LABELS
from .schemas import DrillPage, FiguresOut, IndexOut, RankingOut, WhyOut
from .steps import late_steps_of_unit

router = Router()
Basis = Literal["handling", "receiving"]
# "then": the units as they were at the period end; "now": today's units with their predecessors'
# history (motcua.reports.boundaries); none: now, or then for a unit that has ended
Boundaries = Literal["then", "now"]
# what the parameters accept, in the OpenAPI document (see motcua.api.docs); the period's own checks
# (end not before start, at most MAX_PERIOD_DAYS) are in svc.period_of
Day = Annotated[date, Field(json_schema_extra={
    "pattern": "^(" + "|".join(str(y) for y in range(svc.FIRST_YEAR, svc.LAST_YEAR)) + ")-",
    "description": f"A local calendar day, {svc.FIRST_YEAR}-{svc.LAST_YEAR - 1}"})]
Figure = Literal[COUNT_FIGURES]  # type: ignore[valid-type]
Channel = Annotated[int, Field(ge=1, le=3, description="1 direct, 2 online, 3 post")]  # a query value is text
UnitKindName = Literal["district", "commune", "agency", "department", "service_centre"]
REPORT = errors(403, 422)  # 403: the unit is outside the caller's roles; 422: a parameter or the period


def _actor(request: HttpRequest) -> Actor:
    actor = getattr(request, "_motcua_actor", None)
    if actor is None:
        actor = request._motcua_actor = Actor.of(request.user)  # type: ignore[attr-defined]
    return actor


def _unit(request: HttpRequest, code: str, field: str = "unit") -> Unit:
    """The unit by code, if the caller holds a role at it or above it."""
    unit = svc.unit_by_code(code, field)
    scope = _actor(request).scope
    if not scope.covers(unit.path):
        raise PermissionDenied("You may not see the reports of this unit.")
    return unit


def _filters(field: str | None, procedure: str | None, channel: int | None, basis: Basis,
             boundaries: Boundaries | None = None, unit: Unit | None = None) -> Filters:
    if channel is not None and channel not in (1, 2, 3):
        raise ValidationFailed("Invalid filter.", fields={"channel": "must be 1 (direct), 2 (online) or 3 (post)"})
    chosen = bd.resolve(unit, boundaries or "") if unit is not None else (boundaries or "")
    return Filters(field or None, procedure or None, channel, basis, chosen)


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def figures_out(unit: Unit, period: svc.Period, figs: Figures, filters: Filters) -> dict[str, Any]:
    return {
        "unit": unit.code, "unit_name": unit.name, "start": period.start, "end": period.until or period.end,
        "as_of": period.as_of,
        "filters": {"field": filters.field, "procedure": filters.procedure, "channel": filters.channel,
                    "basis": filters.basis, "boundaries": filters.boundaries},
        "counts": figs.counts,
        "labels": LABELS,
        "rates": {k: {"value": _num(r.value), "numerator": r.numerator, "denominator": r.denominator,
                      "note": r.note} for k, r in figs.rates.items()},
        "average_processing_hours": _num(figs.average_processing_hours),
    }


@router.get("/figures", response={200: FiguresOut, **REPORT},
            summary="Figures of a unit and period, from the event log")
def figures(request: HttpRequest, unit: str, start: Day, end: Day, field: str | None = None,  # noqa: ANN201
            procedure: str | None = None, channel: Channel | None = None, basis: Basis = "handling",
            boundaries: Boundaries | None = None):
    u = _unit(request, unit)
    period = svc.period_of(start, end)
    flt = _filters(field, procedure, channel, basis, boundaries, u)
    out = figures_out(u, period, svc.compute_figures(u, period.start, period.end, flt), flt)
    out["late_steps"] = late_steps_of_unit(u.path, period.start, period.end, period.as_of, flt.basis).as_dict()
    return out


@router.get("/figures/{figure}/dossiers", response={200: DrillPage, **REPORT}, summary="The dossiers behind a figure")
def drill_down(request: HttpRequest, figure: Figure, unit: str, start: Day, end: Day,  # noqa: ANN201, PLR0913
               field: str | None = None, procedure: str | None = None, channel: Channel | None = None,
               basis: Basis = "handling", after: int | None = None,
               limit: Annotated[int, Field(ge=1, le=1000)] = 100, boundaries: Boundaries | None = None):
    u = _unit(request, unit)
    period = svc.period_of(start, end)
    rows = svc.dossiers_for(figure, u, period.start, period.end,
                            _filters(field, procedure, channel, basis, boundaries, u),
                            after=after, limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return {"figure": figure, "items": [{"id": i, "code": c} for i, c in rows],
            "next_after": rows[-1][0] if more else None}


@router.get("/dossiers/{dossier_id}/why", response={200: WhyOut, **errors(404, 422)},
            summary="Where a dossier counts, and why")
def why(request: HttpRequest, dossier_id: int, start: Day, end: Day):  # noqa: ANN201
    period = svc.period_of(start, end)
    d = visible_dossiers(_actor(request)).select_related("version").filter(pk=dossier_id).first()
    if d is None:
        raise NotFound("Dossier not found.")
    out = svc.why(d, period.start, period.end)
    v = out["verdict"]
    return {"id": d.pk, "code": d.code, "start": period.start, "end": period.until or period.end,
            "as_of": period.as_of, "figures": out["figures"],
            "category": v.category.value, "explanation": render_explanation(v),
            "moves": [vars(m) for m in out["moves"]], "units": out["units"]}


def index_out(ui: idx.UnitIndex, period: svc.Period, rank: int | None = None) -> dict[str, Any]:
    s = ui.score
    groups = []
    for g in s.groups:
        items = []
        for i in g.indicators:
            m = i.measure
            value = ui.figures.average_processing_hours if i.spec.measure == "average_processing_hours" else None
            items.append({"key": i.spec.key, "name": i.spec.name, "max_points": float(i.spec.points),
                          "threshold": float(i.spec.threshold), "reference": i.spec.reference,
                          "numerator": m.numerator if m else None, "denominator": m.denominator if m else None,
                          "ratio": _num(i.ratio), "points": _num(i.points), "value": _num(value),
                          "available": m is not None})
        groups.append({"key": g.spec.key, "name": g.spec.name, "max_points": float(g.spec.points),
                       "points": float(g.points) if g.available_points else None,
                       "available_points": float(g.available_points),
                       "indicators": items})
    return {"unit": ui.unit.code, "unit_name": ui.unit.name, "start": period.start, "end": period.until or period.end,
            "version": s.version.version, "points": float(s.points) if idx.has_data(ui) else None,
            "available_points": float(s.available_points),
            "rank": rank, "groups": groups}


@router.get("/index766", response={200: IndexOut, **REPORT}, summary="Decision 766 index of a unit and period")
def index766(request: HttpRequest, unit: str, start: Day, end: Day,  # noqa: ANN201
             boundaries: Boundaries | None = None):
    u = _unit(request, unit)
    period = svc.period_of(start, end)
    return index_out(idx.compute_index(u, period, _filters(None, None, None, "handling", boundaries, u)), period)


@router.get("/index766/ranking", response={200: RankingOut, **REPORT}, summary="Units ranked by the Decision 766 index")
def ranking(request: HttpRequest, parent: str, start: Day, end: Day, kind: UnitKindName | None = None,  # noqa: ANN201
            boundaries: Boundaries | None = None):
    if kind is not None and kind not in ("district", "commune", "agency", "department", "service_centre"):
        raise ValidationFailed("Invalid filter.", fields={"kind": "a unit kind below a province"})
    p = _unit(request, parent, "parent")
    period = svc.period_of(start, end)
    rows = idx.ranking(p, period, kind, boundaries or "")
    return {"parent": p.code, "start": period.start, "end": period.until or period.end,
            "items": [index_out(r.index, period, r.rank) for r in rows]}


# ---- exports ---------------------------------------------------------------------------------
# The parameters are those of /figures (plus ``figure`` for a list, ``kind`` for the report) and
# are all checked before the first byte is sent: errors are the usual JSON envelope.
# Both dossier lists (CSV and .xlsx) stream as they are generated: the first bytes leave at once,
# then a chunk per batch of rows (see motcua.reports.exports). The periodic report (small) is
# built into a temporary file by XlsxWriter, then sent.

_CSV = {200: {"description": "UTF-8 CSV with a BOM", "content": {"text/csv": {}}}}
_XLSX = {200: {"description": "Excel workbook", "content": {ex.XLSX_CONTENT_TYPE: {}}}}
UNIT_KINDS = ("district", "commune", "agency", "department", "service_centre")


def _export_query(request: HttpRequest, unit: str, start: date, end: date, filters: Filters,
                  figure: str | None) -> ex.ExportQuery:
    if figure is not None:
        svc.check_figure(figure)
    u = _unit(request, unit)
    filters = replace(filters, boundaries=bd.resolve(u, filters.boundaries))
    return ex.ExportQuery(u, svc.period_of(start, end), filters, figure or None)


def _attach(resp: HttpResponse, name: str) -> HttpResponse:
    resp["Content-Disposition"] = ex.content_disposition(name)
    resp["Cache-Control"] = "no-store"
    return resp


@router.get("/export/dossiers.csv", summary="The dossier list (of a figure) as CSV, streamed",
            response={200: None, **REPORT}, openapi_extra={"responses": _CSV})
def export_dossiers_csv(request: HttpRequest, unit: str, start: Day, end: Day,  # noqa: PLR0913
                        field: str | None = None, procedure: str | None = None, channel: Channel | None = None,
                        basis: Basis = "handling", figure: Figure | None = None,
                        boundaries: Boundaries | None = None) -> HttpResponse:
    q = _export_query(request, unit, start, end, _filters(field, procedure, channel, basis, boundaries), figure)
    resp = StreamingHttpResponse(ex.csv_chunks(q), content_type="text/csv; charset=utf-8")
    resp["X-Accel-Buffering"] = "no"  # nginx: pass the chunks on as they come
    return _attach(resp, ex.export_name("Danh sách hồ sơ", q.unit, q.period, q.figure, "csv"))


@router.get("/export/dossiers.xlsx", summary="The dossier list (of a figure) as Excel, streamed",
            response={200: None, **REPORT}, openapi_extra={"responses": _XLSX})
def export_dossiers_xlsx(request: HttpRequest, unit: str, start: Day, end: Day,  # noqa: PLR0913
                         field: str | None = None, procedure: str | None = None, channel: Channel | None = None,
                         basis: Basis = "handling", figure: Figure | None = None,
                         boundaries: Boundaries | None = None) -> HttpResponse:
    q = _export_query(request, unit, start, end, _filters(field, procedure, channel, basis, boundaries), figure)
    info = ex.describe(q, f"{LABELS[q.figure]} ({q.figure})" if q.figure else None)
    resp = StreamingHttpResponse(ex.xlsx_chunks(q, info=info), content_type=ex.XLSX_CONTENT_TYPE)
    resp["X-Accel-Buffering"] = "no"
    return _attach(resp, ex.export_name("Danh sách hồ sơ", q.unit, q.period, q.figure, "xlsx"))


@router.get("/export/report.xlsx", summary="The periodic report in the provincial table layout (Excel)",
            response={200: None, **REPORT}, openapi_extra={"responses": _XLSX})
def export_report_xlsx(request: HttpRequest, unit: str, start: Day, end: Day,  # noqa: PLR0913
                       field: str | None = None, procedure: str | None = None, channel: Channel | None = None,
                       basis: Basis = "handling", kind: UnitKindName | None = None,
                       boundaries: Boundaries | None = None) -> HttpResponse:
    if kind is not None and kind not in UNIT_KINDS:
        raise ValidationFailed("Invalid filter.", fields={"kind": "a unit kind below a province"})
    u = _unit(request, unit)
    flt = _filters(field, procedure, channel, basis, boundaries, u)
    period = svc.period_of(start, end)

    def describe(f: Filters) -> str:
        q = ex.ExportQuery(u, period, f)
        return "; ".join(f"{k}: {v}" for k, v in ex.describe(q, None)[3:] if v)

    fh = ex.xlsx_file(lambda out: periodic.write_report(out, u, period, flt, kind, describe))
    resp = FileResponse(fh, content_type=ex.XLSX_CONTENT_TYPE)
    return _attach(resp, ex.export_name("Báo cáo giải quyết TTHC", u, period, None, "xlsx"))
