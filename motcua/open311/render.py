"""GeoReport v2 answers in its two formats: XML (the spec's required one) and JSON.

A body is built once as plain data: dicts (their keys are the element names, in order), lists,
strings, numbers, booleans; ``None`` leaves the element out. The XML form wraps it in the spec's
root element and names each list item after its container (``services/service``,
``service_requests/request``, ``errors/error``, ``attributes/attribute``, ``values/value``...);
the JSON form is the same data without the root (a list for lists, an object for objects)."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET  # noqa: N817 - the usual name

from django.http import HttpResponse

FORMATS = ("xml", "json")
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
ITEM_NAMES = {"services": "service", "service_requests": "request", "errors": "error",
              "attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format"}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            if child is not None:
                _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list):
        item = ITEM_NAMES.get(element.tag, "item")
        for child in value:
            _fill(ET.SubElement(element, item), child)
    else:
        element.text = _text(value)


def to_xml(root: str, data: Any) -> bytes:
    element = ET.Element(root)
    _fill(element, data)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def _prune(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _prune(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def to_json(data: Any) -> bytes:
    return json.dumps(_prune(data), ensure_ascii=False, separators=(",", ":")).encode()


def answer(fmt: str, root: str, data: Any, status: int = 200) -> HttpResponse:
    body = to_xml(root, data) if fmt == "xml" else to_json(data)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """The spec's error answer: a list of {code, description} with the HTTP status as the code."""
    return answer(fmt, "errors", [{"code": status, "description": d} for d in descriptions], status)
