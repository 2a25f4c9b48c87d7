"""/api/v1/payments/: the national payment platform's confirm (IPN) callback.

``POST national/confirm`` takes the platform's JSON confirm without motcua's own authentication (the
platform has no account here): its ``MaXacThuc`` checksum is the authentication, checked in
constant time. The answer is always HTTP 200 with ``{MaLoi, MaDoiTac, ThoiGianGD, MaXacThuc}``:
"00" accepted (also for a repeat, which changes nothing), "01" bad checksum, "02" unknown
reference, "03" amount mismatch, "04" malformed. While online payment is off the endpoint is 404."""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from motcua.api.docs import NO_CONTROL, errors

from . import mapping

router = Router()
# the confirm as the platform sends it; read by the service itself (not validated here: a malformed
# or forged confirm is answered with its MaLoi, never with a 422 the platform would not understand)
_TEXT = {"type": "string", "maxLength": 500, "pattern": NO_CONTROL}
CONFIRM_SCHEMA = {"type": "object", "additionalProperties": False, "properties": {
    **{f: _TEXT for f in (*mapping.CONFIRM_FIELDS, "PhienBan", "MaXacThuc") if f != "SoTien"},
    "SoTien": {"type": "integer", "minimum": 0, "maximum": 10**15}}}


class ConfirmAnswer(Schema):
    MaLoi: str
    MaDoiTac: str
    ThoiGianGD: str
    MaXacThuc: str
    MoTa: str = ""


@router.post("/national/confirm", auth=None, response={200: ConfirmAnswer, **errors(404, public=True)},
             summary="Payment confirm (IPN) callback",
             openapi_extra={"requestBody": {"content": {"application/json": {"schema": CONFIRM_SCHEMA}}}})
def national_confirm(request: HttpRequest) -> dict[str, Any]:
    from . import jobs, services

    gateway = jobs.gateway("national")
    if gateway is None:
        raise Http404
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        body = {}
    return services.handle_confirm(body, gateway)
