"""Intake regardless of administrative boundaries through the service layer: a commune receives
for another commune and for a province department; the competent unit handles it, the result is
returned where the applicant chose, and the permissions follow each unit's part."""

from __future__ import annotations

import pytest

from motcua.catalog.choices import IntakeAnywhere
from motcua.catalog.services import export_catalog
from motcua.domain.errors import NotFound, PermissionDenied, ValidationFailed
from motcua.domain.lifecycle import Status
from motcua.dossiers import services as svc
from motcua.office import queues

pytestmark = pytest.mark.django_db


def _queue(across, username: str, slug: str) -> set[str]:  # noqa: ANN001
    page = queues.page_of(across.actor(username), queues.BY_SLUG[slug], queues.Filters())
    return {d.code for d in page.rows}


def _sees(across, username: str, d) -> bool:  # noqa: ANN001
    return svc.visible_dossiers(across.actor(username)).filter(pk=d.pk).exists()


def test_a_commune_receives_for_another_commune_and_the_result_returns_at_its_counter(across) -> None:  # noqa: ANN001
    w = across.world
    d = across.receive("a", "b", return_unit_code=w.commune_centres["b"].code)
    assert (d.receiving_unit, d.handling_unit, d.return_unit) == (
        w.commune_centres["a"], w.communes["b"], w.commune_centres["b"])
    assert d.code.startswith(w.commune_centres["a"].code)  # numbered by the receiving counter
    assert d.events.get().data == {"code": d.code, "return_unit": w.commune_centres["b"].code}
    across.start(d)  # the receiving counter hands it on ...
    with pytest.raises(PermissionDenied):  # ... but cannot process it, nor can its commune's specialists
        svc.forward(across.actor("specialist_a"), d.pk)
    assert d.code in _queue(across, "specialist_b", "process")  # the handling unit's queue
    assert d.code not in _queue(across, "specialist_a", "process")
    for other in ("counter_c", "specialist_c", "leader_c", "counter_x"):  # another commune sees nothing
        assert not _sees(across, other, d), other
        with pytest.raises(NotFound):
            svc.get_dossier(across.actor(other), d.pk)
    across.processed(d, "b")
    assert d.code in _queue(across, "counter_b", "return")  # handed over at the chosen counter
    assert d.code not in _queue(across, "counter_a", "return")
    with pytest.raises(NotFound):  # the counter of C is no return unit
        svc.return_result(across.actor("counter_c"), d.pk)
    done = svc.return_result(across.actor("counter_b"), d.pk)
    assert done.status == Status.RETURNED
    assert done.events.order_by("-seq").first().role == "counter_officer"


def test_a_commune_receives_for_a_province_department(across) -> None:  # noqa: ANN001
    w = across.world
    d = across.receive("a", "department", procedure="2.000815", return_unit_code=w.centre.code)
    assert (d.receiving_unit, d.handling_unit, d.return_unit) == (w.commune_centres["a"], w.department, w.centre)
    across.start(d)
    assert d.code in _queue(across, "specialist_p", "process")
    with pytest.raises(PermissionDenied):
        svc.forward(across.actor("specialist_a"), d.pk)
    for other in ("counter_b", "specialist_b", "leader_b"):
        assert not _sees(across, other, d), other
    across.processed(d, "p")
    assert d.code in _queue(across, "counter_p", "return")
    assert svc.return_result(across.actor("counter_p"), d.pk).status == Status.RETURNED


def test_without_a_return_unit_the_receiving_counter_returns(across) -> None:  # noqa: ANN001
    d = across.receive("a", "b")
    assert d.return_unit is None
    across.processed(d, "b")
    assert d.code in _queue(across, "counter_a", "return") and d.code not in _queue(across, "counter_b", "return")
    with pytest.raises(NotFound):  # the handling unit's counter sees nothing it does not hand over
        svc.return_result(across.actor("counter_b"), d.pk)
    assert svc.return_result(across.actor("counter_a"), d.pk).status == Status.RETURNED


def test_the_return_unit_must_be_a_counter_of_the_handling_unit(across) -> None:  # noqa: ANN001
    w = across.world
    with pytest.raises(ValidationFailed) as err:
        across.receive("a", "b", return_unit_code=w.commune_centres["c"].code)
    assert "return_unit_code" in err.value.fields
    with pytest.raises(ValidationFailed):
        across.receive("a", "b", return_unit_code="nowhere")
    # sent by post: no counter hands it over
    assert across.receive("a", "b", result_delivery="post", return_unit_code=w.commune_centres["b"].code
                          ).return_unit is None


def test_another_province_only_where_the_catalog_allows_it(across) -> None:  # noqa: ANN001
    w = across.world
    with pytest.raises(ValidationFailed) as err:
        across.receive("a", "x")
    assert set(err.value.fields) == {"handling_unit_code"}
    assert "across provinces" in err.value.fields["handling_unit_code"]
    assert not svc.visible_dossiers(across.actor("admin")).exists()  # nothing half-written
    across.flag(IntakeAnywhere.NATIONWIDE)
    d = across.receive("a", "x", return_unit_code=w.commune_centres["x"].code)
    assert (d.handling_unit, d.return_unit) == (w.communes["x"], w.commune_centres["x"])
    across.start(d)
    assert d.code in _queue(across, "specialist_x", "process")
    assert not _sees(across, "specialist_b", d)
    across.processed(d, "x")
    assert svc.return_result(across.actor("counter_x"), d.pk).status == Status.RETURNED


def test_only_at_the_competent_units_counters(across) -> None:  # noqa: ANN001
    across.flag(IntakeAnywhere.NONE)
    with pytest.raises(ValidationFailed) as err:
        across.receive("a", "b")
    assert set(err.value.fields) == {"receiving_unit_code"}
    assert across.receive("b", "b").handling_unit == across.world.communes["b"]


def test_the_catalog_flag_is_exported_and_checked_on_import(across) -> None:  # noqa: ANN001
    from motcua.catalog.services import import_catalog
    from tests.factories import CATALOG

    across.flag(IntakeAnywhere.NATIONWIDE)
    versions = {p["code"]: p["versions"] for p in export_catalog()["procedures"]}
    assert versions["1.001193"][-1]["intake_anywhere"] == "nationwide"
    assert versions["2.000815"][-1]["intake_anywhere"] == "province"  # the default: anywhere in the province
    doc = {**CATALOG, "procedures": [{**CATALOG["procedures"][1], "code": "9.999999", "versions": [
        {**CATALOG["procedures"][1]["versions"][0], "intake_anywhere": "everywhere"}]}]}
    with pytest.raises(ValidationFailed) as err:
        import_catalog(doc)
    assert err.value.fields == {"intake_anywhere": "must be none, province or nationwide"}
