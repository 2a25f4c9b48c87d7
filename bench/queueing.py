"""Queue tickets under load: 50 counters calling at once (issue 14).

Set-up (not timed): a PostgreSQL database of its own seeded with ``motcua demo --dossiers 0``; a bench
service centre with 5 service groups, 50 counters (each serving every group) and 50 counter officers,
each seated at their counter.

Timed:
* ``services``: 50 threads, each with its own database connection (Django's per-thread connection)
  and its own counter; ``--rounds`` rounds, each started by all 50 threads at once (a barrier): the
  thread issues a ticket (services.issue_ticket, a random group), calls the next number
  (calling.call_next: the claim) and finishes it (calling.finish). Latency of each call, p50/p95/max.
  Checked afterwards: no ticket called twice, none lost.
* ``http``: the counter panel through gunicorn (``-w --workers`` sync workers, production settings on
  127.0.0.1): the same 50 officers (signed-in sessions made beforehand) POST "Gọi số tiếp theo" as htmx
  does (the panel redrawn) and then "Hoàn thành", all 50 at once per round, with tickets issued beforehand.
  Client-side latency p50/p95/max of each request kind; errors (non-200).

    .venv/bin/python bench/queueing.py                   # PostgreSQL, 20 rounds
    .venv/bin/python bench/queueing.py --rounds 5 --no-http
"""

from __future__ import annotations

import os
import random
import re
import secrets
import sys
import threading
import time
from pathlib import Path
from typing import Any

import common

COUNTERS = 50
TARGET_MS = 100.0


def _stats(xs: list[float]) -> dict[str, Any]:
    return {"n": len(xs), "p50_ms": round(common.median(xs) * 1000, 1),
            "p95_ms": round(common.percentile(xs, 95) * 1000, 1), "max_ms": round(max(xs) * 1000, 1) if xs else None}


def _setup() -> tuple[Any, list[Any], list[Any], list[Any]]:
    from django.contrib.auth import get_user_model

    from motcua.core.demo import PROVINCE
    from motcua.queueing.models import Counter, ServiceGroup
    from motcua.units.choices import Role, UnitKind
    from motcua.units.models import StaffRole, Unit

    province = Unit.objects.get(code=PROVINCE[0])
    unit, _ = Unit.objects.get_or_create(code="000.00.99.H39", defaults={
        "name": "Trung tâm PVHCC (bench)", "kind": UnitKind.SERVICE_CENTRE, "parent": province})
    groups = [ServiceGroup.objects.get_or_create(unit=unit, letter=x, defaults={"name": f"Nhóm {x}"})[0]
              for x in "ABCDE"]
    User = get_user_model()
    counters, users = [], []
    for i in range(1, COUNTERS + 1):
        user, created = User.objects.get_or_create(username=f"bench.quay{i}")
        if created:
            user.set_unusable_password()
            user.save()
        StaffRole.objects.get_or_create(user=user, unit=unit, role=Role.COUNTER_OFFICER)
        c, _ = Counter.objects.get_or_create(unit=unit, number=i)
        c.groups.add(*groups)
        Counter.objects.filter(pk=c.pk).update(officer=user)
        counters.append(c)
        users.append(user)
    return unit, groups, counters, users


def run_sequential(groups: list[Any], counters: list[Any], users: list[Any], n: int) -> dict[str, Any]:
    """The same calls one at a time (one counter): the cost of a call without contention."""
    from motcua.dossiers.services import Actor
    from motcua.queueing import calling, services

    actor = Actor.of(users[0])
    times: dict[str, list[float]] = {"issue": [], "call": [], "finish": []}
    for i in range(n):
        t0 = time.perf_counter()
        services.issue_ticket(groups[i % len(groups)])
        t1 = time.perf_counter()
        t = calling.call_next(actor, counters[0].pk)
        t2 = time.perf_counter()
        calling.finish(actor, t.pk)
        t3 = time.perf_counter()
        times["issue"].append(t1 - t0)
        times["call"].append(t2 - t1)
        times["finish"].append(t3 - t2)
    return {k: _stats(v) for k, v in times.items()}


def run_services(groups: list[Any], counters: list[Any], users: list[Any], rounds: int) -> dict[str, Any]:
    from django.db import connections

    from motcua.dossiers.services import Actor
    from motcua.queueing import calling, services
    from motcua.queueing.models import Ticket

    actors = [Actor.of(u) for u in users]
    for a in actors:  # warm the per-process role caches outside the timing
        calling.counters_for(a)
    times: dict[str, list[float]] = {"issue": [], "call": [], "finish": []}
    called: list[int] = []
    issued: list[int] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(COUNTERS)

    def work(i: int) -> None:
        rng = random.Random(i)
        mine: dict[str, list[float]] = {k: [] for k in times}
        got, made = [], []
        try:
            for _ in range(rounds):
                barrier.wait()
                t0 = time.perf_counter()
                t = services.issue_ticket(rng.choice(groups))
                t1 = time.perf_counter()
                made.append(t.pk)
                c = calling.call_next(actors[i], counters[i].pk)
                t2 = time.perf_counter()
                mine["issue"].append(t1 - t0)
                mine["call"].append(t2 - t1)
                if c is not None:
                    got.append(c.pk)
                    t3 = time.perf_counter()
                    calling.finish(actors[i], c.pk)
                    mine["finish"].append(time.perf_counter() - t3)
        except Exception as err:  # noqa: BLE001
            errors.append(repr(err)[:300])
            barrier.abort()
        finally:
            connections.close_all()
            with lock:
                for k, v in mine.items():
                    times[k].extend(v)
                called.extend(got)
                issued.extend(made)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=work, args=(i,)) for i in range(COUNTERS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    left = Ticket.objects.filter(pk__in=issued, status="waiting").count()
    return {"rounds": rounds, "threads": COUNTERS, "seconds": round(wall, 2), "errors": errors[:3],
            "issue": _stats(times["issue"]), "call": _stats(times["call"]), "finish": _stats(times["finish"]),
            "issued": len(issued), "called": len(called), "called_twice": len(called) - len(set(called)),
            "still_waiting": left, "lost": len(issued) - len(set(called)) - left}


def run_steady(groups: list[Any], counters: list[Any], users: list[Any], seconds: float,
               gap: float) -> dict[str, Any]:
    """The 50 counters working at once, each at its own pace: a counter issues, calls and finishes a
    number at random moments (exponential gaps, mean ``gap`` seconds), all 50 threads together for
    ``seconds``. With a 2 s gap that is 25 calls a second at the centre: a real centre's peak (50
    counters each serving a citizen in about 5 minutes) is about 0.2 a second."""
    from django.db import connections

    from motcua.dossiers.services import Actor
    from motcua.queueing import calling, services

    actors = [Actor.of(u) for u in users]
    times: dict[str, list[float]] = {"issue": [], "call": [], "finish": []}
    errors: list[str] = []
    lock = threading.Lock()
    end = time.perf_counter() + seconds

    def work(i: int) -> None:
        rng = random.Random(1000 + i)
        mine: dict[str, list[float]] = {k: [] for k in times}
        try:
            while True:
                time.sleep(rng.expovariate(1 / gap))
                if time.perf_counter() >= end:
                    break
                t0 = time.perf_counter()
                services.issue_ticket(rng.choice(groups))
                t1 = time.perf_counter()
                c = calling.call_next(actors[i], counters[i].pk)
                t2 = time.perf_counter()
                mine["issue"].append(t1 - t0)
                mine["call"].append(t2 - t1)
                if c is not None:
                    calling.finish(actors[i], c.pk)
                    mine["finish"].append(time.perf_counter() - t2)
        except Exception as err:  # noqa: BLE001
            errors.append(repr(err)[:300])
        finally:
            connections.close_all()
            with lock:
                for k, v in mine.items():
                    times[k].extend(v)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(COUNTERS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return {"seconds": seconds, "mean_gap_s": gap, "threads": COUNTERS, "errors": errors[:3],
            "calls_per_s": round(len(times["call"]) / seconds, 1),
            "issue": _stats(times["issue"]), "call": _stats(times["call"]), "finish": _stats(times["finish"])}


def _session(user: Any) -> str:  # noqa: ANN401
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    return s.session_key


TICKET = re.compile(r'name="action" value="finish"><input type="hidden" name="ticket" value="(\d+)"')


def _panel_round(client: Any, mine: dict[str, list[float]], errors: list[str]) -> None:  # noqa: ANN401
    """One counter's "Gọi số tiếp theo" then "Hoàn thành", as htmx posts them."""
    t0 = time.perf_counter()
    r = client.post("/office/queue-counter/act/", data={"action": "next"})
    mine["next"].append(time.perf_counter() - t0)
    m = TICKET.search(r.text)
    if r.status_code != 200 or m is None:
        errors.append(f"next {r.status_code}: {r.text[:200]}")
        return
    t0 = time.perf_counter()
    r = client.post("/office/queue-counter/act/", data={"action": "finish", "ticket": m.group(1)})
    mine["finish"].append(time.perf_counter() - t0)
    if r.status_code != 200 or "msg-success" not in r.text:
        errors.append(f"finish {r.status_code}: {r.text[:200]}")


def _steady_rounds(client: Any, mine: dict[str, list[float]], errors: list[str], rng: random.Random,  # noqa: ANN401
                   seconds: float, gap: float) -> None:
    """One counter's panel rounds at its own pace for ``seconds``."""
    end = time.perf_counter() + seconds
    while seconds:
        time.sleep(rng.expovariate(1 / gap))
        if time.perf_counter() >= end:
            return
        _panel_round(client, mine, errors)


def run_http(url: str, groups: list[Any], users: list[Any], rounds: int, workers: int, secret: str,
             steady: float = 0.0, gap: float = 2.0) -> dict[str, Any]:
    """The panel's requests: ``rounds`` bursts of the 50 counters at once, then (``steady`` seconds) the 50
    counters working at their own pace (exponential gaps of mean ``gap`` seconds) on the same server."""
    import httpx

    from motcua.queueing import services

    for i in range(COUNTERS * rounds + int(COUNTERS * steady / gap * 1.5)):  # the numbers the counters will call
        services.issue_ticket(groups[i % len(groups)])
    cookies = []
    for u in users:
        csrf = secrets.token_hex(16)
        cookies.append((f"sessionid={_session(u)}; csrftoken={csrf}", csrf))
    import bench_api_intake

    # the bench process's secret key, so that the sessions made here are valid in gunicorn
    server = bench_api_intake.Server(url, workers, Path(common.SQLITE_DIR) / "gunicorn-queueing.log", ready="/login/",
                                     MOTCUA_SECRET_KEY=secret, MOTCUA_EVENT_CHAIN_KEY=secrets.token_urlsafe(48))
    times: dict[str, list[float]] = {"next": [], "finish": []}
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(COUNTERS)

    def work(i: int) -> None:
        cookie, csrf = cookies[i]
        headers = {"Cookie": cookie, "X-CSRFToken": csrf, "HX-Request": "true"}
        mine: dict[str, list[float]] = {"next": [], "finish": []}
        mine_steady: dict[str, list[float]] = {"next": [], "finish": []}
        with httpx.Client(base_url=server.base, headers=headers, timeout=30) as client:
            client.get("/office/queue-counter/")  # warm the connection
            try:
                for _ in range(rounds):
                    barrier.wait()
                    _panel_round(client, mine, errors)
                barrier.wait()  # then the steady part (none when steady is 0)
                _steady_rounds(client, mine_steady, errors, random.Random(2000 + i), steady, gap)
            except threading.BrokenBarrierError:
                pass
            except Exception as err:  # noqa: BLE001
                errors.append(repr(err)[:300])
                barrier.abort()
        with lock:
            for k in times:
                times[k].extend(mine[k])
                times_steady[k].extend(mine_steady[k])

    times_steady: dict[str, list[float]] = {"next": [], "finish": []}
    try:
        t0 = time.perf_counter()
        threads = [threading.Thread(target=work, args=(i,)) for i in range(COUNTERS)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        wall = time.perf_counter() - t0
    finally:
        server.stop()
    return {"rounds": rounds, "clients": COUNTERS, "workers": workers, "seconds": round(wall, 2),
            "errors": len(errors), "first_errors": errors[:3], "next": _stats(times["next"]),
            "finish": _stats(times["finish"]),
            **({"steady": {"seconds": steady, "mean_gap_s": gap, "next": _stats(times_steady["next"]),
                           "finish": _stats(times_steady["finish"])}} if steady else {})}


def main() -> None:
    p = common.parser(__doc__.splitlines()[0], 0)
    p.add_argument("--rounds", type=int, default=20, help="rounds of 50 simultaneous calls (default 20)")
    p.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4)")
    p.add_argument("--no-http", action="store_true", help="skip the panel's HTTP requests")
    p.add_argument("--steady", type=float, default=20.0, help="seconds of the steady run (default 20; 0: skip)")
    p.add_argument("--gap", type=float, default=2.0, help="steady run: mean seconds between a counter's calls")
    p.set_defaults(db="postgres")
    opts = p.parse_args()
    url = common.db_url(opts.db, opts.name or "motcua_bench_queueing")
    secret = secrets.token_urlsafe(48)[:50]
    os.environ["MOTCUA_SECRET_KEY"] = secret  # the sessions made here are valid in gunicorn
    common.prepare(url, opts.reuse)
    common.setup_django(url)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    try:
        unit, groups, counters, users = _setup()
        result: dict[str, Any] = {"load_average_before": os.getloadavg(),
                                  "sequential": run_sequential(groups, counters, users, 50),
                                  "services": run_services(groups, counters, users, opts.rounds)}
        if opts.steady:
            result["steady"] = run_steady(groups, counters, users, opts.steady, opts.gap)
        if not opts.no_http:
            result["http"] = run_http(url, groups, users, opts.rounds, opts.workers, secret, opts.steady, opts.gap)
        result["load_average_after"] = os.getloadavg()
    finally:
        from django.db import connections

        connections.close_all()
        if not opts.keep:
            common.drop_db(url)
    s = result["services"]
    result["met_services"] = (s["issue"]["p95_ms"] < TARGET_MS and s["call"]["p95_ms"] < TARGET_MS
                              and not s["called_twice"] and not s["lost"] and not s["errors"])
    if "steady" in result:
        st = result["steady"]
        result["met_steady"] = (st["issue"]["p95_ms"] < TARGET_MS and st["call"]["p95_ms"] < TARGET_MS
                                and not st["errors"])
    if "http" in result:
        result["met_http"] = result["http"]["next"]["p95_ms"] < TARGET_MS and not result["http"]["errors"]
    common.emit({"bench": "queueing", "db": opts.db, "counters": COUNTERS, **result}, opts.json)


if __name__ == "__main__":
    main()
