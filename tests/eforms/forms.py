"""Form definitions the e-forms tests share: a birth registration with every field type."""

from __future__ import annotations

import copy
from typing import Any


def L(vi: str, en: str = "") -> dict[str, str]:  # noqa: N802 - a label, as in the definitions
    return {"vi": vi, "en": en or vi}


BIRTH: dict[str, Any] = {
    "schema": 1,
    "key": "khai-sinh",
    "title": L("Tờ khai đăng ký khai sinh", "Birth registration declaration"),
    "template": "TT04-2020/mau-khai-sinh",
    "sections": [
        {"key": "child", "title": L("Người được khai sinh", "The child"), "fields": [
            {"key": "full_name", "type": "text", "label": L("Họ, chữ đệm, tên", "Full name"),
             "required": True, "max_length": 100, "prefill": "profile.full_name"},
            {"key": "birth_date", "type": "date", "label": L("Ngày sinh", "Date of birth"),
             "required": True, "max": "today"},
            {"key": "sex", "type": "choice", "label": L("Giới tính", "Sex"), "required": True,
             "choices": [{"value": "nam", "label": L("Nam", "Male")}, {"value": "nu", "label": L("Nữ", "Female")}]},
            {"key": "ethnicity", "type": "choice", "label": L("Dân tộc", "Ethnicity"), "choices": "ethnicities"},
            {"key": "birth_place", "type": "address", "label": L("Nơi sinh", "Place of birth"), "required": True},
            {"key": "weight", "type": "number", "label": L("Cân nặng (gam)", "Weight (g)"),
             "min": 300, "max": 8000, "integer": True},
            {"key": "code", "type": "text", "label": L("Mã số", "Code"), "pattern": r"[A-Z]{2}\d{4}"},
        ]},
        {"key": "mother", "title": L("Mẹ", "Mother"), "fields": [
            {"key": "person", "type": "person", "label": L("Mẹ", "Mother"), "required": True,
             "required_parts": ["birth_date"]},
        ]},
        {"key": "applicant", "title": L("Người đi đăng ký", "Applicant"), "fields": [
            {"key": "id", "type": "id_number", "label": L("Số định danh", "ID number"), "required": True},
            {"key": "email", "type": "email", "label": L("Thư điện tử", "Email")},
            {"key": "phone", "type": "phone", "label": L("Số điện thoại", "Phone")},
            {"key": "married", "type": "boolean", "label": L("Đã kết hôn", "Married")},
            {"key": "spouse_name", "type": "text", "label": L("Họ tên vợ/chồng", "Spouse's name"),
             "required": True, "show_if": {"field": "applicant.married", "equals": True}},
            {"key": "spouse_note", "type": "textarea", "label": L("Ghi chú về vợ/chồng", "Note on spouse"),
             "show_if": {"field": "applicant.spouse_name", "filled": True}},
            {"key": "relation", "type": "choice", "label": L("Quan hệ", "Relation"),
             "choices": [{"value": "cha", "label": L("Cha", "Father")}, {"value": "me", "label": L("Mẹ", "Mother")},
                         {"value": "khac", "label": L("Khác", "Other")}]},
            {"key": "relation_other", "type": "text", "label": L("Quan hệ khác", "Other relation"),
             "required": True, "show_if": {"field": "applicant.relation", "in": ["khac"]}},
            {"key": "commit", "type": "boolean", "label": L("Tôi cam đoan", "I declare"), "required": True},
        ]},
        {"key": "family", "title": L("Gia đình", "Family"), "fields": [
            {"key": "children", "type": "group", "label": L("Con", "Children"), "min_items": 0, "max_items": 3,
             "fields": [
                 {"key": "name", "type": "text", "label": L("Họ tên", "Name"), "required": True},
                 {"key": "birth_date", "type": "date", "label": L("Ngày sinh", "Date of birth")},
                 {"key": "adopted", "type": "boolean", "label": L("Con nuôi", "Adopted")},
                 {"key": "adoption_no", "type": "text", "label": L("Số quyết định", "Decision number"),
                  "show_if": {"field": "adopted", "equals": True}, "required": True},
             ]},
        ]},
        {"key": "foreign", "title": L("Yếu tố nước ngoài", "Foreign element"),
         "show_if": {"field": "applicant.relation", "equals": "khac"}, "fields": [
            {"key": "country", "type": "text", "label": L("Quốc gia", "Country"), "required": True},
        ]},
    ],
    "checks": [
        {"rule": "before", "left": "child.birth_date", "right": "$received_date",
         "message": L("Ngày sinh phải trước ngày đăng ký", "The date of birth must be before the registration")},
        {"rule": "before", "left": "mother.person.birth_date", "right": "child.birth_date"},
        {"rule": "not_after", "left": "family.children[*].birth_date", "right": "today"},
        {"rule": "required_one_of", "fields": ["applicant.email", "applicant.phone"]},
    ],
}

UNITS = {"provinces": {"01": "Thành phố Hà Nội", "79": "Thành phố Hồ Chí Minh"},
         "communes": {"00004": ("01", "Phường Ba Đình"), "26734": ("79", "Phường Sài Gòn")}}

GOOD: dict[str, Any] = {
    "child": {"full_name": "Nguyễn Văn An", "birth_date": "2026-11-20", "sex": "nam", "ethnicity": "01",
              "birth_place": {"province": "01", "commune": "00004", "detail": "Số 1 Hoàng Hoa Thám"},
              "weight": 3200},
    "mother": {"person": {"full_name": "Trần Thị Bình", "birth_date": "1995-04-02", "id_number": "001195000123",
                          "ethnicity": "01", "nationality": "Việt Nam"}},
    "applicant": {"id": "001195000123", "phone": "0912345678", "married": False, "relation": "me", "commit": True},
}


def birth() -> dict[str, Any]:
    return copy.deepcopy(BIRTH)


def good() -> dict[str, Any]:
    return copy.deepcopy(GOOD)
