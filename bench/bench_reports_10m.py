"""Statistics at 10M dossiers: compute_figures p50/p95 and the Decision 766 index of every unit.

Set-up (its own PostgreSQL database): ``motcua demo --dossiers 0`` (migrations, the demo
province, its 59-procedure catalog), plus ``--communes`` extra communes (default 119: 124 in
all, the size of a merged province in 2025) with the commune procedures attached. Then N
dossier histories over three years (2023-07-01 .. 2026-06-30) come from the project's
``Generator`` (procedure and unit weights, online share rising from 45% to 80%, 8% supplement
requests of which 12% twice, 1.5% withdrawals, 1% refusals, 0.5% stops, 2.5% late, recent ones
still open), month by month in ``--workers`` processes. Each history goes through
:func:`motcua.reports.deltas.contribution` and :class:`motcua.reports.readmodel.BucketDiff`, the
same functions that maintain the read model from the event log, and the bucket rows are
COPY'd to a staging table and summed into ``reports_figurebucket``. The dossier and event tables
are NOT filled (the figures never read them; tests/reports/test_readmodel.py checks the read
model against the event log).

Measured: ``compute_figures`` (the public service, with its queue / calendar checks) for random
(unit, period) pairs: the province or one unit, a month, a quarter or a year; and the 766 index
of every ranked unit of the province for a month and a year (one compute_figures per unit).

    .venv/bin/python bench/bench_reports_10m.py --n 10000000 --keep
    .venv/bin/python bench/bench_reports_10m.py --reuse --samples 400   # measure again
"""

from __future__ import annotations

import itertools
import json
import multiprocessing as mp
import platform
import random
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import common

START, END = date(2023, 7, 1), date(2026, 6, 30)
TARGET_P95_MS, TARGET_766_S = 200, 10
STAGING = "bench_bucket_staging"


# ---- set-up -----------------------------------------------------------------------------------

def add_communes(k: int) -> int:
    """``k`` more communes (with their service centres) handling the commune procedures."""
    from motcua.catalog.models import Procedure
    from motcua.catalog.services import attach_default_process, load_sample_catalog
    from motcua.units.choices import UnitKind
    from motcua.units.models import Unit

    province = common.province()
    ids = []
    for i in range(k):
        code = f"000.{40 + i // 50}.{10 + i % 50}.H39"
        commune, _ = Unit.objects.get_or_create(code=code, defaults={
            "name": f"Xã Mẫu {i + 1}", "kind": UnitKind.COMMUNE, "parent": province, "admin_code": f"{26000 + i}"})
        Unit.objects.get_or_create(code=code.replace(".H39", ".C.H39"), defaults={
            "name": f"Trung tâm Phục vụ hành chính công Xã Mẫu {i + 1}", "kind": UnitKind.SERVICE_CENTRE,
            "parent": commune})
        ids.append(commune.pk)
    for p in load_sample_catalog()["procedures"]:
        if "commune" in p["levels"]:
            attach_default_process(Procedure.objects.get(code=p["code"]), p["process"], ids)
    return k


def months() -> list[tuple[date, date]]:
    out, d = [], START
    while d <= END:
        nxt = (d + timedelta(days=32)).replace(day=1)
        out.append((d, min(nxt - timedelta(days=1), END)))
        d = nxt
    return out


# ---- generation (worker processes) ------------------------------------------------------------

_GEN: Any = None


def _generator() -> Any:
    global _GEN
    if _GEN is None:
        from motcua.dossiers.generator import Generator

        class MonthGenerator(Generator):
            """The project's generator, one month at a time, with the online share of the whole range."""

            part = (0, 1)

            def _channel(self, t: Any, frac: float) -> int:
                return super()._channel(t, (self.part[0] + frac) / self.part[1])

        _GEN = MonthGenerator(common.province(), START, END, seed=2025)
    return _GEN


class FastRandom(random.Random):
    """Random whose ``choices`` over the generator's target weights uses cumulative weights
    computed once (the generator recomputes them per record: O(targets) with 124 communes)."""

    def __init__(self, seed: int, weights: list[float]) -> None:
        super().__init__(seed)
        self.ref = weights
        self.cum = list(itertools.accumulate(weights))

    def choices(self, population, weights=None, *, cum_weights=None, k=1):  # noqa: ANN001, ANN201
        if weights is self.ref:
            return super().choices(population, cum_weights=self.cum, k=k)
        return super().choices(population, weights, cum_weights=cum_weights, k=k)


def _online_full() -> dict[int, bool]:
    from motcua.catalog.models import ProcedureVersion

    return {pk: level == "full" for pk, level in ProcedureVersion.objects.values_list("pk", "online_level")}


def generate_month(job: tuple[int, int, int, int]) -> dict[str, int]:
    """Generate ``n`` histories received in month ``index`` and COPY their bucket rows to staging."""
    from motcua.reports.deltas import Profile, contribution
    from motcua.reports.readmodel import BucketDiff

    index, n, total_months, replicas = job
    gen = _generator()
    first, last = months()[index]
    gen.days = common.working_days(gen.cal, first, last)
    gen.part = (index, total_months)
    gen.rng = FastRandom(1000 + index, gen.weights)
    rate_rng = random.Random(5000 + index)  # the applicants' ratings, apart from the generator's draws
    online = _online_full()
    leaf: dict[tuple[str, int, int], Counter] = {}
    stats: Counter[str] = Counter()
    pairs: list[tuple] = []
    for _ in range(n):
        rec = gen.record()
        events = [(at, action) for at, action, _ in rec.events]
        rating = _rating(rate_rng, events)
        stats["rated"] += rating is not None
        c = contribution(Profile(rec.limit_seconds, rec.cutoff, rec.channel, online[rec.version_id]), events, gen.cal,
                         rating)
        key = (rec.handling_path, rec.procedure_id, rec.channel)
        leaf.setdefault(key, Counter()).update(c.deltas)
        pairs += [(rec.handling_path, rec.procedure_id, rec.channel, a, b) for a, b in c.pairs]
        stats["dossiers"] += 1
        stats["events"] += len(events)
        stats["open"] += not any(a in ("finish", "return", "withdraw", "stop", "refuse") for _, a in events)
    diff = BucketDiff()
    communes = _commune_paths()
    where = {path: i for i, path in enumerate(communes)}
    for (path, proc, ch), deltas in leaf.items():
        for copy_path, weight in _replicas(path, replicas, communes, where):
            diff.add(copy_path, proc, ch, deltas, weight)
    pairs = [(cp, proc, ch, a, b) for path, proc, ch, a, b in pairs
             for cp, w in _replicas(path, replicas, communes, where) for _ in range(w)]
    stats["staged_rows"] = _copy_rows(diff, pairs)
    stats["represented"] = stats["dossiers"] * replicas
    return dict(stats)


def _rating(rng: random.Random, events: list[tuple[int, str]]) -> tuple[int, str] | None:
    """A third of the applicants rate a finished dossier, within ten days of the result; one in
    ten of them is dissatisfied."""
    finish = next((at for at, action in events if action == "finish"), None)
    if finish is None or rng.random() >= 1 / 3:
        return None
    return finish + rng.randrange(600, 10 * 86400), "dissatisfied" if rng.random() < 0.1 else "satisfied"


def _commune_paths() -> list[str]:
    from motcua.units.models import Unit

    return sorted(Unit.objects.filter(path__startswith=common.province().path, kind="commune")
                  .values_list("path", flat=True))


def _replicas(path: str, replicas: int, communes: list[str], where: dict[str, int]) -> list[tuple[str, int]]:
    """Where the copies of a history handled at ``path`` count: a commune's history also counts
    at the ``replicas - 1`` next communes (which handle the same commune procedures); a
    provincial department's counts ``replicas`` times at the department."""
    if replicas == 1:
        return [(path, 1)]
    if path in where:
        i = where[path]
        return [(communes[(i + r) % len(communes)], 1) for r in range(replicas)]
    return [(path, replicas)]


def _copy_rows(diff: Any, pairs: list[tuple]) -> int:
    from django.db import connection

    from motcua.reports.models import COLUMNS
    from motcua.reports.readmodel import day_of

    n = 0
    with connection.cursor() as cur:
        with cur.cursor.copy(f"COPY {STAGING} (scope_path, grain, day, procedure_id, channel, {', '.join(COLUMNS)}) "
                             "FROM STDIN") as cp:
            for (scope, grain, day, proc, ch), values in diff.nonzero():
                cp.write_row((scope, grain, day_of(day), proc, ch, *values))
                n += 1
        with cur.cursor.copy("COPY reports_requestpair (dossier_id, handling_path, procedure_id, channel, first_at, "
                             "next_at) FROM STDIN") as cp:
            for path, proc, ch, a, b in pairs:
                cp.write_row((0, path, proc, ch, a, b))  # no dossier rows in this bench
    connection.close()
    return n


def _init_worker(url: str) -> None:
    common.setup_django(url)


def generate(url: str, n: int, workers: int, replicas: int) -> dict[str, Any]:
    from django.db import connection

    from motcua.reports.models import COLUMNS

    cols = ", ".join(COLUMNS)
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {STAGING}")
        cur.execute(f"CREATE UNLOGGED TABLE {STAGING} (LIKE reports_figurebucket INCLUDING DEFAULTS)")
        cur.execute(f"ALTER TABLE {STAGING} DROP COLUMN id")
        cur.execute("TRUNCATE reports_figurebucket, reports_requestpair, reports_dossiercontribution, "
                    "reports_dirtydossier, reports_readmodelstate")
    connection.close()
    spans = months()
    days = [len(common.working_days(_generator().cal, a, b)) for a, b in spans]
    sizes = [n * d // sum(days) for d in days]
    sizes[-1] += n - sum(sizes)
    t0 = time.perf_counter()
    stats: Counter[str] = Counter()
    ctx = mp.get_context("spawn")
    with ctx.Pool(workers, initializer=_init_worker, initargs=(url,)) as pool:
        jobs = [(i, k, len(spans), replicas) for i, k in enumerate(sizes)]
        for i, s in enumerate(pool.imap_unordered(generate_month, jobs)):
            stats.update(s)
            print(f"  month {i + 1}/{len(spans)}: {stats['dossiers']:,} histories, "
                  f"{time.perf_counter() - t0:.0f}s", file=sys.stderr, flush=True)
    gen_s = time.perf_counter() - t0
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO reports_figurebucket (scope_path, grain, day, procedure_id, channel, {cols}) "
                    f"SELECT scope_path, grain, day, procedure_id, channel, "
                    f"{', '.join(f'SUM({c})' for c in COLUMNS)} FROM {STAGING} GROUP BY 1, 2, 3, 4, 5")
        cur.execute(f"DROP TABLE {STAGING}")
    _remember_calendar()
    merge_s = time.perf_counter() - t0 - gen_s
    common.analyze(url)
    return {**dict(stats), "generate_s": round(gen_s, 1), "merge_s": round(merge_s, 1),
            "dossiers_per_s": round(stats["dossiers"] / gen_s)}


def _remember_calendar() -> None:
    from motcua.reports.models import ReadModelState
    from motcua.reports.readmodel import calendar_revision

    pid = common.province().pk
    ReadModelState.objects.update_or_create(province_id=pid, defaults={"calendar_revision": calendar_revision(pid)})


# ---- measurements -------------------------------------------------------------------------------

def _units() -> list[Any]:
    from motcua.units.models import Unit

    return list(Unit.objects.filter(path__startswith=common.province().path).exclude(kind="service_centre"))


def _period(rng: random.Random, kind: str) -> tuple[date, date]:
    if kind == "year":
        y = rng.choice([2024, 2025])
        return date(y, 1, 1), date(y, 12, 31)
    m = rng.randrange(36 - (2 if kind == "quarter" else 0))
    first = (START + timedelta(days=31 * m)).replace(day=1)
    if kind == "quarter":
        first = first.replace(month=1 + 3 * ((first.month - 1) // 3))
        return first, (first + timedelta(days=95)).replace(day=1) - timedelta(days=1)
    return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def sample(k: int) -> dict[str, Any]:
    from motcua.reports.services import compute_figures, period_of

    rng = random.Random(766)
    units = _units()
    province = common.province()
    times: dict[str, list[float]] = {}
    checks = 0
    for i in range(k + 10):
        unit = province if rng.random() < 0.25 else rng.choice(units)
        kind = rng.choice(["month", "month", "quarter", "year"])
        p = period_of(*_period(rng, kind))
        t0 = time.perf_counter()
        figs = compute_figures(unit, p.start, p.end)
        ms = (time.perf_counter() - t0) * 1000
        checks += figs.counts["to_process"] >= figs.counts["resolved"]
        if i >= 10:  # the first 10 warm the process caches
            times.setdefault("all", []).append(ms)
            times.setdefault(f"{'province' if unit.pk == province.pk else 'unit'} {kind}", []).append(ms)
    return {name: {"n": len(xs), "p50_ms": round(common.percentile(xs, 50), 1),
                   "p95_ms": round(common.percentile(xs, 95), 1), "max_ms": round(max(xs), 1)}
            for name, xs in sorted(times.items())} | {"sane": checks == k + 10}


def dashboard(k: int, today: date = date(2026, 6, 15)) -> dict[str, Any]:
    """The dashboard at 10:00 on ``today`` (month to date), cold (no cache): the whole body of the
    province and of random units, and its overdue-by-procedure split alone. (Today's intake by
    hour reads the dossier table, empty here.)"""
    from datetime import datetime
    from datetime import time as dtime
    from unittest import mock

    from django.core.cache import cache

    from motcua.core import clock
    from motcua.reports import dashboard as dash
    from motcua.reports import services as svc
    from motcua.reports.facts import NO_FILTERS
    from motcua.reports.pages import ReportQuery

    now = clock.aware(datetime.combine(today, dtime(10, 0)))
    rng = random.Random(60)
    units, province = _units(), common.province()
    times: dict[str, list[float]] = {}
    with mock.patch("motcua.core.clock.now", lambda: now):
        period = svc.period_of(today.replace(day=1), today)
        for i in range(k + 3):
            unit = province if i % 4 == 0 else rng.choice(units)
            q = ReportQuery(unit, "custom", today.replace(day=1), today, NO_FILTERS, period)
            cache.clear()
            t0 = time.perf_counter()
            body = dash.build_dashboard(q, now)
            dash.build_ranking(q, now)  # the ranking panel, loaded after the page: timed with it here
            whole = (time.perf_counter() - t0) * 1000
            t0 = time.perf_counter()
            svc.in_progress_late_by_procedure(unit, period.start, period.end)
            hot = (time.perf_counter() - t0) * 1000
            assert body["counts"]
            if i >= 3:
                name = "province" if unit.pk == province.pk else "unit"
                times.setdefault(f"body, {name}", []).append(whole)
                times.setdefault("overdue by procedure", []).append(hot)
    return {name: {"n": len(xs), "p50_ms": round(common.percentile(xs, 50), 1),
                   "p95_ms": round(common.percentile(xs, 95), 1), "max_ms": round(max(xs), 1)}
            for name, xs in sorted(times.items())}


def index_all(first: date, last: date) -> dict[str, Any]:
    from motcua.reports.index766 import index_of, ranked_units
    from motcua.reports.services import compute_figures, compute_figures_of_units, period_of

    p = period_of(first, last)
    t0 = time.perf_counter()
    units = ranked_units(common.province())
    figs = compute_figures_of_units(units, p.start, p.end)
    scores = [index_of(u, figs[u.pk], p) for u in units]
    batch_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    one_by_one = [index_of(u, compute_figures(u, p.start, p.end), p) for u in units]
    loop_s = time.perf_counter() - t0
    assert [s.score.points for s in one_by_one] == [s.score.points for s in scores]
    best = max(scores, key=lambda s: s.score.points or 0)
    return {"period": f"{first}..{last}", "units": len(units), "seconds": round(batch_s, 2),
            "seconds_one_query_per_unit": round(loop_s, 2), "best": f"{best.unit.code} {best.score.points}",
            "province_received": compute_figures(common.province(), p.start, p.end).counts["received"]}


def sizes() -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT count(*), pg_size_pretty(pg_total_relation_size('reports_figurebucket')) "
                    "FROM reports_figurebucket")
        rows, size = cur.fetchone()
    return {"bucket_rows": rows, "bucket_table_size": size}


def machine() -> dict[str, Any]:
    import os

    from django.db import connection

    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor())
    mem = next(ln.split()[1] for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal"))
    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg = cur.fetchone()[0]
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram_gb": round(int(mem) / 2**20, 1),
            "python": platform.python_version(), "postgresql": pg,
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


HEADING = "## Statistics at 10M dossiers (`bench/bench_reports_10m.py`, run separately)"


def _row(r: dict[str, Any]) -> str:
    g = r.get("generation", {})
    cf = r["compute_figures"]["all"]
    ok = "**met**" if cf["p95_ms"] < TARGET_P95_MS else "not met"
    i766 = max(r["index766_month"]["seconds"], r["index766_year"]["seconds"])
    return (f"| {r['n']:,} | {g.get('dossiers', '-'):,} x {r.get('replicas', 1)} | {r['bucket_rows']:,} "
            f"({r['bucket_table_size']}) | {g.get('generate_s', '-')} s + {g.get('merge_s', '-')} s | "
            f"{cf['p50_ms']} / {cf['p95_ms']} ms ({cf['n']}) | {ok} | {r['index766_month']['units']} units: "
            f"{r['index766_month']['seconds']} s (month), {r['index766_year']['seconds']} s (year); one call per "
            f"unit: {r['index766_month'].get('seconds_one_query_per_unit', '-')} s, "
            f"{r['index766_year'].get('seconds_one_query_per_unit', '-')} s | "
            f"{'**met**' if i766 < TARGET_766_S else 'not met'} |")


def write_results(runs: list[dict[str, Any]], path: Path = common.ROOT / "bench" / "RESULTS.md") -> None:
    """Replace (or append) this bench's section of RESULTS.md with ``runs`` (and ``--drain`` runs)."""
    drains = [r["drain"] for r in runs if "drain" in r]
    runs = [r for r in runs if "drain" not in r]
    m = runs[0]["machine"]
    lines = [HEADING, "",
             f"PostgreSQL {m['postgresql']}, {m['nproc']} cores ({m['cpu']}), {m['ram_gb']} GB RAM, Python "
             f"{m['python']}, {m['date']}; the machine was shared with other jobs (load average 1 to 12 on 2 cores "
             "during these runs: read the times as upper bounds). "
             "Histories from the project's generator over 3 years, 124 communes + 7 departments + 1 dissolved "
             "district, 59 procedures; each history goes through `reports.deltas.contribution` and "
             "`reports.readmodel.BucketDiff` (the code that maintains the read model); with x R each history also "
             "counts at R-1 other communes (same commune procedures), so N = histories x R; a third of the finished "
             "dossiers are rated by their applicant (the satisfaction figures). The dossier and event "
             "tables are not filled (the figures never read them; tests check the read model equal to the event "
             "log). `compute_figures` is the public service (queue and calendar checks, bucket "
             "query, supplement de-duplication, file-rate checks), timed over random (unit, period) pairs: the "
             "province 25%, else one unit; a month 50%, a quarter 25%, a year 25%.", "",
             "| dossiers | histories | bucket rows | generation + merge | compute_figures p50 / p95 (samples) | "
             "< 200 ms | 766 index, every ranked unit | < 10 s |", "|---|---|---|---|---|---|---|---|",
             *[_row(r) for r in runs], "",
             "A period reads, per (procedure, channel) of the unit's own rows, at most years + 12 months + ~62 days "
             "of buckets, whatever N: from 1M to 10M the time grows with the table's cache footprint (the 10M "
             "bucket table is ~10x PostgreSQL's shared_buffers), not with the number of dossiers. The 766 index of "
             "every unit is `compute_figures_of_units` (one bucket query for all units), checked equal to one "
             "`compute_figures` per unit.", ""]
    for r in runs:
        lines += [f"By kind at {r['n']:,}: " + "; ".join(
            f"{k} {v['p50_ms']}/{v['p95_ms']} ms" for k, v in r["compute_figures"].items()
            if isinstance(v, dict) and k != "all"), ""]
    for r in runs:
        if "dashboard" in r:
            lines += [f"Dashboard at {r['n']:,} (cold, cache cleared, month to date on 15 June 2026): " + "; ".join(
                f"{k} p50 {v['p50_ms']} / p95 {v['p95_ms']} ms ({v['n']})" for k, v in r["dashboard"].items())
                + ". The body is the headline figures, 12 monthly trend points, the 766 ranking of every "
                "subordinate unit, the overdue hot spots and today's intake; it is cached per minute and unit, and "
                "each of its figures is one `compute_figures` (above) or one bucket read (overdue by procedure).", ""]
    for d in drains:
        lines += [f"Maintenance path (`--drain`): {d['dossiers']:,} generated dossiers bulk-imported in "
                  f"{d['import_s']} s (the trigger queued {d['queued_rows']:,} rows), `refresh` applied them in "
                  f"{d['refresh_s']} s "
                  f"({d['refresh_dossiers_per_s']:,} dossiers/s, one process); figures equal to the event log's for "
                  f"{d['same_as_event_log']} units.", ""]
    text = path.read_text(encoding="utf-8")
    if HEADING in text:
        head, _, rest = text.partition(HEADING)
        nxt = rest.find("\n## ")
        text = head + "\n".join(lines) + (rest[nxt:] if nxt >= 0 else "\n")
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(lines)
    path.write_text(text, encoding="utf-8")


def drain(n: int) -> dict[str, Any]:
    """The maintenance path end to end: bulk-import ``n`` generated dossiers (the trigger queues
    them), apply the queue (``refresh``), check a few figures against the event log."""
    from motcua.dossiers.generator import generate as import_generated
    from motcua.reports import readmodel
    from motcua.reports.services import compute_figures, compute_figures_from_events, period_of

    t0 = time.perf_counter()
    import_generated(n, common.province(), date(2025, 7, 1), date(2026, 6, 30), seed=3)
    import_s = time.perf_counter() - t0
    queued = readmodel.pending()
    t0 = time.perf_counter()
    readmodel.refresh(limit=None)
    refresh_s = time.perf_counter() - t0
    same = 0
    for unit in [common.province(), *_units()[:5]]:
        p = period_of(date(2026, 1, 1), date(2026, 3, 31))
        same += compute_figures(unit, p.start, p.end).counts == compute_figures_from_events(unit, p.start, p.end).counts
    return {"dossiers": n, "import_s": round(import_s, 1), "queued_rows": queued, "refresh_s": round(refresh_s, 1),
            "refresh_dossiers_per_s": round(n / refresh_s), "same_as_event_log": f"{same}/6"}


def main() -> None:
    p = common.parser(__doc__.splitlines()[0], 10_000_000)
    p.add_argument("--communes", type=int, default=119, help="extra communes (default 119: 124 in all)")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--samples", type=int, default=300)
    p.add_argument("--replicas", type=int, default=1,
                   help="count each generated history at R communes (N/R distinct histories)")
    p.add_argument("--drain", action="store_true", help="measure the maintenance path on N imported dossiers")
    p.add_argument("--write-results", nargs="+", metavar="JSON", help="only write RESULTS.md from saved runs")
    args = p.parse_args()
    if args.write_results:
        write_results([json.loads(Path(f).read_text(encoding="utf-8")) for f in args.write_results])
        return
    url = common.db_url("postgres", args.name or "motcua_rm_bench10m")
    created = common.prepare(url, args.reuse)
    common.setup_django(url)
    out: dict[str, Any] = {"bench": "reports_10m", "n": args.n, "replicas": args.replicas}
    if args.drain:
        out["drain"] = drain(args.n)
        common.emit(out, args.json)
        if not args.keep:
            common.drop_db(url)
        return
    if created:
        out["communes_added"] = add_communes(args.communes)
        out["generation"] = generate(url, args.n // args.replicas, args.workers, args.replicas)
    out["machine"] = machine()
    out |= sizes()
    out["compute_figures"] = sample(args.samples)
    out["index766_month"] = index_all(date(2026, 3, 1), date(2026, 3, 31))
    out["index766_year"] = index_all(date(2025, 1, 1), date(2025, 12, 31))
    out["dashboard"] = dashboard(max(8, args.samples // 10))
    common.emit(out, args.json)
    if not args.keep:
        common.drop_db(url)


if __name__ == "__main__":
    main()
