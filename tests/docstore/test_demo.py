"""``make demo``'s store: a small generated history's digitized documents and returned results stored, and
later dossiers of the same (paired) applicants reusing them, once."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest

from motcua.docstore import demo
from motcua.docstore.indicators import store_measures
from motcua.docstore.models import Reuse, StoredDocument
from motcua.dossiers.models import Dossier, DossierComponent, DossierFile
from motcua.reports.services import Period
from tests.docstore.conftest import pdf

pytestmark = pytest.mark.django_db


def _history() -> list[Dossier]:
    from motcua.core.demo import PROVINCE, seed_demo
    from motcua.dossiers.generator import generate
    from motcua.units.models import Unit

    seed_demo()
    generate(400, Unit.objects.get(code=PROVINCE[0]), date(2025, 9, 1), date(2026, 3, 31), seed=4)
    return list(Dossier.objects.filter(status=10).order_by("submitted_at", "pk")[:60])


def _digitized_and_returned(returned: list[Dossier]) -> None:
    """What the digitization and signing demos leave: typed components scanned, results filed (real
    services would do the same rows; the history has no component list, so it is made here)."""
    from motcua.dossiers.storage import store_upload

    for i, d in enumerate(returned):
        for c in d.version.components.filter(document_type__gt=""):
            obj = store_upload(io.BytesIO(pdf(f"{d.pk}-{c.pk}")), "scan.pdf")
            dc = DossierComponent.objects.create(dossier=d, component=c, name=c.name, digitized_at=d.received_at)
            DossierFile.objects.create(dossier=d, component=dc, kind="component", name="scan.pdf", size=obj.size,
                                       content_type=obj.content_type, sha256=obj.sha256, storage_key=obj.key)
        if i % 2 == 0:
            obj = store_upload(io.BytesIO(pdf(f"kq-{d.pk}")), "ket-qua.pdf")
            DossierFile.objects.create(dossier=d, kind="result", name="ket-qua.pdf", size=obj.size,
                                       content_type=obj.content_type, sha256=obj.sha256, storage_key=obj.key)


def test_the_demo_fills_the_store_and_pairs_returning_applicants(now) -> None:  # noqa: ANN001
    returned = _history()
    _digitized_and_returned(returned)
    holders_before = Dossier.objects.exclude(applicant_id_number="").values("applicant_id_number").distinct().count()
    out = io.StringIO()
    demo.prepare(out)
    docs = StoredDocument.objects.all()
    assert docs.filter(source="digitized").count() == DossierComponent.objects.filter(
        dossier__in=returned, component__document_type__gt="").exclude(dossier__applicant_id_number="").count() > 0
    assert docs.filter(source="result_scan").count() == len(returned[::2])
    for doc in docs.filter(source="result_scan"):
        assert doc.created_at == doc.source_dossier.ended_at and doc.holder == doc.source_dossier.applicant_id_number
    reuses = list(Reuse.objects.select_related("dossier", "document__source_dossier", "file", "component"))
    assert reuses, out.getvalue()
    for r in reuses:
        a, b = r.document.source_dossier, r.dossier
        assert b.applicant_id_number == a.applicant_id_number and b.applicant_name == a.applicant_name
        assert r.document.created_at < b.submitted_at and r.file.storage_key == r.document.file.storage_key
        assert r.component.component.document_type == r.document.document_type and r.component.digitized_at
        assert r.channel == ("portal" if b.channel == 2 else "counter")
    # applicants now come back: fewer distinct holders than before
    assert Dossier.objects.exclude(applicant_id_number="").values("applicant_id_number").distinct().count() \
        < holders_before
    assert f"{len(reuses)} hồ sơ dùng lại giấy tờ đã có trong kho" in out.getvalue()
    assert f"{docs.filter(source='digitized').count()} giấy tờ số hóa" in out.getvalue()
    from motcua.core.demo import PROVINCE
    from motcua.units.models import Unit

    start = min(d.submitted_at for d in Dossier.objects.all())
    m = store_measures(Unit.objects.get(code=PROVINCE[0]), Period(start, start + timedelta(days=400)))
    assert m["digitized_data_reused"].numerator == len(reuses)
    assert m["digitized_data_reused"].denominator >= len(reuses)
    assert m["citizen_store_linked"].numerator > 0
    counts = (StoredDocument.objects.count(), Reuse.objects.count(), DossierFile.objects.count())
    demo.prepare(io.StringIO())
    assert (StoredDocument.objects.count(), Reuse.objects.count(), DossierFile.objects.count()) == counts
