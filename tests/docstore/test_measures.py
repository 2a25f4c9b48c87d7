"""The 766 measures of the store on a hand-built set: reuse among the dossiers that could reuse, and the
dossiers whose digitized documents and issued e-results are in the store."""

from __future__ import annotations

from datetime import timedelta

import pytest

from motcua.docstore import services
from motcua.docstore.indicators import store_measures
from motcua.docstore.models import StoredDocument
from motcua.domain.indicators import Measure
from motcua.reports.index766 import MEASURE_PROVIDERS
from motcua.reports.services import Period
from tests.docstore.conftest import HOLDER, OTHER, counter_dossier, digitize, signed_result

pytestmark = pytest.mark.django_db


def test_measures_on_a_hand_built_set(world, typed, clock) -> None:  # noqa: ANN001
    clock.set("2025-08-20 09:00")
    before = counter_dossier(world, HOLDER)  # before the period: not counted
    digitize(world, before, "Giấy chứng sinh", "aug")
    clock.set("2025-09-01 09:00")
    d1 = counter_dossier(world, HOLDER)  # held a document already (August's): could reuse, did not
    digitize(world, d1, "Giấy chứng sinh", "d1")  # digitized again: stored (a new blob), linked
    signed_result(world, d1, "d1-kq")  # and its e-result is issued: stored
    clock.set("2025-09-02 09:00")
    d2 = counter_dossier(world, HOLDER)  # reuses: counts for both
    aug = StoredDocument.objects.get(source_dossier=before)
    services.apply_reuses(world.actor("counter_a"), d2, StoredDocument.objects.all(),
                          [services.ReuseChoice(typed["birth"].pk, aug.pk)], "counter")
    clock.set("2025-09-03 09:00")
    d3 = counter_dossier(world, OTHER)  # nothing held, a document digitized: linked
    digitize(world, d3, "Giấy chứng sinh", "d3")
    digitize(world, d3, "Tờ khai đăng ký khai sinh", "d3-form")  # a form, not the citizen's paper: ignored
    d4 = counter_dossier(world, "")  # no ID number: digitized but cannot be linked
    digitize(world, d4, "Giấy chứng sinh", "d4")
    counter_dossier(world, OTHER)  # nothing digitized, nothing held: in neither denominator
    clock.set("2025-09-04 09:00")
    StoredDocument.objects.filter(source_dossier=d3).update(withdrawn=True, withdrawn_at=clock.current)
    d5 = counter_dossier(world, OTHER)  # OTHER's only document was withdrawn: nothing to reuse
    period = Period(clock.current.replace(day=1, hour=0) - timedelta(hours=7), clock.current + timedelta(days=20))
    m = store_measures(world.communes["a"], period)
    assert m["digitized_data_reused"] == Measure(1, 2)  # d2 of d1, d2
    assert m["citizen_store_linked"] == Measure(3, 4)  # d1, d2, d3 of d1, d2, d3, d4
    assert m == store_measures(world.province, period)
    assert store_measures(world.communes["b"], period) == {"digitized_data_reused": Measure(0, 0),
                                                           "citizen_store_linked": Measure(0, 0)}
    assert store_measures in MEASURE_PROVIDERS
    assert d5.pk


def test_an_expired_document_is_nothing_to_reuse(world, typed, clock) -> None:  # noqa: ANN001
    clock.set("2025-08-20 09:00")
    before = counter_dossier(world, HOLDER)
    digitize(world, before, "Giấy chứng sinh", "aug")
    StoredDocument.objects.update(valid_until="2025-08-31")
    clock.set("2025-09-01 09:00")
    counter_dossier(world, HOLDER)
    period = Period(clock.current - timedelta(days=1), clock.current + timedelta(days=1))
    assert store_measures(world.communes["a"], period)["digitized_data_reused"] == Measure(0, 0)
