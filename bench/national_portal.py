"""National portal sync (issue 9): throughput to the simulator, an outage drained, the outbox's cost on intake.

Set-up (not timed): a throw-away database (SQLite by default, PostgreSQL with --pg) seeded with
``motcua demo --dossiers 0``, realistic histories from ``motcua generate`` (the bulk importer:
~6.8 events per dossier), and the simulator server (``python -m ...national_portal.simulator``,
its own SQLite state) on 127.0.0.1. One outbox message per event is enqueued with
``sync.enqueue(dossier, seq)``, exactly what the dossier services' hook does for each event
(``np:<dossier>:<seq>``, ordered per dossier); the enqueue rate is reported too.

a. Sync throughput: the events of --dossiers dossiers are enqueued, then ``motcua worker``
   processes (1, and 2 on PostgreSQL) run until no portal message is pending. Reported: events/s
   and messages/s from the workers' start (their start-up included) to the drain, median of
   --repeat runs (outbox, sync state and simulator emptied between runs). After every run the
   simulator holds exactly the dossiers and one trail row per event.
b. Outage: the simulator is stopped while --outage-events events (whole dossiers) are enqueued,
   then it comes back and one worker (two on PostgreSQL) drains them. Reported: time to drain,
   messages/s and events/s. A dossier's first message carries all its events (TraCuuHoSo,
   DongBoHoSoMC, the trail in chunks of 10); its later messages find them acknowledged.
c. The outbox's cost on API intake: the core intake benchmark's requests (bench_api_intake.py:
   POST /api/v1/dossiers through gunicorn, production settings) against two gunicorns on one
   PostgreSQL database, one with the integration off and one with MOTCUA_NATIONAL_PORTAL_URL set
   (no worker runs: only the enqueue is measured); --rounds rounds of one --duration run of each,
   alternating which goes first. Reported: median throughput and p50/p99 of each; target < 15%.
p. (--parts p) The same cost paired in one process: intakes through Django's test client, the
   integration switched off and on between two requests, --pairs pairs; median time of each.

    .venv/bin/python bench/national_portal.py [--quick] [--pg] [--parts a,b,c]
"""

from __future__ import annotations

import os
import secrets
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import common

DSTCODE, UNIT = "000.00.00.H39", "000.00.11.H39"
SECRET, CHAIN_KEY = secrets.token_urlsafe(48)[:60], secrets.token_urlsafe(40)


# ---- the simulator --------------------------------------------------------------------------

class Simulator:
    def __init__(self, state: Path, port: int = 0) -> None:
        self.state = state
        self.port = port
        self.start()

    def start(self) -> None:
        import httpx

        self.proc = subprocess.Popen(
            [sys.executable, "-m", "motcua.integrations.national_portal.simulator", "--port", str(self.port),
             "--state", str(self.state)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            cwd=common.ROOT)
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if "listening on" not in line:
            self.proc.kill()
            raise RuntimeError(f"the simulator did not start: {line!r}")
        self.url = line.strip().rsplit(" ", 1)[-1]
        self.port = int(self.url.rsplit(":", 1)[1])  # restarted on the same port after an outage
        self.http = httpx.Client(timeout=30)

    def stop(self) -> None:
        self.http.close()
        self.proc.terminate()
        self.proc.wait(20)

    def reset(self) -> None:
        self.http.post(f"{self.url}/_sim/reset", json={}).raise_for_status()

    def state_(self) -> dict[str, Any]:
        return self.http.get(f"{self.url}/_sim/state").json()


def portal_env(sim_url: str) -> dict[str, str]:
    return {"MOTCUA_NATIONAL_PORTAL_URL": sim_url, "MOTCUA_NATIONAL_PORTAL_DSTCODE": DSTCODE,
            "MOTCUA_NATIONAL_PORTAL_UNIT_CODE": UNIT, "MOTCUA_NATIONAL_PORTAL_CONNECT_TIMEOUT": "2",
            "MOTCUA_NATIONAL_PORTAL_READ_TIMEOUT": "10", "MOTCUA_JOBS_BACKOFF_BASE": "0.2",
            "MOTCUA_JOBS_BACKOFF_MAX": "1", "MOTCUA_SECRET_KEY": SECRET, "MOTCUA_EVENT_CHAIN_KEY": CHAIN_KEY}


# ---- outbox ---------------------------------------------------------------------------------

def quiet_periodic() -> None:
    """Only the outbox runs during the timed drains (no pulls, read-model refresh, verification)."""
    from datetime import timedelta

    from django.utils import timezone

    from motcua.jobs.models import PeriodicSchedule

    far = timezone.now() + timedelta(days=30)
    for name in ("national_portal.pull", "national_portal.catalog", "readmodel.refresh", "tasks.prune",
                 "events.verify"):
        PeriodicSchedule.objects.update_or_create(name=name, defaults={"next_run_at": far})


def empty_outbox() -> None:
    from django_tasks_db.models import DBTaskResult

    from motcua.integrations.national_portal.models import DossierSync
    from motcua.jobs.models import OutboxMessage

    OutboxMessage.objects.all().delete()
    DossierSync.objects.all().delete()
    DBTaskResult.objects.all().delete()


def rearm() -> None:
    """Put every message back as just enqueued (pending, never tried, its dossier not synced), the
    heads of the dossiers scheduled: a repetition without paying the enqueue again."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from motcua.integrations.national_portal.models import DossierSync
    from motcua.jobs import outbox
    from motcua.jobs.models import OutboxMessage, Status

    OutboxMessage.objects.update(status=Status.PENDING, attempts=0, delivered_at=None, leased_until=None,
                                 last_error="", next_attempt_at=timezone.now(), task_id=None)
    DossierSync.objects.update(state="pending", synced_seq=0, on_portal=False, attempts=0, last_attempt_at=None,
                               synced_at=None, last_error="")
    DBTaskResult.objects.all().delete()
    while outbox.sweep():
        pass


def events_of(limit_events: int | None = None, dossiers: int | None = None) -> list[tuple[int, int]]:
    """(dossier, seq) of every event of the first dossiers (by id): ``dossiers`` of them, or whole
    dossiers until ``limit_events`` events."""
    from motcua.dossiers.models import DossierEvent

    out: list[tuple[int, int]] = []
    seen: set[int] = set()
    for pk, seq in DossierEvent.objects.order_by("dossier_id", "seq").values_list("dossier_id", "seq").iterator(
            chunk_size=10_000):
        if pk not in seen:
            if (dossiers is not None and len(seen) == dossiers) or (
                    limit_events is not None and len(out) >= limit_events):
                break
            seen.add(pk)
        out.append((pk, seq))
    return out


def enqueue_all(events: list[tuple[int, int]], batch: int = 1000) -> float:
    """One message per event, as the services' hook makes them, in transactions of ``batch``
    events; returns the seconds taken."""
    from django.db import transaction

    from motcua.integrations.national_portal import sync

    t = time.perf_counter()
    for i in range(0, len(events), batch):
        with transaction.atomic():
            for pk, seq in events[i:i + batch]:
                sync.enqueue(pk, seq)
    return time.perf_counter() - t


def pending() -> int:
    from motcua.jobs.models import OutboxMessage, Status

    return OutboxMessage.objects.filter(destination="national_portal", status=Status.PENDING).count()


def drain(url: str, sim_url: str, workers: int, timeout: float) -> float:
    """Start ``workers`` worker processes, wait until no portal message is pending, stop them
    (SIGTERM); returns the seconds from their start to the drain."""
    from django.db import connections

    env = common.bench_env(url, **portal_env(sim_url))
    t = time.perf_counter()
    procs = [subprocess.Popen([str(common.BIN / "motcua"), "worker", "--interval", "0.05", "--worker-id",
                               f"bench{i}", "-v", "0"], env=env, cwd=common.ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for i in range(workers)]
    try:
        while pending():
            if time.perf_counter() - t > timeout:
                raise RuntimeError(f"not drained after {timeout} s: {pending()} pending")
            if any(p.poll() is not None for p in procs):
                raise RuntimeError("a worker exited")
            connections.close_all()  # SQLite: no read transaction kept open beside the workers
            time.sleep(0.2)
        seconds = time.perf_counter() - t
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()
    return seconds


def verify(sim: Simulator, events: list[tuple[int, int]]) -> dict[str, Any]:
    """The simulator holds exactly these dossiers and one trail row per event; nothing dead."""
    from motcua.dossiers.models import Dossier
    from motcua.jobs.models import OutboxMessage, Status

    st = sim.state_()
    ids = {pk for pk, _ in events}
    codes = set(Dossier.objects.filter(pk__in=ids).values_list("code", flat=True))
    dead = OutboxMessage.objects.filter(status=Status.DEAD).count()
    ok = set(st["dossiers"]) == codes and st["trail_rows"] == len(events) and dead == 0
    if not ok:
        raise RuntimeError(f"portal differs: {len(st['dossiers'])} dossiers for {len(codes)}, "
                           f"{st['trail_rows']} rows for {len(events)} events, {dead} dead letters")
    return {"dossiers": len(codes), "trail_rows": st["trail_rows"]}


# ---- parts ----------------------------------------------------------------------------------

def part_throughput(url: str, sim: Simulator, args: Any, pg: bool) -> dict[str, Any]:
    events = events_of(dossiers=args.dossiers)
    dossiers = len({pk for pk, _ in events})
    out: dict[str, Any] = {"dossiers": dossiers, "events": len(events), "runs": {}}
    empty_outbox()
    enq = enqueue_all(events)
    out["enqueue_s"], out["enqueue_per_s"] = round(enq, 1), round(len(events) / enq)
    print(f"  a. {len(events):,} events of {dossiers:,} dossiers enqueued: {len(events) / enq:,.0f}/s",
          file=sys.stderr, flush=True)
    for workers in ([1, 2] if pg else [1]):
        runs = []
        for r in range(args.repeat):
            sim.reset()
            rearm()
            seconds = drain(url, sim.url, workers, timeout=3600)
            check = verify(sim, events)
            runs.append({"seconds": round(seconds, 2), **check})
            print(f"  a. {workers} worker(s) run {r + 1}: {len(events) / seconds:,.0f} events/s "
                  f"({seconds:.1f} s)", file=sys.stderr, flush=True)
        med = statistics.median(x["seconds"] for x in runs)
        out["runs"][workers] = {
            "seconds": [x["seconds"] for x in runs], "median_s": med,
            "events_per_s": round(len(events) / med), "dossiers_per_s": round(dossiers / med, 1),
        }
    return out


def part_outage(url: str, sim: Simulator, args: Any, pg: bool) -> dict[str, Any]:
    events = events_of(limit_events=args.outage_events)
    dossiers = len({pk for pk, _ in events})
    empty_outbox()
    sim.reset()
    sim.stop()  # the portal is down
    enq = enqueue_all(events)
    print(f"  b. {len(events):,} events of {dossiers:,} dossiers queued during the outage in {enq:.0f} s",
          file=sys.stderr, flush=True)
    sim.start()  # back, same port, same (empty) state
    workers = 2 if pg else 1
    seconds = drain(url, sim.url, workers, timeout=7200)
    check = verify(sim, events)
    print(f"  b. drained in {seconds:.0f} s", file=sys.stderr, flush=True)
    return {"events": len(events), "messages": len(events), "dossiers": dossiers, "workers": workers,
            "enqueue_s": round(enq, 1), "drain_s": round(seconds, 1),
            "messages_per_s": round(len(events) / seconds), "events_per_s": round(len(events) / seconds),
            "dossiers_per_s": round(dossiers / seconds, 1), **check}


class Gunicorn:
    def __init__(self, url: str, workers: int, extra: dict[str, str], log: Path) -> None:
        from bench_api_intake import free_port

        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = common.bench_env(url, MOTCUA_ENV="production", MOTCUA_ALLOWED_HOSTS="127.0.0.1",
                               MOTCUA_SECRET_KEY=SECRET, MOTCUA_EVENT_CHAIN_KEY=CHAIN_KEY, MOTCUA_SSL_REDIRECT="0",
                               MOTCUA_RATE_API="1000000/s", **extra)
        env.pop("MOTCUA_NATIONAL_PORTAL_URL", None) if not extra else None
        self.log = open(log, "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [str(common.BIN / "gunicorn"), "motcua.wsgi", "-w", str(workers), "--bind", f"127.0.0.1:{self.port}",
             "--backlog", "2048", "--log-level", "warning"], env=env, cwd=common.ROOT, stdout=self.log,
            stderr=self.log)
        import httpx

        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                if httpx.get(self.base + "/api/v1/catalog/procedures?limit=1", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {log}")
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not become ready")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def part_intake(args: Any) -> dict[str, Any]:
    """Intake with the integration off and on, alternating; PostgreSQL (the core API bench's)."""
    import psycopg
    from bench_api_intake import catalog_templates, issue_tokens, load, payloads, summarize

    url = common.db_url("postgres", "motcua_bench_np_api")
    common.create_db(url)
    common.seed(url)
    if args.stored:
        common.motcua(url, "generate", str(args.stored), "--seed", "5")
    common.analyze(url)
    if "DJANGO_SETTINGS_MODULE" not in os.environ:  # c alone: the payloads read the generator's names
        common.setup_django(url)
    tokens = issue_tokens(url)
    log = common.SQLITE_DIR / "np_gunicorn.log"
    common.SQLITE_DIR.mkdir(parents=True, exist_ok=True)
    on_env = {"MOTCUA_NATIONAL_PORTAL_URL": "http://127.0.0.1:9", "MOTCUA_NATIONAL_PORTAL_USERNAME": "bench",
              "MOTCUA_NATIONAL_PORTAL_PASSWORD": secrets.token_urlsafe(16), "MOTCUA_NATIONAL_PORTAL_DSTCODE": DSTCODE,
              "MOTCUA_NATIONAL_PORTAL_UNIT_CODE": UNIT}
    servers = {"off": Gunicorn(url, args.workers, {}, log), "on": Gunicorn(url, args.workers, on_env, log)}
    results: dict[str, list[dict[str, Any]]] = {"off": [], "on": []}
    try:
        need = int(args.rounds * 2 * args.duration * 300) + 2000
        bodies = payloads(catalog_templates(servers["off"].base), need)
        offset = 0
        for name in ("off", "on"):  # warm-up of both
            load(servers[name].base, tokens, bodies[-1000:], args.concurrency, 2.0, 400)
        for r in range(args.rounds):
            for name in (("off", "on") if r % 2 == 0 else ("on", "off")):
                res = summarize(load(servers[name].base, tokens, bodies[offset:], args.concurrency, args.duration,
                                     len(bodies) - offset))
                offset += res["requests"] + args.concurrency
                results[name].append(res)
                print(f"  c. round {r + 1} {name}: {res['throughput_per_s']}/s p50 {res['p50_ms']} "
                      f"p99 {res['p99_ms']} ms, {res['errors']} errors {res['first_errors'][:1]}",
                      file=sys.stderr, flush=True)
    finally:
        for s in servers.values():
            s.stop()
    with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
        queued = conn.execute("SELECT count(*) FROM jobs_outboxmessage").fetchone()[0]
    if not args.keep:
        common.drop_db(url)
    med = {name: {"per_s": statistics.median(x["throughput_per_s"] for x in runs),
                  "p50_ms": statistics.median(x["p50_ms"] for x in runs),
                  "p99_ms": statistics.median(x["p99_ms"] for x in runs),
                  "errors": sum(x["errors"] for x in runs),
                  "runs_per_s": [x["throughput_per_s"] for x in runs]} for name, runs in results.items()}
    return {"workers": args.workers, "concurrency": args.concurrency, "duration_s": args.duration,
            "rounds": args.rounds, "stored_dossiers": args.stored, "median": med,
            "messages_enqueued_by_on": queued,
            "throughput_cost": round(1 - med["on"]["per_s"] / med["off"]["per_s"], 3),
            "p50_cost": round(med["on"]["p50_ms"] / med["off"]["p50_ms"] - 1, 3),
            "target_cost": 0.15}


def part_paired(args: Any) -> dict[str, Any]:
    """In one process, intakes alternately with the integration off and on (Django's test client,
    no HTTP server, PostgreSQL): a paired measure of the enqueue's cost that load drift on a shared
    machine cannot bias (as bench_verify_events.py's paired part)."""
    import dataclasses

    from bench_api_intake import payloads
    from bench_verify_events import SLUGS, _templates

    url = common.db_url("postgres", "motcua_bench_np_paired")
    common.create_db(url)
    common.seed(url)
    os.environ.update(MOTCUA_SECRET_KEY=SECRET, MOTCUA_EVENT_CHAIN_KEY=CHAIN_KEY, MOTCUA_RATE_API="100000000/m",
                      MOTCUA_ALLOWED_HOSTS="testserver")
    common.setup_django(url)
    from django.contrib.auth import get_user_model
    from django.test import Client

    from motcua.core.models import ApiToken
    from motcua.integrations.national_portal import jobs as np_jobs

    off_cfg = dataclasses.replace(np_jobs.CONFIG, national_portal_url="")
    on_cfg = dataclasses.replace(np_jobs.CONFIG, national_portal_url="http://127.0.0.1:9",
                                 national_portal_dstcode=DSTCODE, national_portal_unit_code=UNIT)
    users = get_user_model().objects
    tokens = [ApiToken.issue(users.get(username=f"motcua.{s}"), "bench")[1] for s in SLUGS]
    bodies = payloads(_templates(Client()), 2 * args.pairs + 50)
    clients = [Client(HTTP_AUTHORIZATION=f"Bearer {t}") for t in tokens]
    times: dict[str, list[float]] = {"off": [], "on": []}
    for i in range(2 * args.pairs + 20):
        k, body = bodies[i]
        on = (i // 2 + i) % 2 == 0  # alternate which of the pair goes first
        np_jobs.CONFIG = on_cfg if on else off_cfg
        t = time.perf_counter()
        r = clients[k].post("/api/v1/dossiers", body, content_type="application/json")
        dt = time.perf_counter() - t
        assert r.status_code == 201, r.content[:300]
        if i >= 20:  # warm-up
            times["on" if on else "off"].append(dt)
    from django.db import connections

    from motcua.jobs.models import OutboxMessage

    queued = OutboxMessage.objects.count()
    connections.close_all()
    if not args.keep:
        common.drop_db(url)
    off, on = statistics.median(times["off"]), statistics.median(times["on"])
    return {"pairs": len(times["on"]), "off_median_ms": round(1000 * off, 2), "on_median_ms": round(1000 * on, 2),
            "cost": round(on / off - 1, 3), "added_ms": round(1000 * (on - off), 2), "messages_enqueued": queued}


# ---- main -----------------------------------------------------------------------------------

def machine() -> dict[str, Any]:
    model = next((ln.split(":", 1)[1].strip() for ln in subprocess.run(["lscpu"], capture_output=True,
                  text=True).stdout.splitlines() if ln.startswith("Model name")), "?")
    return {"nproc": os.cpu_count(), "cpu": model, "python": sys.version.split()[0],
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "load": Path("/proc/loadavg").read_text().split()[:3]}


def main() -> None:
    p = common.parser(__doc__.splitlines()[0], n=0, default_db="sqlite")
    p.add_argument("--quick", action="store_true", help="small sizes: a smoke test")
    p.add_argument("--pg", action="store_true", help="parts a and b on PostgreSQL (and 2 workers)")
    p.add_argument("--parts", default="a,b,c")
    p.add_argument("--dossiers", type=int, default=2000, help="a: dossiers synced (~6.8 events each)")
    p.add_argument("--outage-events", type=int, default=100_000, help="b: events queued during the outage")
    p.add_argument("--rounds", type=int, default=5, help="c: rounds of one off and one on run")
    p.add_argument("--duration", type=float, default=10.0, help="c: seconds per run")
    p.add_argument("--workers", type=int, default=2, help="c: gunicorn workers per server")
    p.add_argument("--concurrency", type=int, default=2, help="c: requests in flight")
    p.add_argument("--pairs", type=int, default=300, help="p: paired in-process intakes (off / on)")
    p.add_argument("--stored", type=int, default=20_000, help="c: dossiers stored before the intake runs")
    args = p.parse_args()
    if args.quick:
        args.dossiers, args.outage_events, args.repeat = 150, 3000, 1
        args.rounds, args.duration, args.stored = 2, 3.0, 500
    parts = set(args.parts.split(","))
    out: dict[str, Any] = {"bench": "national_portal", "machine": machine(), "quick": args.quick}
    if parts & {"a", "b"}:
        pg = args.pg
        url = common.db_url("postgres" if pg else "sqlite", args.name or "motcua_bench_np")
        common.create_db(url)
        common.seed(url)
        n = max(args.dossiers, int(args.outage_events / 6.5) + 50) if "b" in parts else args.dossiers
        common.motcua(url, "generate", str(n), "--seed", "9")
        common.analyze(url)
        state = common.SQLITE_DIR / "np_sim.sqlite3"
        state.unlink(missing_ok=True)
        sim = Simulator(state)
        os.environ.update(portal_env(sim.url))
        common.setup_django(url)
        quiet_periodic()
        out["db"] = "postgres" if pg else "sqlite"
        try:
            if "a" in parts:
                out["throughput"] = part_throughput(url, sim, args, pg)
            if "b" in parts:
                out["outage"] = part_outage(url, sim, args, pg)
        finally:
            sim.stop()
            from django.db import connections

            connections.close_all()
            if not args.keep:
                common.drop_db(url)
    if "c" in parts:
        out["intake"] = part_intake(args)
    if "p" in parts:
        out["paired"] = part_paired(args)
    out["load_after"] = Path("/proc/loadavg").read_text().split()[:3]
    common.emit(out, args.json)


if __name__ == "__main__":
    main()
