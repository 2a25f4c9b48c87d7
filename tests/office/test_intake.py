"""Counter intake: find the procedure, fill the applicant, tick the checklist, preview the due
time, receive."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.catalog.models import Component
from motcua.dossiers import services as svc
from motcua.dossiers.models import Dossier

pytestmark = pytest.mark.django_db


def _form(world: Any, **over: Any) -> dict[str, Any]:  # noqa: ANN401
    comps = Component.objects.filter(version__procedure__code="1.001193", version__effective_to__isnull=True)
    data: dict[str, Any] = {
        "procedure": "1.001193", "receiving_unit": world.commune_centres["a"].pk,
        "handling_unit": world.communes["a"].pk, "applicant_type": 0, "applicant_name": "Phạm Thị Hoa",
        "applicant_id_number": "068199000111", "applicant_phone": "0987654321", "applicant_email": "",
        "applicant_address": "5 Trần Hưng Đạo", "representative_name": "", "representative_phone": "",
        "request_summary": "Đăng ký khai sinh cho con", "result_delivery": "counter",
    }
    for c in comps:
        if c.required:
            data[f"c{c.pk}"] = "on"  # an unticked box is simply not posted
        data.update({f"c{c.pk}_originals": 1, f"c{c.pk}_copies": 0})
    data.update(over)
    return data


def test_search_procedure_by_name_or_code(client_of, now) -> None:  # noqa: ANN001
    c = client_of("counter_a")
    for q in ("khai sinh", "1.0011", "KHAI"):
        html = c.get("/office/intake/procedures/", {"q": q}, HTTP_HX_REQUEST="true").content.decode()
        assert "Thủ tục đăng ký khai sinh" in html and "?procedure=1.001193" in html, q
    assert "Không có thủ tục nào phù hợp" in c.get("/office/intake/procedures/", {"q": "xyz"}).content.decode()
    # without JavaScript the search form reloads the page with the results
    assert "?procedure=1.001193" in c.get("/office/intake/", {"q": "khai sinh"}).content.decode()


def test_form_shows_checklist_of_version_in_force_and_due_preview(client_of, now) -> None:  # noqa: ANN001
    html = client_of("counter_a").get("/office/intake/", {"procedure": "1.001193"}).content.decode()
    for text in ("1726/QĐ-BTP", "Tờ khai đăng ký khai sinh", "Giấy chứng sinh", "Giấy ủy quyền", "bắt buộc",
                 "Hạn giải quyết: 09:00 11/09/2025", 'for="id_applicant_name"'):
        assert text in html, text


def test_preview_applies_the_afternoon_cutoff(client_of, world, clock) -> None:  # noqa: ANN001
    clock.set("2025-09-10 16:00")
    html = client_of("counter_a").get("/office/intake/preview/", {
        "procedure": "1.001193", "receiving_unit": world.commune_centres["a"].pk}).content.decode()
    assert "bắt đầu tính từ 07:30 11/09/2025" in html and "Hạn giải quyết: 17:00 11/09/2025" in html


def test_receive_at_the_counter_redirects_to_the_dossier(client_of, world, now) -> None:  # noqa: ANN001
    r = client_of("counter_a").post("/office/intake/", _form(world))
    d = Dossier.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/office/dossiers/{d.pk}/"
    assert d.status == 2 and d.applicant_name == "Phạm Thị Hoa" and d.channel == 1
    assert d.handling_unit == world.communes["a"] and d.components.count() == 2
    html = client_of("counter_a").get(r["Location"]).content.decode()
    assert f"Đã tiếp nhận hồ sơ {d.code}" in html


def test_missing_required_component_is_refused_with_nothing_saved(client_of, world, now) -> None:  # noqa: ANN001
    required = Component.objects.filter(version__procedure__code="1.001193", version__effective_to__isnull=True,
                                        required=True).first()
    data = _form(world)
    data.pop(f"c{required.pk}")
    r = client_of("counter_a").post("/office/intake/", data)
    assert r.status_code == 422 and "Còn thiếu thành phần hồ sơ bắt buộc" in r.content.decode()
    assert not Dossier.objects.exists()


def test_invalid_form_keeps_the_input(client_of, world, now) -> None:  # noqa: ANN001
    r = client_of("counter_a").post("/office/intake/", _form(world, applicant_name=""))
    assert r.status_code == 422 and 'value="068199000111"' in r.content.decode()
    assert not Dossier.objects.exists()


def test_staff_without_a_counter_role_cannot_receive(client_of, world, now) -> None:  # noqa: ANN001
    html = client_of("specialist_a").get("/office/intake/", {"procedure": "1.001193"}).content.decode()
    assert "không phải cán bộ một cửa" in html
    client_of("specialist_a").post("/office/intake/", _form(world))
    assert not Dossier.objects.exists()


def test_unknown_procedure(client_of, now) -> None:  # noqa: ANN001
    html = client_of("counter_a").get("/office/intake/", {"procedure": "9.999"}).content.decode()
    assert "Không tìm thấy thủ tục" in html


def test_returning_applicant_details_are_filled_in_from_their_latest_dossier(client_of, desk) -> None:  # noqa: ANN001
    desk.received("a", applicant=svc.Applicant(name="Trần Thị Bích", id_number="068199900001",
                                               phone="0987654321", address="Thôn 3, xã A"))
    r = client_of("counter_a").get("/office/intake/applicant/", {"procedure": "1.001193",
                                                                 "applicant_id_number": "068199900001",
                                                                 "result_delivery": "post"},
                                   HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert r.status_code == 200 and 'id="applicant-fields"' in html
    for text in ('value="Trần Thị Bích"', 'value="0987654321"', 'value="Thôn 3, xã A"', "Đã điền thông tin"):
        assert text in html, text
    assert '<option value="post" selected>' in html  # what the officer already chose is kept


def test_returning_applicant_lookup_is_scoped_and_keeps_typed_values(client_of, desk) -> None:  # noqa: ANN001
    desk.received("a", applicant=svc.Applicant(name="Trần Thị Bích", id_number="068199900001"))
    r = client_of("counter_b").get("/office/intake/applicant/", {
        "procedure": "1.001193", "applicant_id_number": "068199900001", "applicant_name": "Người khác"})
    html = r.content.decode()
    assert r.status_code == 200 and "Trần Thị Bích" not in html and 'value="Người khác"' in html
    assert "Đã điền thông tin" not in html
    assert client_of("counter_a").get("/office/intake/applicant/", {"procedure": "nope"}).status_code == 404
