"""The postal service against its simulator server: orders created per second by the outbox handler
(code taken from the pool, one HTTP call, the order's state saved) and tracking rows applied per
second by the pull (pages of 100, one transaction per page with the cursor).

``--n`` open counter dossiers are bulk-loaded, each gets a delivery order queued through the
service's outbox path; the handler then delivers them one by one in this process (as one worker
would). The simulator moves every parcel to 2 and 3 (not timed) and the pull reads the 3n rows. The
dossiers are open (not processed), so a delivered status records no return here: what is timed is
the integration's own bookkeeping plus the HTTP calls.

    .venv/bin/python bench/post.py --db sqlite --n 2000

Measured (2 shared cores, n=1000, one in-process worker, 2026-12-02): SQLite 148 orders/s and
507 tracking rows/s; PostgreSQL 49 orders/s (four commits per order, each waiting for the WAL flush)
and 316 rows/s. A district's four-year postal volume (about 14,500 parcels) is minutes of work.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import common


def main() -> None:
    opts = common.parser(__doc__.splitlines()[0], 2000, default_db="sqlite").parse_args()
    url = common.db_url(opts.db, opts.name or "motcua_bench_post")
    common.prepare(url, opts.reuse)
    common.setup_django(url)
    state = Path(tempfile.mkdtemp()) / "post.sqlite3"
    sim = subprocess.Popen([sys.executable, "-m", "motcua.integrations.post.simulator", "--port", "0",
                            "--state", str(state)], stdout=subprocess.PIPE, text=True, cwd=common.ROOT)
    try:
        base = sim.stdout.readline().strip().rsplit(" ", 1)[-1] if sim.stdout else ""
        result = run(base, opts.n)
    finally:
        sim.terminate()
        sim.wait(10)
        if not opts.keep:
            common.drop_db(url)
    common.emit({"bench": "post", "db": opts.db, **result}, opts.json)


def run(base: str, n: int) -> dict[str, object]:
    import dataclasses

    import httpx
    from django.db import transaction

    from motcua.dossiers.models import Dossier
    from motcua.integrations.post import jobs, services
    from motcua.integrations.post.models import Kind, PostalOrder
    from motcua.jobs import outbox
    from motcua.jobs.models import OutboxMessage

    jobs.SETTINGS = dataclasses.replace(jobs.SETTINGS, url=base, pool_refill=1000)
    end = date.today() - timedelta(days=1)
    common.load_open_dossiers(n, end - timedelta(days=14), end)
    dossiers = list(Dossier.objects.order_by("-pk")[:n])
    with transaction.atomic():
        for d in dossiers:
            order = PostalOrder.objects.create(dossier=d, kind=Kind.DELIVERY, order_number=d.code,
                                               sender={"name": "UBND", "address": d.receiving_unit_id},
                                               receiver={"name": d.applicant_name, "address": d.applicant_address},
                                               created_at=d.submitted_at)
            outbox.enqueue(jobs.DESTINATION, f"post.order:{order.pk}", {"order": order.pk}, f"post:{d.pk}")
    ids = list(OutboxMessage.objects.filter(destination=jobs.DESTINATION).values_list("id", flat=True))
    t0 = time.perf_counter()
    outcomes = [outbox.deliver_one(i)[0] for i in ids]
    create_s = time.perf_counter() - t0
    with httpx.Client(timeout=10) as http:
        for code in PostalOrder.objects.values_list("item_code", flat=True):
            http.post(f"{base}/_sim/advance", json={"itemCode": code, "statuses": [2, 3]})
    t0 = time.perf_counter()
    rows = services.pull_tracking(jobs.client())
    pull_s = time.perf_counter() - t0
    return {"orders": n, "delivered": outcomes.count("delivered"), "orders_per_second": round(n / create_s, 1),
            "tracking_rows": rows, "rows_per_second": round(rows / pull_s, 1),
            "all_delivered": PostalOrder.objects.filter(status=3).count() == n}


if __name__ == "__main__":
    main()
