"""Catalog: the sample catalog, versions in force, amend / abolish, import-export round trip."""

from __future__ import annotations

from datetime import date

import pytest

from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.catalog.services import (
    abolish,
    amend,
    export_catalog,
    import_catalog,
    load_sample_catalog,
    version_in_force,
)
from motcua.domain.errors import NotFound, ValidationFailed


@pytest.mark.django_db
def test_sample_catalog_is_realistic_and_imports():
    doc = load_sample_catalog()
    procs = doc["procedures"]
    assert len(procs) >= 40
    levels = {lv for p in procs for lv in p["levels"]}
    assert {"province", "commune"} <= levels
    fields = {p["field"] for p in procs}
    assert {"HT", "CT", "DD", "XD", "HKD", "BTXH"} <= fields
    counts = import_catalog(doc)
    assert counts["procedures"] == len(procs)
    assert Procedure.objects.count() == len(procs)
    birth = Procedure.objects.get(code="1.001193")
    assert "khai sinh" in birth.name
    v = version_in_force(birth, date(2026, 1, 5))
    assert v.components.filter(required=True).exists()


@pytest.mark.django_db
def test_export_then_import_round_trip():
    import_catalog(load_sample_catalog())
    first = export_catalog()
    ProcedureVersion.objects.all().delete()
    Procedure.objects.all().delete()
    import_catalog(first)
    assert export_catalog() == first


@pytest.mark.django_db
def test_version_in_force_follows_effective_dates(world):
    proc = Procedure.objects.get(code="1.001193")
    assert version_in_force(proc, date(2025, 6, 30)).decision_number == "1872/QĐ-BTP"
    assert version_in_force(proc, date(2025, 7, 1)).decision_number == "1726/QĐ-BTP"
    with pytest.raises(NotFound):
        version_in_force(proc, date(2019, 1, 1))


@pytest.mark.django_db
def test_amend_closes_the_version_in_force(world):
    proc = Procedure.objects.get(code="2.000815")
    new = amend(proc, {"decision_number": "99/QĐ-BTP", "decision_date": "2026-12-01",
                       "effective_from": "2027-01-01", "processing_time": 2, "time_unit": "hour",
                       "components": [{"name": "Bản chính", "originals": 1, "copies": 1, "required": True}]})
    old = version_in_force(proc, date(2026, 12, 31))
    assert old.effective_to == date(2027, 1, 1) and old.status == "amended"
    assert version_in_force(proc, date(2027, 1, 1)).pk == new.pk


@pytest.mark.django_db
def test_abolish_ends_the_procedure(world):
    proc = Procedure.objects.get(code="2.000815")
    abolish(proc, date(2027, 1, 1), "12/QĐ-UBND")
    assert version_in_force(proc, date(2026, 12, 31))
    with pytest.raises(NotFound):
        version_in_force(proc, date(2027, 1, 2))


@pytest.mark.django_db
def test_import_rejects_bad_documents_and_writes_nothing():
    with pytest.raises(ValidationFailed):
        import_catalog({"format": "other"})
    doc = load_sample_catalog()
    doc["procedures"][3]["versions"][0]["online_level"] = "sometimes"
    with pytest.raises(ValidationFailed) as exc:
        import_catalog(doc)
    assert "online_level" in exc.value.fields
    assert Procedure.objects.count() == 0


@pytest.mark.django_db
def test_import_checks_each_fee_and_keeps_pay_later():
    doc = load_sample_catalog()
    v = doc["procedures"][3]["versions"][0]
    v["fees"] = [{"name": "Lệ phí", "amount": -5, "basis": "tờ"}]
    v["fee_pay_later"] = "yes"
    with pytest.raises(ValidationFailed) as exc:
        import_catalog(doc)
    bad = {k for k in exc.value.fields if "fees[0]" in k or "fee_pay_later" in k}
    assert any("amount" in k for k in bad) and any("basis" in k for k in bad), exc.value.fields
    assert any("fee_pay_later" in k for k in bad)
    assert Procedure.objects.count() == 0  # nothing written
    v["fees"], v["fee_pay_later"] = [{"name": "Lệ phí", "amount": 8000, "collected": 1}], True
    import_catalog(doc)
    code = doc["procedures"][3]["code"]
    exported = next(p for p in export_catalog()["procedures"] if p["code"] == code)["versions"][0]
    assert exported["fee_pay_later"] is True and exported["fees"][0]["amount"] == 8000


def test_the_process_marks_its_steps_and_round_trips(world):
    from motcua.catalog.models import ProcessStep

    sample = load_sample_catalog()
    for p in sample["procedures"]:  # every sample process has one approval step and one document step
        approvals = 0 if p["code"] == "2.000815.BSDT" else 1  # a certified copy is made and signed at the counter
        assert sum(s["approval"] for s in p["process"]) == approvals, p["code"]
        assert sum(s["produces_document"] for s in p["process"]) == 1, p["code"]
    steps = ProcessStep.objects.filter(unit=world.department, procedure__code="2.000815").order_by("order")
    assert [(s.name, s.required, s.approval, s.produces_document) for s in steps] == [
        ("Xử lý", True, False, True), ("Ký", True, True, False)]
    commune = ProcessStep.objects.get(unit=world.communes["a"], procedure__code="1.001193", order=3)
    assert commune.approval  # unmarked in an older document, the leader's step is the approval step
    doc = export_catalog()
    exported = next(p for p in doc["procedures"] if p["code"] == "2.000815")["processes"]
    assert [e for e in exported if e["unit"] == world.department.code] == [{"unit": world.department.code, "steps": [
        {"name": "Xử lý", "role": "specialist", "required": True, "approval": False, "produces_document": True,
         "quota_hours": 2.0},
        {"name": "Ký", "role": "leader", "required": True, "approval": True, "produces_document": False,
         "quota_hours": 1.0}]}]
    ProcessStep.objects.filter(unit=world.department).delete()
    import_catalog(doc)
    again = ProcessStep.objects.filter(unit=world.department, procedure__code="2.000815").order_by("order")
    assert [(s.name, s.approval, s.produces_document) for s in again] == [("Xử lý", False, True), ("Ký", True, False)]
