"""Run every benchmark (each in its own process and database) and write bench/RESULTS.md.

    .venv/bin/python bench/run_all.py            # target sizes (about 20-30 minutes on 2 cores)
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
        ("import_pg", "bench_bulk_import.py", ["--db", "postgres", "--n", str(imp)]),
        ("import_sqlite", "bench_bulk_import.py", ["--db", "sqlite", "--n", str(imp)]),
        ("api", "bench_api_intake.py", ["--n", str(big), "--duration", dur, *shared, "--reuse", "--keep"]),
        ("recompute_pg", "bench_recompute.py", ["--db", "postgres", "--n", str(big), *shared, "--reuse"]),
        ("recompute_sqlite", "bench_recompute.py", ["--db", "sqlite", "--n", str(sq)]),
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


RENDER = {"due": _due, "import_pg": _import, "import_sqlite": _import, "api": _api,
          "recompute_pg": _recompute, "recompute_sqlite": _recompute}


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
    path.write_text("\n".join(lines), encoding="utf-8")


def previous(path: Path) -> dict[str, dict[str, Any]]:
    """Results embedded in an earlier RESULTS.md (so that --only updates just those entries)."""
    try:
        text = path.read_text(encoding="utf-8")
        return dict(json.loads(text.split("```json\n", 1)[1].split("\n```", 1)[0]))
    except (OSError, IndexError, ValueError):
        return {}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    p.add_argument("--only", help="comma-separated keys: due,import_pg,import_sqlite,api,recompute_pg,recompute_sqlite")
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
