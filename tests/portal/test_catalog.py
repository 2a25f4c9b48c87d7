"""The public catalog: search and filters, and a procedure's page with what to bring and its QR."""

from __future__ import annotations

import pytest
from django.test import Client

from motcua.catalog.models import Field
from motcua.portal.catalog import CatalogQuery, destinations, fold, search

pytestmark = pytest.mark.django_db


def _codes(html: str) -> set[str]:
    return {code for code in ("1.001193", "2.000815") if f"/portal/procedures/{code}/" in html}


@pytest.mark.parametrize("params,expected", [
    ({}, {"1.001193", "2.000815"}),
    ({"q": "khai sinh"}, {"1.001193"}),
    ({"q": "KHAI"}, {"1.001193"}),
    ({"q": "dang ky khai sinh"}, {"1.001193"}),  # typed without diacritics
    ({"q": "2.0008"}, {"2.000815"}),
    ({"q": "không có thủ tục này"}, set()),
    ({"level": "province"}, {"2.000815"}),
    ({"level": "commune"}, {"1.001193"}),
    ({"applicant_type": "1"}, {"2.000815"}),
    ({"applicant_type": "0"}, {"1.001193", "2.000815"}),
])
def test_browse_search_and_filter(world, now, params, expected) -> None:  # noqa: ANN001
    r = Client().get("/portal/procedures/", params)
    assert r.status_code == 200 and _codes(r.content.decode()) == expected


def test_filter_by_field_and_bad_filters_are_ignored(world, now) -> None:  # noqa: ANN001
    ct = Field.objects.get(code="CT")
    assert _codes(Client().get("/portal/procedures/", {"field": ct.pk}).content.decode()) == {"2.000815"}
    r = Client().get("/portal/procedures/", {"field": "abc", "level": "moon", "applicant_type": "9", "page": "x"})
    assert r.status_code == 200 and _codes(r.content.decode()) == {"1.001193", "2.000815"}
    assert "Không có thủ tục nào phù hợp" in Client().get("/portal/procedures/", {"q": "zzz"}).content.decode()


def test_search_service_and_folding(world, now) -> None:  # noqa: ANN001
    assert fold("  Đăng KÝ ") == "dang ky"
    assert [v.procedure.code for v in search(CatalogQuery(q="chứng thực"))] == ["2.000815"]


def test_procedure_page_shows_what_to_bring_fees_time_and_channels(world, now) -> None:  # noqa: ANN001
    html = Client().get("/portal/procedures/2.000815/").content.decode()
    for text in ("Chứng thực bản sao từ bản chính", "Bản chính giấy tờ", "bắt buộc", "Phí chứng thực: 2.000 đồng",
                 "Trực tiếp", "Trực tuyến", "Bưu chính công ích", "4 giờ làm việc", "1 ngày làm việc",
                 "Cấp tỉnh", "Doanh nghiệp", "1024/QĐ-BTP", "Nộp hồ sơ trực tuyến"):
        assert text in html, text


def test_procedure_page_uses_the_version_in_force_and_has_a_qr_code(world, now) -> None:  # noqa: ANN001
    html = Client().get("/portal/procedures/1.001193/").content.decode()
    assert "1726/QĐ-BTP" in html and "Giấy chứng sinh" in html and "1872/QĐ-BTP" not in html
    assert "<svg" in html and "http://127.0.0.1:8000/portal/procedures/1.001193/" in html


def test_unknown_procedure_is_a_404(world, now) -> None:  # noqa: ANN001
    assert Client().get("/portal/procedures/9.999999/").status_code == 404


def test_online_dossiers_go_to_a_centre_inside_the_handling_unit_or_the_province_centre(world) -> None:  # noqa: ANN001
    from motcua.catalog.models import Procedure

    birth = destinations(Procedure.objects.get(code="1.001193"))
    assert [(d.receiving, d.handling) for d in birth] == [
        (world.commune_centres["a"], world.communes["a"]), (world.commune_centres["b"], world.communes["b"])]
    copy = destinations(Procedure.objects.get(code="2.000815"))
    # communes certify copies too (the world attaches the process to them): their own centres receive
    assert {(d.receiving, d.handling) for d in copy} == {
        (world.centre, world.department), (world.commune_centres["a"], world.communes["a"]),
        (world.commune_centres["b"], world.communes["b"])}
