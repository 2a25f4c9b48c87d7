"""Intake regardless of administrative boundaries on the pages (Django test client): the counter
routes by the applicant's residence, the dossier page and the receipt name the three units, the
chosen counter returns the result, the portal lets the citizen choose."""

from __future__ import annotations

import io
import re
from typing import Any

import pypdf
import pytest

from motcua.catalog.choices import IntakeAnywhere
from motcua.catalog.models import Component, ProcessStep
from motcua.documents.receipt import render_receipt
from motcua.dossiers.models import Dossier
from tests.portal.conftest import required_components, upload

pytestmark = pytest.mark.django_db


def _form(world: Any, procedure: str = "1.001193", **over: Any) -> dict[str, Any]:  # noqa: ANN401
    comps = Component.objects.filter(version__procedure__code=procedure, version__effective_to__isnull=True)
    data: dict[str, Any] = {
        "procedure": procedure, "receiving_unit": world.commune_centres["a"].pk, "handling_unit": "",
        "applicant_type": 0, "applicant_name": "Phạm Thị Hoa", "applicant_id_number": "068199000111",
        "applicant_phone": "0987654321", "applicant_address": "5 Trần Hưng Đạo, xã B",
        "request_summary": "Đăng ký khai sinh cho con", "result_delivery": "counter", "return_place": "receiving",
    }
    for c in comps:
        if c.required:
            data[f"c{c.pk}"] = "on"
        data.update({f"c{c.pk}_originals": 1, f"c{c.pk}_copies": c.copies})
    data.update(over)
    return data


def _action(client, d: Dossier, action: str, **data: Any):  # noqa: ANN001, ANN202
    d.refresh_from_db()
    return client.post(f"/office/dossiers/{d.pk}/{action}/",
                       {f"{action}-{k}": v for k, v in {"version": d.row_version, **data}.items()})


def _pdf_text(content: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(content)).pages)


def test_the_counter_lists_every_procedure_with_its_competent_units(across, client_of) -> None:  # noqa: ANN001
    c = client_of("counter_a")
    html = c.get("/office/intake/procedures/", {"q": "khai sinh"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Cơ quan giải quyết: Xã A, Xã B, Xã C" in html
    html = c.get("/office/intake/procedures/", {"q": "chứng thực"}, HTTP_HX_REQUEST="true").content.decode()
    assert "?procedure=2.000815" in html and "Cơ quan giải quyết: Sở Tư pháp" in html
    page = c.get("/office/intake/", {"procedure": "1.001193"}).content.decode()
    assert 'name="residence_commune"' in page and "Theo nơi cư trú của người nộp" in page
    assert "Tại bộ phận một cửa của cơ quan giải quyết" in page
    assert "Phường X" not in page  # another province: not offered while the catalog does not allow it


def test_a_commune_counter_receives_for_the_applicants_commune_and_it_is_returned_there(  # noqa: ANN001
        across, client_of) -> None:
    w = across.world
    r = client_of("counter_a").post("/office/intake/", _form(w, residence_commune=w.communes["b"].pk,
                                                             return_place="handling"))
    d = Dossier.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/office/dossiers/{d.pk}/", r.content[:2000]
    assert (d.receiving_unit, d.handling_unit, d.return_unit) == (
        w.commune_centres["a"], w.communes["b"], w.commune_centres["b"])
    html = client_of("counter_a").get(r["Location"]).content.decode()
    assert re.search(r"Nơi tiếp nhận</dt><dd>TTPVHCC xã A<", html)
    assert re.search(r"Cơ quan giải quyết</dt><dd>Xã B<", html)
    assert '<dd id="return-unit">TTPVHCC xã B</dd>' in html
    text = _pdf_text(render_receipt(d))
    assert "Cơ quan giải quyết: Xã B" in text and "Tại bộ phận một cửa: TTPVHCC xã B" in text
    assert client_of("counter_c").get(r["Location"]).status_code == 404  # another commune sees nothing
    assert client_of("specialist_c").get("/office/queues/process/").content.decode().count(d.code) == 0
    across.start(d)
    assert d.code in client_of("specialist_b").get("/office/queues/process/").content.decode()
    assert d.code not in client_of("specialist_a").get("/office/queues/process/").content.decode()
    nxt = ProcessStep.objects.get(procedure=d.procedure, unit=w.communes["b"], order=2)
    d.refresh_from_db()
    before = (d.status, d.row_version, d.current_step_id)
    assert _action(client_of("specialist_a"), d, "forward", to_step=nxt.pk).status_code in (403, 422)
    d.refresh_from_db()
    assert (d.status, d.row_version, d.current_step_id) == before  # the receiving side cannot process
    across.processed(d, "b")
    assert d.code in client_of("counter_b").get("/office/queues/return/").content.decode()
    assert d.code not in client_of("counter_a").get("/office/queues/return/").content.decode()
    assert _action(client_of("counter_b"), d, "return", method="counter").status_code == 302
    d.refresh_from_db()
    assert d.status == 10 and d.events.order_by("-seq").first().actor_name == "counter_b"


def test_a_commune_counter_receives_for_a_province_department(across, client_of) -> None:  # noqa: ANN001
    w = across.world
    page = client_of("counter_a").get("/office/intake/", {"procedure": "2.000815"}).content.decode()
    assert 'name="residence_commune"' not in page  # a province-level procedure: the department by default
    assert f'<option value="{w.department.pk}" selected>Sở Tư pháp</option>' in page
    r = client_of("counter_a").post("/office/intake/", _form(w, "2.000815", return_place="handling",
                                                             **{"fees-mode": "cash"}))
    assert r.status_code == 302, re.findall(r'class="(?:error|msg msg-error)"[^<]*<?[^<]*', r.content.decode())
    d = Dossier.objects.get()
    assert (d.receiving_unit, d.handling_unit, d.return_unit) == (w.commune_centres["a"], w.department, w.centre)
    assert client_of("counter_b").get(f"/office/dossiers/{d.pk}/").status_code == 404
    assert client_of("specialist_p").get(f"/office/dossiers/{d.pk}/").status_code == 200


def test_another_province_on_the_page_only_where_the_catalog_allows_it(across, client_of) -> None:  # noqa: ANN001
    w = across.world
    x = w.communes["x"]
    r = client_of("counter_a").post("/office/intake/", _form(w, handling_unit=x.pk))
    assert r.status_code == 422 and not Dossier.objects.exists()
    assert 'id="id_handling_unit-error"' in r.content.decode() or "has-error" in r.content.decode()
    across.flag(IntakeAnywhere.NATIONWIDE)
    page = client_of("counter_a").get("/office/intake/", {"procedure": "1.001193"}).content.decode()
    assert "Phường X (Thành phố Hồ Chí Minh)" in page
    r = client_of("counter_a").post("/office/intake/", _form(w, handling_unit=x.pk, return_place="handling"))
    d = Dossier.objects.get()
    assert r.status_code == 302 and (d.handling_unit, d.return_unit) == (x, w.commune_centres["x"])


def test_the_refusal_is_shown_on_its_field(across, client_of, monkeypatch) -> None:  # noqa: ANN001
    """The service's own check (the form offered a unit the catalog then stopped allowing)."""
    from motcua.office import intake

    w = across.world
    across.flag(IntakeAnywhere.NATIONWIDE)
    page_setup = intake.setup(w.actor("counter_a"), "1.001193")
    across.flag(IntakeAnywhere.PROVINCE)  # changed in between: the service refuses
    monkeypatch.setattr(intake, "setup", lambda *a: page_setup)
    r = client_of("counter_a").post("/office/intake/", _form(w, handling_unit=w.communes["x"].pk))
    html = r.content.decode()
    assert r.status_code == 422 and not Dossier.objects.exists()
    assert "không được tiếp nhận hồ sơ cho cơ quan giải quyết thuộc tỉnh khác" in html
    assert 'id="id_handling_unit-error"' in html


def test_the_citizen_chooses_the_competent_unit_and_where_to_collect_online(across, client_of, citizens) -> None:  # noqa: ANN001
    w = across.world
    apply = "/portal/procedures/1.001193/apply/"
    html = client_of("citizen").get(apply).content.decode()
    assert 'name="handling_unit"' in html and 'name="return_place"' in html
    data = {"action": "submit", "receiving_unit": w.commune_centres["a"].pk, "applicant_type": 0,
            "applicant_name": "Nguyễn Văn An", "applicant_id_number": "068123456789", "applicant_phone": "0912345678",
            "applicant_email": "", "applicant_address": "12 Trần Phú, xã B", "request_summary": "Khai sinh",
            "result_delivery": "counter", "handling_unit": w.communes["b"].pk, "return_place": "handling",
            **{f"file_{c.pk}": upload(f"c{c.pk}.pdf") for c in required_components()}}
    r = client_of("citizen").post(apply, data)
    d = Dossier.objects.get()
    assert r.status_code == 302, r.content[:3000]
    assert (d.receiving_unit, d.handling_unit, d.return_unit, d.channel) == (
        w.commune_centres["a"], w.communes["b"], w.commune_centres["b"], 2)
    assert '<dd id="return-unit">TTPVHCC xã B</dd>' in client_of("citizen").get(r["Location"]).content.decode()
    assert d.code in client_of("counter_a").get("/office/queues/receive/").content.decode()  # checked at A
    # another province's unit: refused on the field, nothing written
    data.update({"handling_unit": w.communes["x"].pk,
                 **{f"file_{c.pk}": upload(f"c{c.pk}.pdf") for c in required_components()}})
    r = client_of("citizen").post(apply, data)
    assert r.status_code == 422 and Dossier.objects.count() == 1
    assert "không được tiếp nhận hồ sơ cho cơ quan giải quyết thuộc tỉnh khác" in r.content.decode()
