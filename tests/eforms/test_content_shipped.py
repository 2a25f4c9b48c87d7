"""The shipped forms: every one passes check_definition, keeps the official labels and order,
declares its template, and a filled example of each validates and prints (text read back)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from motcua.catalog.services import load_sample_catalog
from motcua.domain.eforms import check_definition, choices_of, flatten, validate
from motcua.eforms import shipped
from motcua.eforms.pdf import Paper, render_declaration
from tests.documents.conftest import Pdf

TODAY = date(2026, 12, 3)
UNITS = {"provinces": {"68": "Tỉnh Lâm Đồng"}, "communes": {"24781": ("68", "Phường Xuân Hương - Đà Lạt")}}
CONTEXT = {"received_date": TODAY, "units": UNITS}
ALL = shipped.keys()


def test_eleven_forms_shipped_ten_bound_to_commune_procedures() -> None:
    assert len(ALL) == 11
    assert sorted([*shipped.PROCEDURES.values(), *shipped.UNBOUND]) == ALL
    catalog = {p["code"]: p for p in load_sample_catalog()["procedures"]}
    for code in shipped.PROCEDURES:
        assert "commune" in catalog[code]["levels"], code


@pytest.mark.parametrize("key", ALL)
def test_passes_check_definition_and_declares_its_template(key: str) -> None:
    defn = shipped.load(key)
    assert check_definition(defn) == []
    assert defn["key"] == key and "template" in defn
    assert defn["title"]["vi"] and defn["title"]["en"]
    for section in defn["sections"]:
        for field in section["fields"]:
            assert field["label"]["vi"] and field["label"]["en"], f"{key}.{section['key']}.{field['key']}"


def test_birth_declaration_follows_the_official_order() -> None:
    defn = shipped.load("khai-sinh")
    child = next(s for s in defn["sections"] if s["key"] == "child")
    assert [f["label"]["vi"] for f in child["fields"]] == [
        "Họ, chữ đệm, tên", "Ngày, tháng, năm sinh", "Giới tính", "Dân tộc", "Quốc tịch", "Nơi sinh", "Quê quán"]
    assert [s["key"] for s in defn["sections"]] == ["requester", "child", "mother", "father", "request"]
    assert defn["template"] == "TT04-2020/mau-khai-sinh"


def test_the_catalog_names_the_same_template_as_the_form() -> None:
    catalog = {p["code"]: p for p in load_sample_catalog()["procedures"]}
    component = catalog["1.001193"]["versions"][-1]["components"][0]
    assert "Tờ khai đăng ký khai sinh" in component["form_template"]
    assert shipped.for_procedure("1.001193")["title"]["vi"] == "Tờ khai đăng ký khai sinh"
    assert shipped.for_procedure("2.000815.BSDT") is None


# ---- a filled example of each -----------------------------------------------------------------

SAMPLE_TEXT = {"full_name": "Nguyễn Thị Hồng Nhung", "nationality": "Việt Nam", "relation": "Mẹ đẻ",
               "id_document": "Thẻ Căn cước số 068123456789, do Bộ Công an cấp ngày 10/05/2021"}


def _value(key: str, field: dict[str, Any]) -> Any:
    kind = field["type"]
    if kind == "group":
        return [{sub["key"]: _value(sub["key"], sub) for sub in field["fields"]}]
    if kind in ("text", "textarea"):
        if field.get("pattern"):
            return {"^[0-9]{4}$": "4791"}.get(field["pattern"], "14:30")
        return SAMPLE_TEXT.get(key, f"Nội dung {field['label']['vi']}")[: field.get("max_length", 255)]
    return {
        "number": max(field.get("min", 1), 1), "date": "2020-01-15", "boolean": True,
        "choice": choices_of(field)[0]["value"] if isinstance(field.get("choices"), list) else "01",
        "id_number": "068123456789", "email": "nhung@example.vn", "phone": "0912345678",
        "address": {"province": "68", "commune": "24781", "detail": "Số 12 đường Trần Hưng Đạo"},
        "person": {"full_name": "Trần Văn Bình", "birth_date": "1990-02-03"},
    }[kind]


def example(defn: dict[str, Any]) -> dict[str, Any]:
    """Every field of the form filled with a plausible value (conditions all met)."""
    data = {s["key"]: {f["key"]: _value(f["key"], f) for f in s["fields"]} for s in defn["sections"]}
    if "deceased" in data:
        data["deceased"]["birth_date"], data["deceased"]["death_date"] = "1940-03-01", "2026-11-28"
    if "person" in data and "stay_from" in data["person"]:
        data["person"]["stay_from"], data["person"]["stay_to"] = "2010-01-01", "2026-11-30"
    if "request" in data and "register" in data["request"]:
        data["request"]["register"] = "dat_tai_san"
    return data


@pytest.mark.parametrize("key", ALL)
def test_a_filled_example_validates_and_prints(key: str) -> None:
    defn = shipped.load(key)
    cleaned, errors = validate(defn, example(defn), today=TODAY, context=CONTEXT)
    assert errors == {}
    rows = flatten(defn, cleaned, context=CONTEXT)
    assert rows
    pdf = Pdf(render_declaration(defn, cleaned, Paper(addressee="Ủy ban nhân dân phường Xuân Hương - Đà Lạt",
                                                      place="Đà Lạt", on=TODAY, context=CONTEXT)))
    assert pdf.size() == (595.3, 841.9)
    expected = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", defn["title"]["vi"].upper(),
                "Kính gửi: Ủy ban nhân dân phường Xuân Hương - Đà Lạt", "Làm tại: Đà Lạt, ngày 03 tháng 12 năm 2026"]
    assert pdf.missing(*expected) == []
    scalar = [value for path, _label, value in rows if "[" not in path]
    assert pdf.missing(*scalar) == [], key


def test_the_shipped_files_are_valid_json_in_utf8() -> None:
    for key in ALL:
        text = (shipped.HERE / f"{key}.json").read_text(encoding="utf-8")
        assert json.loads(text)["key"] == key
        assert "\\u" not in text  # Vietnamese written as letters, readable in a diff
