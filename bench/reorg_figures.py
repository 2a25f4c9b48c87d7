"""Figures across a reorganization at 1M dossiers: by the old boundaries vs by today's units (p95).

Set-up (its own PostgreSQL database): the statistics bench's province (``bench_reports_10m``:
the demo province, 124 communes, 59 procedures) with N - M bucket-only histories over three years
(2023-07-01 .. 2026-06-30, the read model filled by the code that maintains it), plus M real
dossiers (rows and events, bulk-imported, May-June 2026) whose open ones are the ones a reform
moves. Then the reform of 1 July 2026 through ``motcua.units.reorganize.apply()``: the 124
communes merged three by three into 42 new communes (every open real dossier gets a TRANSFER
event; ended units, successions and versions written).

Measured with ``compute_figures`` (the public service) over random (unit, period) pairs of the
three years before the reform (the province 25%, else one unit; a month 50%, a quarter 25%, a
year 25%): before the reform (nothing reorganized: the path prefix), after it by the old
boundaries ("then": an ended commune or the province), and by today's units ("now": a new commune,
its predecessors' history included, or the province); and the 766 ranking of the province's units
on both. Checked: a new commune's "now" figures equal the sum of its predecessors' "then" ones.

    .venv/bin/python bench/reorg_figures.py --n 1000000 --keep
    .venv/bin/python bench/reorg_figures.py --reuse --samples 300   # measure again
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import common

sys.path.insert(0, str(Path(__file__).parent))
import bench_reports_10m as b10  # noqa: E402

REFORM = date(2026, 7, 1)
HEADING = "## Figures across a reorganization (`bench/reorg_figures.py`, run separately)"


def reform() -> dict[str, Any]:
    """Merge the communes three by three into new communes on 1 July 2026."""
    from motcua.core.clock import LOCAL_TZ
    from motcua.domain.errors import ValidationFailed
    from motcua.units import reorganize
    from motcua.units.models import Reorganization, Unit

    province = common.province()
    communes = list(Unit.objects.filter(parent=province, kind="commune", dissolved_on__isnull=True).order_by("code"))
    at = datetime(REFORM.year, REFORM.month, REFORM.day, tzinfo=LOCAL_TZ)
    t0, moved = time.perf_counter(), 0
    for i in range(0, len(communes), 3):
        group = communes[i:i + 3]
        target = {"code": f"000.90.{10 + i // 3}.H39", "name": f"Xã Hợp Nhất {i // 3 + 1}", "kind": "commune",
                  "parent_code": province.code}
        r = Reorganization.objects.create(kind="merge", decision_number="1656/NQ-UBTVQH15",
                                          decision_date=date(2026, 6, 16), issuer="Ủy ban Thường vụ Quốc hội",
                                          effective_on=REFORM, spec={"sources": [c.code for c in group],
                                                                     "target": target})
        try:
            moved += reorganize.apply(r, at=at)["counts"]["open_dossiers"]
        except ValidationFailed as e:  # report the refused group and go on with the others
            print(f"  merge {[c.code for c in group]} refused: {e.fields}", file=sys.stderr, flush=True)
            r.delete()
    return {"merges": (len(communes) + 2) // 3, "communes_ended": len(communes), "open_dossiers_moved": moved,
            "seconds": round(time.perf_counter() - t0, 1)}


def _stats(xs: list[float]) -> dict[str, Any]:
    return {"n": len(xs), "p50_ms": round(common.percentile(xs, 50), 1), "p95_ms": round(common.percentile(xs, 95), 1),
            "max_ms": round(max(xs), 1)}


def sample(units: list[Any], boundaries: str, k: int, seed: int = 766) -> dict[str, Any]:
    from motcua.reports.facts import Filters
    from motcua.reports.services import compute_figures, period_of

    rng = random.Random(seed)
    province = common.province()
    times: dict[str, list[float]] = {}
    for i in range(k + 5):
        unit = province if rng.random() < 0.25 else rng.choice(units)
        kind = rng.choice(["month", "month", "quarter", "year"])
        p = period_of(*b10._period(rng, kind))
        t0 = time.perf_counter()
        compute_figures(unit, p.start, p.end, Filters(boundaries=boundaries))
        ms = (time.perf_counter() - t0) * 1000
        if i >= 5:
            times.setdefault("all", []).append(ms)
            times.setdefault(f"{'province' if unit.pk == province.pk else 'unit'} {kind}", []).append(ms)
    return {name: _stats(xs) for name, xs in sorted(times.items())}


def ranking(boundaries: str, first: date, last: date) -> dict[str, Any]:
    from motcua.reports.index766 import ranking as rank
    from motcua.reports.services import period_of

    p = period_of(first, last)
    t0 = time.perf_counter()
    rows = rank(common.province(), p, boundaries=boundaries)
    return {"period": f"{first}..{last}", "units": len(rows), "seconds": round(time.perf_counter() - t0, 2)}


def check_sums(k: int = 5) -> str:
    """A new commune's figures by today's units = the sum of its predecessors' by the old boundaries."""
    from motcua.reports.facts import Filters
    from motcua.reports.figures import COUNT_FIGURES
    from motcua.reports.services import compute_figures, period_of
    from motcua.units.models import Unit

    p = period_of(date(2026, 1, 1), date(2026, 3, 31))
    ok = 0
    news = list(Unit.objects.filter(code__startswith="000.90.").order_by("code")[:k])
    for new in news:
        now = compute_figures(new, p.start, p.end, Filters(boundaries="now")).counts
        parts = [compute_figures(u, p.start, p.end, Filters(boundaries="then")).counts
                 for u in Unit.objects.filter(successor=new)]
        ok += now == {key: sum(c[key] for c in parts) for key in COUNT_FIGURES}
    return f"{ok}/{len(news)}"


def write_results(r: dict[str, Any], path: Path = common.ROOT / "bench" / "RESULTS.md") -> None:
    m = r["machine"]

    def line(name: str, s: dict[str, Any]) -> str:
        a = s["all"]
        kinds = "; ".join(f"{k} {v['p50_ms']}/{v['p95_ms']}" for k, v in s.items() if k != "all")
        return f"| {name} | {a['p50_ms']} / {a['p95_ms']} ms ({a['n']}) | {a['max_ms']} ms | {kinds} |"

    rf = r["reform"]
    lines = [HEADING, "",
             f"PostgreSQL {m['postgresql']}, {m['nproc']} cores ({m['cpu']}), {m['ram_gb']} GB RAM, Python "
             f"{m['python']}, {m['date']}; the machine was shared with the other engineers' jobs (read the times as "
             f"upper bounds). {r['n']:,} dossiers: {r['n'] - r['real']:,} bucket-only histories over three years "
             f"(as `bench_reports_10m.py`; {r.get('replicas', 1)} communes count each generated one) and "
             f"{r['real']:,} real dossiers (rows and events, May-June 2026). The "
             f"reform of 1 July 2026 through `reorganize.apply()`: {rf['communes_ended']} communes merged three by "
             f"three ({rf['merges']} merges, {rf['seconds']} s, {rf['open_dossiers_moved']:,} open dossiers moved "
             "with a TRANSFER event). `compute_figures` over random (unit, period) pairs of the three years before "
             "the reform (province 25%, else one unit; month 50%, quarter 25%, year 25%).", "",
             "| figures of periods before the reform | p50 / p95 (samples) | max | by kind, p50/p95 ms |",
             "|---|---|---|---|",
             line("before the reform (path prefix)", r["before"]),
             line("after, by the old boundaries (`then`: an ended commune or the province)", r["then"]),
             line("after, by today's units (`now`: a new commune or the province)", r["now"]), "",
             f"766 ranking of the province's units, March 2026: before {r['ranking_before']['seconds']} s "
             f"({r['ranking_before']['units']} units); after, by today's units {r['ranking_now']['seconds']} s "
             f"({r['ranking_now']['units']} units), by the old boundaries {r['ranking_then']['seconds']} s "
             f"({r['ranking_then']['units']} units). A new commune's `now` figures equal the sum of its "
             f"predecessors' `then` figures: {r['sums_equal']}.", "",
             "Reorganized figures read the same buckets as signed sums of the paths the unit set has had "
             "(`reports.boundaries.signed_paths`, one query), plus the unit maps (3 small queries) and, by the old "
             "boundaries, the dossiers transferred after the period (a partial index on TRANSFER events) whose "
             "holder then is on the other side of the unit set, from the event log. After a reform a ranking is one "
             "`compute_figures` per unit (the shared one-query read of every unit applies to the path prefix only).",
             ""]
    text = path.read_text(encoding="utf-8")
    if HEADING in text:
        head, _, rest = text.partition(HEADING)
        nxt = rest.find("\n## ")
        text = head + "\n".join(lines) + (rest[nxt:] if nxt >= 0 else "\n")
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(lines)
    path.write_text(text, encoding="utf-8")


def main() -> None:
    p = common.parser(__doc__.splitlines()[0], 1_000_000)
    p.add_argument("--real", type=int, default=30_000, help="real dossiers (rows and events) among N")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--replicas", type=int, default=1,
                   help="count each bucket-only history at R communes (as bench_reports_10m.py: N/R histories)")
    p.add_argument("--samples", type=int, default=200)
    p.add_argument("--write", action="store_true", help="write the section of bench/RESULTS.md")
    args = p.parse_args()
    url = common.db_url("postgres", args.name or "motcua_bench_reorg")
    created = common.prepare(url, args.reuse)
    common.setup_django(url)
    from motcua.dossiers.generator import generate as import_generated
    from motcua.reports import readmodel
    from motcua.units.models import Reorganization, Unit

    out: dict[str, Any] = {"bench": "reorg_figures", "n": args.n, "real": args.real, "replicas": args.replicas}
    if created:
        b10.add_communes(119)
        out["generation"] = b10.generate(url, (args.n - args.real) // args.replicas, args.workers, args.replicas)
        t0 = time.perf_counter()
        import_generated(args.real, common.province(), date(2026, 5, 1), date(2026, 6, 30), seed=3)
        readmodel.refresh(limit=None)
        out["real_import_s"] = round(time.perf_counter() - t0, 1)
        common.analyze(url)
    out["machine"] = b10.machine()
    if not Reorganization.objects.filter(effective_on=REFORM).exists():
        old = list(Unit.objects.filter(kind="commune"))
        out["before"] = sample(old, "", args.samples)
        out["ranking_before"] = ranking("", date(2026, 3, 1), date(2026, 3, 31))
        out["reform"] = reform()
        common.analyze(url)
    ended = list(Unit.objects.filter(kind="commune", successor__isnull=False))
    new = list(Unit.objects.filter(kind="commune", predecessors__isnull=False, dissolved_on__isnull=True).distinct())
    out["then"] = sample(ended, "then", args.samples)
    out["now"] = sample(new, "now", args.samples)
    out["ranking_now"] = ranking("now", date(2026, 3, 1), date(2026, 3, 31))
    out["ranking_then"] = ranking("then", date(2026, 3, 1), date(2026, 3, 31))
    out["sums_equal"] = check_sums()
    common.emit(out, args.json)
    if args.write and "before" in out:
        write_results(out)
    if not args.keep:
        common.drop_db(url)


if __name__ == "__main__":
    main()
