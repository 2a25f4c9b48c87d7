"""The builder's operations on a definition (pure): fields read from the builder's inputs, order,
sections and groups, uploads; the input is never changed and a refused change names its input."""

from __future__ import annotations

import json

import pytest

from motcua.domain.eforms import check_definition, validate
from motcua.eforms import builder as b
from motcua.eforms import shipped


def _form() -> dict:
    defn = b.new_definition("thu-nghiem", "Tờ khai thử nghiệm", "Test declaration")
    defn = b.add_field(defn, "thong_tin", b.field_from_post({"type": "text", "label_vi": "Họ, chữ đệm, tên",
                                                            "label_en": "Full name", "required": "on",
                                                            "max_length": "100"}))
    defn = b.add_field(defn, "thong_tin", b.field_from_post({"type": "boolean", "key": "da_ket_hon",
                                                            "label_vi": "Đã kết hôn", "label_en": "Married"}))
    return b.add_field(defn, "thong_tin", b.field_from_post({
        "type": "text", "key": "ten_vo_chong", "label_vi": "Họ tên vợ/chồng", "required": "on",
        "show_if_field": "thong_tin.da_ket_hon", "show_if_op": "equals", "show_if_value": "true"}))


def test_a_form_built_from_inputs_is_valid_and_works() -> None:
    defn = _form()
    assert check_definition(defn) == []
    field = defn["sections"][0]["fields"][0]
    assert field == {"key": "ho_chu_dem_ten", "type": "text", "label": {"vi": "Họ, chữ đệm, tên", "en": "Full name"},
                     "required": True, "max_length": 100}
    _, errors = validate(defn, {"thong_tin": {"ho_chu_dem_ten": "An", "da_ket_hon": "on"}}, today=None)
    assert set(errors) == {"thong_tin.ten_vo_chong"}  # the condition holds: required
    _, errors = validate(defn, {"thong_tin": {"ho_chu_dem_ten": "An"}}, today=None)
    assert errors == {}


def test_choices_typed_one_per_line_or_a_shared_list() -> None:
    field = b.field_from_post({"type": "choice", "label_vi": "Giới tính",
                               "choices": "nam | Nam | Male\nnu | Nữ | Female"})
    assert field["choices"] == [{"value": "nam", "label": {"vi": "Nam", "en": "Male"}},
                                {"value": "nu", "label": {"vi": "Nữ", "en": "Female"}}]
    assert b.parse_choices(b.choices_text(field["choices"])) == field["choices"]
    named = b.field_from_post({"type": "choice", "label_vi": "Dân tộc", "choices": "ethnicities"})
    assert named["choices"] == "ethnicities"
    assert b.parse_choices("Có con\nKhông") == [{"value": "co_con", "label": {"vi": "Có con", "en": ""}},
                                               {"value": "khong", "label": {"vi": "Không", "en": ""}}]


@pytest.mark.parametrize(("post", "bad"), [
    ({"type": "bogus", "label_vi": "X"}, "type"),
    ({"type": "text", "label_vi": ""}, "label_vi"),
    ({"type": "text", "label_vi": "X", "key": "Bad Key"}, "key"),
    ({"type": "number", "label_vi": "Số con", "min": "abc"}, "min"),
    ({"type": "number", "label_vi": "Số con", "min": "5", "max": "1"}, "field"),
    ({"type": "choice", "label_vi": "Giới tính", "choices": ""}, "choices"),
    ({"type": "text", "label_vi": "Mã", "pattern": "(["}, "field"),
    ({"type": "date", "label_vi": "Ngày", "max": "hôm qua"}, "field"),
])
def test_bad_inputs_are_refused_naming_the_input(post: dict, bad: str) -> None:
    with pytest.raises(b.BuildError) as err:
        b.field_from_post(post)
    assert bad in err.value.fields


def test_order_up_down_and_by_drag() -> None:
    defn = _form()
    keys = lambda d: [f["key"] for f in d["sections"][0]["fields"]]  # noqa: E731
    assert keys(b.move_field(defn, "thong_tin", "ten_vo_chong", -1)) == ["ho_chu_dem_ten", "ten_vo_chong", "da_ket_hon"]
    assert keys(b.move_field(defn, "thong_tin", "ho_chu_dem_ten", -1)) == keys(defn)  # already first
    dragged = b.reorder_fields(defn, "thong_tin", ["da_ket_hon", "ten_vo_chong", "ho_chu_dem_ten"])
    assert keys(dragged) == ["da_ket_hon", "ten_vo_chong", "ho_chu_dem_ten"]
    assert keys(defn) == ["ho_chu_dem_ten", "da_ket_hon", "ten_vo_chong"]  # the input is unchanged
    with pytest.raises(b.BuildError):
        b.reorder_fields(defn, "thong_tin", ["da_ket_hon", "ho_chu_dem_ten"])  # a stale page


def test_sections_and_groups() -> None:
    defn = b.add_section(_form(), "con", "Thông tin các con", "Children")
    defn = b.add_field(defn, "con", b.field_from_post({"type": "group", "key": "danh_sach", "label_vi": "Các con",
                                                      "min_items": "1", "max_items": "5"}))
    defn = b.add_field(defn, "con.danh_sach", b.field_from_post({"type": "text", "key": "ten", "label_vi": "Họ tên"}))
    defn = b.add_field(defn, "con.danh_sach", b.field_from_post({"type": "date", "key": "ngay_sinh",
                                                                "label_vi": "Ngày sinh", "max": "today"}))
    assert check_definition(defn) == []
    group = defn["sections"][1]["fields"][0]
    assert [f["key"] for f in group["fields"]] == ["ten", "ngay_sinh"]
    # editing the group keeps its fields; a group is not put inside a group
    edited = b.update_field(defn, "con", "danh_sach", b.field_from_post({"type": "group", "key": "danh_sach",
                                                                        "label_vi": "Danh sách các con"}))
    assert [f["key"] for f in edited["sections"][1]["fields"][0]["fields"]] == ["ten", "ngay_sinh"]
    with pytest.raises(b.BuildError):
        b.add_field(defn, "con.danh_sach", {"key": "g", "type": "group", "label": {"vi": "G"}, "fields": []})
    moved = b.move_section(defn, "con", -1)
    assert [s["key"] for s in moved["sections"]] == ["con", "thong_tin"]
    assert [s["key"] for s in b.remove_section(defn, "con")["sections"]] == ["thong_tin"]
    with pytest.raises(b.BuildError) as err:
        b.add_section(defn, "con", "Trùng")
    assert "key" in err.value.fields


def test_upload_round_trip_and_refusals() -> None:
    defn = shipped.load("khai-sinh")
    assert b.parse_upload(b.export_bytes(defn)) == defn
    assert b.parse_upload(json.dumps({"form": defn}).encode())["key"] == "khai-sinh"
    assert b.parse_upload(b.export_bytes(defn), expected_key="khai-sinh-2")["key"] == "khai-sinh-2"
    for content in (b"not json", b"\xff\xfe", json.dumps({"key": "x"}).encode(), b"x" * (b.MAX_UPLOAD + 1)):
        with pytest.raises(b.BuildError) as err:
            b.parse_upload(content)
        assert "file" in err.value.fields
