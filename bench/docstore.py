"""The citizen's document store at size: listing a citizen's store (the service and the whole portal page)
and the reuse lookup the apply form and the counter make (a holder's valid documents of the procedure's
component types), with ``--n`` stored documents (default 100,000: 5 per holder over 20,000 holders, on
as many bulk-loaded dossiers); then the two 766 measures over the whole province and period.

    .venv/bin/python bench/docstore.py --db sqlite --n 100000
"""

from __future__ import annotations

import hashlib
import random
import time
from datetime import date, timedelta

import common

PER_HOLDER = 5
TYPES = ["cccd", "giay_chung_nhan_qsdd", "giay_khai_sinh", "phieu_lltp", "giay_xac_nhan_tthn", "giay_phep_xay_dung"]
PROCEDURE = "1.012781"  # land change registration: components typed cccd and giay_chung_nhan_qsdd
USERS = 200
LOOKUPS = 1000


def main() -> None:
    opts = common.parser(__doc__.splitlines()[0], 100_000, default_db="sqlite").parse_args()
    url = common.db_url(opts.db, opts.name or "motcua_bench_docstore")
    common.prepare(url, opts.reuse)
    common.setup_django(url)
    try:
        loaded = load(opts.n)
        common.analyze(url)
        result = run(opts.n, opts.repeat)
    finally:
        if not opts.keep:
            common.drop_db(url)
    common.emit({"bench": "docstore", "db": opts.db, **loaded, **result}, opts.json)


def holder(i: int) -> str:
    return f"0689{i:08d}"


def load(n: int) -> dict[str, float]:
    """n stored documents on n/5 dossiers (one file row each, content-addressed keys, no bytes needed)."""
    from django.utils import timezone

    from motcua.docstore.models import StoredDocument
    from motcua.dossiers.models import Dossier, DossierFile

    holders = max(1, n // PER_HOLDER)
    end = date.today() - timedelta(days=1)
    common.load_open_dossiers(holders, end - timedelta(days=365), end)
    t0 = time.perf_counter()
    ids = list(Dossier.objects.order_by("pk").values_list("pk", flat=True)[:holders])
    rng, now = random.Random(5), timezone.now()
    components = _components(ids, rng, now)
    for start in range(0, n, 20_000):
        files, docs = [], []
        for i in range(start, min(n, start + 20_000)):
            sha = hashlib.sha256(str(i).encode()).hexdigest()
            files.append(DossierFile(dossier_id=ids[i // PER_HOLDER], kind="component", name=f"{i}.pdf",
                                     content_type="application/pdf", size=1000, sha256=sha,
                                     storage_key=f"{sha[:2]}/{sha[2:4]}/{sha}"))
        DossierFile.objects.bulk_create(files, batch_size=5000)
        for k, f in enumerate(files):
            i = start + k
            expired = rng.random() < 0.1
            docs.append(StoredDocument(
                holder=holder(i // PER_HOLDER), document_type=TYPES[i % len(TYPES)], title=f"Giấy tờ {i}",
                source="digitized", source_dossier_id=f.dossier_id, file=f, created_at=now - timedelta(days=i % 300),
                source_component_id=components.get(f.dossier_id) if i % PER_HOLDER == 0 else None,
                valid_until=(date.today() - timedelta(days=1)) if expired else None))
        StoredDocument.objects.bulk_create(docs, batch_size=5000)
    return {"stored_documents": StoredDocument.objects.count(), "holders": holders,
            "load_seconds": round(time.perf_counter() - t0, 1)}


def _components(ids: list[int], rng: random.Random, now) -> dict[int, int]:  # noqa: ANN001
    """Each dossier is its holder's (one holder per dossier) and gets one component of a type the store
    holds, digitized in half of them: {dossier id: component id of the digitized ones}."""
    from django.db import transaction

    from motcua.catalog.models import Component
    from motcua.dossiers.models import Dossier, DossierComponent

    typed = list(Component.objects.filter(document_type__in=TYPES).order_by("pk")[:20])
    with transaction.atomic():
        for k, pk in enumerate(ids):
            Dossier.objects.filter(pk=pk).update(applicant_id_number=holder(k))
    rows = [DossierComponent(dossier_id=pk, component=typed[k % len(typed)], name=typed[k % len(typed)].name[:200],
                             digitized_at=now if rng.random() < 0.5 else None) for k, pk in enumerate(ids)]
    DossierComponent.objects.bulk_create(rows, batch_size=5000)
    return dict(DossierComponent.objects.filter(digitized_at__isnull=False).values_list("dossier_id", "pk"))


def _ms(fn, items) -> list[float]:  # noqa: ANN001
    out = []
    for x in items:
        t0 = time.perf_counter()
        fn(x)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def _stats(name: str, xs: list[float]) -> dict[str, float]:
    return {f"{name}_ms_median": round(common.median(xs), 3), f"{name}_ms_p95": round(common.percentile(xs, 95), 3)}


def run(n: int, repeat: int) -> dict[str, object]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from motcua.catalog.services import in_force_on
    from motcua.core import clock
    from motcua.docstore import services
    from motcua.docstore.indicators import store_measures
    from motcua.portal.choices import IdentityProvider
    from motcua.portal.models import CitizenProfile
    from motcua.reports.services import Period

    holders = max(1, n // PER_HOLDER)
    rng = random.Random(9)
    users = []
    for k, i in enumerate(rng.sample(range(holders), min(USERS, holders))):
        u = get_user_model().objects.create_user(username=f"bench-store-{k}", password=None)
        CitizenProfile.objects.create(user=u, id_number=holder(i), phone="0912345678",
                                      identity_provider=IdentityProvider.VNEID, subject=f"bench-{k}")
        users.append(u)
    listing = _ms(lambda u: list(services.listing(services.citizen_documents(u))), users)
    clients = []
    for u in users:  # signed in before the timing (a sign-in writes a session row)
        clients.append(Client())
        clients[-1].force_login(u)

    def page(client) -> None:  # noqa: ANN001
        r = client.get("/documents-store/", HTTP_HOST="127.0.0.1")
        assert r.status_code == 200 and b"Kho d" in r.content

    pages = _ms(page, clients)
    components = list(in_force_on(PROCEDURE, clock.local_date(clock.now())).components.all())
    assert any(c.document_type for c in components), "the sample catalog types its components"
    probes = [holder(rng.randrange(holders)) for _ in range(LOOKUPS)]
    found = {"n": 0}

    def lookup(h: str) -> None:
        found["n"] += sum(len(v) for v in services.counter_offers(components, h).values())

    lookups = _ms(lookup, probes)
    from motcua.units.models import Unit

    province = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    now = clock.now()
    period = Period(now - timedelta(days=400), now)
    measures = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        m = store_measures(province, period)
        measures.append(time.perf_counter() - t0)
    return {**_stats("listing", listing), **_stats("store_page", pages), **_stats("reuse_lookup", lookups),
            "offers_found_per_lookup": round(found["n"] / LOOKUPS, 2),
            "measures_seconds_median": round(common.median(measures), 3),
            "measures": {k: [v.numerator, v.denominator] for k, v in m.items()}}


if __name__ == "__main__":
    main()
