"""E-forms: a procedure's declaration (tờ khai) as data. Pure rules, no framework.

A form definition is JSON stored per catalog procedure version (see /work/notes/eform_contract.md):
sections of fields, each field with a ``type`` (:data:`FIELD_TYPES`), bilingual ``label``/``help``,
``required``, a ``show_if`` condition and type-specific validations; and cross-field ``checks``.

Declared data is ``{"section": {"field": value}}``; values are addressed ``"section.field"``, group
items ``"section.group[0].field"``, the parts of an address or a person ``"section.field.part"``.

* :func:`check_definition` lists a definition's problems, each naming the field (``[]``: valid);
* :func:`validate` cleans raw input (HTML strings or JSON) into canonical data, dropping hidden and
  empty fields, with the errors by field path; cleaning cleaned data changes nothing;
* :func:`visible` gives the field paths shown under the conditions;
* :func:`flatten` gives ``(path, label, display value)`` rows for printing, search and export;
* :func:`changes` gives the paths a correction changed, ``{path: [old, new]}``.

Messages are built in the language of ``context["lang"]`` (``"vi"`` by default) from
:data:`MESSAGES`; a definition's own check messages are bilingual like its labels.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

SCHEMA = 1
SCALAR_TYPES = ("text", "textarea", "number", "date", "choice", "boolean", "id_number", "email", "phone")
COMPOUND_TYPES = ("address", "person")
FIELD_TYPES = (*SCALAR_TYPES, *COMPOUND_TYPES, "group")
PERSON_PARTS = ("full_name", "birth_date", "id_number", "ethnicity", "nationality", "residence")
ADDRESS_PARTS = ("province", "commune", "detail")
CHECK_RULES = ("before", "not_after", "after", "not_before", "required_one_of")
DATE_VARS = ("today", "$today", "$received_date")
KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
DEFAULT_MAX_LENGTH = {"text": 255, "textarea": 2000}
MAX_GROUP_ITEMS = 100

Data = dict[str, Any]
Errors = dict[str, str]

MESSAGES: dict[str, dict[str, str]] = {
    "required": {"vi": "Nhập {label}", "en": "Enter {label}"},
    "required_choice": {"vi": "Chọn {label}", "en": "Select {label}"},
    "required_box": {"vi": "Đánh dấu vào ô {label}", "en": "Tick {label}"},
    "shape": {"vi": "{label} không hợp lệ", "en": "{label} is not valid"},
    "too_long": {"vi": "{label} không được dài quá {n} ký tự", "en": "{label} must be {n} characters or fewer"},
    "too_short": {"vi": "{label} phải có ít nhất {n} ký tự", "en": "{label} must be {n} characters or more"},
    "pattern": {"vi": "{label} không đúng định dạng", "en": "{label} is not in the right format"},
    "number": {"vi": "{label} phải là một số", "en": "{label} must be a number"},
    "integer": {"vi": "{label} phải là số nguyên", "en": "{label} must be a whole number"},
    "min": {"vi": "{label} phải từ {n} trở lên", "en": "{label} must be {n} or more"},
    "max": {"vi": "{label} không được lớn hơn {n}", "en": "{label} must be {n} or less"},
    "date": {"vi": "{label} phải là một ngày có thật, ví dụ 27/03/2020",
             "en": "{label} must be a real date, for example 27/03/2020"},
    "date_min": {"vi": "{label} không được trước ngày {d}", "en": "{label} must be on or after {d}"},
    "date_max": {"vi": "{label} không được sau ngày {d}", "en": "{label} must be on or before {d}"},
    "choice": {"vi": "Chọn {label} trong danh sách", "en": "Select {label} from the list"},
    "id_number": {"vi": "{label} gồm 12 chữ số", "en": "{label} must be 12 digits"},
    "id_number_old": {"vi": "{label} gồm 12 chữ số (hoặc 9 chữ số với chứng minh nhân dân cũ)",
                      "en": "{label} must be 12 digits (or 9 for an old identity card)"},
    "email": {"vi": "{label} không đúng định dạng, ví dụ ten@example.vn",
              "en": "{label} must be an email address, like name@example.vn"},
    "phone": {"vi": "{label} không đúng, ví dụ 0912345678", "en": "{label} must be a phone number, like 0912345678"},
    "province": {"vi": "Chọn tỉnh, thành phố trong danh sách", "en": "Select a province from the list"},
    "commune": {"vi": "Chọn xã, phường, đặc khu thuộc tỉnh, thành phố đã chọn",
                "en": "Select a commune of the selected province"},
    "min_items": {"vi": "Nhập ít nhất {n} mục {label}", "en": "Enter at least {n} {label}"},
    "max_items": {"vi": "Không được nhập quá {n} mục {label}", "en": "Enter no more than {n} {label}"},
    "before": {"vi": "{left} phải trước {right}", "en": "{left} must be before {right}"},
    "not_after": {"vi": "{left} không được sau {right}", "en": "{left} must not be after {right}"},
    "after": {"vi": "{left} phải sau {right}", "en": "{left} must be after {right}"},
    "not_before": {"vi": "{left} không được trước {right}", "en": "{left} must not be before {right}"},
    "required_one_of": {"vi": "Nhập ít nhất một trong các mục: {fields}", "en": "Enter at least one of: {fields}"},
    "yes": {"vi": "Có", "en": "Yes"},
    "no": {"vi": "Không", "en": "No"},
    "received_date": {"vi": "ngày nộp hồ sơ", "en": "the date of submission"},
    "today": {"vi": "ngày hôm nay", "en": "today"},
}

PERSON_LABELS: dict[str, dict[str, str]] = {
    "full_name": {"vi": "Họ, chữ đệm, tên", "en": "Full name"},
    "birth_date": {"vi": "Ngày, tháng, năm sinh", "en": "Date of birth"},
    "id_number": {"vi": "Số định danh cá nhân", "en": "Personal ID number"},
    "ethnicity": {"vi": "Dân tộc", "en": "Ethnicity"},
    "nationality": {"vi": "Quốc tịch", "en": "Nationality"},
    "residence": {"vi": "Nơi cư trú", "en": "Residence"},
}
ADDRESS_LABELS: dict[str, dict[str, str]] = {
    "province": {"vi": "Tỉnh, thành phố", "en": "Province"},
    "commune": {"vi": "Xã, phường, đặc khu", "en": "Commune"},
    "detail": {"vi": "Số nhà, đường, thôn, tổ dân phố", "en": "House number, street, hamlet"},
}

_ETHNIC_NAMES = (
    "Kinh", "Tày", "Thái", "Hoa", "Khơ-me", "Mường", "Nùng", "HMông", "Dao", "Gia-rai", "Ngái", "Ê-đê",
    "Ba-na", "Xơ-đăng", "Sán Chay", "Cơ-ho", "Chăm", "Sán Dìu", "Hrê", "Mnông", "Ra-glai", "Xtiêng",
    "Bru-Vân Kiều", "Thổ", "Giáy", "Cơ-tu", "Gié-Triêng", "Mạ", "Khơ-mú", "Co", "Tà-ôi", "Chơ-ro",
    "Kháng", "Xinh-mun", "Hà Nhì", "Chu-ru", "Lào", "La Chí", "La Ha", "Phù Lá", "La Hủ", "Lự", "Lô Lô",
    "Chứt", "Mảng", "Pà Thẻn", "Cờ Lao", "Cống", "Bố Y", "Si La", "Pu Péo", "Brâu", "Ơ Đu", "Rơ-măm",
)
# named shared lists a choice may refer to ("choices": "ethnicities"); the context may add others
NAMED_LISTS: dict[str, list[dict[str, Any]]] = {
    # the 54 ethnic groups with the General Statistics Office's codes (01 Kinh ... 54 Rơ-măm)
    "ethnicities": [{"value": f"{i:02d}", "label": {"vi": n, "en": n}} for i, n in enumerate(_ETHNIC_NAMES, 1)],
    "sexes": [{"value": "nam", "label": {"vi": "Nam", "en": "Male"}},
              {"value": "nu", "label": {"vi": "Nữ", "en": "Female"}}],
}

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
PHONE = re.compile(r"^0\d{9}$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
VN_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
INDEXED = re.compile(r"^([a-z][a-z0-9_]*)\[(\d+|\*)\]$")


class Invalid(ValueError):
    """A value a field cannot take: ``code`` names the message, ``params`` fill it."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


# ---- small helpers ------------------------------------------------------------------------------

def fold(text: str) -> str:
    """Lower case without Vietnamese diacritics, so "nguyen van a" finds "Nguyễn Văn A"."""
    text = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(ch for ch in text if not unicodedata.combining(ch)).casefold().split())


def text_of(value: Any, lang: str = "vi") -> str:
    """The text of a bilingual ``{"vi", "en"}`` value in ``lang`` (Vietnamese when missing)."""
    if isinstance(value, Mapping):
        return str(value.get(lang) or value.get("vi") or "")
    return "" if value is None else str(value)


def message(code: str, lang: str = "vi", **params: Any) -> str:
    texts = MESSAGES[code]
    return (texts.get(lang) or texts["vi"]).format(**params)


def format_date(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, Mapping):
        return all(is_empty(v) for v in value.values())
    if isinstance(value, list | tuple):
        return all(is_empty(v) for v in value)
    return False


def iter_fields(defn: Mapping[str, Any]) -> Iterator[tuple[Mapping[str, Any], Mapping[str, Any]]]:
    """Every (section, field) of the definition, in order (groups as one field)."""
    for section in defn.get("sections") or []:
        for field in section.get("fields") or []:
            yield section, field


def field_index(defn: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Fields by path: ``"section.field"`` and, for group sub-fields, ``"section.group.sub"``."""
    out: dict[str, Mapping[str, Any]] = {}
    for section, field in iter_fields(defn):
        path = f"{section.get('key')}.{field.get('key')}"
        out[path] = field
        for sub in field.get("fields") or [] if field.get("type") == "group" else []:
            out[f"{path}.{sub.get('key')}"] = sub
    return out


def field_at(defn: Mapping[str, Any], path: str) -> Mapping[str, Any] | None:
    """The field a data path addresses (group indices ignored; a part gives its compound field)."""
    index = field_index(defn)
    bare = re.sub(r"\[(\d+|\*)\]", "", path)
    while bare:
        if bare in index:
            return index[bare]
        bare = bare.rpartition(".")[0]
    return None


def choices_of(field: Mapping[str, Any], context: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """A choice field's options: its own list, or the named list (the context's first)."""
    raw = field.get("choices")
    if isinstance(raw, str):
        lists = (context or {}).get("lists") or {}
        return list(lists.get(raw) or NAMED_LISTS.get(raw) or [])
    return list(raw or [])


# ---- coercion of one value ---------------------------------------------------------------------

def _date_bound(bound: Any, context: Mapping[str, Any]) -> date | None:
    if bound in ("today", "$today"):
        today = context.get("today")
        return today if isinstance(today, date) else None
    if bound == "$received_date":
        rd = context.get("received_date") or context.get("today")
        return rd if isinstance(rd, date) else None
    if isinstance(bound, str) and ISO_DATE.match(bound):
        try:
            return date.fromisoformat(bound)
        except ValueError:
            return None
    return None


def parse_date(raw: Any) -> date:
    if isinstance(raw, date):
        return raw
    if isinstance(raw, Mapping):  # three boxes: day, month, year
        raw = f"{raw.get('day', '')}/{raw.get('month', '')}/{raw.get('year', '')}".strip()
    if not isinstance(raw, str):
        raise Invalid("date")
    text = raw.strip()
    try:
        if ISO_DATE.match(text):
            return date.fromisoformat(text)
        m = VN_DATE.match(text)
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        pass
    raise Invalid("date")


def _clean_text(field: Mapping[str, Any], raw: Any) -> str:
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise Invalid("shape")
    text = str(raw).strip()
    limit = field.get("max_length") or DEFAULT_MAX_LENGTH.get(str(field.get("type")), 255)
    if len(text) > limit:
        raise Invalid("too_long", n=limit)
    if field.get("min_length") and len(text) < field["min_length"]:
        raise Invalid("too_short", n=field["min_length"])
    if field.get("pattern") and not re.fullmatch(field["pattern"], text):
        raise Invalid("pattern")
    return text


def _number_text(value: float | int) -> str:
    return str(value).replace(".", ",")


def _clean_number(field: Mapping[str, Any], raw: Any) -> int | float:
    if isinstance(raw, bool):
        raise Invalid("number")
    if isinstance(raw, str):
        text = raw.strip().replace(" ", "")
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        try:
            raw = float(text) if re.search(r"[.eE]", text) else int(text)
        except ValueError:
            raise Invalid("number") from None
    if not isinstance(raw, int | float) or (isinstance(raw, float) and not math.isfinite(raw)):
        raise Invalid("number")
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if field.get("integer") and not isinstance(raw, int):
        raise Invalid("integer")
    value: int | float = raw
    if field.get("min") is not None and raw < field["min"]:
        raise Invalid("min", n=_number_text(field["min"]))
    if field.get("max") is not None and raw > field["max"]:
        raise Invalid("max", n=_number_text(field["max"]))
    return value


def _clean_date(field: Mapping[str, Any], raw: Any, context: Mapping[str, Any]) -> str:
    value = parse_date(raw)
    low, high = _date_bound(field.get("min"), context), _date_bound(field.get("max"), context)
    if low and value < low:
        raise Invalid("date_min", d=format_date(low))
    if high and value > high:
        raise Invalid("date_max", d=format_date(high))
    return value.isoformat()


def _clean_choice(field: Mapping[str, Any], raw: Any, context: Mapping[str, Any]) -> Any:
    for option in choices_of(field, context):
        if str(option.get("value")) == str(raw).strip():
            return option.get("value")
    raise Invalid("choice")


def parse_boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if raw is None:
        return False
    text = str(raw).strip().casefold()
    if text in ("1", "true", "on", "yes", "co", "có"):
        return True
    if text in ("", "0", "false", "off", "no", "khong", "không"):
        return False
    raise Invalid("shape")


def _clean_id_number(field: Mapping[str, Any], raw: Any) -> str:
    text = re.sub(r"\s", "", str(raw)) if isinstance(raw, str | int) and not isinstance(raw, bool) else None
    old = bool(field.get("allow_old"))
    if text is not None and (re.fullmatch(r"\d{12}", text) or (old and re.fullmatch(r"\d{9}", text))):
        return text
    raise Invalid("id_number_old" if field.get("allow_old") else "id_number")


def _clean_email(raw: Any) -> str:
    text = raw.strip() if isinstance(raw, str) else ""
    if len(text) > 254 or not EMAIL.match(text):
        raise Invalid("email")
    return text


def _clean_phone(raw: Any) -> str:
    text = re.sub(r"[\s.\-()]", "", raw) if isinstance(raw, str) else ""
    if text.startswith("+84"):
        text = "0" + text[3:]
    elif text.startswith("84") and len(text) == 11:
        text = "0" + text[2:]
    if not PHONE.match(text):
        raise Invalid("phone")
    return text


def clean_scalar(field: Mapping[str, Any], raw: Any, context: Mapping[str, Any]) -> Any:
    """The canonical value of a non-empty raw value of a scalar field, or :class:`Invalid`."""
    kind = field.get("type")
    if kind in ("text", "textarea"):
        return _clean_text(field, raw)
    if kind == "number":
        return _clean_number(field, raw)
    if kind == "date":
        return _clean_date(field, raw, context)
    if kind == "choice":
        return _clean_choice(field, raw, context)
    if kind == "boolean":
        return parse_boolean(raw)
    if kind == "id_number":
        return _clean_id_number(field, raw)
    if kind == "email":
        return _clean_email(raw)
    if kind == "phone":
        return _clean_phone(raw)
    raise Invalid("shape")


# ---- compound values ---------------------------------------------------------------------------

PERSON_FIELDS: dict[str, dict[str, Any]] = {
    "full_name": {"type": "text", "max_length": 100},
    "birth_date": {"type": "date", "max": "today"},
    "id_number": {"type": "id_number", "allow_old": True},
    "ethnicity": {"type": "choice", "choices": "ethnicities"},
    "nationality": {"type": "text", "max_length": 60},
    "residence": {"type": "text", "max_length": 255},
}


def person_parts(field: Mapping[str, Any]) -> list[str]:
    parts = field.get("parts") or PERSON_PARTS
    return [p for p in PERSON_PARTS if p in parts]


def person_required(field: Mapping[str, Any]) -> list[str]:
    """The parts a filled (or required) person must have: the full name, and any named."""
    named = field.get("required_parts")
    return [p for p in person_parts(field) if p == "full_name" or (named and p in named)]


@dataclass
class _Run:
    """One validation pass: the context, the language and the errors found so far."""

    context: Mapping[str, Any]
    lang: str
    errors: Errors

    def fail(self, path: str, code: str, label: str, **params: Any) -> None:
        if not MESSAGES[code]["vi"].startswith("{label}"):
            label = _lower_first(label)
        self.errors.setdefault(path, message(code, self.lang, label=label, **params))


def _lower_first(label: str) -> str:
    """"Họ, chữ đệm, tên" as "họ, chữ đệm, tên" inside a sentence (acronyms such as "CCCD" kept)."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def _required_code(kind: Any) -> str:
    return {"choice": "required_choice", "boolean": "required_box"}.get(str(kind), "required")


def _clean_person(field: Mapping[str, Any], raw: Any, path: str, run: _Run) -> Data | None:
    if not isinstance(raw, Mapping):
        run.fail(path, "shape", text_of(field.get("label"), run.lang))
        return None
    out: Data = {}
    filled = not is_empty(raw) or field.get("required")
    for part in person_parts(field):
        sub = PERSON_FIELDS[part]
        label = text_of(PERSON_LABELS[part], run.lang)
        value = raw.get(part)
        if is_empty(value):
            if filled and part in person_required(field):
                run.fail(f"{path}.{part}", _required_code(sub["type"]), label)
            continue
        try:
            out[part] = clean_scalar(sub, value, run.context)
        except Invalid as exc:
            run.fail(f"{path}.{part}", exc.code, label, **exc.params)
    return out or None


def _units(context: Mapping[str, Any]) -> tuple[Mapping[str, Any] | None, Mapping[str, Any] | None]:
    units = context.get("units") or {}
    return units.get("provinces"), units.get("communes")


def _clean_address(field: Mapping[str, Any], raw: Any, path: str, run: _Run) -> Data | None:
    label = text_of(field.get("label"), run.lang)
    if not isinstance(raw, Mapping):
        run.fail(path, "shape", label)
        return None
    out: Data = {k: str(raw.get(k)).strip() for k in ADDRESS_PARTS if not is_empty(raw.get(k))}
    if not out and not field.get("required"):
        return None
    provinces, communes = _units(run.context)
    province, commune = out.get("province"), out.get("commune")
    if not province or (provinces is not None and province not in provinces):
        run.fail(f"{path}.province", "province", label)
    if not commune or (communes is not None and (commune not in communes
                                                 or _province_of(communes[commune]) != province)):
        run.fail(f"{path}.commune", "commune", label)
    if len(out.get("detail", "")) > 255:
        run.fail(f"{path}.detail", "too_long", text_of(ADDRESS_LABELS["detail"], run.lang), n=255)
    if field.get("detail_required") and not out.get("detail"):
        run.fail(f"{path}.detail", "required", text_of(ADDRESS_LABELS["detail"], run.lang))
    return out or None


def _province_of(entry: Any) -> Any:
    """A commune entry of the context's units: ``province_code`` or ``(province_code, name)``."""
    return entry[0] if isinstance(entry, list | tuple) else entry


# ---- conditions --------------------------------------------------------------------------------

def _lookup(data: Any, path: str) -> Any:
    node = data
    for step in path.split("."):
        m = INDEXED.match(step)
        key, index = (m.group(1), m.group(2)) if m else (step, None)
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
        if index is not None:
            if not isinstance(node, list) or not index.isdigit() or int(index) >= len(node):
                return None
            node = node[int(index)]
    return node


class _Visibility:
    """Which fields are shown for some data: a field is shown when its section and its own
    ``show_if`` hold; a condition on a hidden field sees no value (so hiding chains)."""

    def __init__(self, defn: Mapping[str, Any], data: Any, context: Mapping[str, Any]) -> None:
        self.defn, self.data, self.context = defn, data if isinstance(data, Mapping) else {}, context
        self.index = field_index(defn)
        self.sections = {str(s.get("key")): s for s in defn.get("sections") or []}
        self.memo: dict[str, bool] = {}
        self.busy: set[str] = set()

    def value(self, path: str) -> Any:
        """The coerced value at a top-level path, None when hidden, empty or invalid."""
        field = self.index.get(path)
        if field is None or not self.shown(path):
            return None
        raw = _lookup(self.data, path)
        if field.get("type") == "boolean":
            try:
                return parse_boolean(raw)
            except Invalid:
                return False
        if is_empty(raw) or field.get("type") not in SCALAR_TYPES:
            return None if is_empty(raw) else raw
        try:
            return clean_scalar(field, raw, self.context)
        except Invalid:
            return None

    def holds(self, cond: Any, item: Mapping[str, Any] | None = None, item_field: Any = None) -> bool:
        if not isinstance(cond, Mapping):
            return True
        target = str(cond.get("field") or "")
        if "." not in target and item is not None:
            value = self._item_value(item_field, target, item)
        else:
            value = self.value(target)
        if "equals" in cond:
            return bool(value == cond["equals"] or (value is None and cond["equals"] is False))
        if "in" in cond:
            return value in (cond.get("in") or [])
        if "filled" in cond:
            return (not is_empty(value) and value is not False) == bool(cond["filled"])
        return True

    def _item_value(self, group: Any, key: str, item: Mapping[str, Any]) -> Any:
        sub = next((f for f in (group or {}).get("fields") or [] if f.get("key") == key), None)
        raw = item.get(key)
        if sub is None:
            return None
        if sub.get("type") == "boolean":
            try:
                return parse_boolean(raw)
            except Invalid:
                return False
        try:
            return None if is_empty(raw) else clean_scalar(sub, raw, self.context)
        except Invalid:
            return None

    def shown(self, path: str) -> bool:
        if path in self.memo:
            return self.memo[path]
        if path in self.busy:  # a cycle (check_definition refuses them): hidden
            return False
        self.busy.add(path)
        section_key = path.split(".")[0]
        section = self.sections.get(section_key) or {}
        result = self.holds(section.get("show_if")) and self.holds((self.index.get(path) or {}).get("show_if"))
        self.busy.discard(path)
        self.memo[path] = result
        return result


def visible(defn: Mapping[str, Any], data: Any, context: Mapping[str, Any] | None = None) -> set[str]:
    """The field paths shown for ``data``: ``section.field``, and ``section.group[i].sub`` per item."""
    vis = _Visibility(defn, data, context or {})
    out: set[str] = set()
    for section, field in iter_fields(defn):
        path = f"{section.get('key')}.{field.get('key')}"
        if not vis.shown(path):
            continue
        out.add(path)
        if field.get("type") == "group":
            items = _lookup(vis.data, path)
            for i, item in enumerate(items if isinstance(items, list) else []):
                for sub in field.get("fields") or []:
                    if isinstance(item, Mapping) and vis.holds(sub.get("show_if"), item, field):
                        out.add(f"{path}[{i}].{sub.get('key')}")
    return out


# ---- validation --------------------------------------------------------------------------------

def _clean_value(field: Mapping[str, Any], raw: Any, path: str, run: _Run) -> Any:
    """The canonical value of one (non-group) field, None when empty; errors go to ``run``."""
    kind = field.get("type")
    label = text_of(field.get("label"), run.lang)
    if kind == "person":
        return _clean_person(field, raw if raw is not None else {}, path, run) if not (
            is_empty(raw) and not field.get("required")) else None
    if kind == "address":
        return _clean_address(field, raw if raw is not None else {}, path, run) if not (
            is_empty(raw) and not field.get("required")) else None
    if kind == "boolean":
        try:
            value = parse_boolean(raw)
        except Invalid as exc:
            run.fail(path, exc.code, label)
            return None
        if field.get("required") and not value:
            run.fail(path, "required_box", label)
        return value
    if is_empty(raw):
        if field.get("required"):
            run.fail(path, _required_code(kind), label)
        return None
    try:
        return clean_scalar(field, raw, run.context)
    except Invalid as exc:
        run.fail(path, exc.code, label, **exc.params)
        return None


def _clean_group(field: Mapping[str, Any], raw: Any, path: str, run: _Run, vis: _Visibility) -> list[Data] | None:
    label = text_of(field.get("label"), run.lang)
    if raw is not None and not isinstance(raw, list):
        run.fail(path, "shape", label)
        return None
    items = [item for item in raw or [] if not is_empty(item)]
    if any(not isinstance(item, Mapping) for item in items):
        run.fail(path, "shape", label)
        return None
    low = max(int(field.get("min_items") or 0), 1 if field.get("required") else 0)
    high = int(field.get("max_items") or MAX_GROUP_ITEMS)
    if len(items) < low:
        run.fail(path, "min_items", label, n=low)
    if len(items) > high:
        run.fail(path, "max_items", label, n=high)
        items = items[:high]
    out: list[Data] = []
    for i, item in enumerate(items):
        cleaned: Data = {}
        for sub in field.get("fields") or []:
            if not vis.holds(sub.get("show_if"), item, field):
                continue
            value = _clean_value(sub, item.get(sub.get("key")), f"{path}[{i}].{sub.get('key')}", run)
            if value is not None:
                cleaned[str(sub.get("key"))] = value
        out.append(cleaned)
    return out or None


def validate(defn: Mapping[str, Any], data: Any, *, today: date,
             context: Mapping[str, Any] | None = None) -> tuple[Data, Errors]:
    """Clean declared ``data`` against ``defn``: ``(cleaned data, errors by field path)``.

    Hidden and empty fields are dropped, values take their canonical form (ISO dates, numbers,
    normalized phone numbers, the choice's value), so cleaning cleaned data changes nothing.
    ``context``: ``received_date`` (for ``$received_date``), ``lang``, ``lists`` (named choice
    lists), ``units`` (``{"provinces": {code: name}, "communes": {code: (province, name)}}``, the
    units in force on the date; without it address codes are not checked against a list).
    """
    ctx: dict[str, Any] = {**(context or {}), "today": today}
    run = _Run(ctx, str(ctx.get("lang") or "vi"), {})
    vis = _Visibility(defn, data, ctx)
    cleaned: Data = {}
    for section, field in iter_fields(defn):
        path = f"{section.get('key')}.{field.get('key')}"
        if not vis.shown(path):
            continue
        raw = _lookup(vis.data, path)
        if field.get("type") == "group":
            value: Any = _clean_group(field, raw, path, run, vis)
        else:
            value = _clean_value(field, raw, path, run)
        if value is not None:
            cleaned.setdefault(str(section.get("key")), {})[str(field.get("key"))] = value
    _run_checks(defn, cleaned, run)
    return cleaned, run.errors


# ---- cross-field checks ------------------------------------------------------------------------

def _expand(path: str, data: Mapping[str, Any]) -> list[str]:
    """``section.group[*].field`` as one path per item of the data (other paths as themselves)."""
    if "[*]" not in path:
        return [path]
    head, _, tail = path.partition("[*]")
    items = _lookup(data, head)
    return [f"{head}[{i}]{tail}" for i in range(len(items) if isinstance(items, list) else 0)]


def _operand(ref: str, data: Mapping[str, Any], context: Mapping[str, Any]) -> date | None:
    if ref.startswith("$") or ref == "today":
        return _date_bound(ref, context)
    value = _lookup(data, ref)
    try:
        return parse_date(value) if value is not None else None
    except Invalid:
        return None


def _operand_label(defn: Mapping[str, Any], ref: str, lang: str) -> str:
    if ref in ("today", "$today"):
        return message("today", lang)
    if ref == "$received_date":
        return message("received_date", lang)
    field = field_at(defn, ref)
    label = text_of((field or {}).get("label"), lang) or ref
    part = ref.rpartition(".")[2]
    if (field or {}).get("type") == "person" and part in PERSON_LABELS:
        label = f"{label} - {text_of(PERSON_LABELS[part], lang)}"
    return label


COMPARE: dict[str, Callable[[date, date], bool]] = {
    "before": lambda a, b: a < b, "not_after": lambda a, b: a <= b,
    "after": lambda a, b: a > b, "not_before": lambda a, b: a >= b,
}


def _run_checks(defn: Mapping[str, Any], cleaned: Data, run: _Run) -> None:
    for check in defn.get("checks") or []:
        rule = check.get("rule")
        custom = text_of(check.get("message"), run.lang) if check.get("message") else ""
        if rule == "required_one_of":
            fields = [str(f) for f in check.get("fields") or []]
            if fields and all(is_empty(_lookup(cleaned, f)) for f in fields):
                names = ", ".join(_operand_label(defn, f, run.lang) for f in fields)
                run.errors.setdefault(fields[0], custom or message(rule, run.lang, fields=names))
            continue
        if rule not in COMPARE:
            continue
        left, right = str(check.get("left")), str(check.get("right"))
        for lpath in _expand(left, cleaned):
            a, b = _operand(lpath, cleaned, run.context), _operand(right, cleaned, run.context)
            if a is not None and b is not None and not COMPARE[rule](a, b):
                run.errors.setdefault(lpath, custom or message(
                    rule, run.lang, left=_operand_label(defn, left, run.lang),
                    right=_operand_label(defn, right, run.lang)))


# ---- display -----------------------------------------------------------------------------------

def display(field: Mapping[str, Any], value: Any, lang: str = "vi",
            context: Mapping[str, Any] | None = None) -> str:
    """A cleaned scalar or address value as text: dates dd/mm/yyyy, the choice's label..."""
    kind = field.get("type")
    if value is None:
        return ""
    if kind == "date":
        try:
            return format_date(parse_date(value))
        except Invalid:
            return str(value)
    if kind == "boolean":
        return message("yes" if value else "no", lang)
    if kind == "choice":
        for option in choices_of(field, context):
            if option.get("value") == value:
                return text_of(option.get("label"), lang)
        return str(value)
    if kind == "number":
        return _number_text(value) if isinstance(value, int | float) else str(value)
    if kind == "address" and isinstance(value, Mapping):
        return address_text(value, context)
    return str(value)


def address_text(value: Mapping[str, Any], context: Mapping[str, Any] | None = None) -> str:
    """"detail, commune, province" with the units' names when the context has them."""
    provinces, communes = _units(context or {})
    commune = str(value.get("commune") or "")
    entry = (communes or {}).get(commune)
    commune_name = entry[1] if isinstance(entry, list | tuple) and len(entry) > 1 else commune
    province = str(value.get("province") or "")
    province_name = (provinces or {}).get(province) or province
    return ", ".join(p for p in (str(value.get("detail") or ""), commune_name, str(province_name)) if p)


def _field_rows(field: Mapping[str, Any], value: Any, path: str, label: str, lang: str,
                context: Mapping[str, Any] | None) -> Iterator[tuple[str, str, str]]:
    kind = field.get("type")
    if kind == "person" and isinstance(value, Mapping):
        for part in person_parts(field):
            if not is_empty(value.get(part)):
                yield (f"{path}.{part}", f"{label} - {text_of(PERSON_LABELS[part], lang)}",
                       display(PERSON_FIELDS[part], value[part], lang, context))
    elif not is_empty(value) or value is False:
        yield path, label, display(field, value, lang, context)


def flatten(defn: Mapping[str, Any], data: Any, *, lang: str = "vi",
            context: Mapping[str, Any] | None = None) -> list[tuple[str, str, str]]:
    """``(path, label, display value)`` of every shown, filled value, in the definition's order.

    Persons give one row per part, group items one row per sub-field (labelled "Group 1 - Sub").
    """
    shown = visible(defn, data, context)
    rows: list[tuple[str, str, str]] = []
    for section, field in iter_fields(defn):
        path = f"{section.get('key')}.{field.get('key')}"
        if path not in shown:
            continue
        label, value = text_of(field.get("label"), lang), _lookup(data, path)
        if field.get("type") != "group":
            rows.extend(_field_rows(field, value, path, label, lang, context))
            continue
        for i, item in enumerate(value if isinstance(value, list) else []):
            for sub in field.get("fields") or []:
                sub_path = f"{path}[{i}].{sub.get('key')}"
                if sub_path in shown and isinstance(item, Mapping):
                    sub_label = f"{label} {i + 1} - {text_of(sub.get('label'), lang)}"
                    rows.extend(_field_rows(sub, item.get(sub.get("key")), sub_path, sub_label, lang, context))
    return rows


def changes(defn: Mapping[str, Any], old: Any, new: Any) -> dict[str, list[str]]:
    """The paths whose shown value differs between two declarations: ``{path: [old, new]}``."""
    before = {p: v for p, _, v in flatten(defn, old or {})}
    after = {p: v for p, _, v in flatten(defn, new or {})}
    return {p: [before.get(p, ""), after.get(p, "")]
            for p in sorted(set(before) | set(after)) if before.get(p, "") != after.get(p, "")}


# ---- definition check --------------------------------------------------------------------------

def _bilingual_problem(value: Any, where: str, required: bool = True) -> list[str]:
    if value is None and not required:
        return []
    if not isinstance(value, Mapping) or not isinstance(value.get("vi"), str) or (required and not value["vi"].strip()):
        return [f"{where}: cần văn bản tiếng Việt {{\"vi\": ...}} (needs a {{\"vi\": ...}} text)"]
    if value.get("en") is not None and not isinstance(value.get("en"), str):
        return [f"{where}.en: must be a string"]
    return []


def _choice_problems(field: Mapping[str, Any], where: str) -> list[str]:
    raw = field.get("choices")
    if isinstance(raw, str):
        known = ", ".join(NAMED_LISTS)
        return [] if raw in NAMED_LISTS else [f"{where}.choices: unknown list '{raw}' (known: {known})"]
    if not isinstance(raw, list) or not raw:
        return [f"{where}.choices: must be a non-empty list or a list name"]
    out: list[str] = []
    seen: set[str] = set()
    for i, option in enumerate(raw):
        value = option.get("value") if isinstance(option, Mapping) else None
        if value in (None, "") or isinstance(value, dict | list | bool):
            out.append(f"{where}.choices[{i}]: needs a value")
            continue
        if str(option["value"]) in seen:
            out.append(f"{where}.choices[{i}]: duplicate value '{option['value']}'")
        seen.add(str(option["value"]))
        out += _bilingual_problem(option.get("label"), f"{where}.choices[{i}].label")
    return out


def _bound_problems(field: Mapping[str, Any], where: str) -> list[str]:
    out: list[str] = []
    kind = field.get("type")
    for key in ("min", "max"):
        bound = field.get(key)
        if bound is None:
            continue
        if kind == "number" and (isinstance(bound, bool) or not isinstance(bound, int | float)):
            out.append(f"{where}.{key}: must be a number")
        if kind == "date" and bound not in DATE_VARS and _date_bound(bound, {}) is None:
            out.append(f"{where}.{key}: must be 'today', '$received_date' or a date YYYY-MM-DD")
    low, high = field.get("min"), field.get("max")
    if kind == "number" and isinstance(low, int | float) and isinstance(high, int | float) and low > high:
        out.append(f"{where}: min is greater than max")
    return out


def _text_problems(field: Mapping[str, Any], where: str) -> list[str]:
    out: list[str] = []
    for key in ("max_length", "min_length"):
        n = field.get(key)
        if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 0):
            out.append(f"{where}.{key}: must be a whole number >= 0")
    if field.get("pattern") is not None:
        try:
            re.compile(str(field["pattern"]))
        except re.error as exc:
            out.append(f"{where}.pattern: not a valid regular expression ({exc})")
    return out


def _field_problems(field: Any, where: str, in_group: bool) -> list[str]:
    if not isinstance(field, Mapping):
        return [f"{where}: must be an object"]
    out: list[str] = []
    kind = field.get("type")
    if kind not in FIELD_TYPES:
        return [f"{where}.type: unknown type '{kind}' (known: {', '.join(FIELD_TYPES)})"]
    out += _bilingual_problem(field.get("label"), f"{where}.label")
    out += _bilingual_problem(field.get("help"), f"{where}.help", required=False)
    if kind == "choice":
        out += _choice_problems(field, where)
    out += _bound_problems(field, where) + _text_problems(field, where)
    if kind == "person":
        named = list(field.get("parts") or []) + list(field.get("required_parts") or [])
        unknown = [p for p in named if p not in PERSON_PARTS]
        out += [f"{where}.parts: unknown part '{p}'" for p in unknown]
    if kind == "group":
        out += _group_problems(field, where, in_group)
    return out


def _group_problems(field: Mapping[str, Any], where: str, in_group: bool) -> list[str]:
    if in_group:
        return [f"{where}: a group cannot be inside a group"]
    subs = field.get("fields")
    if not isinstance(subs, list) or not subs:
        return [f"{where}.fields: a group needs fields"]
    out = _keys_problems(subs, where, in_group=True)
    low, high = field.get("min_items", 0), field.get("max_items", MAX_GROUP_ITEMS)
    if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in (low, high)):
        out.append(f"{where}: min_items and max_items must be whole numbers >= 0")
    elif low > high or high > MAX_GROUP_ITEMS:
        out.append(f"{where}: needs min_items <= max_items <= {MAX_GROUP_ITEMS}")
    return out


def _keys_problems(fields: list[Any], where: str, in_group: bool) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for i, field in enumerate(fields):
        key = field.get("key") if isinstance(field, Mapping) else None
        name = f"{where}.{key}" if isinstance(key, str) and KEY.match(key) else f"{where}.fields[{i}]"
        if not isinstance(key, str) or not KEY.match(key):
            out.append(f"{name}.key: must match {KEY.pattern}")
        elif key in seen:
            out.append(f"{name}.key: duplicate key '{key}'")
        seen.add(str(key))
        out += _field_problems(field, name, in_group)
    return out


def _condition_problems(cond: Any, where: str, index: Mapping[str, Mapping[str, Any]],
                        siblings: set[str] | None = None) -> list[str]:
    if cond is None:
        return []
    if not isinstance(cond, Mapping) or not isinstance(cond.get("field"), str):
        return [f"{where}.show_if: must be {{\"field\": ..., \"equals\"|\"in\"|\"filled\": ...}}"]
    target = cond["field"]
    ok = target in index and index[target].get("type") != "group" and target.count(".") == 1
    if not ok and not (siblings and target in siblings):
        return [f"{where}.show_if.field: unknown field '{target}'"]
    if not any(k in cond for k in ("equals", "in", "filled")):
        return [f"{where}.show_if: needs equals, in or filled"]
    if "in" in cond and not isinstance(cond["in"], list):
        return [f"{where}.show_if.in: must be a list"]
    return []


def _cycle_problems(defn: Mapping[str, Any]) -> list[str]:
    deps: dict[str, str] = {}
    for section, field in iter_fields(defn):
        path = f"{section.get('key')}.{field.get('key')}"
        for cond in (section.get("show_if"), field.get("show_if")):
            if isinstance(cond, Mapping) and isinstance(cond.get("field"), str):
                deps.setdefault(path, cond["field"])
    out: list[str] = []
    for start in deps:
        seen, node = {start}, deps[start]
        while node in deps:
            if node in seen:
                out.append(f"{start}.show_if: conditions loop back on '{node}'")
                break
            seen.add(node)
            node = deps[node]
    return out


def _section_problems(defn: Mapping[str, Any]) -> list[str]:
    sections = defn.get("sections")
    if not isinstance(sections, list) or not sections:
        return ["sections: a form needs at least one section"]
    out: list[str] = []
    seen: set[str] = set()
    for i, section in enumerate(sections):
        if not isinstance(section, Mapping):
            out.append(f"sections[{i}]: must be an object")
            continue
        key = section.get("key")
        where = str(key) if isinstance(key, str) and KEY.match(key) else f"sections[{i}]"
        if where != key:
            out.append(f"{where}.key: must match {KEY.pattern}")
        elif key in seen:
            out.append(f"{where}.key: duplicate section '{key}'")
        seen.add(str(key))
        out += _bilingual_problem(section.get("title"), f"{where}.title")
        fields = section.get("fields")
        if not isinstance(fields, list) or not fields:
            out.append(f"{where}.fields: a section needs fields")
            continue
        out += _keys_problems(fields, where, in_group=False)
    return out


def _conditions_problems(defn: Mapping[str, Any]) -> list[str]:
    index = field_index(defn)
    out: list[str] = []
    for section in defn.get("sections") or []:
        out += _condition_problems(section.get("show_if"), str(section.get("key")), index)
        for field in section.get("fields") or []:
            where = f"{section.get('key')}.{field.get('key')}"
            out += _condition_problems(field.get("show_if"), where, index)
            if field.get("type") == "group":
                siblings = {str(s.get("key")) for s in field.get("fields") or []}
                for sub in field.get("fields") or []:
                    out += _condition_problems(sub.get("show_if"), f"{where}.{sub.get('key')}", index, siblings)
    return out + _cycle_problems(defn)


def _ref_problems(ref: Any, where: str, index: Mapping[str, Mapping[str, Any]], dates: bool) -> list[str]:
    if not isinstance(ref, str) or not ref:
        return [f"{where}: must name a field"]
    if dates and ref in DATE_VARS:
        return []
    bare = ref.replace("[*]", "")
    field = index.get(bare)
    head, _, part = bare.rpartition(".")
    if field is None and (index.get(head) or {}).get("type") == "person" and part in PERSON_FIELDS:
        field = PERSON_FIELDS[part]
    if field is None or (field.get("type") == "group"):
        return [f"{where}: unknown field '{ref}'"]
    if dates and field.get("type") != "date":
        return [f"{where}: '{ref}' is not a date field"]
    return []


def _checks_problems(defn: Mapping[str, Any]) -> list[str]:
    checks = defn.get("checks")
    if checks is None:
        return []
    if not isinstance(checks, list):
        return ["checks: must be a list"]
    index = field_index(defn)
    out: list[str] = []
    for i, check in enumerate(checks):
        where = f"checks[{i}]"
        rule = check.get("rule") if isinstance(check, Mapping) else None
        if rule not in CHECK_RULES:
            out.append(f"{where}.rule: unknown rule '{rule}' (known: {', '.join(CHECK_RULES)})")
            continue
        out += _bilingual_problem(check.get("message"), f"{where}.message", required=False)
        if rule == "required_one_of":
            fields = check.get("fields")
            if not isinstance(fields, list) or len(fields) < 2:
                out.append(f"{where}.fields: needs at least two fields")
                continue
            for j, ref in enumerate(fields):
                out += _ref_problems(ref, f"{where}.fields[{j}]", index, dates=False)
        else:
            out += _ref_problems(check.get("left"), f"{where}.left", index, dates=True)
            out += _ref_problems(check.get("right"), f"{where}.right", index, dates=True)
    return out


def check_definition(defn: Any) -> list[str]:
    """A definition's problems, each ``"where: what"`` naming the field (``[]``: valid)."""
    if not isinstance(defn, Mapping):
        return ["form: must be an object"]
    out: list[str] = []
    if defn.get("schema", SCHEMA) != SCHEMA:
        out.append(f"schema: only schema {SCHEMA} is known")
    if not isinstance(defn.get("key"), str) or not re.fullmatch(r"[a-z0-9][a-z0-9_\-]{0,59}", defn["key"]):
        out.append("key: needs a short key such as 'khai-sinh'")
    out += _bilingual_problem(defn.get("title"), "title")
    if defn.get("template") is not None and not isinstance(defn.get("template"), str):
        out.append("template: must be a string")
    out += _section_problems(defn)
    if out:
        return out
    return _conditions_problems(defn) + _checks_problems(defn)
