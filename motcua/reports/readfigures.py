"""Figures of a unit and period read from the buckets of the read model.

A period ``[S, E)`` bounded by local midnights reads, per (procedure, channel) of the unit's own
rows, at most ``years + 12 months + ~62 days`` bucket rows: flows of the whole months from the
month rows and of the partial months from the day rows; a stock at ``E`` (and the carried-over
stock at ``S``) is the sum of every step before it (year rows before ``E``'s year, month rows of
its year before its month, day rows of its month before it). Supplement requests are counted
once per dossier with :class:`~motcua.reports.models.RequestPair`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Q

from motcua.catalog.models import Procedure
from motcua.core import clock
from motcua.domain import indicators as ind
from motcua.units.models import Unit

from . import storedfiles
from .facts import Filters
from .figures import COUNT_FIGURES, Extras, Figures, _rates
from .models import COLUMNS, FLOW_COLUMNS, STEP_COLUMNS, RequestPair


@dataclass(frozen=True)
class Days:
    """Local days of a period ``[start, end)`` and of the month boundaries around them."""

    start: date
    end: date

    @property
    def start_month(self) -> date:
        return self.start.replace(day=1)

    @property
    def end_month(self) -> date:
        return self.end.replace(day=1)

    @property
    def start_year(self) -> date:
        return self.start.replace(month=1, day=1)

    @property
    def end_year(self) -> date:
        return self.end.replace(month=1, day=1)

    @property
    def first_full_month(self) -> date:
        if self.start.day == 1:
            return self.start
        return (self.start_month + timedelta(days=32)).replace(day=1)


def local_midnight(at: datetime) -> date | None:
    """The local date of ``at`` if it is a local midnight, else None."""
    d = clock.local_date(at)
    return d if clock.aware(datetime.combine(d, time.min)) == at else None


def day_start(at: datetime) -> datetime:
    """The local midnight that begins ``at``'s day."""
    return clock.aware(datetime.combine(clock.local_date(at), time.min))


def midnight_within(start: datetime, end: datetime) -> datetime | None:
    """The local midnight that begins ``end``'s day, when ``start`` is a local midnight at or
    before it and ``end`` is not one (a period still running, judged as of now): the buckets
    answer up to that midnight (for a period begun at it, a month's first day: the empty period,
    its stocks at midnight), and the day's changes since are read from the event log."""
    if local_midnight(start) is None or local_midnight(end) is not None:
        return None
    midnight = day_start(end)
    return midnight if start <= midnight < end else None


def _as_date(v: object) -> date:
    return v if isinstance(v, date) else date.fromisoformat(str(v))


def _procedure_ids(f: Filters) -> list[int] | None:
    if not f.field and not f.procedure:
        return None
    qs = Procedure.objects.all()
    if f.field:
        qs = qs.filter(field__code=f.field)
    if f.procedure:
        qs = qs.filter(code=f.procedure)
    return list(qs.values_list("pk", flat=True))


def _filter_sql(f: Filters, procs: list[int] | None) -> tuple[str, list[object]]:
    sql, params = "", []
    if procs is not None:
        sql += f" AND procedure_id IN ({', '.join(['%s'] * len(procs))})" if procs else " AND 1 = 0"
        params += procs
    if f.channel is not None:
        sql += " AND channel = %s"
        params.append(f.channel)
    return sql, params


def _bucket_rows(paths: list[str], days: Days, f: Filters, procs: list[int] | None) -> list[tuple]:
    """(scope_path, grain, day, sums...) of the rows the period needs, for every path: years
    before the period's end year, months from the start year to the end month, the days of the
    partial months."""
    a = connection.ops.adapt_datefield_value
    where, params = _filter_sql(f, procs)
    sums = ", ".join(f"SUM({c})" for c in COLUMNS)
    sql = (f"SELECT scope_path, grain, day, {sums} FROM reports_figurebucket "
           f"WHERE scope_path IN ({', '.join(['%s'] * len(paths))}) AND ((grain = 'Y' AND day < %s) "
           "OR (grain = 'M' AND day >= %s AND day < %s) "
           "OR (grain = 'D' AND ((day >= %s AND day < %s) OR (day >= %s AND day < %s))))"
           f"{where} GROUP BY scope_path, grain, day")
    args = [*paths, a(days.end_year), a(days.start_year), a(days.end_month), a(days.start_month),
            a(max(days.first_full_month, days.start)), a(days.end_month), a(days.end), *params]
    with connection.cursor() as cur:
        cur.execute(sql, args)
        return cur.fetchall()


def _segments(grain: str, d: date, days: Days) -> tuple[bool, bool, bool]:
    """Does a row count in the period's flows, the stocks at its end, the stocks at its start?
    A stock at midnight X is the sum of the years before X's year, the months of X's year
    before X's month and the days of X's month before X."""
    full_from, full_to = days.first_full_month, days.end_month
    if grain == "Y":
        return False, d < days.end_year, d < days.start_year
    if grain == "M":
        return (full_from <= d < full_to, days.end_year <= d < days.end_month,
                days.start_year <= d < days.start_month)
    return (days.start <= d < days.end and not (full_from <= d < full_to), days.end_month <= d < days.end,
            days.start_month <= d < days.start)


def _sums(rows: list[tuple], days: Days) -> tuple[Counter[str], Counter[str], Counter[str]]:
    """(flows in the period, stocks at its end, stocks at its start)."""
    flow: Counter[str] = Counter()
    at_end: Counter[str] = Counter()
    at_start: Counter[str] = Counter()
    for grain, raw_day, *values in rows:
        in_flow, in_end, in_start = _segments(grain, _as_date(raw_day), days)
        vals = {c: int(v or 0) for c, v in zip(COLUMNS, values, strict=True)}
        if in_flow:
            flow.update({c: vals[c] for c in (*FLOW_COLUMNS, *STEP_COLUMNS)})
        if in_end:
            at_end.update(vals)
        if in_start:
            at_start.update(vals)
    return flow, at_end, at_start


def _scoped(qs, path: str, f: Filters, procs: list[int] | None):  # noqa: ANN001, ANN202
    qs = qs.filter(handling_path__startswith=path)
    if procs is not None:
        qs = qs.filter(procedure_id__in=procs)
    if f.channel is not None:
        qs = qs.filter(channel=f.channel)
    return qs


def bucket_figures(unit: Unit, start: datetime, end: datetime, f: Filters) -> Figures | None:
    """The figures from the buckets, or None when the period is not bounded by local midnights."""
    many = bucket_figures_many([unit], start, end, f)
    return None if many is None else many[unit.pk]


def bucket_figures_many(units: list[Unit], start: datetime, end: datetime, f: Filters) -> dict[int, Figures] | None:
    """:func:`bucket_figures` of several units of one province at once (one bucket query)."""
    first, stop = local_midnight(start), local_midnight(end)
    if first is None or stop is None or stop < first:
        return None
    days = Days(first, stop)
    procs = _procedure_ids(f)
    by_path: dict[str, list[tuple]] = {u.path: [] for u in units}
    for row in _bucket_rows(list(by_path), days, f, procs) if units else []:
        by_path[row[0]].append(row[1:])
    s, e = int(start.timestamp()), int(end.timestamp())
    pairs = _pairs(units, f, procs, s, e)
    has_components, has_results = storedfiles.province_stores(units[0].province_id) if units else (False, False)
    extras = Extras(has_component_files=has_components, has_result_files=has_results)
    marks = ({} if not units or "digitized_any" in COLUMNS
             else storedfiles.counted_marks([u.path for u in units], start, end, procs, f.channel,
                                            has_components, has_results))
    out = {}
    for u in units:
        flow, at_end, at_start = _sums(by_path[u.path], days)
        flow.update(marks.get(u.path, {}))
        c = _counts(flow, at_end, at_start, pairs[u.pk], extras)
        total = flow["processing_seconds"]
        avg = ind.average(Decimal(total) / 3600, c["processed"])
        out[u.pk] = Figures({k: c[k] for k in COUNT_FIGURES}, _rates(c, extras), avg, total, {})
    return out


def bucket_steps(unit: Unit, start: datetime, end: datetime) -> tuple[int, int] | None:
    """(steps left, late among them) in the unit's subtree over ``[start, end)`` from the buckets
    (one query), or None when the period is not bounded by local midnights."""
    from .facts import NO_FILTERS

    first, stop = local_midnight(start), local_midnight(end)
    if first is None or stop is None or stop < first:
        return None
    days = Days(first, stop)
    flow, _, _ = _sums([row[1:] for row in _bucket_rows([unit.path], days, NO_FILTERS, None)], days)
    return flow["steps_left"], flow["steps_left_late"]


def _pairs(units: list[Unit], f: Filters, procs: list[int] | None, s: int, e: int) -> Counter[int]:
    """Pairs of supplement requests both in ``[s, e)``, per unit (subtree)."""
    root = min((u.path for u in units), key=len, default="/")
    rows = (_scoped(RequestPair.objects.all(), f"/{root.strip('/').split('/')[0]}/", f, procs)
            .filter(first_at__gte=s, first_at__lt=e, next_at__lt=e)
            .values_list("handling_path").annotate(n=Count("id")))
    out: Counter[int] = Counter()
    for path, n in rows:
        for u in units:
            if path.startswith(u.path):
                out[u.pk] += n
    return out


def _counts(flow: Counter[str], at_end: Counter[str], at_start: Counter[str], pairs: int,
            extras: Extras) -> Counter[str]:
    c: Counter[str] = Counter()
    for k in ("received", "received_online", "online_full_eligible", "online_full", "resolved_early",
              "resolved_on_time", "resolved_late", "processed", "withdrawn", "refused", "stopped", "rated",
              "rated_satisfied", "rated_dissatisfied"):
        c[k] = flow[k]
    c["carried_over"] = at_start["open_on_time"] + at_start["open_late"]
    c["to_process"] = c["received"] + c["carried_over"]
    c["resolved"] = c["resolved_early"] + c["resolved_on_time"] + c["resolved_late"]
    c["resolved_in_time"] = c["resolved_early"] + c["resolved_on_time"]
    c["in_progress_on_time"] = at_end["open_on_time"]
    c["in_progress_late"] = at_end["open_late"]
    c["late"] = c["resolved_late"] + c["in_progress_late"]
    c["not_late"] = c["to_process"] - c["late"]
    c["about_to_be_late"] = at_end["approaching"]
    c["not_collected"] = at_end["not_collected"]
    c["supplement_requested"] = flow["requests"] - pairs
    # as the event-log path: a province that stores no scans (no result files) at all has no data
    if extras.has_component_files:
        for k in ("digitizable", "digitized", "digitized_any", "digitized_all"):
            c[k] = flow[k]
    if extras.has_result_files:
        c["e_result"], c["result_digitized"] = flow["e_result"], flow["result_digitized"]
    return c


def stock_by_procedure(unit: Unit, end: datetime, column: str) -> dict[int, int] | None:
    """A stock column (e.g. ``open_late``: in progress late) of the unit's subtree at the local
    midnight ``end``, per procedure id (non-zero only); None when ``end`` is not a local midnight."""
    return signed_stock_by_procedure({unit.path: 1}, end, column)


def signed_stock_by_procedure(signed: dict[str, int], end: datetime, column: str) -> dict[int, int] | None:
    """:func:`stock_by_procedure` of the signed sum of the rows of ``signed`` (scope path ->
    coefficient, see :func:`motcua.reports.boundaries.signed_paths`)."""
    if column not in COLUMNS:
        raise ValueError(column)
    stop = local_midnight(end)
    if stop is None:
        return None
    days = Days(stop, stop)
    a = connection.ops.adapt_datefield_value
    out: Counter[int] = Counter()
    paths = sorted(signed)
    for i in range(0, len(paths), 500):
        part = paths[i:i + 500]
        sql = (f"SELECT scope_path, procedure_id, SUM({column}) FROM reports_figurebucket "
               f"WHERE scope_path IN ({', '.join(['%s'] * len(part))}) AND "
               "((grain = 'Y' AND day < %s) OR (grain = 'M' AND day >= %s AND day < %s) "
               "OR (grain = 'D' AND day >= %s AND day < %s)) "
               f"GROUP BY scope_path, procedure_id HAVING SUM({column}) <> 0")
        with connection.cursor() as cur:
            cur.execute(sql, [*part, a(days.end_year), a(days.end_year), a(days.end_month), a(days.end_month),
                              a(days.end)])
            for path, proc, n in cur.fetchall():
                out[int(proc)] += signed[path] * int(n)
    return {p: n for p, n in out.items() if n}


def signed_bucket_counts(signed: dict[str, int], own: set[str], start: datetime, end: datetime, f: Filters,
                         extras: Extras) -> tuple[Counter[str], int] | None:
    """(counts, processing seconds) of the signed sum of the buckets of ``signed`` (scope path ->
    coefficient: the rows of a set of units' own dossiers, see
    :func:`motcua.reports.boundaries.signed_paths`), ``own`` being every path those units have had
    (request pairs are kept per exact path); None when the period is not bounded by local
    midnights."""
    first, stop = local_midnight(start), local_midnight(end)
    if first is None or stop is None or stop < first:
        return None
    days = Days(first, stop)
    procs = _procedure_ids(f)
    rows: list[tuple] = []
    paths = sorted(signed)
    for i in range(0, len(paths), 500):
        for row in _bucket_rows(paths[i:i + 500], days, f, procs):
            n = signed[row[0]]
            rows.append((row[1], row[2], *((v or 0) * n for v in row[3:])))
    flow, at_end, at_start = _sums(rows, days)
    s, e = int(start.timestamp()), int(end.timestamp())
    pairs = 0
    own_paths = sorted(own)
    for i in range(0, len(own_paths), 500):
        pairs += _scoped(RequestPair.objects.all(), "/", f, procs).filter(
            handling_path__in=own_paths[i:i + 500], first_at__gte=s, first_at__lt=e, next_at__lt=e).count()
    return _counts(flow, at_end, at_start, pairs, extras), int(flow["processing_seconds"])


def monthly_bucket_figures(signed: dict[str, int], pair_paths: tuple[str, list[str]], months: list[date],
                           f: Filters, extras: Extras) -> dict[date, Figures]:
    """The figures of whole months (``months``: first days; each month ``[first, next first)``) from
    one read of the month and year rows of ``signed`` (scope path -> coefficient: a unit's own path,
    or a unit set's signed paths, see :func:`signed_bucket_counts`). ``pair_paths``: ("prefix",
    [path]) or ("in", paths) - where the request pairs are kept. Each month's sums are those of
    :func:`bucket_figures` for that month (a stock at a month's first day is the years and months
    before it), so the numbers are the same."""
    if not months:
        return {}
    spans = [(m, (m + timedelta(days=32)).replace(day=1)) for m in sorted(months)]
    first, last = spans[0][0], spans[-1][1]
    a = connection.ops.adapt_datefield_value
    procs = _procedure_ids(f)
    where, params = _filter_sql(f, procs)
    sums = ", ".join(f"SUM({c})" for c in COLUMNS)
    rows: list[tuple] = []
    paths = sorted(signed)
    for i in range(0, len(paths), 500):
        part = paths[i:i + 500]
        sql = (f"SELECT scope_path, grain, day, {sums} FROM reports_figurebucket "
               f"WHERE scope_path IN ({', '.join(['%s'] * len(part))}) AND ((grain = 'Y' AND day < %s) "
               f"OR (grain = 'M' AND day >= %s AND day < %s)){where} GROUP BY scope_path, grain, day")
        with connection.cursor() as cur:
            cur.execute(sql, [*part, a(last.replace(month=1, day=1)), a(first.replace(month=1, day=1)), a(last),
                              *params])
            for row in cur.fetchall():
                n = signed[row[0]]
                rows.append((row[1], row[2], *((v or 0) * n for v in row[3:])))
    pairs = _monthly_pairs(pair_paths, spans, f, procs)
    out = {}
    for (m, nxt), n_pairs in zip(spans, pairs, strict=True):
        flow, at_end, at_start = _sums(rows, Days(m, nxt))
        c = _counts(flow, at_end, at_start, n_pairs, extras)
        total = int(flow["processing_seconds"])
        out[m] = Figures({k: c[k] for k in COUNT_FIGURES}, _rates(c, extras), ind.average(Decimal(total) / 3600,
                                                                                      c["processed"]), total, {})
    return out


def _epoch_of(d: date) -> int:
    return int(clock.aware(datetime.combine(d, time.min)).timestamp())


def _monthly_pairs(pair_paths: tuple[str, list[str]], spans: list[tuple[date, date]], f: Filters,
                   procs: list[int] | None) -> list[int]:
    """Pairs of supplement requests both inside each month (one query, a count per month)."""
    bounds = [(_epoch_of(m), _epoch_of(nxt)) for m, nxt in spans]
    counts = {f"m{i}": Count("id", filter=Q(first_at__gte=s, first_at__lt=e, next_at__lt=e))
              for i, (s, e) in enumerate(bounds)}
    how, paths = pair_paths
    out = [0] * len(spans)
    chunks = [paths] if how == "prefix" else [paths[i:i + 500] for i in range(0, len(paths), 500)]
    for part in chunks:
        if not part:
            continue
        qs = (_scoped(RequestPair.objects.all(), part[0], f, procs) if how == "prefix"
              else _scoped(RequestPair.objects.all(), "/", f, procs).filter(handling_path__in=part))
        got = qs.filter(first_at__gte=bounds[0][0], first_at__lt=bounds[-1][1]).aggregate(**counts)
        for i in range(len(spans)):
            out[i] += got[f"m{i}"] or 0
    return out
