"""The one renderer of a declaration form, for the citizen portal, the counter intake and the
dossier page: a view model built from the definition, the data typed so far and the errors (the
templates under eforms/ draw it), and the parser of the posted inputs back into declared data.

Inputs are named ``ef.<path>`` (``ef.child.full_name``, ``ef.child.birth_place.province``,
``ef.family.children[0].name``) and have the id ``ef-<path>`` with dots and brackets as dashes
(``ef-family-children-0-name``): stable names for tests and the browser. Fields hidden by their
conditions are not drawn; the server decides on every submit, and htmx redraws the form on change.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.utils.html import format_html_join
from django.utils.translation import get_language

from motcua.domain import eforms as ef

PREFIX = "ef."
RADIO_MAX = 5  # more choices than this: a drop-down list


def lang() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


def input_id(path: str) -> str:
    return "ef-" + re.sub(r"[.\[\]]+", "-", path).strip("-")


# ---- parsing the posted inputs -----------------------------------------------------------------

def _set(root: dict[str, Any], path: str, value: Any) -> None:
    node: Any = root
    steps = path.split(".")
    for i, step in enumerate(steps):
        last = i == len(steps) - 1
        m = ef.INDEXED.match(step)
        if m and m.group(2).isdigit():
            key, index = m.group(1), int(m.group(2))
            if index >= ef.MAX_GROUP_ITEMS or not isinstance(node, dict):
                return
            items = node.setdefault(key, [])
            if not isinstance(items, list):
                return
            while len(items) <= index:
                items.append({})
            if last:
                return
            node = items[index]
            continue
        if not re.fullmatch(r"[a-z][a-z0-9_]*", step) or not isinstance(node, dict):
            return
        if last:
            node[step] = value
        else:
            node = node.setdefault(step, {})


def parse_post(post: Any) -> dict[str, Any]:
    """The declared data of a submitted form (a QueryDict): ``ef.a.b`` -> ``{"a": {"b": v}}``."""
    data: dict[str, Any] = {}
    for name in sorted(k for k in post if k.startswith(PREFIX) and len(k) < 200):
        values = post.getlist(name) if hasattr(post, "getlist") else [post[name]]
        _set(data, name[len(PREFIX):], values[-1] if values else "")
    return data


# ---- the view model ----------------------------------------------------------------------------

def _shown_value(field: Mapping[str, Any], raw: Any) -> Any:
    """A raw value as the input shows it: an ISO date as dd/mm/yyyy, others as typed."""
    if raw is None:
        return ""
    if field.get("type") == "date" and isinstance(raw, str) and ef.ISO_DATE.match(raw):
        try:
            return ef.format_date(date.fromisoformat(raw))
        except ValueError:
            return raw
    if field.get("type") == "number" and isinstance(raw, int | float) and not isinstance(raw, bool):
        return ef.display(field, raw)
    return raw


def options_html(options: list[dict[str, Any]]) -> str:
    """The <option> elements of a drop-down list (built here: a list of 1,000 communes drawn by the
    template language costs tens of milliseconds)."""
    return format_html_join("", "<option value=\"{}\"{}>{}</option>",
                            ((o["value"], " selected" if o["checked"] else "", o["label"])
                             for o in options))


def _options(choices: list[dict[str, Any]], raw: Any, lg: str) -> list[dict[str, Any]]:
    return [{"value": str(c.get("value")), "label": ef.text_of(c.get("label"), lg),
             "checked": raw is not None and str(raw) == str(c.get("value"))} for c in choices]


class _Builder:
    def __init__(self, defn: Mapping[str, Any], data: Any, errors: Mapping[str, str],
                 context: Mapping[str, Any], lg: str, notes: Mapping[str, str] | None = None) -> None:
        self.defn, self.data, self.errors, self.context, self.lg = defn, data if isinstance(data, dict) else {}, \
            errors, context, lg
        self.notes = notes or {}
        self.shown = ef.visible(defn, self.data, context)

    def base(self, field: Mapping[str, Any], path: str, label: str | None = None) -> dict[str, Any]:
        fid = input_id(path)
        help_text = " ".join(t for t in (ef.text_of(field.get("help"), self.lg), self.notes.get(path, "")) if t)
        error = self.errors.get(path, "")
        described = " ".join(x for x in (f"{fid}-hint" if help_text or field.get("type") == "date" else "",
                                         f"{fid}-error" if error else "") if x)
        return {"path": path, "name": PREFIX + path, "id": fid, "type": field.get("type"),
                "label": label if label is not None else ef.text_of(field.get("label"), self.lg),
                "help": help_text, "required": bool(field.get("required")), "error": error,
                "describedby": described}

    def scalar(self, field: Mapping[str, Any], path: str, raw: Any, label: str | None = None) -> dict[str, Any]:
        view = self.base(field, path, label)
        kind = field.get("type")
        view["value"] = _shown_value(field, raw)
        if kind == "choice":
            options = _options(ef.choices_of(field, self.context), raw, self.lg)
            view["options"] = options
            view["widget"] = "radios" if len(options) <= RADIO_MAX else "select"
            view["options_html"] = options_html(options)
        elif kind == "boolean":
            try:
                view["checked"] = ef.parse_boolean(raw)
            except ef.Invalid:
                view["checked"] = False
            view["widget"] = "checkbox"
        elif kind == "textarea":
            view["widget"] = "textarea"
        else:
            view["widget"] = "input"
            view["input_type"] = {"email": "email", "phone": "tel"}.get(str(kind), "text")
            view["inputmode"] = {"number": "decimal", "date": "numeric", "id_number": "numeric",
                                 "phone": "tel"}.get(str(kind), "")
            view["autocomplete"] = {"email": "email", "phone": "tel"}.get(str(kind), "off")
            view["width"] = {"date": "w10", "id_number": "w12", "number": "w10", "phone": "w12"}.get(str(kind), "")
            if kind == "date":
                view["date_hint"] = "dd/mm/yyyy"
            view["maxlength"] = field.get("max_length") or ef.DEFAULT_MAX_LENGTH.get(str(kind), "")
        return view

    def address(self, field: Mapping[str, Any], path: str, raw: Any) -> dict[str, Any]:
        view = self.base(field, path)
        raw = raw if isinstance(raw, Mapping) else {}
        units = self.context.get("units") or {}
        province = str(raw.get("province") or "")
        provinces = [{"value": c, "label": n, "checked": c == province}
                     for c, n in sorted((units.get("provinces") or {}).items(), key=lambda x: x[1])]
        communes = [{"value": c, "label": e[1], "checked": c == str(raw.get("commune") or ""), "province": e[0]}
                    for c, e in sorted((units.get("communes") or {}).items(), key=lambda x: x[1][1])
                    if not province or e[0] == province]
        parts = []
        for part in ef.ADDRESS_PARTS:
            sub = {"type": "text", "label": ef.ADDRESS_LABELS[part], "max_length": 255}
            p = self.scalar(sub, f"{path}.{part}", raw.get(part))
            if part != "detail":
                p["widget"] = "select"
                p["options"] = provinces if part == "province" else communes
                p["options_html"] = options_html(p["options"])
                p["required"] = view["required"]
            parts.append(p)
        view.update(widget="address", parts=parts)
        return view

    def person(self, field: Mapping[str, Any], path: str, raw: Any) -> dict[str, Any]:
        view = self.base(field, path)
        raw = raw if isinstance(raw, Mapping) else {}
        required = ef.person_required(field)
        parts = []
        for part in ef.person_parts(field):
            sub = {**ef.PERSON_FIELDS[part], "label": ef.PERSON_LABELS[part]}
            p = self.scalar(sub, f"{path}.{part}", raw.get(part))
            p["required"] = bool(field.get("required")) and part in required
            if p.get("widget") == "radios":
                p["widget"] = "select"
            parts.append(p)
        view.update(widget="person", parts=parts)
        return view

    def one(self, field: Mapping[str, Any], path: str, raw: Any) -> dict[str, Any]:
        kind = field.get("type")
        if kind == "address":
            return self.address(field, path, raw)
        if kind == "person":
            return self.person(field, path, raw)
        return self.scalar(field, path, raw)

    def group(self, field: Mapping[str, Any], path: str, raw: Any) -> dict[str, Any]:
        view = self.base(field, path)
        items = [i for i in raw if isinstance(i, Mapping)] if isinstance(raw, list) else []
        kept = [i for i in items if not ef.is_empty(i)]
        high = int(field.get("max_items") or ef.MAX_GROUP_ITEMS)
        count = min(high, max(int(field.get("min_items") or 0), len(kept) + 1, 1))
        rows = []
        for i in range(count):
            item = kept[i] if i < len(kept) else {}
            subs = []
            for sub in field.get("fields") or []:
                sub_path = f"{path}[{i}].{sub.get('key')}"
                if i < len(kept) and sub_path not in self.shown:
                    continue
                if i >= len(kept) and sub.get("show_if"):
                    continue  # a blank row: conditional sub-fields appear once it is filled
                subs.append(self.one(sub, sub_path, item.get(sub.get("key"))))
            rows.append({"index": i, "number": i + 1, "fields": subs, "id": input_id(f"{path}[{i}]")})
        view.update(widget="group", rows=rows)
        return view

    def build(self) -> dict[str, Any]:
        sections = []
        for section in self.defn.get("sections") or []:
            fields = []
            for field in section.get("fields") or []:
                path = f"{section.get('key')}.{field.get('key')}"
                if path not in self.shown:
                    continue
                raw = ef._lookup(self.data, path)
                fields.append(self.group(field, path, raw) if field.get("type") == "group"
                              else self.one(field, path, raw))
            if fields:
                sections.append({"key": section.get("key"), "id": input_id(str(section.get("key"))),
                                 "title": ef.text_of(section.get("title"), self.lg),
                                 "help": ef.text_of(section.get("help"), self.lg), "fields": fields})
        summary = [{"path": p, "href": "#" + _target(p), "message": m} for p, m in self.errors.items()]
        return {"key": self.defn.get("key"), "title": ef.text_of(self.defn.get("title"), self.lg),
                "sections": sections, "summary": summary}


def _target(path: str) -> str:
    """The input an error links to (an address or person without a part: its first input)."""
    return input_id(path)


def live_errors(data: Any, errors: Mapping[str, str]) -> dict[str, str]:
    """While typing (htmx on change): only the errors of values already entered, not the
    required fields not reached yet."""
    return {p: m for p, m in errors.items() if not ef.is_empty(ef._lookup(data, p))}


def form_view(defn: Mapping[str, Any], data: Any, errors: Mapping[str, str] | None = None,
              context: Mapping[str, Any] | None = None, lg: str | None = None,
              notes: Mapping[str, str] | None = None) -> dict[str, Any]:
    """What the eforms/_form.html template draws (``notes``: prefill remarks shown as hints)."""
    return _Builder(defn, data, errors or {}, context or {}, lg or lang(), notes).build()


def read_view(defn: Mapping[str, Any], data: Any, context: Mapping[str, Any] | None = None,
              lg: str | None = None) -> list[dict[str, Any]]:
    """The declaration to read (the dossier page): rows by section, label and shown value."""
    lg = lg or lang()
    titles = {str(s.get("key")): ef.text_of(s.get("title"), lg) for s in defn.get("sections") or []}
    out: list[dict[str, Any]] = []
    for path, label, value in ef.flatten(defn, data, lang=lg, context=context):
        title = titles.get(path.split(".")[0], "")
        if not out or out[-1]["title"] != title:
            out.append({"title": title, "rows": []})
        out[-1]["rows"].append({"path": path, "label": label, "value": value})
    return out
