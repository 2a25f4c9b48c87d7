"""The e-form through the API and the catalog: the procedure returns its form, the catalog JSON
carries it (import refuses a bad one naming the field, writing nothing), the dossier API takes and
returns the declaration validated by the same rules (422 with field paths), and finds dossiers by
a declared value."""

from __future__ import annotations

import copy
import json

import pytest

from motcua.catalog.models import ProcedureVersion
from motcua.catalog.services import export_catalog, import_catalog
from motcua.domain.errors import ValidationFailed
from motcua.dossiers.models import Dossier
from motcua.eforms.models import Declaration, DeclaredValue, FormDefinition
from tests.eforms.forms import birth
from tests.factories import CATALOG

pytestmark = pytest.mark.django_db
API = "/api/v1"


def _payload(world, declaration):  # noqa: ANN001, ANN202
    from motcua.catalog.models import Component

    comps = Component.objects.filter(version__procedure__code="1.001193", version__effective_to__isnull=True,
                                     required=True)
    return {"procedure_code": "1.001193", "receiving_unit_code": world.commune_centres["a"].code,
            "handling_unit_code": world.communes["a"].code, "channel": 1,
            "applicant": {"name": "Nguyễn Văn An", "id_number": "068123456789", "phone": "0912345678"},
            "components": [{"component_id": c.pk, "originals": 1, "copies": 0} for c in comps],
            "declaration": declaration}


def _post(client, world, declaration):  # noqa: ANN001, ANN202
    return client.post(f"{API}/dossiers", json.dumps(_payload(world, declaration)), content_type="application/json")


def test_the_procedure_api_returns_the_form(client_of, birth_form) -> None:  # noqa: ANN001
    body = client_of("counter_a").get(f"{API}/catalog/procedures/1.001193").json()
    assert body["form"]["key"] == "khai-sinh"
    assert body["form"]["sections"][0]["fields"][0]["label"]["en"] == "Full name"
    assert client_of("counter_a").get(f"{API}/catalog/procedures/2.000815").json()["form"] is None


def test_catalog_export_and_import_carry_the_form(world, birth_form) -> None:  # noqa: ANN001
    doc = export_catalog()
    versions = doc["procedures"][0]["versions"]
    assert [v.get("form", {}).get("key") for v in versions] == [None, "khai-sinh"]
    doc = copy.deepcopy(CATALOG)
    doc["procedures"][1]["versions"][0]["form"] = birth()
    import_catalog(doc)
    v = ProcedureVersion.objects.get(procedure__code="2.000815")
    assert FormDefinition.objects.get(version=v).definition["key"] == "khai-sinh"


def test_catalog_import_refuses_a_bad_form_naming_the_field_and_writes_nothing(world) -> None:  # noqa: ANN001
    doc = copy.deepcopy(CATALOG)
    form = birth()
    form["sections"][0]["fields"][2]["type"] = "datetime"
    doc["procedures"][1]["versions"][0]["form"] = form
    doc["procedures"][1]["versions"][0]["effective_from"] = "2026-01-01"
    before = ProcedureVersion.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        import_catalog(doc)
    assert exc.value.fields == {"form.child.sex.type": "unknown type 'datetime' (known: text, textarea, number, "
                                "date, choice, boolean, id_number, email, phone, address, person, group)"}
    assert ProcedureVersion.objects.count() == before and not FormDefinition.objects.exists()


def test_catalog_import_api_answers_422_for_a_bad_form(client_of, world) -> None:  # noqa: ANN001
    doc = copy.deepcopy(CATALOG)
    doc["procedures"][1]["versions"][0]["form"] = {"schema": 1, "key": "x", "title": {"vi": "X"}, "sections": []}
    doc["procedures"][1]["versions"][0]["effective_from"] = "2026-01-01"
    r = client_of("admin").post(f"{API}/catalog/import", json.dumps(doc), content_type="application/json")
    assert r.status_code == 422 and "form.sections" in r.json()["error"]["fields"]


def test_create_with_a_declaration_and_read_it_back(client_of, world, birth_form, good) -> None:  # noqa: ANN001
    c = client_of("counter_a")
    r = _post(c, world, good)
    assert r.status_code == 201, r.content
    d = Dossier.objects.get()
    decl = Declaration.objects.get(dossier=d)
    assert decl.definition == birth_form and decl.data["child"]["full_name"] == "Nguyễn Văn An"
    assert "nguyen van an" in set(DeclaredValue.objects.filter(dossier=d).values_list("value_norm", flat=True))
    body = c.get(f"{API}/dossiers/{d.pk}").json()
    assert body["declaration"]["form"] == "khai-sinh"
    assert body["declaration"]["form_version"] == birth_form.version_id
    assert body["declaration"]["data"]["child"]["weight"] == 3200


def test_a_bad_declaration_is_refused_with_field_paths_and_nothing_is_written(client_of, world, birth_form,  # noqa: ANN001
                                                                              good) -> None:
    good["child"]["full_name"] = ""
    good["child"]["birth_date"] = "31/02/2025"
    good["applicant"]["married"] = True
    good["family"] = {"children": [{"name": "", "adopted": True}]}
    r = _post(client_of("counter_a"), world, good)
    assert r.status_code == 422
    fields = r.json()["error"]["fields"]
    assert fields["declaration.child.full_name"] == "Nhập họ, chữ đệm, tên"
    assert "ngày có thật" in fields["declaration.child.birth_date"]
    assert "declaration.applicant.spouse_name" in fields
    assert "declaration.family.children[0].name" in fields and "declaration.family.children[0].adoption_no" in fields
    assert not Dossier.objects.exists() and not Declaration.objects.exists()


def test_a_declaration_that_is_not_an_object_and_a_procedure_without_form(client_of, world, birth_form) -> None:  # noqa: ANN001
    r = _post(client_of("counter_a"), world, [1])
    assert r.status_code == 422
    birth_form.delete()
    r = _post(client_of("counter_a"), world, {"child": {}})
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"declaration": "no form for this procedure"}
    assert _post(client_of("counter_a"), world, None).status_code == 201  # no declaration: none asked


def test_find_dossiers_by_a_declared_value(client_of, world, birth_form, good) -> None:  # noqa: ANN001
    c = client_of("counter_a")
    assert _post(c, world, good).status_code == 201
    other = copy.deepcopy(good)
    other["child"]["full_name"] = "Lê Thị Cúc"
    assert _post(c, world, other).status_code == 201
    first, second = Dossier.objects.order_by("pk")
    codes = lambda q: [i["id"] for i in c.get(f"{API}/dossiers", q).json()["items"]]  # noqa: E731
    assert codes({"declared": "NGUYEN VAN"}) == [first.pk]
    assert codes({"declared": "lê thị cúc", "declared_path": "child.full_name"}) == [second.pk]
    assert codes({"declared": "le thi cuc", "declared_path": "mother.person.full_name"}) == []
    assert codes({"declared": "tran thi binh"}) == [second.pk, first.pk]
    # scoped: another commune's counter sees none of them
    assert client_of("counter_b").get(f"{API}/dossiers", {"declared": "nguyen"}).json()["items"] == []
