"""Event-chain verification of 1M events, and what the hash chain and the Idempotency-Key cost.

Part ``verify`` (PostgreSQL): a database with about 1,000,000 events (``motcua generate`` through the
bulk importer, which chains the events while streaming COPY), then ``motcua verify_events`` three
times (the first writes a checkpoint, the next two also recompute it). The same import is timed in
a git worktree of the code before the chain (--base, default 2525c2d), to show the importer kept
its speed.

Part ``intake`` (PostgreSQL, one run): one database and one gunicorn (``-w WORKERS``, production
settings, rate limit lifted) per code version: --base (default 2525c2d, before issue 8), --pre
(default the parent of the first H5 commit: everything of issue 8 but the chain and the keys) and
the current tree; ``--stored`` dossiers generated in each first. Then ``--rounds`` rounds, each one
run of every variant in rotating order: base, pre, now, now with a fresh ``Idempotency-Key`` on every
request. A run is a closed loop of ``--concurrency`` threads (httpx, 127.0.0.1) posting intakes for
``--duration`` seconds. Reported: median throughput and p50/p99 per variant, and the cost of the
current code against base and against pre.

    .venv/bin/python bench/bench_verify_events.py --part verify --dossiers 150000
    .venv/bin/python bench/bench_verify_events.py --part intake --rounds 5 --duration 10
"""

from __future__ import annotations

import os
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import common

SLUGS = ["xuanhuong", "lamvien", "dilinh", "namban", "dinhvanlamha"]
TREES = Path("/tmp/motcua_bench_trees")
SECRET, CHAIN_KEY = secrets.token_urlsafe(48)[:60], secrets.token_urlsafe(40)  # one of each for the whole run


def worktree(commit: str) -> Path:
    """A detached git worktree of ``commit`` (created once, reused)."""
    path = TREES / commit
    if not path.exists():
        TREES.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "-C", str(common.ROOT), "worktree", "add", "--detach", str(path), commit],
                       check=True, capture_output=True)
    return path


def env(url: str, **extra: str) -> dict[str, str]:
    return common.bench_env(url, MOTCUA_SECRET_KEY=SECRET, MOTCUA_EVENT_CHAIN_KEY=CHAIN_KEY, **extra)


def run(tree: Path, url: str, *args: str, **extra: str) -> str:
    """``motcua <args>`` with the code of ``tree`` (its directory first on sys.path)."""
    out = subprocess.run([sys.executable, "-c", "from motcua.cli import main; main()", *args], cwd=tree,
                         env=env(url, **extra), check=True, capture_output=True, text=True)
    return out.stdout


def fresh(tree: Path, name: str) -> str:
    url = common.db_url("postgres", name)
    common.create_db(url)
    run(tree, url, "demo", "--dossiers", "0")
    return url


def count_events(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        return int(conn.execute("SELECT count(*) FROM dossiers_dossierevent").fetchone()[0])


def timed_generate(tree: Path, url: str, n: int) -> float:
    t = time.perf_counter()
    run(tree, url, "generate", str(n), "--seed", "11")
    return time.perf_counter() - t


# ---- verify -----------------------------------------------------------------------------------

def part_verify(args: Any, base: Path) -> dict[str, Any]:
    now = Path(common.ROOT)
    url = fresh(now, "motcua_bench_verify")
    import_now = timed_generate(now, url, args.dossiers)
    events = count_events(url)
    common.analyze(url)
    runs = []
    for i in range(3):
        out = subprocess.run([sys.executable, "-c", "from motcua.cli import main; main()", "verify_events", "--quiet"],
                             cwd=now, env=env(url), capture_output=True, text=True)
        if out.returncode != 0:
            raise SystemExit(f"verify failed: {out.stdout[-500:]} {out.stderr[-500:]}")
        m = re.search(r"OK: ([\d,]+) events of ([\d,]+) dossiers in ([\d.]+) s", out.stdout)
        assert m, out.stdout + out.stderr
        runs.append(float(m.group(3)))
        print(f"  verify run {i + 1}: {m.group(0)}", file=sys.stderr)
    base_url = fresh(base, "motcua_bench_verify_base")
    import_base = timed_generate(base, base_url, args.dossiers)
    common.drop_db(base_url)
    if not args.keep:
        common.drop_db(url)
    return {"events": events, "dossiers": args.dossiers, "verify_s": runs, "verify_median_s": statistics.median(runs),
            "events_per_s": round(events / statistics.median(runs)),
            "import_s": {"now": round(import_now, 1), "base": round(import_base, 1)},
            "import_cost": round(import_now / import_base - 1, 3)}


# ---- intake -----------------------------------------------------------------------------------

class Server:
    def __init__(self, tree: Path, url: str, workers: int) -> None:
        from bench_api_intake import free_port

        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        log = open(common.SQLITE_DIR / f"gunicorn-{tree.name}.log", "ab")  # noqa: SIM115
        e = env(url, MOTCUA_ENV="production", MOTCUA_ALLOWED_HOSTS="127.0.0.1", MOTCUA_SSL_REDIRECT="0",
                MOTCUA_HSTS_SECONDS="0", MOTCUA_RATE_API="100000000/m")
        self.proc = subprocess.Popen([str(common.BIN / "gunicorn"), "motcua.wsgi", "-w", str(workers), "--bind",
                                      f"127.0.0.1:{self.port}", "--log-level", "warning"], cwd=tree, env=e,
                                     stdout=log, stderr=log)
        import httpx

        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if httpx.get(self.base + "/api/v1/catalog/procedures?limit=1", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.3)
        raise RuntimeError(f"gunicorn of {tree} did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def load(base: str, tokens: list[str], bodies: list[tuple[int, bytes]], concurrency: int, duration: float,
         with_key: bool) -> dict[str, Any]:
    import httpx

    lat: list[float] = []
    errors: list[str] = []
    it = iter(bodies)
    lock = threading.Lock()
    deadline = time.perf_counter() + duration

    def worker() -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            while time.perf_counter() < deadline:
                with lock:
                    k, body = next(it)
                headers = {"Authorization": f"Bearer {tokens[k]}", "Content-Type": "application/json"}
                if with_key:
                    headers["Idempotency-Key"] = str(uuid.uuid4())
                t = time.perf_counter()
                r = client.post("/api/v1/dossiers", content=body, headers=headers)
                dt = time.perf_counter() - t
                with lock:
                    lat.append(dt)
                    if r.status_code != 201:
                        errors.append(f"{r.status_code} {r.text[:120]}")

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    lat.sort()
    return {"requests": len(lat), "per_s": round(len(lat) / wall, 1), "p50_ms": round(1000 * lat[len(lat) // 2], 1),
            "p99_ms": round(1000 * lat[int(len(lat) * 0.99)], 1), "errors": len(errors), "first_error": errors[:1]}


def part_intake(args: Any, base: Path, pre: Path) -> dict[str, Any]:
    from bench_api_intake import catalog_templates, payloads

    trees = {"base": base, "pre": pre, "now": Path(common.ROOT)}
    servers: dict[str, Server] = {}
    tokens: dict[str, list[str]] = {}
    bodies: dict[str, list[tuple[int, bytes]]] = {}
    urls = {}
    need = int(args.rounds * args.duration * 400) + 1000
    try:
        for tag, tree in trees.items():
            urls[tag] = url = fresh(tree, f"motcua_bench_idem_{tag}")
            if tag == "base":
                common.setup_django(url)  # this process only reads the demo names and builds payloads
            if args.stored:
                run(tree, url, "generate", str(args.stored), "--seed", "5")
            common.analyze(url)
            tokens[tag] = [run(tree, url, "issue_token", f"motcua.{s}", "bench").strip() for s in SLUGS]
            servers[tag] = Server(tree, url, args.workers)
            bodies[tag] = payloads(catalog_templates(servers[tag].base), need)
            print(f"  {tag}: {tree} ready", file=sys.stderr)
        variants = [("base", False), ("pre", False), ("now", False), ("now+key", True)]
        results: dict[str, list[dict[str, Any]]] = {v: [] for v, _ in variants}
        offsets = dict.fromkeys(trees, 0)
        for r in range(args.rounds):
            order = variants[r % 4:] + variants[: r % 4]
            for name, key in order:
                tag = name.split("+")[0]
                chunk = bodies[tag][offsets[tag]:]
                res = load(servers[tag].base, tokens[tag], chunk, args.concurrency, args.duration, key)
                offsets[tag] += res["requests"] + args.concurrency
                results[name].append(res)
                print(f"  round {r + 1} {name}: {res['per_s']}/s p50 {res['p50_ms']} ms p99 {res['p99_ms']} ms "
                      f"errors {res['errors']} {res['first_error']}", file=sys.stderr)
    finally:
        for s in servers.values():
            s.stop()
        from django.db import connections

        connections.close_all()
        if not args.keep:
            for url in urls.values():
                common.drop_db(url)
    med = {name: {"per_s": statistics.median(x["per_s"] for x in runs),
                  "p50_ms": statistics.median(x["p50_ms"] for x in runs),
                  "p99_ms": statistics.median(x["p99_ms"] for x in runs),
                  "errors": sum(x["errors"] for x in runs), "runs_per_s": [x["per_s"] for x in runs]}
           for name, runs in results.items()}
    cost = {f"{a}_vs_{b}": round(1 - med[a]["per_s"] / med[b]["per_s"], 3)
            for a in ("now", "now+key") for b in ("base", "pre")}
    return {"workers": args.workers, "concurrency": args.concurrency, "duration_s": args.duration,
            "rounds": args.rounds, "stored_dossiers": args.stored, "median": med, "throughput_cost": cost}


def part_paired(args: Any) -> dict[str, Any]:
    """In one process, intakes alternately with and without an Idempotency-Key (Django's test client,
    no HTTP server): a paired measure of the key's cost that load drift on a shared machine cannot bias."""
    import uuid as _uuid

    url = fresh(Path(common.ROOT), "motcua_bench_paired")
    os.environ.update(MOTCUA_SECRET_KEY=SECRET, MOTCUA_EVENT_CHAIN_KEY=CHAIN_KEY, MOTCUA_RATE_API="100000000/m",
                      MOTCUA_ALLOWED_HOSTS="testserver")
    common.setup_django(url)
    from bench_api_intake import payloads
    from django.test import Client

    from motcua.core.models import ApiToken
    from motcua.dossiers import eventchain

    templates = _templates(Client())
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    tokens = [ApiToken.issue(users.get(username=f"motcua.{s}"), "bench")[1] for s in SLUGS]
    bodies = payloads(templates, 2 * args.pairs + 50)
    clients = [Client(HTTP_AUTHORIZATION=f"Bearer {t}") for t in tokens]
    plain: list[float] = []
    keyed: list[float] = []
    for i in range(2 * args.pairs + 20):
        k, body = bodies[i]
        with_key = (i // 2 + i) % 2 == 0  # alternate which of the pair goes first
        extra = {"HTTP_IDEMPOTENCY_KEY": str(_uuid.uuid4())} if with_key else {}
        t = time.perf_counter()
        r = clients[k].post("/api/v1/dossiers", body, content_type="application/json", **extra)
        dt = time.perf_counter() - t
        assert r.status_code == 201, r.content[:300]
        if i >= 20:  # warm-up
            (keyed if with_key else plain).append(dt)
    key = eventchain.chain_key()
    from datetime import UTC, datetime

    at = datetime.now(UTC)
    t = time.perf_counter()
    for i in range(20_000):
        eventchain.hash_of(key, "f" * 64, dossier_id=i, at=at, action="intake", from_status=None, to_status=2,
                           actor_id=3, actor_name="Nguyễn Văn An", role="counter", unit_id=4, step_id=None, note="",
                           data={"code": "H68.90.01-261202-0001"}, attachments=[])
    hash_us = (time.perf_counter() - t) / 20_000 * 1e6
    from django.db import connections

    connections.close_all()
    if not args.keep:
        common.drop_db(url)
    pm, km = statistics.median(plain), statistics.median(keyed)
    return {"pairs": len(keyed), "plain_median_ms": round(1000 * pm, 2), "keyed_median_ms": round(1000 * km, 2),
            "key_cost": round(km / pm - 1, 3), "hash_us_per_event": round(hash_us, 1),
            "hash_share_of_intake": round(hash_us / 1e6 / pm, 4)}


def _templates(client: Any) -> list[dict[str, Any]]:
    """The catalog templates of bench_api_intake.catalog_templates, read through Django's test client."""
    from motcua.dossiers.generator import FIELD_WEIGHT

    out = []
    for p in client.get("/api/v1/catalog/procedures", {"level": "commune", "limit": 500}).json():
        r = client.get(f"/api/v1/catalog/procedures/{p['code']}")
        if r.status_code != 200:
            continue
        v = r.json()
        if v["methods"] and not any(m.get("channel") == 1 for m in v["methods"]):
            continue
        types = v["applicant_types"] or [0]
        out.append({"code": v["code"], "type": 0 if 0 in types else types[0],
                    "components": [{"component_id": x["id"], "originals": x["originals"], "copies": x["copies"]}
                                   for x in v["components"] if x["required"]],
                    "optional": [x["id"] for x in v["components"] if not x["required"]],
                    "weight": FIELD_WEIGHT.get(v["field"], 1)})
    return out


def main() -> None:
    p = common.parser(__doc__.splitlines()[0], n=0)
    p.add_argument("--part", choices=["verify", "intake", "both", "paired"], default="both")
    p.add_argument("--pairs", type=int, default=300, help="paired intakes (with and without a key)")
    p.add_argument("--dossiers", type=int, default=150_000, help="generated for the verify part (~6.7 events each)")
    p.add_argument("--base", default="2525c2d", help="the code before issue 8")
    p.add_argument("--pre", default="53fd240~1", help="the code before the chain and the keys")
    p.add_argument("--stored", type=int, default=20_000, help="dossiers stored before the intake runs")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--concurrency", type=int, default=2)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--duration", type=float, default=10.0)
    args = p.parse_args()
    out: dict[str, Any] = {"bench": "verify_events", "load_before": Path("/proc/loadavg").read_text().split()[:3]}
    base = worktree(subprocess.run(["git", "-C", str(common.ROOT), "rev-parse", "--short", args.base],
                                   check=True, capture_output=True, text=True).stdout.strip())
    if args.part == "paired":
        out["paired"] = part_paired(args)
    if args.part in ("verify", "both"):
        out["verify"] = part_verify(args, base)
    if args.part in ("intake", "both"):
        pre = worktree(subprocess.run(["git", "-C", str(common.ROOT), "rev-parse", "--short", args.pre],
                                      check=True, capture_output=True, text=True).stdout.strip())
        out["intake"] = part_intake(args, base, pre)
    out["load_after"] = Path("/proc/loadavg").read_text().split()[:3]
    common.emit(out, args.json)


if __name__ == "__main__":
    main()
