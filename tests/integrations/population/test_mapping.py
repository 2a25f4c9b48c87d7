"""The wire format, pure: names folded as the database wants them, recorded replies read whole or
refused whole, and the hardened parser refusing entity bombs, external entities and DTDs."""

from __future__ import annotations

from datetime import date

import pytest

from motcua.integrations.population import mapping
from motcua.integrations.population.simulator import BOMB, EXTERNAL, PEOPLE

AN = next(p for p in PEOPLE if p["SoDinhDanh"] == "068090001234")


def test_names_are_folded_upper_case_without_diacritics() -> None:
    assert mapping.fold_name("Nguyễn Văn An") == "NGUYEN VAN AN"
    assert mapping.fold_name("  đỗ   thị ánh ") == "DO THI ANH"
    assert mapping.fold_name("Đặng Quỳnh Hương") == "DANG QUYNH HUONG"


def test_the_request_carries_every_field_with_the_name_folded() -> None:
    q = mapping.Query("R-1", "068090001234", "Nguyễn Văn An", 1990, "LGSP-1", "1.001193", "canbo1")
    assert mapping.request_body(q) == {"MaYeuCau": "R-1", "MaDVC": "1.001193", "MaTichHop": "LGSP-1",
                                       "MaCanBo": "canbo1", "HoVaTen": "NGUYEN VAN AN", "SoDinhDanh": "068090001234",
                                       "Nam": "1990"}


def test_a_found_record_is_read_whole() -> None:
    reply = mapping.parse_reply(mapping.envelope("R-1", mapping.FOUND, record=mapping.citizen_xml(AN)).encode(), "R-1")
    c = reply.citizen
    assert reply.code == "0" and c is not None
    assert (c.full_name, c.birth_date, c.gender) == ("Nguyễn Văn An", date(1990, 1, 1), "Nam")
    assert c.address == "12 Trần Hưng Đạo, phường Xuân Hương, Lâm Đồng" and c.permanent and c.permanent.ward_code
    assert c.relations["VoChong"] == ("068192004567", "Trần Thị Hoa") and c.related_to("068192004567") == "VoChong"


def test_namespace_prefixes_do_not_matter_and_year_only_births_are_kept() -> None:
    xml = mapping.envelope("R", "0", record=mapping.citizen_xml({**AN, "NgayThangNam": "", "Nam": "1990"}))
    for old, new in (("soap:", "s:"), ("xmlns:soap", "xmlns:s"), ("dc:", "q:"), ("xmlns:dc", "xmlns:q")):
        xml = xml.replace(old, new)
    c = mapping.parse_reply(xml.encode(), "R").citizen
    assert c is not None and c.birth_date is None and c.birth_year == 1990


def test_not_found_and_mismatch_carry_no_record() -> None:
    for code in (mapping.NOT_FOUND, mapping.MISMATCH, mapping.DUPLICATE_REQUEST):
        reply = mapping.parse_reply(mapping.envelope("R", code).encode(), "R")
        assert reply.code == code and reply.citizen is None and reply.message


@pytest.mark.parametrize("xml, why", [
    (mapping.envelope("R", "0", record=mapping.citizen_xml(AN))[:120], "không phải XML"),
    ("<html><body>502 Bad Gateway</body></html>", "SOAP Envelope"),
    (mapping.envelope("OTHER", "0", record=mapping.citizen_xml(AN)), "khác mã đã gửi"),
    (mapping.envelope("R", "9"), "mã kết quả"),
    (mapping.envelope("R", "0"), "thiếu thông tin công dân"),
    (mapping.envelope("R", "0", record=mapping.citizen_xml({k: v for k, v in AN.items() if k not in (
        "NgayThangNam", "Nam")})), "năm sinh"),
    (mapping.envelope("R", "0", record=mapping.citizen_xml({k: v for k, v in AN.items() if k not in (
        "ThuongTru", "NoiOHienTai")})), "nơi thường trú"),
    (mapping.envelope("R", "0", record=mapping.citizen_xml({**AN, "Ten": ""})), "họ tên"),
    (mapping.envelope("R", "0", record=mapping.citizen_xml({**AN, "NgayThangNam": "19901345"})), "ngày sinh"),
    (f'<soap:Envelope xmlns:soap="{mapping.SOAP_NS}"><soap:Body><soap:Fault><faultstring>Lỗi hệ thống</faultstring>'
     "</soap:Fault></soap:Body></soap:Envelope>", "Fault"),
])
def test_an_unusable_reply_is_refused_whole(xml: str, why: str) -> None:
    with pytest.raises(mapping.Malformed, match=why):
        mapping.parse_reply(xml.encode(), "R")


def test_an_entity_bomb_is_refused_before_any_expansion() -> None:
    with pytest.raises(mapping.Malformed, match="DTD"):
        mapping.parse_reply(BOMB.encode(), "R")


def test_an_external_entity_is_refused_and_no_file_is_read() -> None:
    with pytest.raises(mapping.Malformed, match="DTD") as err:
        mapping.parse_reply(EXTERNAL.encode(), "R")
    assert "root:" not in str(err.value)


def test_an_internal_entity_without_a_doctype_trick_is_refused_too() -> None:
    xml = ('<?xml version="1.0"?><!DOCTYPE e [<!ENTITY a "x">]>'
           f'<soap:Envelope xmlns:soap="{mapping.SOAP_NS}"><soap:Body>&a;</soap:Body></soap:Envelope>')
    with pytest.raises(mapping.Malformed):
        mapping.parse_reply(xml.encode(), "R")


def test_an_oversized_reply_is_refused_unparsed() -> None:
    with pytest.raises(mapping.Malformed, match="quá lớn"):
        mapping.parse_reply(b"<a>" + b"x" * (mapping.MAX_REPLY_BYTES + 1) + b"</a>", "R")
