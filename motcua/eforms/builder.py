"""The form builder's operations on a definition, as pure functions: add, remove, order and
configure sections, fields and the fields of a group; read a field from the builder's HTML form
(no JSON typed by the administrator); parse an uploaded definition. Every function returns a new
definition (the input is not changed) or raises :class:`BuildError` with field-level messages.

Containers are addressed like data: ``"child"`` (a section) or ``"business.lines"`` (a group)."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from typing import Any

from motcua.domain.eforms import FIELD_TYPES, KEY, NAMED_LISTS, SCHEMA, check_definition

MAX_UPLOAD = 512 * 1024  # bytes of one uploaded form JSON
SHOW_IF_OPS = ("equals", "in", "filled")
TYPE_LABELS = {
    "text": "Văn bản ngắn", "textarea": "Đoạn văn", "number": "Số", "date": "Ngày", "choice": "Lựa chọn",
    "boolean": "Ô đánh dấu (có/không)", "id_number": "Số định danh cá nhân", "email": "Thư điện tử",
    "phone": "Số điện thoại", "address": "Địa chỉ (tỉnh, xã, chi tiết)", "person": "Thông tin một người",
    "group": "Nhóm lặp lại (bảng)",
}


class BuildError(ValueError):
    """A builder change refused: ``fields`` maps the builder's input names to messages."""

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


def new_definition(key: str, title_vi: str, title_en: str = "") -> dict[str, Any]:
    """An empty draft with one section, to start from."""
    return {"schema": SCHEMA, "key": key, "title": {"vi": title_vi, "en": title_en}, "template": None,
            "sections": [{"key": "thong_tin", "title": {"vi": "Thông tin", "en": "Information"}, "fields": []}],
            "checks": []}


# ---- containers ---------------------------------------------------------------------------------

def _section(defn: dict[str, Any], key: str) -> dict[str, Any]:
    for s in defn.get("sections") or []:
        if s.get("key") == key:
            return s
    raise BuildError("Không tìm thấy phần này của biểu mẫu.", {"section": key})


def _fields(defn: dict[str, Any], container: str) -> list[dict[str, Any]]:
    """The field list of a section or of a group (``"section.group"``)."""
    section_key, _, group_key = container.partition(".")
    fields = _section(defn, section_key).setdefault("fields", [])
    if not group_key:
        return fields
    for f in fields:
        if f.get("key") == group_key and f.get("type") == "group":
            return f.setdefault("fields", [])
    raise BuildError("Không tìm thấy nhóm này.", {"container": container})


def _index(items: list[dict[str, Any]], key: str, what: str) -> int:
    for i, item in enumerate(items):
        if item.get("key") == key:
            return i
    raise BuildError(f"Không tìm thấy {what} '{key}'.", {"key": key})


def _move(items: list[dict[str, Any]], key: str, delta: int, what: str) -> None:
    i = _index(items, key, what)
    j = max(0, min(len(items) - 1, i + delta))
    items.insert(j, items.pop(i))


def _check_key(key: str, taken: list[dict[str, Any]], name: str = "key") -> None:
    if not KEY.match(key or ""):
        raise BuildError("Mã không hợp lệ.", {name: "Chỉ dùng chữ thường không dấu, số và dấu gạch dưới, bắt đầu "
                                                    "bằng một chữ (ví dụ ho_ten)."})
    if any(item.get("key") == key for item in taken):
        raise BuildError("Mã đã được dùng.", {name: "Mã này đã có trong cùng phần, hãy chọn mã khác."})


# ---- sections -----------------------------------------------------------------------------------

def add_section(defn: Mapping[str, Any], key: str, title_vi: str, title_en: str = "") -> dict[str, Any]:
    out = copy.deepcopy(dict(defn))
    sections = out.setdefault("sections", [])
    _check_key(key, sections)
    if not title_vi.strip():
        raise BuildError("Thiếu tên phần.", {"title_vi": "Nhập tên phần bằng tiếng Việt."})
    sections.append({"key": key, "title": {"vi": title_vi.strip(), "en": title_en.strip()}, "fields": []})
    return out


def update_section(defn: Mapping[str, Any], key: str, title_vi: str, title_en: str = "", help_vi: str = "",
                   help_en: str = "", show_if: dict[str, Any] | None = None) -> dict[str, Any]:
    out = copy.deepcopy(dict(defn))
    section = _section(out, key)
    if not title_vi.strip():
        raise BuildError("Thiếu tên phần.", {"title_vi": "Nhập tên phần bằng tiếng Việt."})
    section["title"] = {"vi": title_vi.strip(), "en": title_en.strip()}
    _set_help(section, help_vi, help_en)
    _set(section, "show_if", show_if)
    return out


def remove_section(defn: Mapping[str, Any], key: str) -> dict[str, Any]:
    out = copy.deepcopy(dict(defn))
    sections = out.get("sections") or []
    sections.pop(_index(sections, key, "phần"))
    return out


def move_section(defn: Mapping[str, Any], key: str, delta: int) -> dict[str, Any]:
    out = copy.deepcopy(dict(defn))
    _move(out.get("sections") or [], key, delta, "phần")
    return out


# ---- fields -------------------------------------------------------------------------------------

def add_field(defn: Mapping[str, Any], container: str, field: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(dict(defn))
    fields = _fields(out, container)
    _check_key(str(field.get("key") or ""), fields)
    if "." in container and field.get("type") == "group":
        raise BuildError("Không đặt nhóm trong nhóm.", {"type": "Một nhóm không thể chứa nhóm khác."})
    fields.append(field)
    return out


def update_field(defn: Mapping[str, Any], container: str, key: str, field: dict[str, Any]) -> dict[str, Any]:
    """Replace the field ``key`` (a group keeps its sub-fields); its key may change if free."""
    out = copy.deepcopy(dict(defn))
    fields = _fields(out, container)
    i = _index(fields, key, "trường")
    new_key = str(field.get("key") or key)
    if new_key != key:
        _check_key(new_key, fields)
    if field.get("type") == "group":
        field = {**field, "fields": fields[i].get("fields") or []}
    fields[i] = field
    return out


def remove_field(defn: Mapping[str, Any], container: str, key: str) -> dict[str, Any]:
    out = copy.deepcopy(dict(defn))
    fields = _fields(out, container)
    fields.pop(_index(fields, key, "trường"))
    return out


def move_field(defn: Mapping[str, Any], container: str, key: str, delta: int) -> dict[str, Any]:
    out = copy.deepcopy(dict(defn))
    _move(_fields(out, container), key, delta, "trường")
    return out


def reorder_fields(defn: Mapping[str, Any], container: str, keys: list[str]) -> dict[str, Any]:
    """The fields of a container in the order ``keys`` gives (a drag and drop): the same keys only."""
    out = copy.deepcopy(dict(defn))
    fields = _fields(out, container)
    by_key = {f.get("key"): f for f in fields}
    if sorted(keys) != sorted(by_key) or len(set(keys)) != len(keys):
        raise BuildError("Thứ tự không khớp với các trường hiện có; tải lại trang.", {"order": "stale"})
    fields[:] = [by_key[k] for k in keys]
    return out


def set_meta(defn: Mapping[str, Any], title_vi: str, title_en: str, template: str) -> dict[str, Any]:
    out = copy.deepcopy(dict(defn))
    if not title_vi.strip():
        raise BuildError("Thiếu tên biểu mẫu.", {"title_vi": "Nhập tên biểu mẫu bằng tiếng Việt."})
    out["title"] = {"vi": title_vi.strip(), "en": title_en.strip()}
    out["template"] = template.strip() or None
    return out


# ---- reading the builder's field form ----------------------------------------------------------

def _set(obj: dict[str, Any], key: str, value: Any) -> None:
    if value in (None, "", [], False):
        obj.pop(key, None)
    else:
        obj[key] = value


def _set_help(obj: dict[str, Any], vi: str, en: str) -> None:
    _set(obj, "help", {"vi": vi.strip(), "en": en.strip()} if (vi.strip() or en.strip()) else None)


def _number(raw: str, name: str, errors: dict[str, str], integer: bool = False) -> int | float | None:
    raw = (raw or "").strip().replace(",", ".")
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        errors[name] = "Nhập một số."
        return None
    if integer and not value.is_integer():
        errors[name] = "Nhập một số nguyên."
        return None
    return int(value) if value.is_integer() else value


def parse_choices(raw: str) -> list[dict[str, Any]] | str:
    """Choices typed one per line as "value | Nhãn tiếng Việt | English label" (value optional:
    derived from the label), or the name of a shared list ("ethnicities")."""
    text = (raw or "").strip()
    if text in NAMED_LISTS:
        return text
    out: list[dict[str, Any]] = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.split("|")]
        if not any(parts):
            continue
        if len(parts) == 1:
            parts = [_slug(parts[0]), parts[0], ""]
        value, vi = parts[0], parts[1] if len(parts) > 1 else parts[0]
        out.append({"value": value, "label": {"vi": vi, "en": parts[2] if len(parts) > 2 else ""}})
    return out


def choices_text(choices: Any) -> str:
    """The builder's text for a field's choices (the inverse of :func:`parse_choices`)."""
    if isinstance(choices, str):
        return choices
    lines = []
    for c in choices or []:
        label = c.get("label") or {}
        lines.append(f"{c.get('value')} | {label.get('vi', '')} | {label.get('en', '')}")
    return "\n".join(lines)


def _slug(label: str) -> str:
    from motcua.domain.eforms import fold

    return re.sub(r"[^a-z0-9]+", "_", fold(label)).strip("_")[:40] or "gia_tri"


def _show_if(post: Mapping[str, str], errors: dict[str, str]) -> dict[str, Any] | None:
    target = (post.get("show_if_field") or "").strip()
    if not target:
        return None
    op = post.get("show_if_op") or "equals"
    if op not in SHOW_IF_OPS:
        errors["show_if_op"] = "Chọn một điều kiện."
        return None
    raw = (post.get("show_if_value") or "").strip()
    if op == "filled":
        return {"field": target, "filled": True}
    if op == "in":
        return {"field": target, "in": [v.strip() for v in raw.split(",") if v.strip()]}
    value: Any = {"true": True, "false": False, "có": True, "không": False}.get(raw.casefold(), raw)
    return {"field": target, "equals": value}


def _checked(post: Mapping[str, str], name: str) -> bool:
    return post.get(name) in ("on", "1", "true")


def _type_options(kind: str, post: Mapping[str, str], field: dict[str, Any], errors: dict[str, str]) -> None:
    """The validations of one field type, read from the form into ``field``."""
    if kind in ("text", "textarea"):
        _set(field, "max_length", _number(post.get("max_length", ""), "max_length", errors, integer=True))
        _set(field, "min_length", _number(post.get("min_length", ""), "min_length", errors, integer=True))
        _set(field, "pattern", (post.get("pattern") or "").strip() or None)
    elif kind == "number":
        _set(field, "min", _number(post.get("min", ""), "min", errors))
        _set(field, "max", _number(post.get("max", ""), "max", errors))
        _set(field, "integer", _checked(post, "integer"))
    elif kind == "date":
        _set(field, "min", (post.get("min") or "").strip() or None)
        _set(field, "max", (post.get("max") or "").strip() or None)
    elif kind == "id_number":
        _set(field, "allow_old", _checked(post, "allow_old"))
    elif kind == "choice":
        field["choices"] = parse_choices(post.get("choices") or "")
        if not field["choices"]:
            errors["choices"] = "Nhập mỗi lựa chọn một dòng, hoặc tên một danh sách dùng chung (ethnicities)."
    elif kind == "group":
        field["min_items"] = _number(post.get("min_items", ""), "min_items", errors, integer=True) or 0
        field["max_items"] = _number(post.get("max_items", ""), "max_items", errors, integer=True) or 10


def _alone_problems(field: dict[str, Any]) -> list[str]:
    """check_definition's verdict on the field alone (its condition is checked with the whole form)."""
    probe = {**field, "show_if": None}
    if field.get("type") == "group":
        probe["fields"] = [{"key": "x", "type": "text", "label": {"vi": "x"}}]
    return check_definition({"key": "x", "title": {"vi": "x"},
                             "sections": [{"key": "s", "title": {"vi": "s"}, "fields": [probe]}]})


def field_from_post(post: Mapping[str, str]) -> dict[str, Any]:
    """A field definition from the builder form's inputs (BuildError with the inputs' messages)."""
    errors: dict[str, str] = {}
    kind = (post.get("type") or "").strip()
    if kind not in FIELD_TYPES:
        errors["type"] = "Chọn một kiểu trường."
    label_vi = (post.get("label_vi") or "").strip()
    if not label_vi:
        errors["label_vi"] = "Nhập nhãn bằng tiếng Việt, đúng như trên mẫu."
    key = (post.get("key") or "").strip() or _slug(label_vi)
    if not KEY.match(key):
        errors["key"] = "Chỉ dùng chữ thường không dấu, số và dấu gạch dưới."
    field: dict[str, Any] = {"key": key, "type": kind,
                             "label": {"vi": label_vi, "en": (post.get("label_en") or "").strip()}}
    _set_help(field, post.get("help_vi") or "", post.get("help_en") or "")
    _set(field, "required", _checked(post, "required"))
    _type_options(kind, post, field, errors)
    _set(field, "show_if", _show_if(post, errors))
    _set(field, "prefill", (post.get("prefill") or "").strip() or None)
    if not errors and _alone_problems(field):
        errors["field"] = "; ".join(_alone_problems(field))
    if errors:
        raise BuildError("Trường chưa hợp lệ, vui lòng kiểm tra lại.", errors)
    return field


# ---- upload -------------------------------------------------------------------------------------

def parse_upload(content: bytes, expected_key: str | None = None) -> dict[str, Any]:
    """One form's JSON as uploaded: UTF-8, an object, a valid definition (BuildError listing the
    problems otherwise)."""
    if len(content) > MAX_UPLOAD:
        raise BuildError("Tệp quá lớn.", {"file": f"Tối đa {MAX_UPLOAD // 1024} KB."})
    try:
        defn = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BuildError("Tệp không phải JSON hợp lệ.", {"file": str(exc)[:200]}) from None
    if isinstance(defn, Mapping) and "form" in defn and "sections" not in defn:
        defn = defn["form"]  # a version's export {"form": {...}} is accepted too
    problems = check_definition(defn)
    if problems:
        raise BuildError("Biểu mẫu chưa hợp lệ.", {"file": "; ".join(problems[:20])})
    if expected_key and defn.get("key") != expected_key:
        defn = {**defn, "key": expected_key}
    return dict(defn)


def export_bytes(defn: Mapping[str, Any]) -> bytes:
    return (json.dumps(defn, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def problems(defn: Mapping[str, Any]) -> list[str]:
    """What stops the draft from being published ([] = ready)."""
    return check_definition(defn)
