"""Office queue pages at scale: p50/p95 render time and queries per page (target < 300 ms at 1M dossiers).

Set-up (timed, reported, not part of the figures): a database of its own, seeded with ``motcua demo
--dossiers 0``; N dossiers loaded with motcua.dossiers.bulk.import_history, the fastest existing path:
(1 - OPEN_SHARE) x N two-year histories from motcua.dossiers.generator.Generator (every status, mostly
returned; the open ones are the tail of the period) and OPEN_SHARE x N open received / processing
counter dossiers of the last two weeks (common.open_records), so that the work queues are large.
The bulk import does not place dossiers at an internal step, so processing dossiers are then put at
a step of their unit's process with one UPDATE: a third each at the first step, the first specialist
step and the first leader step. Then VACUUM ANALYZE.

Timed: every queue of several officers (commune counter, specialist and leader; provincial centre
counter; a department specialist; the provincial monitor, who sees the whole province) rendered
through Django's test Client (real middleware, session, templates) with the clock frozen at the end
of the generated period, for several filters: none, page 2 (the ``after`` cursor of page 1's
"next" link), search by a dossier code on page 1, search by an applicant name, by procedure, by due
window. Each case: 2 warm-up requests, then --requests timed requests (p50, p95, max), and the
queries of one more request counted with CaptureQueriesContext. Cases over the target are explained
with EXPLAIN (ANALYZE, BUFFERS) of their slowest query (--explain-all: every case).

    .venv/bin/python bench/bench_queues.py --keep                      # load 1M, measure, keep the db
    .venv/bin/python bench/bench_queues.py --reuse --keep --write      # measure again, append to RESULTS.md
    .venv/bin/python bench/bench_queues.py --n 20000 --requests 5      # smoke test
"""

from __future__ import annotations

import html
import json
import re
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import common

TARGET_MS = 300.0
END = date(2025, 12, 31)  # a Wednesday: the generated period ends here, the clock is frozen then
START = END - timedelta(days=730)
OPEN_SHARE = 0.10
NAME_SEARCH = "Nguyễn Văn"
# (officer, queues) - the monitor sees every dossier of the province
OFFICERS = [
    ("motcua.xuanhuong", ["receive", "start", "return", "supplement", "approaching", "overdue"]),
    ("chuyenvien.xuanhuong", ["process"]),
    ("lanhdao.xuanhuong", ["approve"]),
    ("motcua.tinh", ["receive", "start", "return"]),
    ("chuyenvien.sotuphap", ["process"]),
    ("giamsat.tinh", ["supplement", "approaching", "overdue"]),
]
PLACE_AT_STEPS = """
WITH pick AS (SELECT procedure_id, unit_id, min("order") AS first,
                     min("order") FILTER (WHERE role = 'specialist') AS spec,
                     min("order") FILTER (WHERE role = 'leader') AS lead
              FROM catalog_processstep GROUP BY 1, 2)
UPDATE dossiers_dossier d SET current_step_id = s.id
FROM pick, catalog_processstep s
WHERE d.status = 4 AND d.current_step_id IS NULL
  AND pick.procedure_id = d.procedure_id AND pick.unit_id = d.handling_unit_id
  AND s.procedure_id = d.procedure_id AND s.unit_id = d.handling_unit_id
  AND s."order" = CASE d.id % 3 WHEN 0 THEN coalesce(pick.lead, pick.first)
                                WHEN 1 THEN coalesce(pick.spec, pick.first) ELSE pick.first END
"""


# ---- data -----------------------------------------------------------------------------------

def _count() -> int:
    from motcua.dossiers.models import Dossier

    return Dossier.objects.count()


def load(url: str, n: int, reuse: bool) -> dict[str, Any]:
    """Create, seed and fill the database unless a reused one already holds ``n`` dossiers."""
    created = common.prepare(url, reuse)
    common.setup_django(url)
    have = _count()
    saved = _load_info_file(url)
    if not created and have >= n:
        return {**(json.loads(saved.read_text()) if saved.exists() else {"loaded": 0}), "existing": have}
    if have:
        raise SystemExit(f"the database has {have:,} dossiers, not {n:,}: drop it or use another --name")
    from django.db import connection

    from motcua.dossiers.bulk import import_history
    from motcua.dossiers.generator import Generator

    n_open = int(n * OPEN_SHARE)
    prov = common.province()
    t0 = time.perf_counter()
    gen = Generator(prov, START, END, seed=2025)
    done = import_history(gen.records(n - n_open), prov.pk, batch=20_000, progress=_progress(n))
    history_s = time.perf_counter() - t0
    done += import_history(common.open_records(n_open, END - timedelta(days=13), END, seed_=31), prov.pk,
                           batch=20_000, progress=_progress(n))
    load_s = time.perf_counter() - t0
    with connection.cursor() as c:
        c.execute(PLACE_AT_STEPS)
        placed = c.rowcount
    t1 = time.perf_counter()
    common.analyze(url)
    info = {"loaded": done, "open_added": n_open, "history_s": round(history_s, 1), "load_s": round(load_s, 1),
            "load_per_s": round(done / load_s), "placed_at_steps": placed,
            "analyze_s": round(time.perf_counter() - t1, 1)}
    saved.write_text(json.dumps(info))
    return info


def _load_info_file(url: str) -> Path:
    """Where the set-up figures are kept, so that a --reuse run still reports how the data was made."""
    common.SQLITE_DIR.mkdir(parents=True, exist_ok=True)
    return common.SQLITE_DIR / f"{url.rsplit('/', 1)[-1].removesuffix('.sqlite3')}.queues-load.json"


def _progress(n: int):  # noqa: ANN202
    return lambda k: print(f"  loaded {k:,}/{n:,}", file=sys.stderr, flush=True)


def status_counts() -> dict[int, int]:
    from django.db.models import Count

    from motcua.dossiers.models import Dossier

    return dict(Dossier.objects.values_list("status").annotate(n=Count("id")).order_by("status"))


def freeze_clock() -> datetime:
    """Pages render at 17:00 on the last day of the generated period (Asia/Ho_Chi_Minh)."""
    from motcua.core import clock

    at = clock.aware(datetime.combine(END, datetime.min.time()).replace(hour=17))
    clock.now = lambda: at  # type: ignore[assignment]
    return at


# ---- requests -------------------------------------------------------------------------------

def client_for(username: str):  # noqa: ANN201
    from django.contrib.auth import get_user_model
    from django.test import Client

    c = Client(HTTP_HOST="127.0.0.1")
    c.force_login(get_user_model().objects.get(username=username))
    return c


def fetch(client: Any, path: str, params: dict[str, str]) -> tuple[float, str]:
    t = time.perf_counter()
    r = client.get(path, params)
    ms = (time.perf_counter() - t) * 1000
    if r.status_code != 200:
        raise SystemExit(f"{path}?{urlencode(params)} answered {r.status_code}")
    return ms, r.content.decode()


def count_queries(client: Any, path: str, params: dict[str, str]) -> tuple[int, list[dict[str, str]]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fetch(client, path, params)
    return len(ctx.captured_queries), list(ctx.captured_queries)


def measure(client: Any, path: str, params: dict[str, str], k: int) -> dict[str, Any]:
    for _ in range(2):
        _, page = fetch(client, path, params)
    times = [fetch(client, path, params)[0] for _ in range(k)]
    queries, captured = count_queries(client, path, params)
    slowest = max(captured, key=lambda q: float(q["time"]))
    return {"p50_ms": round(common.percentile(times, 50), 1), "p95_ms": round(common.percentile(times, 95), 1),
            "max_ms": round(max(times), 1), "queries": queries, "rows": page.count('<tr class="'),
            "slowest_sql": slowest["sql"], "slowest_sql_ms": round(float(slowest["time"]) * 1000, 1)}


NEXT = re.compile(r'href="\?([^"]*)"[^>]*rel="next"')
ROW = re.compile(r'<a href="/office/dossiers/(\d+)/">([^<]+)</a>')


def cases(client: Any, path: str) -> list[tuple[str, dict[str, str]]]:
    """The filter combinations for one queue, built from what its first page shows."""
    from motcua.dossiers.models import Dossier

    _, first = fetch(client, path, {})
    out: list[tuple[str, dict[str, str]]] = [("first page", {})]
    nxt = NEXT.search(first)
    if nxt:
        out.append(("page 2 (after)", dict(parse_qsl(html.unescape(nxt.group(1))))))
    row = ROW.search(first)
    if row:
        out.append(("code search", {"q": html.unescape(row.group(2))}))
        proc = Dossier.objects.filter(pk=int(row.group(1))).values_list("procedure_id", flat=True).first()
        out.append(("by procedure", {"procedure": str(proc)}))
    out.append(("name search", {"q": NAME_SEARCH}))
    out.append(("due in 7 days", {"due": "week"}))
    out.append(("overdue + procedure", {"due": "overdue", **({"procedure": str(proc)} if row else {})}))
    return out


def explain(sql: str) -> str:
    from django.db import connection

    if connection.vendor != "postgresql":
        return ""
    with connection.cursor() as c:
        c.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(r[0] for r in c.fetchall())


def run_cases(k: int, explain_all: bool) -> list[dict[str, Any]]:
    results = []
    for username, slugs in OFFICERS:
        client = client_for(username)
        for slug in slugs:
            path = f"/office/queues/{slug}/"
            for label, params in cases(client, path):
                m = measure(client, path, params, k)
                m.update(officer=username, queue=slug, case=label, params=urlencode(params)[:120])
                if explain_all or m["p95_ms"] > TARGET_MS:
                    m["plan"] = explain(m["slowest_sql"])
                print(f"  {username:22} {slug:12} {label:20} p50 {m['p50_ms']:7.1f} p95 {m['p95_ms']:7.1f} ms"
                      f"  {m['queries']} queries  {m['rows']} rows", file=sys.stderr, flush=True)
                results.append(m)
    return results


# ---- report ---------------------------------------------------------------------------------

def markdown(res: dict[str, Any]) -> str:
    m = res["machine"]
    lines = [
        "", f"## Office queue pages (`bench/bench_queues.py`, {res['db']}, {res['dossiers']:,} dossiers)", "",
        f"{m['date']}; {m['nproc']} cores ({m['cpu']}), {m['ram']}, PostgreSQL {m.get('postgresql', '-')}; "
        "shared with other jobs while measured. Pages rendered through Django's test client (middleware, session, "
        f"templates; DEBUG off) with the clock frozen at {res['now']}; {res['requests']} timed requests per case "
        "after 2 warm-ups; queries counted on one more request.", "",
        f"Data: {res['load_text']}. Dossiers per status code: "
        + ", ".join(f"{k}: {v:,}" for k, v in res["statuses"].items()) + ".", "",
        "| officer | queue | case | p50 ms | p95 ms | max ms | queries | rows | slowest query ms | target |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in res["cases"]:
        ok = "met" if r["p95_ms"] < TARGET_MS else "**missed**"
        lines.append(f"| {r['officer']} | {r['queue']} | {r['case']} | {r['p50_ms']} | {r['p95_ms']} | {r['max_ms']} "
                     f"| {r['queries']} | {r['rows']} | {r['slowest_sql_ms']} | {ok} |")
    lines += ["", f"Summary: {res['summary']}", ""]
    return "\n".join(lines)


def load_text(info: dict[str, Any]) -> str:
    if not info.get("loaded"):
        return f"reused database with {info.get('existing', 0):,} dossiers"
    reused = " (earlier run; this one reused the database)" if "existing" in info else ""
    return (f"{info['loaded']:,} dossiers bulk-imported in {info['load_s']} s ({info['load_per_s']:,}/s; "
            f"two-year histories {info['history_s']} s, then {info['open_added']:,} open ones), "
            f"{info['placed_at_steps']:,} processing dossiers placed at a step, "
            f"VACUUM ANALYZE {info['analyze_s']} s{reused}")


def summarize(rows: list[dict[str, Any]]) -> str:
    missed = [r for r in rows if r["p95_ms"] >= TARGET_MS]
    worst = max(rows, key=lambda r: r["p95_ms"])
    q = sorted({r["queries"] for r in rows})
    return (f"{len(rows) - len(missed)}/{len(rows)} cases under {TARGET_MS:.0f} ms at p95; worst "
            f"{worst['officer']} {worst['queue']} {worst['case']} p95 {worst['p95_ms']} ms; queries per page "
            f"{q[0]}-{q[-1]} (constant per queue, independent of the number of rows).")


def main() -> None:
    p = common.parser(__doc__.splitlines()[0], n=1_000_000)
    p.add_argument("--requests", type=int, default=30, help="timed requests per case (default 30)")
    p.add_argument("--explain-all", action="store_true", help="EXPLAIN ANALYZE every case, not only slow ones")
    p.add_argument("--write", action="store_true", help="append a section to bench/RESULTS.md")
    args = p.parse_args()
    url = common.db_url(args.db, args.name or f"motcua_qb_queues_{args.db}")
    info = load(url, args.n, args.reuse)
    now = freeze_clock()
    from run_all import machine

    rows = run_cases(args.requests, args.explain_all)
    from django.utils import timezone

    res = {"bench": "queues", "db": args.db, "dossiers": _count(), "requests": args.requests,
           "now": timezone.localtime(now).strftime("%H:%M %d/%m/%Y (%Z)"),
           "load": info, "load_text": load_text(info), "statuses": status_counts(), "machine": machine(),
           "cases": rows, "summary": summarize(rows)}
    common.emit({**res, "cases": [{k: v for k, v in r.items() if k != "slowest_sql"} for r in rows]}, args.json)
    if args.write:
        with (Path(__file__).parent / "RESULTS.md").open("a", encoding="utf-8") as f:
            f.write(markdown(res))
    if not args.keep:
        from django.db import connections

        connections.close_all()
        common.drop_db(url)


if __name__ == "__main__":
    main()
