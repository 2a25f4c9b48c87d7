"""Demo data: the generated history's components, digitized like a district that publishes its
figures (most dossiers fully digitized, a few not), and its returned results digitized.

The bulk importer writes dossiers and events only; this gives every history dossier without
components the components of its catalog version (one ``bulk_create``), marks them digitized with
one small shared scan (content-addressed storage: one blob, many ``DossierFile`` rows), and marks the
result of every returned dossier digitized (its signed result when the signing demo signed one, else
a shared scan of the paper result). Idempotent: dossiers that have components, and results already
marked, are left alone. The triggers queue the dossiers for the read model (the demo refreshes it last).
"""

from __future__ import annotations

import io
import random
from typing import Any

from django.db import transaction

from motcua.catalog.models import Component
from motcua.core import clock
from motcua.dossiers.models import Approval, Dossier, DossierComponent, DossierFile
from motcua.dossiers.storage import store_upload

from .models import DigitizedResult

PARTIAL = 0.0024  # share of dossiers not fully digitized (the district: 3,343 of 3,351 fully)
NONE = 0.0003  # ... with no component digitized at all (3,350 of 3,351 with any)
NO_RESULT = 0.017  # returned dossiers whose result was not digitized (3,294 of 3,351)
SCAN = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _blob(name: str) -> Any:
    return store_upload(io.BytesIO(SCAN), name)


def _file(d: int, obj: Any, kind: str, name: str, component: int | None = None) -> DossierFile:
    return DossierFile(dossier_id=d, component_id=component, kind=kind, name=name, content_type=obj.content_type,
                       size=obj.size, sha256=obj.sha256, storage_key=obj.key)


def components(rng: random.Random) -> int:
    todo = list(Dossier.objects.filter(components__isnull=True, status__in=(2, 4, 5, 6, 8, 9, 10))
                .values_list("pk", "version_id", "received_at"))
    if not todo:
        return 0
    catalog: dict[int, list[Component]] = {}
    for c in Component.objects.filter(version_id__in={v for _, v, _ in todo}).order_by("order"):
        catalog.setdefault(c.version_id, []).append(c)
    rows = []
    for pk, version, at in todo:
        comps = catalog.get(version, [])
        luck = rng.random()
        for i, c in enumerate(comps):
            marked = luck >= PARTIAL or (luck >= NONE and i == 0)
            rows.append(DossierComponent(dossier_id=pk, component=c, name=c.name, originals=c.originals,
                                         copies=c.copies, digitized_at=(at or clock.now()) if marked else None))
    DossierComponent.objects.bulk_create(rows, batch_size=2000)
    obj = _blob("ban-quet.pdf")
    DossierFile.objects.bulk_create(
        [_file(c.dossier_id, obj, "component", "ban-quet.pdf", c.pk)
         for c in DossierComponent.objects.filter(digitized_at__isnull=False, files__isnull=True)
         .only("pk", "dossier_id")], batch_size=2000)
    return len(todo)


def results(rng: random.Random) -> int:
    todo = list(Dossier.objects.filter(status=10, digitized_result__isnull=True).values_list("pk", "returned_at"))
    signed = dict(Approval.objects.filter(dossier__status=10, dossier__digitized_result__isnull=True,
                                          signature_status="signed", signed_document__isnull=False)
                  .values_list("dossier_id", "signed_document_id"))
    scans = [p for p, _ in todo if p not in signed and rng.random() >= NO_RESULT]
    obj = _blob("ket-qua-quet.pdf")
    files = DossierFile.objects.bulk_create([_file(p, obj, "result", "ket-qua-quet.pdf") for p in scans],
                                            batch_size=2000)
    by = {f.dossier_id: f.pk for f in files} | signed
    at = dict(todo)
    DigitizedResult.objects.bulk_create(
        [DigitizedResult(dossier_id=p, file_id=f, electronic=p in signed, digitized_at=at[p] or clock.now())
         for p, f in by.items()], batch_size=2000)
    return len(by)


def prepare(out: Any = None, seed: int = 766) -> None:
    rng = random.Random(seed)
    with transaction.atomic():
        n = components(rng)
        r = results(rng)
    if out is not None:
        out.write(f"digitization: {n} history dossiers given their components (digitized), {r} results digitized\n")
