"""Population database look-ups against the simulator server: the round trip of one look-up, p50/p95/p99.

Two paths, each ``--n`` look-ups one after another (as one counter officer clicks), against the simulator
on 127.0.0.1 (a second process, a token taken once):

- ``client``: the HTTP client alone (JSON request, SOAP reply parsed with defusedxml, the record checked);
- ``service``: the whole service as the counter's button calls it (request checked, rate limit counted in
  the cache, the call, the verdict, the audit row INSERTed in its own autocommit) on the bench database.

Then ``--threads`` officers at once (each their own look-ups, one shared client), the service path.

    .venv/bin/python bench/population.py --db sqlite --n 1000
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import common

CITIZEN = ("068090001234", "Nguyễn Văn An", "1990")


def main() -> None:
    p = common.parser(__doc__.splitlines()[0], 1000, default_db="sqlite")
    p.add_argument("--threads", type=int, default=4)
    opts = p.parse_args()
    url = common.db_url(opts.db, opts.name or "motcua_bench_population")
    common.prepare(url, opts.reuse)
    common.setup_django(url)
    sim = subprocess.Popen([sys.executable, "-m", "motcua.integrations.population.simulator", "--port", "0"],
                           stdout=subprocess.PIPE, text=True, cwd=common.ROOT)
    try:
        base = sim.stdout.readline().strip().rsplit(" ", 1)[-1] if sim.stdout else ""
        result = run(base, opts.n, opts.threads)
    finally:
        sim.terminate()
        sim.wait(10)
        if not opts.keep:
            common.drop_db(url)
    common.emit({"bench": "population", "db": opts.db, "n": opts.n, **result}, opts.json)


def _stats(ms: list[float]) -> dict[str, float]:
    return {"p50_ms": round(common.median(ms), 2), "p95_ms": round(common.percentile(ms, 95), 2),
            "p99_ms": round(common.percentile(ms, 99), 2), "max_ms": round(max(ms), 2)}


def run(base: str, n: int, threads: int) -> dict[str, object]:
    import dataclasses

    from django.contrib.auth import get_user_model

    from motcua.integrations.population import mapping, services
    from motcua.integrations.population.models import Channel, Lookup, Reason
    from motcua.units.choices import Role
    from motcua.units.models import StaffRole

    services.SETTINGS = dataclasses.replace(services.SETTINGS, url=base, rate="1000000/m")
    client = services.client()
    ms: list[float] = []
    for i in range(n):
        t0 = time.perf_counter()
        reply = client.look_up(mapping.Query(f"B-{i}", CITIZEN[0], CITIZEN[1], int(CITIZEN[2]), "B", "1.001193", "b"))
        ms.append((time.perf_counter() - t0) * 1000)
        assert reply.citizen is not None
    role = StaffRole.objects.filter(role=Role.COUNTER_OFFICER).select_related("user", "unit").first()
    users = list(get_user_model().objects.order_by("pk")[:threads])

    def who(user: object) -> services.Who:
        return services.Who(user, "bench", Channel.COUNTER, Role.COUNTER_OFFICER, role.unit, officer_code="bench")

    ask = services.Ask(CITIZEN[0], CITIZEN[1], CITIZEN[2], Reason.INTAKE)
    service_ms: list[float] = []
    for _ in range(n):
        t0 = time.perf_counter()
        assert services.look_up(who(role.user), ask).hit
        service_ms.append((time.perf_counter() - t0) * 1000)
    parallel_ms: list[float] = []
    lock = threading.Lock()

    def officer(user: object) -> None:
        from django.db import connection

        for _ in range(n // threads):
            t0 = time.perf_counter()
            assert services.look_up(who(user), ask).hit
            with lock:
                parallel_ms.append((time.perf_counter() - t0) * 1000)
        connection.close()

    t0 = time.perf_counter()
    workers = [threading.Thread(target=officer, args=(u,)) for u in users]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    wall = time.perf_counter() - t0
    return {"client": _stats(ms), "service": _stats(service_ms),
            f"service_{threads}_threads": {**_stats(parallel_ms), "per_s": round(len(parallel_ms) / wall, 1)},
            "audit_rows": Lookup.objects.count()}


if __name__ == "__main__":
    main()
