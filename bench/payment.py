"""Payment confirm callbacks handled per second: the platform's confirm (IPN) POSTed to
``/api/v1/payments/national/confirm`` through Django's whole request stack (middleware, the ninja
router, the checksum check, the payment row lock, the dossier's fee, the receipt job enqueued, the
notice logged, the signed answer), in process with Django's test client (no socket: what is timed
is motcua's own work per callback). Then the same confirms again (replays: answered as the first,
nothing changed) and forged ones (bad checksum: refused).

``--n`` open dossiers are bulk-loaded, each with a 2,000 VND fee and a started attempt; the
callbacks are sent in batches of 100, the median batch rate is reported.

    .venv/bin/python bench/payment.py --db sqlite --n 2000

The API's per-address rate limit (``MOTCUA_RATE_API``, 600 a minute) would refuse the platform's
burst after 600 callbacks (all from one address): this script lifts it for its own process (the
limit on the callback is a request to the lead, /work/notes/requests-payment.md).
"""

from __future__ import annotations

import os
import time
from datetime import date, timedelta

import common

BATCH = 100


def main() -> None:
    opts = common.parser(__doc__.splitlines()[0], 2000, default_db="sqlite").parse_args()
    url = common.db_url(opts.db, opts.name or "motcua_bench_payment")
    common.prepare(url, opts.reuse)
    os.environ["MOTCUA_RATE_API"] = "1000000/m"
    common.setup_django(url)
    try:
        result = run(opts.n)
    finally:
        if not opts.keep:
            common.drop_db(url)
    common.emit({"bench": "payment", "db": opts.db, **result}, opts.json)


def rates(bodies: list[dict], expect: str) -> list[float]:
    from django.test import Client

    client = Client()
    out = []
    for i in range(0, len(bodies), BATCH):
        chunk = bodies[i:i + BATCH]
        t0 = time.perf_counter()
        for body in chunk:
            answer = client.post("/api/v1/payments/national/confirm", body, content_type="application/json",
                                 HTTP_HOST="127.0.0.1").json()
            assert answer.get("MaLoi") == expect, answer
        out.append(len(chunk) / (time.perf_counter() - t0))
    return out


def run(n: int) -> dict[str, object]:
    import dataclasses

    from django.db.models import Sum
    from django.utils import timezone

    from motcua.dossiers.models import Dossier
    from motcua.integrations.payment import jobs, mapping
    from motcua.integrations.payment.models import Payment, State

    jobs.SETTINGS = dataclasses.replace(jobs.SETTINGS, url="http://127.0.0.1:9/api/payment")
    end = date.today() - timedelta(days=1)
    common.load_open_dossiers(n, end - timedelta(days=14), end)
    ids = list(Dossier.objects.order_by("-pk").values_list("pk", flat=True)[:n])
    Dossier.objects.filter(pk__in=ids).update(fees_due=2000, fees_paid=0)
    now = timezone.now()
    Payment.objects.bulk_create([Payment(dossier_id=i, reference=f"MCB{i:012d}", amount=2000, state=State.STARTED,
                                         created_at=now) for i in ids])
    g = jobs.gateway()
    bodies = [mapping.confirm_body(partner=g.partner, reference=f"MCB{i:012d}", amount=2000, transaction=f"GD{i}",
                                   bank="VCB", at=now, secret=jobs.SETTINGS.secret) for i in ids]
    first = rates(bodies, mapping.ACCEPTED)
    replay = rates(bodies, mapping.ACCEPTED)
    forged = rates([{**b, "SoTien": 1} for b in bodies], mapping.BAD_CHECKSUM)
    paid = Payment.objects.filter(state=State.PAID).count()
    fees = Dossier.objects.filter(pk__in=ids).aggregate(s=Sum("fees_paid"))["s"]
    return {"callbacks": n, "callbacks_per_second_median": round(common.median(first), 1),
            "replays_per_second_median": round(common.median(replay), 1),
            "forged_per_second_median": round(common.median(forged), 1),
            "paid": paid, "fees_recorded_once": fees == 2000 * n}


if __name__ == "__main__":
    main()
