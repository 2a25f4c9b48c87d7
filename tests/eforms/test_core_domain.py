"""The pure e-forms core: every field type, condition, check and definition problem (no database)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from motcua.domain import eforms as ef
from tests.eforms.forms import UNITS, birth, good

TODAY = date(2026, 12, 3)
CTX = {"units": UNITS, "received_date": TODAY}


def run(data: dict[str, Any], defn: dict[str, Any] | None = None, **ctx: Any) -> tuple[dict[str, Any], dict[str, str]]:
    return ef.validate(defn or birth(), data, today=TODAY, context={**CTX, **ctx})


def with_(path: str, value: Any) -> dict[str, Any]:
    data = good()
    section, _, key = path.partition(".")
    data.setdefault(section, {})[key] = value
    return data


def test_the_shared_definition_is_valid_and_good_data_has_no_errors():
    assert ef.check_definition(birth()) == []
    cleaned, errors = run(good())
    assert errors == {}
    assert cleaned["child"]["birth_date"] == "2026-11-20"


def test_empty_data_names_each_required_field_in_vietnamese():
    _, errors = run({})
    assert errors["child.full_name"] == "Nhập họ, chữ đệm, tên"
    assert errors["child.sex"] == "Chọn giới tính"
    assert errors["applicant.commit"] == "Đánh dấu vào ô tôi cam đoan"
    assert errors["mother.person.full_name"] == "Nhập họ, chữ đệm, tên"
    assert "child.birth_place.province" in errors and "child.birth_place.commune" in errors
    assert "child.ethnicity" not in errors  # optional


def test_messages_in_english():
    _, errors = run({}, lang="en")
    assert errors["child.full_name"] == "Enter full name"
    assert errors["child.sex"] == "Select sex"


@pytest.mark.parametrize(("raw", "expected"), [("  Nguyễn Văn An ", "Nguyễn Văn An"), (123, "123")])
def test_text_is_stripped(raw, expected):
    cleaned, errors = run(with_("child.full_name", raw))
    assert errors == {} and cleaned["child"]["full_name"] == expected


@pytest.mark.parametrize(("path", "raw", "fragment"), [
    ("child.full_name", "x" * 101, "100 ký tự"),
    ("child.full_name", ["a"], "không hợp lệ"),
    ("child.full_name", True, "không hợp lệ"),
    ("child.code", "ab1234", "định dạng"),
    ("child.weight", "ba kg", "phải là một số"),
    ("child.weight", "3200,5", "số nguyên"),
    ("child.weight", 100, "từ 300"),
    ("child.weight", "9000", "lớn hơn 8000"),
    ("child.weight", True, "phải là một số"),
    ("child.weight", float("nan"), "phải là một số"),
    ("child.birth_date", "31/02/2026", "ngày có thật"),
    ("child.birth_date", "2026-13-01", "ngày có thật"),
    ("child.birth_date", 20261120, "ngày có thật"),
    ("child.birth_date", "2026-12-04", "sau ngày 03/12/2026"),
    ("child.sex", "x", "trong danh sách"),
    ("child.ethnicity", "99", "trong danh sách"),
    ("applicant.id", "12345", "12 chữ số"),
    ("applicant.id", "00119500012a", "12 chữ số"),
    ("applicant.email", "a@b", "ten@example.vn"),
    ("applicant.phone", "091234", "0912345678"),
    ("applicant.married", "maybe", "không hợp lệ"),
])
def test_bad_values_get_a_message_by_the_field(path, raw, fragment):
    _, errors = run(with_(path, raw))
    assert fragment in errors[path]


@pytest.mark.parametrize(("path", "raw", "expected"), [
    ("child.weight", "3 200", 3200),
    ("child.weight", 3200.0, 3200),
    ("child.birth_date", "20/11/2026", "2026-11-20"),
    ("child.birth_date", "1/2/2026", "2026-02-01"),
    ("child.birth_date", {"day": "20", "month": "11", "year": "2026"}, "2026-11-20"),
    ("child.birth_date", date(2026, 11, 20), "2026-11-20"),
    ("child.sex", " nu ", "nu"),
    ("applicant.id", "001 195 000 123", "001195000123"),
    ("applicant.phone", "+84 912 345 678", "0912345678"),
    ("applicant.phone", "0912.345.678", "0912345678"),
    ("applicant.email", " an@example.vn ", "an@example.vn"),
    ("applicant.commit", "on", True),
    ("applicant.married", "", False),
    ("applicant.married", None, False),
])
def test_values_take_their_canonical_form(path, raw, expected):
    cleaned, errors = run(with_(path, raw))
    section, _, key = path.partition(".")
    assert errors == {} and cleaned[section][key] == expected


def test_a_non_integer_number_field_keeps_decimals():
    defn = birth()
    defn["sections"][0]["fields"][5].pop("integer")
    cleaned, errors = run(with_("child.weight", "3200,5"), defn)
    assert errors == {} and cleaned["child"]["weight"] == 3200.5
    assert ef.flatten(defn, cleaned)[5][2] == "3200,5"


def test_old_identity_numbers_only_when_allowed():
    assert "applicant.id" in run(with_("applicant.id", "123456789"))[1]
    defn = birth()
    defn["sections"][2]["fields"][0]["allow_old"] = True
    assert run(with_("applicant.id", "123456789"), defn)[1] == {}
    assert "9 chữ số" in run(with_("applicant.id", "1234"), defn)[1]["applicant.id"]


def test_address_codes_are_checked_against_the_units_of_the_date():
    data = with_("child.birth_place", {"province": "79", "commune": "00004"})
    assert "thuộc tỉnh" in run(data)[1]["child.birth_place.commune"]
    data = with_("child.birth_place", {"province": "02", "commune": "00004"})
    assert "child.birth_place.province" in run(data)[1]
    data = with_("child.birth_place", {"province": "79", "commune": "26734", "detail": ""})
    cleaned, errors = run(data)
    assert errors == {} and cleaned["child"]["birth_place"] == {"province": "79", "commune": "26734"}
    assert "child.birth_place" in run(with_("child.birth_place", "Hà Nội"))[1]
    # without the units list only the presence of the codes is checked
    cleaned, errors = ef.validate(birth(), with_("child.birth_place", {"province": "99", "commune": "1"}), today=TODAY)
    assert "child.birth_place.province" not in errors


def test_address_detail_required_and_length():
    defn = birth()
    defn["sections"][0]["fields"][4]["detail_required"] = True
    data = with_("child.birth_place", {"province": "01", "commune": "00004"})
    assert "child.birth_place.detail" in run(data, defn)[1]
    data = with_("child.birth_place", {"province": "01", "commune": "00004", "detail": "x" * 256})
    assert "255" in run(data)[1]["child.birth_place.detail"]


def test_person_parts_are_validated_and_required_parts_named():
    data = good()
    data["mother"]["person"] = {"full_name": "Trần Thị Bình", "id_number": "12", "ethnicity": "77"}
    _, errors = run(data)
    assert set(errors) >= {"mother.person.id_number", "mother.person.ethnicity", "mother.person.birth_date"}
    assert "mother.person" in run(with_("mother.person", "Bình"))[1]


def test_an_optional_person_left_empty_is_dropped_and_a_started_one_needs_a_name():
    defn = birth()
    defn["sections"][1]["fields"][0]["required"] = False
    data = good()
    data["mother"]["person"] = {"full_name": "", "nationality": " "}
    cleaned, errors = run(data, defn)
    assert "mother" not in cleaned and errors == {}
    data["mother"]["person"] = {"nationality": "Lào"}
    assert "mother.person.full_name" in run(data, defn)[1]


def test_person_parts_can_be_limited():
    defn = birth()
    defn["sections"][1]["fields"][0].update(parts=["full_name", "id_number"], required_parts=[])
    data = good()
    cleaned, errors = run(data, defn)
    assert errors == {} and set(cleaned["mother"]["person"]) == {"full_name", "id_number"}


def test_condition_equals_shows_and_requires_the_field():
    data = with_("applicant.married", True)
    assert run(data)[1]["applicant.spouse_name"].startswith("Nhập")
    data["applicant"]["spouse_name"] = "Lê Văn C"
    cleaned, errors = run(data)
    assert errors == {} and cleaned["applicant"]["spouse_name"] == "Lê Văn C"


def test_hidden_fields_are_dropped_and_never_required():
    data = with_("applicant.spouse_name", "Lê Văn C")
    data["applicant"]["spouse_note"] = "ghi chú"
    cleaned, errors = run(data)
    assert errors == {}
    assert "spouse_name" not in cleaned["applicant"] and "spouse_note" not in cleaned["applicant"]


def test_conditions_chain_filled_and_in():
    data = with_("applicant.married", "true")
    data["applicant"].update(spouse_name="Lê Văn C", spouse_note="x")
    assert {"applicant.spouse_name", "applicant.spouse_note"} <= ef.visible(birth(), data)
    data["applicant"]["married"] = False
    assert "applicant.spouse_note" not in ef.visible(birth(), data)
    data = with_("applicant.relation", "khac")
    _, errors = run(data)
    assert "applicant.relation_other" in errors and "foreign.country" in errors  # the section is shown too
    data["applicant"]["relation"] = "cha"
    assert "foreign.country" not in ef.visible(birth(), data)


def test_filled_false_and_unknown_condition_keys():
    defn = birth()
    defn["sections"][2]["fields"][5]["show_if"] = {"field": "applicant.spouse_name", "filled": False}
    assert "applicant.spouse_note" in ef.visible(defn, good())


def test_groups_validate_each_item_and_drop_empty_rows():
    data = good()
    data["family"] = {"children": [
        {"name": "Con A", "birth_date": "01/01/2020"},
        {"name": "", "birth_date": ""},
        {"name": "", "adopted": "on"},
    ]}
    cleaned, errors = run(data)
    assert errors == {"family.children[1].name": "Nhập họ tên", "family.children[1].adoption_no": "Nhập số quyết định"}
    data["family"]["children"][2].update(name="Con B", adoption_no="12/QĐ")
    cleaned, errors = run(data)
    assert errors == {}
    assert cleaned["family"]["children"] == [
        {"name": "Con A", "birth_date": "2020-01-01", "adopted": False},
        {"name": "Con B", "adopted": True, "adoption_no": "12/QĐ"}]
    assert "family.children[1].adoption_no" in ef.visible(birth(), cleaned)


def test_group_item_counts_and_shape():
    data = good()
    data["family"] = {"children": [{"name": f"Con {i}"} for i in range(4)]}
    assert "3" in run(data)[1]["family.children"]
    defn = birth()
    defn["sections"][3]["fields"][0]["min_items"] = 2
    data["family"]["children"] = [{"name": "A"}]
    assert "ít nhất 2" in run(data, defn)[1]["family.children"]
    data["family"]["children"] = "A"
    assert "family.children" in run(data)[1]
    data["family"]["children"] = ["A"]
    assert "family.children" in run(data)[1]


def test_cross_field_checks():
    data = with_("child.birth_date", "2026-12-03")
    assert run(data)[1]["child.birth_date"] == "Ngày sinh phải trước ngày đăng ký"
    data = good()
    data["mother"]["person"]["birth_date"] = "2026-11-25"
    assert "trước ngày sinh" in run(data)[1]["mother.person.birth_date"].casefold()
    data = good()
    data["applicant"].pop("phone")
    assert "thư điện tử, số điện thoại".casefold() in run(data)[1]["applicant.email"].casefold()
    data["applicant"]["email"] = "an@example.vn"
    assert run(data)[1] == {}


def test_group_wildcard_check_and_received_date_context():
    data = good()
    data["family"] = {"children": [{"name": "A", "birth_date": "2020-01-01"},
                                   {"name": "B", "birth_date": "2027-01-01"}]}
    assert "family.children[1].birth_date" in run(data)[1]
    assert "family.children[0].birth_date" not in run(data)[1]
    # a received date before the birth: the check fails though the birth is before today
    assert "child.birth_date" in run(good(), received_date=date(2026, 11, 1))[1]


def test_a_check_skips_missing_operands_and_invalid_values():
    data = with_("child.birth_date", "not a date")
    errors = run(data)[1]
    assert "ngày có thật" in errors["child.birth_date"]


def test_named_lists_from_the_context():
    defn = birth()
    defn["sections"][0]["fields"][3]["choices"] = "ethnicities"
    data = with_("child.ethnicity", "x1")
    data["mother"]["person"].pop("ethnicity")
    cleaned, errors = run(data, defn, lists={"ethnicities": [{"value": "x1", "label": {"vi": "X"}}]})
    assert errors == {} and cleaned["child"]["ethnicity"] == "x1"
    assert len(ef.NAMED_LISTS["ethnicities"]) == 54


def test_data_that_is_not_an_object():
    cleaned, errors = run(["a"])  # type: ignore[arg-type]
    assert "child" not in cleaned and "child.full_name" in errors
    cleaned, errors = run({"child": "x"})
    assert "child.full_name" in errors


def test_unknown_keys_are_dropped():
    data = good()
    data["child"]["extra"] = "x"
    data["nope"] = {"a": 1}
    cleaned, _ = run(data)
    assert "extra" not in cleaned["child"] and "nope" not in cleaned


def test_flatten_prints_in_order_with_labels():
    data = good()
    data["family"] = {"children": [{"name": "Con A", "birth_date": "2020-01-01"}]}
    cleaned, _ = run(data)
    rows = ef.flatten(birth(), cleaned, context=CTX)
    assert rows[0] == ("child.full_name", "Họ, chữ đệm, tên", "Nguyễn Văn An")
    by_path = {p: (label, v) for p, label, v in rows}
    assert by_path["child.birth_place"][1] == "Số 1 Hoàng Hoa Thám, Phường Ba Đình, Thành phố Hà Nội"
    assert by_path["child.sex"][1] == "Nam"
    assert by_path["applicant.married"][1] == "Không"
    assert by_path["family.children[0].name"] == ("Con 1 - Họ tên", "Con A")
    assert by_path["mother.person.birth_date"][1] == "02/04/1995"
    en = dict((p, v) for p, _, v in ef.flatten(birth(), cleaned, lang="en"))
    assert en["child.sex"] == "Male" and en["applicant.married"] == "No"


def test_changes_lists_old_and_new_by_path():
    old, _ = run(good())
    new = good()
    new["child"]["full_name"] = "Nguyễn Văn Bình"
    new["applicant"]["email"] = "b@example.vn"
    new, _ = run(new)
    assert ef.changes(birth(), old, new) == {
        "applicant.email": ["", "b@example.vn"], "child.full_name": ["Nguyễn Văn An", "Nguyễn Văn Bình"]}
    assert ef.changes(birth(), old, old) == {}


def test_fold():
    assert ef.fold("  Nguyễn  Văn ĐẠT ") == "nguyen van dat"


def test_field_at():
    assert ef.field_at(birth(), "family.children[2].name")["label"]["vi"] == "Họ tên"
    assert ef.field_at(birth(), "child.birth_place.commune")["type"] == "address"
    assert ef.field_at(birth(), "nope.x") is None


# ---- definition problems ---------------------------------------------------------------------

def _broken(change) -> list[str]:
    defn = birth()
    change(defn)
    return ef.check_definition(defn)


def _f(defn, s, i):
    return defn["sections"][s]["fields"][i]


@pytest.mark.parametrize(("change", "fragment"), [
    (lambda d: d.update(schema=2), "schema"),
    (lambda d: d.update(key="Khai Sinh"), "key"),
    (lambda d: d.update(title="x"), "title"),
    (lambda d: d.update(template=3), "template"),
    (lambda d: d.update(sections=[]), "sections"),
    (lambda d: d["sections"].append("x"), "sections[5]"),
    (lambda d: d["sections"][1].update(key="child"), "duplicate section"),
    (lambda d: d["sections"][1].update(key="Bad key"), "sections[1].key"),
    (lambda d: d["sections"][1].update(fields=[]), "mother.fields"),
    (lambda d: _f(d, 0, 1).update(key="full_name"), "child.full_name.key: duplicate"),
    (lambda d: _f(d, 0, 1).update(key=""), "child.fields[1].key"),
    (lambda d: _f(d, 0, 1).update(type="datetime"), "child.birth_date.type: unknown type 'datetime'"),
    (lambda d: _f(d, 0, 1).update(label={"en": "x"}), "child.birth_date.label"),
    (lambda d: _f(d, 0, 1).update(help={"vi": 3}), "child.birth_date.help"),
    (lambda d: _f(d, 0, 1).update(max="tomorrow"), "child.birth_date.max"),
    (lambda d: _f(d, 0, 2).update(choices=[]), "child.sex.choices"),
    (lambda d: _f(d, 0, 2).update(choices=[{"value": "a", "label": {"vi": "A"}}, {"value": "a", "label": {"vi": "B"}}]),
     "duplicate value"),
    (lambda d: _f(d, 0, 2).update(choices=[{"label": {"vi": "A"}}]), "child.sex.choices[0]"),
    (lambda d: _f(d, 0, 3).update(choices="religions"), "unknown list 'religions'"),
    (lambda d: _f(d, 0, 5).update(min="a"), "child.weight.min: must be a number"),
    (lambda d: _f(d, 0, 5).update(min=9000), "min is greater than max"),
    (lambda d: _f(d, 0, 0).update(max_length=-1), "child.full_name.max_length"),
    (lambda d: _f(d, 0, 6).update(pattern="[a-"), "child.code.pattern"),
    (lambda d: _f(d, 1, 0).update(parts=["shoe_size"]), "unknown part 'shoe_size'"),
    (lambda d: _f(d, 3, 0).update(fields=[]), "family.children.fields"),
    (lambda d: _f(d, 3, 0).update(min_items=5), "min_items <= max_items"),
    (lambda d: _f(d, 3, 0).update(max_items="x"), "whole numbers"),
    (lambda d: _f(d, 3, 0)["fields"].append({"key": "g", "type": "group", "label": {"vi": "G"}, "fields": []}),
     "group cannot be inside a group"),
    (lambda d: _f(d, 2, 4).update(show_if={"field": "applicant.nope", "equals": True}),
     "unknown field 'applicant.nope'"),
    (lambda d: _f(d, 2, 4).update(show_if={"field": "applicant.married"}), "needs equals, in or filled"),
    (lambda d: _f(d, 2, 4).update(show_if={"field": "applicant.married", "in": "x"}), "show_if.in"),
    (lambda d: _f(d, 2, 4).update(show_if="married"), "spouse_name.show_if"),
    (lambda d: _f(d, 2, 3).update(show_if={"field": "applicant.spouse_note", "filled": True}), "loop back"),
    (lambda d: _f(d, 3, 0)["fields"][3].update(show_if={"field": "nope", "equals": True}), "unknown field 'nope'"),
    (lambda d: d.update(checks={}), "checks: must be a list"),
    (lambda d: d["checks"].append({"rule": "earlier"}), "checks[4].rule"),
    (lambda d: d["checks"].append({"rule": "before", "left": "child.sex", "right": "today"}), "not a date field"),
    (lambda d: d["checks"].append({"rule": "before", "left": "child.x", "right": "today"}), "checks[4].left"),
    (lambda d: d["checks"].append({"rule": "before", "left": "child.birth_date"}), "checks[4].right"),
    (lambda d: d["checks"].append({"rule": "required_one_of", "fields": ["child.sex"]}), "at least two"),
    (lambda d: d["checks"].append({"rule": "required_one_of", "fields": ["child.sex", "x.y"]}), "fields[1]"),
    (lambda d: d["checks"].append({"rule": "before", "left": "child.birth_date", "right": "today", "message": "x"}),
     "checks[4].message"),
])
def test_definition_problems_name_the_field(change, fragment):
    problems = _broken(change)
    assert any(fragment in p for p in problems), problems


def test_a_definition_must_be_an_object():
    assert ef.check_definition([]) == ["form: must be an object"]
