"""API intake under load: POST /api/v1/dossiers through gunicorn with N dossiers already stored.

Set-up (not timed): a PostgreSQL database with N stored dossiers (default 1,000,000, bulk-loaded
as in bench_recompute.py, so the two benches can share one database: --name/--reuse/--keep), one
API token per commune counter officer (``motcua issue_token motcua.<commune> bench``), and
intake payloads built from the live catalog: every commune-level procedure in force that
accepts counter intake (GET /api/v1/catalog/procedures?level=commune, then /procedures/{code}
for the required components' ids), for each of the 5 demo communes (receiving_unit_code = the
commune's service centre, handling_unit_code = the commune), realistic applicants.

Timed: for each gunicorn worker count W (``gunicorn motcua.wsgi -w W``, sync workers,
MOTCUA_ENV=production, DEBUG off), a closed-loop load generator (threads, one httpx client
each, only to 127.0.0.1) keeps C requests in flight (C = W unless --concurrency) for --duration
seconds after a warm-up, rotating over the 5 communes. Reported: throughput, p50/p95/p99
latency (client side), errors (non-201), and CPU seconds per request of the gunicorn workers,
PostgreSQL and the load generator. Targets: >= 300 dossiers/s, p99 < 50 ms.

Raw baseline (--raw, default on): the same rows written with plain psycopg, one transaction per
request-equivalent: BEGIN; counter upsert (INSERT .. ON CONFLICT DO UPDATE SET last = last + 1
RETURNING last); INSERT the dossier row (RETURNING id); one multi-row INSERT of its components;
INSERT the intake event; COMMIT. Values (unit, procedure, version ids, limit, due time) are
resolved beforehand, untimed. Run single-threaded and with the best API run's concurrency.

    .venv/bin/python bench/bench_api_intake.py --n 1000000 --name motcua_bench --reuse --keep
    .venv/bin/python bench/bench_api_intake.py --n 20000 --workers 3 --duration 10
    .venv/bin/python bench/bench_api_intake.py --n 20000 --profile 300   # in-process cProfile
"""

from __future__ import annotations

import json
import os
import random
import secrets
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import common

TARGET_RPS, TARGET_P99_MS = 300, 50.0
SLUGS = ["xuanhuong", "lamvien", "dilinh", "namban", "dinhvanlamha"]


# ---- server ---------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """gunicorn motcua.wsgi with W sync workers on 127.0.0.1 (started and stopped by us)."""

    def __init__(self, url: str, workers: int, log: Path, ready: str = "/api/v1/catalog/procedures?limit=1",
                 **env_extra: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.ready = ready  # the path answered 200 once the server is up
        env = common.bench_env(url, **{"MOTCUA_ENV": "production", "MOTCUA_ALLOWED_HOSTS": "127.0.0.1",
                                       "MOTCUA_SECRET_KEY": secrets.token_urlsafe(48)[:50],
                                       # plain http on the loopback; the per-token API limit still counts
                                       # every call (its cost is measured) but must not throttle the load
                                       "MOTCUA_SSL_REDIRECT": "0", "MOTCUA_RATE_API": "1000000/s", **env_extra})
        log.parent.mkdir(parents=True, exist_ok=True)
        self.log = open(log, "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [str(common.BIN / "gunicorn"), "motcua.wsgi", "-w", str(workers), "--bind",
             f"127.0.0.1:{self.port}", "--backlog", "2048", "--log-level", "warning"],
            env=env, cwd=common.ROOT, stdout=self.log, stderr=self.log)
        self._wait()

    def _wait(self) -> None:
        import httpx

        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if httpx.get(self.base + self.ready, timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError("gunicorn exited; see its log")
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not become ready")

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout
        return [int(x) for x in out.split()]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of the given processes (from /proc), in seconds."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total / tick


def postgres_pids() -> list[int]:
    out = subprocess.run(["pgrep", "-x", "postgres"], capture_output=True, text=True).stdout
    return [int(x) for x in out.split()]


# ---- payloads -------------------------------------------------------------------------------

def catalog_templates(base: str) -> list[dict[str, Any]]:
    """Commune-level procedures in force accepting counter intake, from the public catalog API."""
    import httpx

    from motcua.dossiers.generator import FIELD_WEIGHT

    out = []
    with httpx.Client(base_url=base, timeout=10) as c:
        for p in c.get("/api/v1/catalog/procedures", params={"level": "commune", "limit": 500}).json():
            r = c.get(f"/api/v1/catalog/procedures/{p['code']}")
            if r.status_code != 200:
                continue  # not in force today
            v = r.json()
            if v["methods"] and not any(m.get("channel") == 1 for m in v["methods"]):
                continue
            types = v["applicant_types"] or [0]
            comps = [{"component_id": x["id"], "originals": x["originals"], "copies": x["copies"]}
                     for x in v["components"] if x["required"]]
            out.append({"code": v["code"], "type": 0 if 0 in types else types[0], "components": comps,
                        "optional": [x["id"] for x in v["components"] if not x["required"]],
                        "weight": FIELD_WEIGHT.get(v["field"], 1)})
    return out


def communes() -> list[tuple[str, str, str]]:
    """(slug, service centre code, commune code) of the demo communes, as core.demo creates them."""
    from motcua.core.demo import COMMUNES

    return [(slug, code.replace(".10.", ".90.").replace(".11.", ".91."), code) for slug, code, _, _ in COMMUNES]


def payloads(templates: list[dict[str, Any]], count: int, seed: int = 3) -> list[tuple[int, bytes]]:
    """``count`` (commune index, JSON body), rotating over the communes."""
    from motcua.dossiers.generator import ENTERPRISE_NAMES, GIVEN, MIDDLE, SURNAMES

    rng = random.Random(seed)
    units = communes()
    weights = [t["weight"] for t in templates]
    out = []
    for i in range(count):
        k = i % len(units)
        t = rng.choices(templates, weights)[0]
        name = (rng.choice(ENTERPRISE_NAMES) if t["type"] else
                f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}")
        comps = list(t["components"]) + [{"component_id": c, "originals": 0, "copies": 1}
                                         for c in t["optional"] if rng.random() < 0.3]
        body = {
            "procedure_code": t["code"], "receiving_unit_code": units[k][1], "handling_unit_code": units[k][2],
            "channel": 1, "components": comps, "result_delivery": "counter", "sets": 1,
            "request_summary": "Đề nghị giải quyết thủ tục",
            "applicant": {"name": name, "type": t["type"], "id_number": f"068{rng.randrange(10**8, 10**9)}",
                          "phone": f"09{rng.randrange(10**7, 10**8)}", "address": "Tổ 5, Lâm Đồng"},
        }
        out.append((k, json.dumps(body, ensure_ascii=False).encode()))
    return out


def issue_tokens(url: str) -> list[str]:
    return [common.motcua(url, "issue_token", f"motcua.{slug}", "bench").strip() for slug in SLUGS]


# ---- load -----------------------------------------------------------------------------------

def load(base: str, tokens: list[str], bodies: list[tuple[int, bytes]], concurrency: int, duration: float,
         limit: int) -> dict[str, Any]:
    """Closed loop: ``concurrency`` threads each send one request at a time until ``duration``
    seconds or ``limit`` requests in total."""
    import httpx

    lat: list[float] = []
    errors: list[str] = []
    counter = iter(range(limit))
    lock = threading.Lock()
    deadline = time.perf_counter() + duration

    def worker() -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            while time.perf_counter() < deadline:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                k, body = bodies[i % len(bodies)]
                headers = {"Authorization": f"Bearer {tokens[k]}", "Content-Type": "application/json"}
                t = time.perf_counter()
                try:
                    r = client.post("/api/v1/dossiers", content=body, headers=headers)
                    ok, what = r.status_code == 201, f"{r.status_code} {r.text[:200]}"
                except httpx.HTTPError as exc:
                    ok, what = False, repr(exc)
                dt = time.perf_counter() - t
                with lock:
                    lat.append(dt)
                    if not ok:
                        errors.append(what)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    cpu0, t0 = time.process_time(), time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    return {"requests": len(lat), "wall_s": wall, "lat": lat, "errors": errors,
            "loadgen_cpu_s": time.process_time() - cpu0}


def summarize(run: dict[str, Any]) -> dict[str, Any]:
    lat = [x * 1000 for x in run["lat"]]
    ok = run["requests"] - len(run["errors"])
    return {
        "requests": run["requests"], "errors": len(run["errors"]), "seconds": round(run["wall_s"], 1),
        "throughput_per_s": round(ok / run["wall_s"], 1),
        "p50_ms": round(common.percentile(lat, 50), 1), "p95_ms": round(common.percentile(lat, 95), 1),
        "p99_ms": round(common.percentile(lat, 99), 1), "max_ms": round(max(lat), 1) if lat else None,
        "first_errors": sorted(set(run["errors"]))[:3],
    }


def api_run(url: str, workers: int, concurrency: int, tokens: list[str], bodies: list[tuple[int, bytes]],
            args: Any) -> dict[str, Any]:
    server = Server(url, workers, Path(common.SQLITE_DIR) / "gunicorn.log")
    try:
        load(server.base, tokens, bodies[-2000:], concurrency, 3.0, workers * 40)  # warm-up
        pids, pg = server.worker_pids(), postgres_pids()
        g0, p0 = cpu_seconds(pids), cpu_seconds(pg)
        run = load(server.base, tokens, bodies, concurrency, args.duration, args.max_requests)
        g1, p1 = cpu_seconds(pids), cpu_seconds(pg)
    finally:
        server.stop()
    out = {"workers": workers, "concurrency": concurrency, **summarize(run)}
    n = max(1, run["requests"])
    out["cpu_ms_per_request"] = {"gunicorn": round(1000 * (g1 - g0) / n, 2),
                                 "postgres": round(1000 * (p1 - p0) / n, 2),
                                 "loadgen": round(1000 * run["loadgen_cpu_s"] / n, 2)}
    print(f"  W={workers} C={concurrency}: {out['throughput_per_s']}/s p50 {out['p50_ms']} "
          f"p99 {out['p99_ms']} ms, {out['errors']} errors", file=sys.stderr, flush=True)
    return out


# ---- raw psycopg baseline -------------------------------------------------------------------

def raw_rows(bodies: list[tuple[int, bytes]], count: int) -> list[dict[str, Any]]:
    """Resolve payloads to the ids and values the INSERTs need (not timed)."""
    from motcua.calendars.services import calendar_for
    from motcua.catalog.models import Component, Procedure
    from motcua.catalog.services import version_in_force
    from motcua.core import clock
    from motcua.dossiers.generator import _cutoff
    from motcua.units.models import Unit

    units = {u.code: u for u in Unit.objects.all()}
    cal = calendar_for(common.province().pk)
    today = clock.local_date(clock.now())
    procs: dict[str, Any] = {}
    out = []
    for _, body in bodies[:count]:
        b = json.loads(body)
        if b["procedure_code"] not in procs:
            v = version_in_force(Procedure.objects.get(code=b["procedure_code"]), today)
            procs[b["procedure_code"]] = (v, {c.pk: c.name for c in Component.objects.filter(version=v)})
        v, names = procs[b["procedure_code"]]
        recv, hand = units[b["receiving_unit_code"]], units[b["handling_unit_code"]]
        comps = [(c["component_id"], names[c["component_id"]], c["originals"], c["copies"]) for c in b["components"]]
        out.append({"recv": recv, "hand": hand, "v": v, "b": b, "comps": comps, "limit": v.limit_seconds(1),
                    "fee": v.fee_total(1), "cal": cal, "cutoff": _cutoff(v)})
    return out


_D_COLS = ("code, receiving_unit_id, handling_unit_id, receiving_path, handling_path, procedure_id, version_id, "
           "channel, status, applicant_type, applicant_name, applicant_id_number, applicant_phone, applicant_email, "
           "applicant_address, representative_name, representative_id_number, representative_phone, "
           "request_summary, result_delivery, sets, submitted_at, received_at, limit_seconds, due_at, "
           "appointment_at, pauses, supplement_requests, verdict, late_seconds, fees_due, fees_paid, row_version, "
           "created_at, updated_at")


def raw_intake(cur: Any, r: dict[str, Any]) -> None:
    from datetime import UTC, datetime

    from motcua.domain.codes import format_dossier_code
    from motcua.domain.workcal import from_epoch

    now = datetime.now(UTC)
    day = (now.timestamp() + common.VN) // 86400
    local_day = datetime.fromtimestamp(day * 86400, UTC).date()
    seq = cur.execute("INSERT INTO dossiers_dossiercounter (unit_id, day, last) VALUES (%s, %s, 1) "
                      "ON CONFLICT (unit_id, day) DO UPDATE SET last = dossiers_dossiercounter.last + 1 "
                      "RETURNING last", [r["recv"].pk, local_day]).fetchone()[0]
    code = format_dossier_code(r["recv"].code, local_day, seq)
    due = from_epoch(r["cal"].due_epoch(int(now.timestamp()), r["limit"], (), r["cutoff"]))
    a, b = r["b"]["applicant"], r["b"]
    did = cur.execute(
        f"INSERT INTO dossiers_dossier ({_D_COLS}) VALUES ({', '.join(['%s'] * 35)}) RETURNING id",
        [code, r["recv"].pk, r["hand"].pk, r["recv"].path, r["hand"].path, r["v"].procedure_id, r["v"].pk, 1, 2,
         a["type"], a["name"], a["id_number"], a["phone"], "", a["address"], "", "", "", b["request_summary"],
         "counter", 1, now, now, r["limit"], due, due, "[]", 0, "", 0, r["fee"], 0, 1, now, now]).fetchone()[0]
    if r["comps"]:
        cur.execute("INSERT INTO dossiers_dossiercomponent (dossier_id, component_id, name, originals, copies) "
                    f"VALUES {', '.join(['(%s, %s, %s, %s, %s)'] * len(r['comps']))}",
                    [x for c in r["comps"] for x in (did, *c)])
    cur.execute("INSERT INTO dossiers_dossierevent (dossier_id, seq, at, action, from_status, to_status, actor_name, "
                "role, unit_id, note, data, attachments) VALUES (%s, 1, %s, 'intake', NULL, 2, %s, "
                "'counter_officer', %s, '', %s, '[]')", [did, now, "bench", r["recv"].pk, json.dumps({"code": code})])


def raw_run(url: str, rows: list[dict[str, Any]], concurrency: int, duration: float) -> dict[str, Any]:
    import psycopg

    lat: list[float] = []
    lock = threading.Lock()
    counter = iter(range(len(rows)))
    deadline = time.perf_counter() + duration

    def worker() -> None:
        with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
            while time.perf_counter() < deadline:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                t = time.perf_counter()
                with conn.transaction(), conn.cursor() as cur:
                    raw_intake(cur, rows[i])
                dt = time.perf_counter() - t
                with lock:
                    lat.append(dt)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    out = {"concurrency": concurrency, **summarize({"requests": len(lat), "wall_s": time.perf_counter() - t0,
                                                    "lat": lat, "errors": []})}
    out.pop("first_errors")
    print(f"  raw C={concurrency}: {out['throughput_per_s']}/s p99 {out['p99_ms']} ms", file=sys.stderr)
    return out


# ---- in-process profile ---------------------------------------------------------------------

def profile(tokens: list[str], bodies: list[tuple[int, bytes]], count: int) -> None:
    """cProfile + query count of ``count`` intakes through Django's test client (one process)."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    for k, body in bodies[:20]:  # warm caches
        client.post("/api/v1/dossiers", body, content_type="application/json",
                    headers={"Authorization": f"Bearer {tokens[k]}"})
    with CaptureQueriesContext(connection) as q:
        k, body = bodies[20]
        r = client.post("/api/v1/dossiers", body, content_type="application/json",
                        headers={"Authorization": f"Bearer {tokens[k]}"})
    print(f"one intake: HTTP {r.status_code}, {len(q.captured_queries)} SQL statements:")
    for s in q.captured_queries:
        print(f"  {s['time']}s  {s['sql'][:160]}")
    pr = cProfile.Profile()
    t = time.perf_counter()
    pr.enable()
    for k, body in bodies[21:21 + count]:
        client.post("/api/v1/dossiers", body, content_type="application/json",
                    headers={"Authorization": f"Bearer {tokens[k]}"})
    pr.disable()
    print(f"{count} intakes in-process: {1000 * (time.perf_counter() - t) / count:.2f} ms each (profiled)")
    stats = pstats.Stats(pr)
    stats.sort_stats("cumulative").print_stats(40)
    stats.print_callees(r"api.py.*\(create\)")
    stats.print_callees(r"services.py.*\(intake\)")
    stats.sort_stats("tottime").print_stats(25)


# ---- main -----------------------------------------------------------------------------------

def main() -> None:
    p = common.parser(__doc__.splitlines()[0], n=1_000_000)
    p.add_argument("--workers", default="3,4,5", help="gunicorn worker counts to try (default 3,4,5)")
    p.add_argument("--concurrency", type=int, help="requests in flight (default: = workers)")
    p.add_argument("--duration", type=float, default=20.0, help="seconds per run (default 20)")
    p.add_argument("--max-requests", type=int, default=20_000, help="cap per run (default 20,000)")
    p.add_argument("--no-raw", dest="raw", action="store_false", help="skip the raw psycopg baseline")
    p.add_argument("--profile", type=int, default=0, help="instead: cProfile this many in-process intakes")
    args = p.parse_args()
    if args.db != "postgres":
        raise SystemExit("the API bench runs on PostgreSQL only")
    url = common.db_url(args.db, args.name or "motcua_bench_api")
    common.prepare(url, args.reuse)
    common.setup_django(url)
    from bench_recompute import ensure_open_dossiers

    info = ensure_open_dossiers(url, args.n)
    from motcua.dossiers.models import Dossier

    stored = Dossier.objects.count()
    tokens = issue_tokens(url)
    server = Server(url, 1, Path(common.SQLITE_DIR) / "gunicorn.log")
    try:
        templates = catalog_templates(server.base)
    finally:
        server.stop()
    bodies = payloads(templates, args.max_requests + 2000)
    try:
        if args.profile:
            profile(tokens, bodies, args.profile)
            return
        result = measure(url, args, info, stored, templates, tokens, bodies)
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            common.drop_db(url)
    common.emit(result, args.json)


def measure(url: str, args: Any, info: dict[str, Any], stored: int, templates: list[dict[str, Any]],
            tokens: list[str], bodies: list[tuple[int, bytes]]) -> dict[str, Any]:
    runs = []
    for w in [int(x) for x in args.workers.split(",")]:
        runs.append(api_run(url, w, args.concurrency or w, tokens, bodies[: args.max_requests], args))
    best = max(runs, key=lambda r: r["throughput_per_s"])
    result: dict[str, Any] = {
        "bench": "api_intake", "db": args.db, "stored_dossiers": stored, **info, "procedures": len(templates),
        "duration_s": args.duration, "runs": runs, "best": best,
        "target": {"per_s": TARGET_RPS, "p99_ms": TARGET_P99_MS},
        "met": best["throughput_per_s"] >= TARGET_RPS and best["p99_ms"] < TARGET_P99_MS and not best["errors"],
    }
    if args.raw:
        rows = raw_rows(bodies, min(len(bodies), 40_000))
        raw = [raw_run(url, rows[: len(rows) // 2], 1, args.duration),
               raw_run(url, rows[len(rows) // 2:], best["concurrency"], args.duration)]
        result["raw"] = raw
        result["api_vs_raw_same_concurrency"] = round(best["throughput_per_s"] / raw[1]["throughput_per_s"], 3)
    return result


if __name__ == "__main__":
    main()
