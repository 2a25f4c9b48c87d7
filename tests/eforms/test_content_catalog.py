"""The shipped forms reach the sample catalog's versions through the catalog import ("form"), and
prefill reads the citizen's account, VNeID claims and their earlier declarations from the database."""

from __future__ import annotations

from datetime import date

import pytest

from motcua.catalog.models import Procedure
from motcua.catalog.services import export_catalog, import_catalog, load_sample_catalog, version_in_force
from motcua.eforms import services, shipped
from motcua.eforms.models import FormDefinition
from motcua.eforms.prefill import prefill_for
from motcua.portal.models import CitizenProfile

pytestmark = pytest.mark.django_db


def test_the_sample_catalog_imports_with_the_ten_shipped_forms(db) -> None:  # noqa: ANN001
    import_catalog(load_sample_catalog())
    forms = FormDefinition.objects.select_related("version__procedure")
    assert {f.version.procedure.code: f.definition["key"] for f in forms} == shipped.PROCEDURES
    assert all(f.published and f.version.effective_to is None for f in forms)
    exported = {p["code"]: p for p in export_catalog()["procedures"]}
    assert exported["1.001193"]["versions"][-1]["form"] == shipped.load("khai-sinh")
    assert "form" not in exported["1.012781"]["versions"][-1]  # a procedure without a shipped form


def test_prefill_reads_the_account_the_eid_and_the_earlier_declaration(world, clock) -> None:  # noqa: ANN001
    clock.set("2026-03-10 09:00")
    citizen = world.users["citizen"]
    citizen.email = "an@example.vn"
    citizen.save()
    CitizenProfile.objects.create(user=citizen, id_number="068123456789", phone="0912345678",
                                  address="12 Trần Phú", identity_provider="vneid", birth_date=date(1990, 5, 6),
                                  gender="male")
    version = version_in_force(Procedure.objects.get(code="1.001193"), date(2026, 3, 10))
    form = services.set_form(version, shipped.load("khai-sinh"))
    home = {"province": world.province.code, "commune": world.communes["a"].code, "detail": "Thôn 2"}
    declared = {"requester": {"full_name": "Nguyễn Văn An", "residence": home, "relation": "Cha",
                              "id_document": "Thẻ Căn cước số 068123456789, cấp ngày 01/02/2021"},
                "child": {"full_name": "Nguyễn Minh Khôi", "birth_date": "2026-03-01", "sex": "nam",
                          "ethnicity": "01", "nationality": "Việt Nam", "birth_place": home},
                "mother": {"full_name": "Lê Thị Hằng"}}
    earlier = services.intake_with_declaration(world.actor("counter_a"),
                                               world.intake_request(owner_id=citizen.pk), declared)

    got = prefill_for(citizen, form.definition)
    assert got.data["requester"]["full_name"] == "Nguyễn Văn An"
    assert got.data["requester"]["residence"] == home  # the earlier declaration's, with its unit codes
    assert got.note("requester.residence") == "đã điền sẵn từ hồ sơ đã nộp trước đây"
    assert "child" not in got.data
    assert prefill_for(citizen, form.definition, exclude_dossier=earlier.pk).data["requester"]["residence"] == {
        "detail": "12 Trần Phú"}  # without it: the account's address, to complete
    business = prefill_for(citizen, shipped.load("ho-kinh-doanh"))
    assert business.data["owner"]["birth_date"] == "1990-05-06" and business.data["owner"]["sex"] == "nam"
    assert business.sources["owner.birth_date"] == "tài khoản định danh điện tử VNeID"
    assert business.data["owner"]["email"] == "an@example.vn"
    assert prefill_for(world.users["citizen2"], form.definition).data == {}  # another citizen: nothing of his
    assert prefill_for(world.users["counter_a"], form.definition).data == {}  # staff have no profile
