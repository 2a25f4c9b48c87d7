"""What the OpenAPI document says about errors and parameters, declared once.

Every error the API answers has one shape, ``{"error": {"code", "message", "fields"}}`` (see
motcua.api.main). ``errors(...)`` gives an operation's ``response=`` entries for the statuses it can
really return, each pointing at the one ``ErrorEnvelope`` schema:

    @router.post("/{id}/start", response={200: DossierOut, **errors(403, 404, 409, 422)})

Every operation can answer 400 (``COMMON``); authenticated operations also answer 401 (no or a bad
credential), which ``public=True`` leaves out.
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI, Schema
from pydantic import Field


class ErrorBody(Schema):
    code: str = Field(description="Stable machine-readable code, e.g. validation_error, not_found, conflict")
    message: str = Field(description="Human-readable summary")
    fields: dict[str, str] = Field(description="Per-field messages (dotted paths into the input), possibly empty")


class ErrorEnvelope(Schema):
    error: ErrorBody


STATUS_TEXT = {
    400: "Bad request (malformed body or parameters)",
    401: "Authentication required (no bearer token or session, or an invalid one)",
    403: "Forbidden (the caller's roles do not allow it)",
    404: "Not found (or not visible to the caller)",
    409: "Conflict (illegal transition for the dossier's status, or a stale version)",
    413: "Request too large",
    422: "Invalid input; ``fields`` names each offending field",
    429: "Too many requests; retry later",
}


def errors(*statuses: int, public: bool = False) -> dict[int, Any]:
    """``response=`` entries for the error statuses an operation can return (401 added unless public)."""
    codes = set(statuses) | set(COMMON) | (set() if public else {401})
    unknown = codes - set(STATUS_TEXT)
    if unknown:
        raise ValueError(f"undocumented error statuses: {sorted(unknown)}")
    return {s: ErrorEnvelope for s in sorted(codes)}


# motcua.core.middleware refuses these in any input (path, query, form, JSON) with a 400 envelope
CONTROL_CHARACTERS = "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f"
NO_CONTROL = f"^[^{CONTROL_CHARACTERS}]*$"
# any request can be answered 400 (motcua.core.middleware: control characters or invalid UTF-8 anywhere
# in the input) and 429 (motcua.core.ratelimit: per token, user or address, with Retry-After)
COMMON = (400, 429)
# motcua.core.idempotency: every POST under /api/ accepts an Idempotency-Key
IDEMPOTENCY_KEY = {
    "in": "header", "name": "Idempotency-Key", "required": False,
    "description": "Retrying with the same key replays the first successful answer (header "
                   "Idempotent-Replayed: true) instead of doing the work twice; the same key with another "
                   "request is refused (422, field idempotency_key). Keys are kept 24 hours.",
    "schema": {"type": "string", "pattern": "^[\\x21-\\x7e]{1,255}$", "maxLength": 255},
}
RETRY_AFTER = {"Retry-After": {"description": "Seconds until the limit's window ends",
                               "schema": {"type": "integer", "minimum": 0}}}


class DocumentedAPI(NinjaAPI):
    """A NinjaAPI whose document says what the server enforces beyond each operation's own schema:
    error statuses described (429 with Retry-After), no ``null`` for an omitted query value, no control
    character in any text input (``NO_CONTROL`` on every string of parameters and request bodies), and
    the Idempotency-Key header of every POST."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.get("components", {}).get("schemas", {})
        inputs: set[str] = set()
        for item in schema.get("paths", {}).values():
            for op in item.values():
                if isinstance(op, dict):
                    _document_operation(op, components, inputs)
                    if op is item.get("post"):
                        op.setdefault("parameters", []).append(dict(IDEMPOTENCY_KEY))
        for name in inputs:
            _no_control(components[name])
            _other_keys(components[name])
        if inputs:
            components["AnyJSON"] = ANY_JSON
        return schema


def _document_operation(op: dict[str, Any], components: dict[str, Any], inputs: set[str]) -> None:
    for p in op.get("parameters", []):
        _drop_null(p)
        _no_control(p.get("schema", {}))
    for ctype, media in op.get("requestBody", {}).get("content", {}).items():
        body = media.get("schema", {})
        _no_control(body)
        _refs(body, components, inputs)
        if ctype.startswith(("multipart/", "application/x-www-form-urlencoded")):
            _form(body)
    for status, resp in op.get("responses", {}).items():
        if int(status) in STATUS_TEXT:
            resp["description"] = STATUS_TEXT[int(status)]
        if int(status) == 429:
            resp["headers"] = RETRY_AFTER


def _form(body: dict[str, Any]) -> None:
    required = set(body.get("required", []))
    for name, prop in body.get("properties", {}).items():
        _drop_null({"schema": prop, "required": name in required})
    # other form fields are ignored, but their values are checked too (a name that is not a plain
    # token cannot be carried in a multipart header reliably)
    body.update({"propertyNames": {"pattern": "^[A-Za-z0-9_.-]+$"},
                 "additionalProperties": {"type": "string", "pattern": NO_CONTROL}})


# Unknown keys of a request body are ignored, but the middleware checks them (and what they hold) too
ANY_JSON = {"description": "Any JSON value without control characters in its strings and keys", "anyOf": [
    {"type": "string", "pattern": NO_CONTROL}, {"type": ["number", "boolean", "null"]},
    {"type": "array", "items": {"$ref": "#/components/schemas/AnyJSON"}},
    {"type": "object", "propertyNames": {"pattern": NO_CONTROL},
     "additionalProperties": {"$ref": "#/components/schemas/AnyJSON"}}]}


def _other_keys(node: Any) -> None:
    """Objects that take other keys (the schema's own, and free-form ones nested in it such as a
    reorganization's ``spec`` or a ``declaration``) take them without control characters."""
    if isinstance(node, dict):
        if node.get("type") == "object" and node.get("additionalProperties") in (None, True):
            node["propertyNames"] = {"pattern": NO_CONTROL}
            node["additionalProperties"] = {"$ref": "#/components/schemas/AnyJSON"}
        for v in node.values():
            _other_keys(v)
    elif isinstance(node, list):
        for v in node:
            _other_keys(v)


def _refs(node: Any, components: dict[str, Any], seen: set[str]) -> None:
    """The names of the component schemas ``node`` refers to, transitively."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            name = ref.rsplit("/", 1)[1]
            if name not in seen:
                seen.add(name)
                _refs(components.get(name), components, seen)
        for v in node.values():
            _refs(v, components, seen)
    elif isinstance(node, list):
        for v in node:
            _refs(v, components, seen)


def _no_control(node: Any) -> None:
    """Every input string without a pattern of its own excludes control characters."""
    if isinstance(node, dict):
        if (node.get("type") == "string" and node.get("format") != "binary"
                and not {"pattern", "enum", "const"} & node.keys()):
            node["pattern"] = NO_CONTROL
        for v in node.values():
            _no_control(v)
    elif isinstance(node, list):
        for v in node:
            _no_control(v)


def _drop_null(param: dict[str, Any]) -> None:
    """An optional query or form parameter is omitted, never sent as ``null`` (a query string or a form
    cannot carry a JSON null): ``X | None = None`` is documented as an optional ``X``."""
    s = param.get("schema", {})
    options = s.get("anyOf")
    if param.get("required") or not options:
        return
    kept = [o for o in options if o.get("type") != "null"]
    if len(kept) == 1 and len(kept) < len(options):
        del s["anyOf"]
        s.update(kept[0])
