"""The 766 measure "electronic certified copies" on a hand-built set of dossiers."""

from __future__ import annotations

import io

from motcua.certcopy.indicators import copy_measures
from motcua.certcopy.models import CertifiedCopy
from motcua.dossiers import services as svc
from motcua.dossiers.storage import store_upload
from motcua.reports.services import Period
from tests.factories import PDF, finished

from .conftest import received


def finish_certification(world, d, electronic: bool, number: int) -> None:  # noqa: ANN001
    """Finished as the counter does it; the register entry electronic (with a stored copy) or paper."""
    system = svc.Actor.system_actor()
    svc.start(world.actor("counter_a"), d.pk)
    obj = store_upload(io.BytesIO(PDF), "copy.pdf")
    f = d.files.create(kind="result", name="copy.pdf", content_type=obj.content_type, size=obj.size,
                       sha256=obj.sha256, storage_key=obj.key)
    svc.finish(system, d.pk)
    CertifiedCopy.objects.create(unit=world.communes["a"], year=2026, number=number, dossier=d, document_type="CCCD",
                                 pages=1, certifier_name="A", at=f.uploaded_at,
                                 kind="electronic" if electronic else "paper", file=f if electronic else None)


def test_the_measure_counts_electronic_copies_of_resolved_certifications(copy_world, clock) -> None:  # noqa: ANN001
    w = copy_world
    clock.set("2026-03-10 09:00")
    e1, e2, paper, still_open = (received(w) for _ in range(4))
    finish_certification(w, e1, True, 1)
    finish_certification(w, e2, True, 2)
    finish_certification(w, paper, False, 3)
    # a paper certification (2.000815, at the province's department) and a civil status dossier
    cert = svc.intake(w.actor("counter_p"), w.intake_request(
        procedure_code="2.000815", receiving_unit_code=w.centre.code, handling_unit_code=w.department.code,
        components=[svc.ComponentInput(component_id=c.pk, originals=1, copies=1)
                    for c in _components("2.000815")]))
    from .conftest import pay

    pay(w.actor("counter_p"), cert)
    svc.start(w.actor("counter_p"), cert.pk)
    finished(w, cert.pk, commune="p")
    birth = svc.intake(w.actor("counter_a"), w.intake_request())
    pay(w.actor("counter_a"), birth)
    svc.start(w.actor("counter_a"), birth.pk)
    finished(w, birth.pk)
    march = _period("2026-03-01", "2026-04-01")
    assert copy_measures(w.communes["a"], march)["electronic_certified_copies"] == _m(2, 3)
    assert copy_measures(w.province, march)["electronic_certified_copies"] == _m(2, 4)
    assert copy_measures(w.communes["b"], march)["electronic_certified_copies"] == _m(0, 0)
    april = _period("2026-04-01", "2026-05-01")
    assert copy_measures(w.communes["a"], april)["electronic_certified_copies"] == _m(0, 0)
    del still_open
    # and the index reads it
    from motcua.reports.index766 import compute_index

    score = compute_index(w.communes["a"], march).score
    found = [i for g in score.groups for i in g.indicators if i.spec.measure == "electronic_certified_copies"]
    assert found and found[0].measure == _m(2, 3)


def _m(n: int, d: int):  # noqa: ANN202
    from motcua.domain.indicators import Measure

    return Measure(n, d)


def _at(day: str):  # noqa: ANN202
    from datetime import datetime

    from motcua.core.clock import aware

    return aware(datetime.fromisoformat(f"{day} 00:00"))


def _period(start: str, end: str) -> Period:
    return Period(_at(start), _at(end))


def _components(code: str) -> list:
    from motcua.catalog.models import Component, Procedure
    from motcua.catalog.services import version_in_force
    from motcua.core import clock

    v = version_in_force(Procedure.objects.get(code=code), clock.local_date(clock.now()))
    return list(Component.objects.filter(version=v))
