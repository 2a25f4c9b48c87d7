"""Input validation before any view runs: control characters (NUL first of all) and invalid UTF-8 in
the path, the query string, form fields and JSON bodies answer a friendly 400, never a 500 from a
database that refuses them or a parser that chokes. The web pages get a Vietnamese HTML page; /api/
gets the JSON error envelope ``{"error": {"code": "validation_error", "message", "fields"}}``."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import unquote_to_bytes

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

# C0 controls and DEL, except tab, line feed and carriage return (text areas send them)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_MESSAGE = "control characters are not allowed"
UTF8_MESSAGE = "invalid UTF-8"
BROKEN_UTF8 = re.compile(r"%[89a-fA-F][0-9a-fA-F]")
MAX_JSON_CHECK = 2 * 1024 * 1024  # larger bodies are refused by Django's own limit anyway


def _raw_pairs(raw: str) -> Iterator[tuple[bytes, bytes]]:
    """``a=1&b=2`` as percent-decoded byte pairs (WSGI hands the query string over as latin-1)."""
    for part in raw.split("&"):
        if part:
            name, _sep, value = part.partition("=")
            yield (unquote_to_bytes(name.replace("+", " ")), unquote_to_bytes(value.replace("+", " ")))


def _check_urlencoded(raw: str, fields: dict[str, str]) -> None:
    for name_b, value_b in _raw_pairs(raw):
        try:
            name = name_b.decode("utf-8")
        except UnicodeDecodeError:
            fields[name_b.decode("utf-8", "replace")] = UTF8_MESSAGE
            continue
        try:
            value = value_b.decode("utf-8")
        except UnicodeDecodeError:
            fields[name] = UTF8_MESSAGE
            continue
        if CONTROL.search(name) or CONTROL.search(value):
            fields[name if not CONTROL.search(name) else CONTROL.sub("?", name)] = CONTROL_MESSAGE


def _walk_json(value: Any, path: str, fields: dict[str, str]) -> None:
    if isinstance(value, str):
        if CONTROL.search(value):
            fields[path or "body"] = CONTROL_MESSAGE
    elif isinstance(value, dict):
        for k, v in value.items():
            key = f"{path}.{k}" if path else str(k)
            if CONTROL.search(str(k)):
                fields[CONTROL.sub("?", key)] = CONTROL_MESSAGE
            _walk_json(v, key, fields)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _walk_json(v, f"{path}.{i}" if path else str(i), fields)


def _check_body(request: HttpRequest, fields: dict[str, str]) -> None:
    ctype = request.content_type or ""
    if ctype == "application/x-www-form-urlencoded":
        _check_urlencoded(request.body.decode("latin-1"), fields)
    elif ctype == "multipart/form-data":
        for name, values in request.POST.lists():
            if CONTROL.search(name) or any(CONTROL.search(v) for v in values):
                fields[CONTROL.sub("?", name)] = CONTROL_MESSAGE
            elif any("\ufffd" in v for v in values):  # Django decodes multipart text with errors="replace"
                fields[name] = UTF8_MESSAGE
    elif ctype.endswith("json") and int(request.META.get("CONTENT_LENGTH") or 0) <= MAX_JSON_CHECK:
        try:
            data = json.loads(request.body)
        except UnicodeDecodeError:
            fields["body"] = UTF8_MESSAGE
        except ValueError:
            return  # malformed JSON: the API's own parser answers it
        else:
            _walk_json(data, "", fields)


def _path_fields(request: HttpRequest, path: str) -> dict[str, str]:
    """The URL parameters that carry control characters, by name (``code`` of
    /api/v1/catalog/procedures/{code}, ``province`` of /api/v1/calendars/{province}/days); ``path``
    when the URL matches no route or the characters are outside its parameters."""
    try:
        match = resolve(path, getattr(request, "urlconf", None))
    except Resolver404:
        return {"path": CONTROL_MESSAGE}
    named = {name: CONTROL_MESSAGE for name, value in match.kwargs.items()
             if isinstance(value, str) and CONTROL.search(value)}
    return named or {"path": CONTROL_MESSAGE}


def problems(request: HttpRequest) -> dict[str, str]:
    """Field name -> what is wrong, for every input of the request that carries forbidden bytes."""
    fields: dict[str, str] = {}
    path = request.path_info
    # Django has already decoded the path and re-quoted the bytes that are not UTF-8 as %XX (XX >= 80);
    # none of our routes has a literal "%" in it, so such a sequence means the client sent bad UTF-8
    if BROKEN_UTF8.search(path):
        fields["path"] = UTF8_MESSAGE
    elif CONTROL.search(path):
        fields.update(_path_fields(request, path))
    _check_urlencoded(request.META.get("QUERY_STRING", ""), fields)
    if request.method in {"POST", "PUT", "PATCH", "DELETE"}:
        _check_body(request, fields)
    return fields


def bad_input_response(request: HttpRequest, fields: dict[str, str]) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        return JsonResponse({"error": {"code": "validation_error",
                                       "message": "Input contains control characters or invalid UTF-8.",
                                       "fields": fields}}, status=400, json_dumps_params={"ensure_ascii": False})
    return render(request, "core/problem.html", {
        "title": _("Dữ liệu không hợp lệ"),
        "message": _("Nội dung gửi lên có ký tự điều khiển hoặc không đúng mã UTF-8. "
                     "Vui lòng kiểm tra lại các ô sau rồi gửi lại."),
        "fields": sorted(fields)}, status=400)


class InputValidationMiddleware:
    """Refuse forbidden bytes in any input before a view sees it (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        fields = problems(request)
        if fields:
            return bad_input_response(request, fields)
        return self.get_response(request)
