"""Open311 answers per second: GET /open311/v2/requests.json and .xml (the default 90-day window,
up to 1000 requests per answer) over ``--n`` public feedback cases, and POST requests.json (a case
created through the feedback service per call), in process with Django's test client.

    .venv/bin/python bench/open311.py --db sqlite --n 10000
"""

from __future__ import annotations

import os
import time
from datetime import timedelta

import common


def run(n: int) -> dict[str, float]:
    from django.test import Client

    from motcua.core import clock
    from motcua.feedback import services as fsvc
    from motcua.feedback.models import Case, Category
    from motcua.open311 import services as o311

    fsvc.load_categories()
    unit = common.province()
    cat = Category.objects.get(code="PA-DONVI")
    now = clock.now()
    Case.objects.bulk_create([Case(
        code=f"PA-B-{i:07d}", category=cat, kind=cat.kind, subject=cat.subject, description=f"Phản ánh {i}",
        lat=11.9, lon=108.4, address="Đà Lạt", unit=unit, unit_path=unit.path, received_at=now - timedelta(
            minutes=i * 10), updated_at=now, due_at=now + timedelta(days=20)) for i in range(n)], batch_size=2000)
    _, raw = o311.issue_key(None, "bench", "bench", rate="1000000/m")
    c = Client(HTTP_HOST="127.0.0.1")
    out: dict[str, float] = {"cases": n}
    for fmt in ("json", "xml"):
        times = []
        for _ in range(7):
            t = time.perf_counter()
            r = c.get(f"/open311/v2/requests.{fmt}")
            assert r.status_code == 200, (r.status_code, r.content[:300])
            times.append(time.perf_counter() - t)
        out[f"get_{fmt}_per_s"] = round(1 / common.median(times), 2)
        out[f"get_{fmt}_ms"] = round(common.median(times) * 1000, 1)
    t, posts = time.perf_counter(), 200
    for i in range(posts):
        r = c.post("/open311/v2/requests.json", {"api_key": raw, "service_code": "PA-TTHC",
                                                 "description": f"bench {i}", "address_string": "Đà Lạt"})
        assert r.status_code == 201, r.content
    out["post_per_s"] = round(posts / (time.perf_counter() - t), 1)
    return out


def main() -> None:
    opts = common.parser(__doc__.splitlines()[0], 10000, default_db="sqlite").parse_args()
    url = common.db_url(opts.db, opts.name or "motcua_bench_open311")
    common.prepare(url, opts.reuse)
    os.environ["MOTCUA_RATE_API"] = "1000000/m"
    common.setup_django(url)
    try:
        result = run(opts.n)
    finally:
        if not opts.keep:
            common.drop_db(url)
    common.emit({"bench": "open311", "db": opts.db, **result}, opts.json)


if __name__ == "__main__":
    main()
