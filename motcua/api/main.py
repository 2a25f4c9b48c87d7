"""The /api/v1 JSON API: one error envelope, token auth for systems, sessions for staff."""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.security import APIKeyCookie, HttpBearer

from motcua.api.docs import DocumentedAPI
from motcua.domain.errors import DomainError

log = logging.getLogger("motcua.api")


class TokenAuth(HttpBearer):
    """``Authorization: Bearer mc_...`` for other systems (service accounts)."""

    def authenticate(self, request: HttpRequest, token: str):  # noqa: ANN201
        from django.utils import timezone

        from motcua.core.models import ApiToken, hash_token
        from motcua.core.refcache import shared

        key = hash_token(token)  # shared by every server: a revoked token stops at once
        t = shared("token", key, lambda: ApiToken.objects.select_related("user")
                   .filter(key_hash=key, revoked=False).first())
        if t is None or (t.expires_at and t.expires_at <= timezone.now()) or not t.user.is_active:
            return None
        request.user = t.user
        return t.user


class SessionAuth(APIKeyCookie):
    """Staff and citizens signed in to the web pages (CSRF checked on unsafe methods)."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None):  # noqa: ANN201
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else None


class Utf8Renderer(JSONRenderer):
    """Vietnamese text as UTF-8, not \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


api = DocumentedAPI(
    renderer=Utf8Renderer(),
    title="motcua API",
    version="1.0.0",
    description="Hồ sơ thủ tục hành chính một cửa: danh mục, lịch làm việc, hồ sơ, tra cứu.",
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
)


def envelope(request: HttpRequest, status: int, code: str, message: str,
             fields: dict[str, str] | None = None) -> HttpResponse:
    return api.create_response(request, {"error": {"code": code, "message": message,
                                                   "fields": fields or {}}}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return envelope(request, exc.http_status, exc.code, exc.message, exc.fields)


_SOURCES = ("body", "query", "path", "form", "file", "header", "cookie")


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, str] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", [])]
        # drop where it came from (and, for a body, the parameter's name): what is left is the field
        source, loc = (loc[0], loc[1:]) if loc and loc[0] in _SOURCES else ("", loc)
        if source == "body" and loc:
            loc = loc[1:]
        fields[".".join(loc) or "body"] = err.get("msg", "invalid")
    return envelope(request, 422, "validation_error", "Invalid input.", fields)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return envelope(request, 401, "unauthorized", "Authentication required.")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return envelope(request, exc.status_code, "http_error", str(exc))


@api.exception_handler(RawPostDataException)
def on_consumed_body(request: HttpRequest, exc: RawPostDataException) -> HttpResponse:
    # a form (multipart) body sent to an operation that reads JSON: the input validation (or the
    # Idempotency-Key fingerprint) has already parsed the form from the stream, so the raw body is
    # gone; it would not parse as JSON anyway, which is what the answer says (as for malformed JSON)
    return envelope(request, 400, "http_error", "Cannot parse request body: this operation takes application/json.",
                    {"body": f"expected application/json, not {request.content_type or 'no content type'}"})


@api.exception_handler(Http404)
def on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return envelope(request, 404, "not_found", "Not found.")


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.exception("unhandled API error on %s %s", request.method, request.path)
    return envelope(request, 500, "server_error", "Internal error; it has been logged.")


# routers import the services, which import this module's envelope: register them last
from motcua.calendars.api import router as calendar_router  # noqa: E402, I001
from motcua.catalog.api import router as catalog_router  # noqa: E402
from motcua.dossiers.api import public_router  # noqa: E402
from motcua.dossiers.api import router as dossier_router
from motcua.reports.api import router as reports_router
from motcua.units.api import router as units_router  # noqa: E402
from motcua.integrations.national_portal.api import router as national_portal_router  # noqa: E402
from motcua.integrations.national_portal.api_catalog import router as national_catalog_router  # noqa: E402
from motcua.integrations.payment.api import router as payment_router  # noqa: E402
from motcua.signing.api import router as results_router  # noqa: E402
from motcua.fees.api import router as fees_router  # noqa: E402

api.add_router("/units", units_router, tags=["units"])
api.add_router("/catalog", catalog_router, tags=["catalog"])
api.add_router("/calendars", calendar_router, tags=["calendar"])
api.add_router("/dossiers", dossier_router, tags=["dossiers"])
api.add_router("/lookup", public_router, tags=["public"])
api.add_router("/reports", reports_router, tags=["reports"])
api.add_router("/integrations/national-portal/catalog", national_catalog_router, tags=["integrations"])
api.add_router("/integrations/national-portal", national_portal_router, tags=["integrations"])
api.add_router("/payments", payment_router, tags=["payments"])
api.add_router("/results", results_router, tags=["results"])
api.add_router("/dossiers", fees_router, tags=["fees"])
