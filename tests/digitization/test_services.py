"""Digitization through the real services and pages: marks, authorization, closed dossiers, the
signal after commit, results digitized on return, the intake section (multipart, rollback), the
dossier page section and the demo."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.digitization import demo, services
from motcua.digitization.models import DigitizedResult
from motcua.digitization.signals import component_digitized
from motcua.domain.errors import PermissionDenied, ValidationFailed
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier, DossierComponent, DossierFile
from tests.factories import PDF, finished


@pytest.fixture
def dossier(world, now):  # noqa: ANN001, ANN201
    return svc.intake(world.actor("counter_a"), world.intake_request())


def test_a_scan_marks_the_component_once_and_the_missing_list_shrinks(world, dossier):
    counter = world.actor("counter_a")
    must = services.missing(dossier)
    assert must and all(c.component.must_digitize for c in must)
    c = services.digitize_component(counter, dossier.pk, must[0].pk, io.BytesIO(PDF), "scan.pdf")
    first = c.digitized_at
    assert first is not None and c.digitized_by_id == world.users["counter_a"].pk
    assert must[0].pk not in [m.pk for m in services.missing(dossier)]
    again = services.digitize_component(world.actor("specialist_a"), dossier.pk, must[0].pk)  # its file, re-marked
    assert again.digitized_at == first and again.digitized_by_id == world.users["counter_a"].pk
    assert DossierFile.objects.filter(component_id=must[0].pk).count() == 1


def test_marking_needs_a_file_staff_and_an_open_dossier(world, dossier):
    c = dossier.components.first()
    with pytest.raises(ValidationFailed):
        services.digitize_component(world.actor("counter_a"), dossier.pk, c.pk)  # no file yet
    with pytest.raises(PermissionDenied):
        services.digitize_component(world.actor("monitor"), dossier.pk, c.pk, io.BytesIO(PDF), "scan.pdf")
    with pytest.raises(Exception):  # noqa: B017 - another commune's officer does not even see it
        services.digitize_component(world.actor("counter_b"), dossier.pk, c.pk, io.BytesIO(PDF), "scan.pdf")
    svc.withdraw(world.actor("counter_a"), dossier.pk, "người nộp rút")
    with pytest.raises(ValidationFailed):
        services.digitize_component(world.actor("counter_a"), dossier.pk, c.pk, io.BytesIO(PDF), "scan.pdf")
    assert not DossierComponent.objects.filter(dossier=dossier, digitized_at__isnull=False).exists()


@pytest.mark.django_db(transaction=True)
def test_the_signal_is_sent_after_the_commit_only(world, now):
    d = svc.intake(world.actor("counter_a"), world.intake_request())
    got = []

    def listen(sender, component, file, **kw):  # noqa: ANN001, ANN003, ANN202
        got.append((component.pk, file.pk, component.digitized_at is not None))

    component_digitized.connect(listen)
    try:
        c = d.components.first()
        services.digitize_component(world.actor("counter_a"), d.pk, c.pk, io.BytesIO(PDF), "scan.pdf")
        assert len(got) == 1 and got[0][0] == c.pk and got[0][2]
        services.digitize_component(world.actor("counter_a"), d.pk, c.pk)  # nothing changed: no signal
        assert len(got) == 1
        with pytest.raises(ValidationFailed):  # a refused file: rolled back, nothing sent
            services.digitize_component(world.actor("counter_a"), d.pk, d.components.last().pk,
                                        io.BytesIO(b"not a pdf"), "x.pdf")
        assert len(got) == 1
    finally:
        component_digitized.disconnect(listen)


def test_the_result_is_digitized_when_returned(world, dossier):
    counter = world.actor("counter_a")
    svc.start(counter, dossier.pk)
    finished(world, dossier.pk)
    assert not DigitizedResult.objects.filter(dossier=dossier).exists()
    svc.return_result(counter, dossier.pk)
    r = DigitizedResult.objects.get(dossier=dossier)
    assert r.file.kind == "result" and not r.electronic and r.digitized_by_id == world.users["counter_a"].pk
    scan = services.digitize_result(counter, dossier.pk, io.BytesIO(PDF), "ban-quet-ket-qua.pdf")
    assert scan.file.name == "ban-quet-ket-qua.pdf" and DigitizedResult.objects.filter(dossier=dossier).count() == 1




def test_intake_stores_and_marks_the_scans_or_rolls_everything_back(world, now, client_of):
    from motcua.office.intake import setup

    c = client_of("counter_a")
    st = setup(world.actor("counter_a"), "1.001193")
    assert st is not None
    page = c.get("/office/intake/", {"procedure": "1.001193"}).content.decode()
    must = [x for x in st.components if x.must_digitize]
    assert must and f'name="digit-{must[0].pk}"' in page and "phải số hóa" in page
    data = {"procedure": "1.001193", "receiving_unit": st.receiving[0].pk, "handling_unit": st.handling[0].pk
            if st.handling else st.receiving[0].pk, "applicant_type": 0, "applicant_name": "Nguyễn Văn A",
            "result_delivery": "counter", "request_summary": ""}
    for x in st.components:
        data |= {f"c{x.pk}": "on", f"c{x.pk}_originals": 1, f"c{x.pk}_copies": 0}
    before = Dossier.objects.count()
    bad = data | {f"digit-{must[0].pk}": SimpleUploadedFile("scan.pdf", b"plain text, not a PDF")}
    r = c.post("/office/intake/", bad)
    assert r.status_code >= 400 and Dossier.objects.count() == before  # nothing half-written
    assert not DossierFile.objects.exists()
    good = data | {f"digit-{must[0].pk}": SimpleUploadedFile("scan.pdf", PDF, "application/pdf")}
    r = c.post("/office/intake/", good)
    assert r.status_code == 302, r.content.decode()[:2000]
    d = Dossier.objects.order_by("-pk").first()
    marked = d.components.get(component_id=must[0].pk)
    assert marked.digitized_at is not None and marked.files.count() == 1
    html = c.get(f"/office/dossiers/{d.pk}/").content.decode()
    assert 'id="digit"' in html and "Đã số hóa" in html
    other = d.components.exclude(pk=marked.pk).first()
    r = c.post(f"/office/digitization/{d.pk}/components/{other.pk}/",
               {"file": SimpleUploadedFile("b.pdf", PDF, "application/pdf")})
    assert r.status_code == 302
    assert DossierComponent.objects.get(pk=other.pk).digitized_at is not None


def test_the_demo_digitizes_the_history_like_the_district(world):
    from motcua.dossiers.generator import generate
    from motcua.reports import readmodel
    from motcua.reports.services import compute_figures, period_of

    generate(400, world.province, date(2025, 7, 1), date(2025, 12, 31), seed=3)
    demo.prepare()
    n = DossierComponent.objects.count()
    demo.prepare()  # idempotent
    assert DossierComponent.objects.count() == n > 400
    assert readmodel.refresh(limit=None)
    p = period_of(date(2025, 7, 1), date(2025, 12, 31))
    c = compute_figures(world.province, p.start, p.end).counts
    assert c["received"] > 300 and c["digitized_all"] >= c["received"] * 0.98
    assert c["result_digitized"] > 0.9 * DigitizedResult.objects.count() > 0
