"""Run every benchmark (each in its own process and database) and write bench/RESULTS.md.

    .venv/bin/python bench/run_all.py            # target sizes (about 30-40 minutes on 2 cores)
    .venv/bin/python bench/run_all.py --quick    # small sizes, a couple of minutes (smoke test)

The API and PostgreSQL recompute benches share one database (motcua_bench_1m: 1M open
dossiers, loaded once); every database is dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import common

HERE = Path(__file__).resolve().parent


def plan(quick: bool) -> list[tuple[str, str, list[str]]]:
    """(key, script, arguments) in order."""
    big, imp, sq = (20_000, 20_000, 20_000) if quick else (1_000_000, 200_000, 300_000)
    dur = "5" if quick else "20"
    shared = ["--name", "motcua_bench_1m"]
    return [
        ("due", "bench_due.py", ["--n", "100000" if quick else "500000"]),
        ("rules", "rules.py", ["--n", "100000" if quick else "500000"]),
        ("import_pg", "bench_bulk_import.py", ["--db", "postgres", "--n", str(imp)]),
        ("import_sqlite", "bench_bulk_import.py", ["--db", "sqlite", "--n", str(imp)]),
        ("api", "bench_api_intake.py", ["--n", str(big), "--duration", dur, *shared, "--reuse", "--keep"]),
        ("recompute_pg", "bench_recompute.py", ["--db", "postgres", "--n", str(big), *shared, "--reuse"]),
        ("recompute_sqlite", "bench_recompute.py", ["--db", "sqlite", "--n", str(sq)]),
        ("certcopy", "certcopy.py", ["--n", "4", "--repeat", "1"] if quick else []),
        ("digitization", "digitization.py", ["--db", "sqlite", "--n", "1000" if quick else "5000"]),
        ("docstore", "docstore.py", ["--db", "sqlite", "--n", "10000" if quick else "100000"]),
        ("feedback", "feedback.py", ["--db", "sqlite", "--n", "10000" if quick else "100000"]),
        ("open311", "open311.py", ["--db", "sqlite", "--n", "2000" if quick else "10000"]),
        ("post", "post.py", ["--db", "sqlite", "--n", "200" if quick else "2000"]),
        ("intake_boundaries", "intake_boundaries.py", ["--db", "sqlite", "--n", "5000" if quick else "50000",
                                                       "--requests", "20" if quick else "100"]),
        ("vneid", "vneid.py", ["--db", "sqlite", "--n", "20" if quick else "100"]),
        ("population", "population.py", ["--db", "sqlite", "--n", "100" if quick else "1000"]),
        ("reorg_figures", "reorg_figures.py", ["--n", str(big), "--real", "3000" if quick else "30000",
                                               "--samples", "20" if quick else "200"]),
        ("post_history", "post_history.py", ["--db", "sqlite", "--n", "2000" if quick else "10000",
                                             "--repeat", "1" if quick else "3"]),
        ("eforms", "eforms.py", ["--db", "postgres", "--n", "20000" if quick else "1000000",
                                 *(["--quick"] if quick else [])]),
        ("eforms_pdf", "eforms_pdf.py", ["--n", "10" if quick else "50"]),
        ("reorganize", "reorganize.py", ["--db", "postgres", "--n", "5000" if quick else "100000"]),
        ("queueing", "queueing.py", ["--rounds", "5" if quick else "20"]),
        ("legacy_import", "legacy_import.py", ["--db", "postgres", "--n", "5000" if quick else "200000"]),
    ]


def machine() -> dict[str, str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    import psycopg

    try:
        with psycopg.connect(common.PG_BASE.rstrip("/").replace("postgres://", "postgresql://") + "/postgres") as c:
            pg = c.execute("SHOW server_version").fetchone()[0]
            settings = dict(c.execute("SELECT name, setting || COALESCE(unit, '') FROM pg_settings WHERE name IN "
                                      "('shared_buffers', 'synchronous_commit', 'max_wal_size')").fetchall())
    except psycopg.Error as exc:
        pg, settings = f"unreachable ({exc.__class__.__name__})", {}
    return {
        "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"), "nproc": str(os.cpu_count()),
        "cpu": cpu, "ram": f"{mem_kb / 1024 / 1024:.1f} GiB", "python": platform.python_version(),
        "postgresql": pg + (" (" + ", ".join(f"{k}={v}" for k, v in settings.items()) + ")" if settings else ""),
        "os": platform.platform(),
    }


def run(script: str, args: list[str]) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        out = fh.name
    cmd = [sys.executable, str(HERE / script), *args, "--json", out]
    print("$", " ".join(cmd[1:]), flush=True)
    proc = subprocess.run(cmd, cwd=common.ROOT, stdout=subprocess.DEVNULL)
    try:
        return json.loads(Path(out).read_text()) if proc.returncode == 0 else {"error": proc.returncode}
    finally:
        Path(out).unlink(missing_ok=True)


def yes(ok: object) -> str:
    return "**met**" if ok else "**missed**"


def _due(r: dict[str, Any]) -> list[str]:
    return [f"| due time (`due_epoch`), pure domain | n={r['n']:,} | {r['due_epoch_per_s']:,}/s "
            f"({r['due_epoch_us']} µs each); datetime wrapper `due`: {r['due_datetime_per_s']:,}/s "
            f"| ≥ 200,000/s | {yes(r['met'])} |"]


def _import(r: dict[str, Any]) -> list[str]:
    return [f"| bulk import ({r['db']}) | {r['n']:,} dossiers, {r['events']:,} events | "
            f"{r['dossiers_per_s']:,} dossiers/s, {r['events_per_s']:,} events/s (median of "
            f"{len(r['runs_s'])}: {r['runs_s']} s) | ≥ 20,000 dossiers/s | {yes(r['met'])} |"]


def _recompute(r: dict[str, Any]) -> list[str]:
    runs = "; ".join(f"{x['scanned']:,} scanned / {x['changed']:,} changed / {x['seconds']} s" for x in r["runs"])
    s = r["scan_only"]
    scanned = r["runs"][0]["scanned"]
    met = r["seconds_per_million"] < 30
    note = "" if scanned >= 1_000_000 else " (extrapolated)"
    return [f"| recompute after a new holiday ({r['db']}) | {scanned:,} open dossiers | "
            f"median {r['median_s']} s ({r['seconds_per_million']} s per million{note}); runs: {runs}; "
            f"no-change rescan {s['seconds']} s | 1M in < 30 s | {yes(met)}{note} |"]


def _api(r: dict[str, Any]) -> list[str]:
    b = r["best"]
    lines = [f"| API intake, gunicorn W={b['workers']} C={b['concurrency']} (best) | {r['stored_dossiers']:,} "
             f"stored | {b['throughput_per_s']}/s, p50 {b['p50_ms']} ms, p95 {b['p95_ms']} ms, p99 {b['p99_ms']} ms, "
             f"{b['errors']} errors | ≥ 300/s, p99 < 50 ms | {yes(r['met'])} |"]
    return lines


def _api_detail(r: dict[str, Any]) -> list[str]:
    out = ["", "### API intake runs", "",
           "| workers | concurrency | requests | errors | dossiers/s | p50 ms | p95 ms | p99 ms | max ms | "
           "CPU ms/request (gunicorn / postgres / load generator) |", "|---|---|---|---|---|---|---|---|---|---|"]
    for x in r["runs"]:
        c = x["cpu_ms_per_request"]
        out.append(f"| {x['workers']} | {x['concurrency']} | {x['requests']:,} | {x['errors']} | "
                   f"{x['throughput_per_s']} | {x['p50_ms']} | {x['p95_ms']} | {x['p99_ms']} | {x['max_ms']} | "
                   f"{c['gunicorn']} / {c['postgres']} / {c['loadgen']} |")
    for x in r.get("raw", []):
        out.append(f"| raw psycopg | {x['concurrency']} | {x['requests']:,} | 0 | {x['throughput_per_s']} | "
                   f"{x['p50_ms']} | {x['p95_ms']} | {x['p99_ms']} | {x['max_ms']} | - |")
    if "api_vs_raw_same_concurrency" in r:
        out += ["", f"API / raw psycopg throughput at the same concurrency: **{r['api_vs_raw_same_concurrency']}**."]
    errs = [e for x in r["runs"] for e in x.get("first_errors", [])]
    if errs:
        out += ["", "First errors: " + "; ".join(f"`{e[:160]}`" for e in errs[:3])]
    return out


def _certcopy(r: dict[str, Any]) -> list[str]:
    t = r["timing"]
    steps = ", ".join(f"{k} {v['per_second']:.1f}/s ({v['ms_each']:.0f} ms)" for k, v in t.items())
    sizes = "; ".join(f"{k} scan {s['scan']:,} B -> B-LTA copy {s['B-LTA']:,} B" for k, s in r["size"].items())
    return [f"| certified copies, software key (no database) | one-page original, n={t['pdf B-B']['n']} "
            f"(B-LTA {t['pdf B-LTA']['n']}) x {r['repeat']} | {steps}; {sizes} | - | |"]


def _digitization(r: dict[str, Any]) -> list[str]:
    return [f"| digitization marking + refresh ({r['db']}) | {r['dossiers']:,} dossiers, {r['components']:,} "
            f"components | mark {r['mark_s']} s, read-model refresh {r['refresh_s']} s; year's figures: event log "
            f"{r['figures_event_log_ms']} ms, read model {r['figures_read_model_ms']} ms | - | |"]


def _docstore(r: dict[str, Any]) -> list[str]:
    return [f"| citizen's document store ({r['db']}) | {r['stored_documents']:,} documents, {r['holders']:,} "
            f"holders | listing {r['listing_ms_median']} ms (p95 {r['listing_ms_p95']}), store page "
            f"{r['store_page_ms_median']} ms (p95 {r['store_page_ms_p95']}), reuse lookup "
            f"{r['reuse_lookup_ms_median']} ms (p95 {r['reuse_lookup_ms_p95']}), 766 measures "
            f"{r['measures_seconds_median']} s | - | |"]


def _feedback(r: dict[str, Any]) -> list[str]:
    q = ", ".join(f"{k[len('queue_'):-len('_ms_median')]} {v} ms" for k, v in r.items()
                  if k.startswith("queue_") and k.endswith("_ms_median"))
    proj = f"{r['projection_per_second']:,}/s" if "projection_per_second" in r else "- (reused database)"
    return [f"| feedback ({r['db']}) | {r['cases']:,} cases | judged {r['judged_per_second']:,}/s, projection "
            f"{proj}; queue pages (median): {q}; month's on-time measure "
            f"{r['on_time_measure_seconds']} s, Excel {r['excel_seconds']} s ({r['month_cases']:,} cases) | - | |"]


def _open311(r: dict[str, Any]) -> list[str]:
    return [f"| Open311 ({r['db']}) | {r['cases']:,} cases | GET requests.json {r['get_json_per_s']}/s "
            f"({r['get_json_ms']} ms), .xml {r['get_xml_per_s']}/s ({r['get_xml_ms']} ms), POST "
            f"{r['post_per_s']}/s | - | |"]


def _post(r: dict[str, Any]) -> list[str]:
    return [f"| postal service vs simulator ({r['db']}) | {r['orders']:,} orders, {r['tracking_rows']:,} "
            f"tracking rows | {r['orders_per_second']} orders/s, {r['rows_per_second']} tracking rows/s, "
            f"all delivered: {r['all_delivered']} | - | |"]


def _post_history(r: dict[str, Any]) -> list[str]:
    return [f"| postal/fee events in the bulk import ({r['db']}) | {r['n']:,} dossiers, {r['events_full']:,} "
            f"events (+{r['events_added_pct']}%) | import {r['median_plain_s']} s without / {r['median_full_s']} s "
            f"with them (ratio {r['time_ratio_full_over_plain']}; {r['dossiers_per_s_full']:,} dossiers/s) | - | |"]


def _eforms_pdf(r: dict[str, Any]) -> list[str]:
    return [f"| e-form PDFs (declaration, extract) | {r['forms']} shipped forms x {r['n']} | declaration p50 "
            f"{r['declaration_median_ms']} ms / p95 {r['declaration_p95_ms']} ms; extract p50 {r['extract_median_ms']} "
            f"ms / p95 {r['extract_p95_ms']} ms | - | |"]


def _legacy_import(r: dict[str, Any]) -> list[str]:
    return [f"| legacy history import ({r['db']}) | {r['dossiers']:,} dossiers + {r['events']:,} events = "
            f"{r['rows']:,} rows | dry run {r['dry_run_rows_per_s']:,} rows/s; import {r['import_rows_per_s']:,} "
            f"rows/s, {r['import_dossiers_per_s']:,} dossiers/s; read model {r['readmodel_refresh_s']} s; "
            f"peak memory {r['maxrss_mib']} MiB | - | |"]


def _queueing(r: dict[str, Any]) -> list[str]:
    s, h = r["services"], r.get("http")
    line = (f"| queue tickets, 50 counters at once ({r['db']}) | {s['rounds']} rounds x 50 threads | services: "
            f"issue p50 {s['issue']['p50_ms']} / p95 {s['issue']['p95_ms']} / max {s['issue']['max_ms']} ms, call p50 "
            f"{s['call']['p50_ms']} / p95 {s['call']['p95_ms']} / max {s['call']['max_ms']} ms, called twice "
            f"{s['called_twice']}, lost {s['lost']}")
    if h:
        line += (f"; panel HTTP (gunicorn -w {h['workers']}): call p50 {h['next']['p50_ms']} / p95 "
                 f"{h['next']['p95_ms']} / max {h['next']['max_ms']} ms, {h['errors']} errors")
    return [line + f" | p95 < 100 ms | {yes(r.get('met_services') and r.get('met_http', True))} |"]


RENDER = {"legacy_import": _legacy_import, "due": _due, "import_pg": _import, "import_sqlite": _import, "api": _api,
          "recompute_pg": _recompute, "recompute_sqlite": _recompute, "certcopy": _certcopy,
          "digitization": _digitization, "docstore": _docstore, "feedback": _feedback, "open311": _open311,
          "post": _post, "post_history": _post_history, "eforms_pdf": _eforms_pdf, "queueing": _queueing}


def write_results(m: dict[str, str], results: dict[str, dict[str, Any]], quick: bool, path: Path) -> None:
    lines = ["# Benchmark results", "", "Generated by `bench/run_all.py`" + (" --quick" if quick else "") +
             "; see bench/README.md for what each figure measures.", "", "## Machine", ""]
    lines += [f"- {k}: {v}" for k, v in m.items()]
    lines += ["", "## Results", "", "| benchmark | size | result | target | |", "|---|---|---|---|---|"]
    for key, r in results.items():
        lines += [f"| {key} | - | failed (exit {r['error']}) | | |"] if "error" in r else RENDER[key](r)
    if "api" in results and "error" not in results["api"]:
        lines += _api_detail(results["api"])
    lines += ["", "## Raw output", "", "```json", json.dumps(results, indent=1, default=str), "```", ""]
    path.write_text("\n".join(lines) + hand_written(path), encoding="utf-8")


def _parts(path: Path) -> tuple[str, str] | None:
    """An earlier RESULTS.md split after its raw output block: (the JSON, the sections written by hand
    below it: the benchmarks run separately), or None."""
    try:
        text = path.read_text(encoding="utf-8")
        raw, rest = text.split("```json\n", 1)[1].split("\n```", 1)
        return raw, rest.lstrip("\n")
    except (OSError, IndexError, ValueError):
        return None


def hand_written(path: Path) -> str:
    """What follows the generated part of an earlier RESULTS.md, kept as it is."""
    parts = _parts(path)
    return "\n" + parts[1] if parts and parts[1] else ""


def previous(path: Path) -> dict[str, dict[str, Any]]:
    """Results embedded in an earlier RESULTS.md (so that --only updates just those entries)."""
    parts = _parts(path)
    try:
        return dict(json.loads(parts[0])) if parts else {}
    except ValueError:
        return {}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    p.add_argument("--only", help="comma-separated keys: due,import_pg,import_sqlite,api,recompute_pg,recompute_sqlite,"
                   "certcopy,digitization,docstore,feedback,open311,post,post_history")
    p.add_argument("--out", default=str(HERE / "RESULTS.md"))
    args = p.parse_args()
    wanted = set(args.only.split(",")) if args.only else None
    m = machine()
    results: dict[str, dict[str, Any]] = previous(Path(args.out)) if wanted else {}
    try:
        for key, script, a in plan(args.quick):
            if wanted is None or key in wanted:
                results[key] = run(script, a)
    finally:
        common.drop_db(common.db_url("postgres", "motcua_bench_1m"))
    order = [key for key, _, _ in plan(args.quick)]
    results = {k: results[k] for k in order if k in results}
    write_results(m, results, args.quick, Path(args.out))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
