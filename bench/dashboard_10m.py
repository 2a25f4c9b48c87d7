"""The operations dashboard at 10M dossiers, opened cold: the page and the ranking fragment it loads after.

Runs on the database ``bench/bench_reports_10m.py --keep`` leaves (10M dossiers in the read model's
buckets, the demo province with 124 communes and the July 2025 reorganization; the dossier and event
tables are empty there, see that script). Each sample is one HTTP request through Django's test
client as the province's monitor (``giamsat.tinh``) at 10:00 on ``--today`` (the month to date, judged
as of now), **cold**: the shared cache and the per-process caches cleared and a fresh database
connection before it.

``--baseline DIR`` measures the code of another work tree (e.g. ``git worktree add /tmp/base <commit>``)
in the same run: this script is copied there and run as a subprocess, rounds alternating with this
tree's, so that the machine's load weighs on both alike.

    .venv/bin/python bench/dashboard_10m.py --name motcua_rm_bench10m --samples 30 --baseline /tmp/base
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from datetime import date, datetime
from datetime import time as dtime
from pathlib import Path
from typing import Any

import common

TARGET_P95_MS = 500
PAGE, FRAGMENT = "/reports/dashboard/", "/reports/dashboard/ranking/"


def measure(samples: int, today: date, unit_code: str | None = None) -> dict[str, list[float]]:
    """``samples`` cold requests of the page and (when this code has it) of the ranking fragment."""
    from unittest import mock

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from motcua.core import clock, refcache

    settings.ALLOWED_HOSTS = ["*"]
    now = clock.aware(datetime.combine(today, dtime(10, 0)))
    try:
        reverse("reports:dashboard_ranking")
        paths = {"page": PAGE, "fragment": FRAGMENT}
    except NoReverseMatch:  # the code before the ranking was loaded apart
        paths = {"page": PAGE}
    params = {"unit": unit_code or common.province().code}
    client = Client()
    client.force_login(get_user_model().objects.get(username="giamsat.tinh"))
    times: dict[str, list[float]] = {k: [] for k in paths}
    with mock.patch("motcua.core.clock.now", lambda: now):
        for i in range(samples + 1):
            for name, path in paths.items():
                cache.clear()
                refcache.clear()
                connection.close()
                t0 = time.perf_counter()
                r = client.get(path, params, secure=True)
                ms = (time.perf_counter() - t0) * 1000
                assert r.status_code == 200, (path, r.status_code, r.content[:300])
                if i:  # the first request warms the process (imports, templates)
                    times[name].append(ms)
    return times


def stats(xs: list[float]) -> dict[str, Any]:
    return {"n": len(xs), "p50_ms": round(common.percentile(xs, 50), 1), "p95_ms": round(common.percentile(xs, 95), 1),
            "max_ms": round(max(xs), 1)}


def run_baseline(tree: Path, name: str, samples: int, today: date) -> dict[str, list[float]]:
    """This script run under the code of ``tree`` (copied there), its raw times."""
    target = tree / "bench" / Path(__file__).name
    shutil.copyfile(__file__, target)
    out = subprocess.run([sys.executable, str(target), "--name", name, "--samples", str(samples), "--today",
                          today.isoformat(), "--raw"], cwd=tree, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    p = common.parser(__doc__.splitlines()[0], 10_000_000)
    p.add_argument("--samples", type=int, default=20)
    p.add_argument("--rounds", type=int, default=3, help="rounds alternating with --baseline")
    p.add_argument("--today", type=date.fromisoformat, default=date(2026, 6, 15))
    p.add_argument("--baseline", type=Path, help="a work tree with the code to compare with")
    p.add_argument("--raw", action="store_true", help="print the raw times only (the baseline's subprocess)")
    args = p.parse_args()
    url = common.db_url("postgres", args.name or "motcua_rm_bench10m")
    if not common.db_exists(url):
        raise SystemExit(f"{url}: build it first with bench/bench_reports_10m.py --keep")
    common.setup_django(url)
    if args.raw:
        print(json.dumps(measure(args.samples, args.today)))
        return
    rounds = args.rounds if args.baseline else 1
    per_round = max(1, args.samples // rounds)
    now: dict[str, list[float]] = {}
    before: dict[str, list[float]] = {}
    for _ in range(rounds):
        if args.baseline:
            for k, xs in run_baseline(args.baseline, args.name or "motcua_rm_bench10m", per_round, args.today).items():
                before.setdefault(k, []).extend(xs)
        for k, xs in measure(per_round, args.today).items():
            now.setdefault(k, []).extend(xs)
    from bench_reports_10m import machine, sizes

    out: dict[str, Any] = {"bench": "dashboard_10m", "machine": machine(), **sizes(), "today": args.today.isoformat(),
                           "after": {k: stats(v) for k, v in now.items()}}
    if before:
        out["before"] = {k: stats(v) for k, v in before.items()}
        out["ratio_p95_page"] = round(out["before"]["page"]["p95_ms"] / out["after"]["page"]["p95_ms"], 1)
    out["met"] = out["after"]["page"]["p95_ms"] < TARGET_P95_MS
    common.emit(out, args.json)


if __name__ == "__main__":
    main()
