"""GeoReport v2 endpoints: parse, authorize, call :mod:`.services`, render (``.xml`` or ``.json``).

Errors are the spec's list of {code, description}: 400 for a missing or invalid field, 403 for a
missing or wrong ``api_key``, 404 for an unknown jurisdiction, service, request or token, 405 for
another method, 429 over the rate limit (with ``Retry-After``), 500 (logged) for anything else."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from django_ratelimit.core import get_usage

from motcua.conf import CONFIG
from motcua.core import clock
from motcua.core.net import client_ip
from motcua.domain.errors import DomainError, NotFound
from motcua.dossiers.storage import get_storage

from . import mapping, services
from .models import ApiKey
from .render import answer, errors

log = logging.getLogger(__name__)
View = Callable[..., HttpResponse]


class Forbidden(Exception):
    pass


def _param(request: HttpRequest, name: str) -> str:
    return (request.POST.get(name) or request.GET.get(name) or "").strip()


def _limited(request: HttpRequest, key: ApiKey | None) -> int:
    """Seconds to wait when over the limit (per key on POST, per client address on GET), else 0."""
    if key is not None:
        group, rate, who = "motcua.open311.post", key.rate, f"key:{key.pk}"
    else:
        group, rate, who = "motcua.open311.get", CONFIG.rate_api, "ip:" + client_ip(request)
    usage = get_usage(request, group=group, key=lambda _g, _r: who, rate=rate, increment=True)
    return max(1, int(usage["time_left"])) if usage and usage["should_limit"] else 0


def _field_errors(err: DomainError) -> list[str]:
    if not err.fields:
        return [err.message]
    return [f"{mapping.field_name(name)}: {err.message if len(err.fields) == 1 else problem}"
            for name, problem in err.fields.items()]


def endpoint(*methods: str) -> Callable[[View], View]:
    """The spec's envelope around a view: method, jurisdiction, rate limit, errors."""
    def wrap(view: View) -> View:
        @wraps(view)
        def run(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                response = errors(fmt, 405, _("Phương thức %(m)s không được hỗ trợ.") % {"m": request.method})
                response["Allow"] = ", ".join(methods)
                return response
            try:
                province = services.jurisdiction(_param(request, "jurisdiction_id"))
                key = _authorized(request) if request.method == "POST" else None
                wait = _limited(request, key)
                if wait:
                    response = errors(fmt, 429, _("Quá nhiều yêu cầu; thử lại sau %(s)d giây.") % {"s": wait})
                    response["Retry-After"] = str(wait)
                    return response
                return view(request, fmt, province=province, key=key, **kwargs)
            except Forbidden:
                return errors(fmt, 403, _("api_key không hợp lệ hoặc đã bị thu hồi."))
            except NotFound as err:
                return errors(fmt, 404, err.message)
            except mapping.BadInput as err:
                return errors(fmt, 400, str(err))
            except DomainError as err:
                return errors(fmt, 400, *_field_errors(err))
            except Exception:
                log.exception("open311 %s %s failed", request.method, request.path)
                return errors(fmt, 500, _("Lỗi hệ thống; vui lòng thử lại sau."))
        return csrf_exempt(run)
    return wrap


def _authorized(request: HttpRequest) -> ApiKey:
    key = services.authenticate(_param(request, "api_key"))
    if key is None:
        raise Forbidden
    return key


@endpoint("GET")
def discovery(request: HttpRequest, fmt: str, **_kw: Any) -> HttpResponse:
    base = request.build_absolute_uri(reverse("open311:root"))
    provinces = services.jurisdictions()
    return answer(fmt, "discovery", {
        "changeset": mapping.when(clock.now().replace(hour=0, minute=0, second=0, microsecond=0)),
        "contact": _("Trung tâm Phục vụ hành chính công: %(p)s") % {"p": ", ".join(p.name for p in provinces)},
        "key_service": _("Khóa API do quản trị hệ thống cấp cho ứng dụng đối tác."),
        "endpoints": [{"specification": mapping.SPEC_URL, "url": base, "changeset": None,
                       "type": "production", "formats": ["text/xml", "application/json"]}],
    })


@endpoint("GET")
def service_list(request: HttpRequest, fmt: str, **_kw: Any) -> HttpResponse:
    return answer(fmt, "services", services.services())


@endpoint("GET")
def service_definition(request: HttpRequest, fmt: str, code: str, **_kw: Any) -> HttpResponse:
    return answer(fmt, "service_definition", services.definition(code))


@endpoint("GET", "POST")
def request_list(request: HttpRequest, fmt: str, province: Any = None, key: ApiKey | None = None,
                 **_kw: Any) -> HttpResponse:
    if request.method == "POST":
        assert key is not None
        posted = services.post_request(key, request.POST, province)
        return answer(fmt, "service_requests", [posted.body], 202 if posted.deferred else 201)
    filters = mapping.filters_of(request.GET.dict(), clock.now())
    return answer(fmt, "service_requests", services.requests(filters, province, _media_base(request)))


@endpoint("GET")
def request_detail(request: HttpRequest, fmt: str, code: str, province: Any = None, **_kw: Any) -> HttpResponse:
    return answer(fmt, "service_requests", [services.one_request(code, province, _media_base(request))])


def _media_base(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("open311:root")) + "media/"


@endpoint("GET")
def token(request: HttpRequest, fmt: str, token: str, **_kw: Any) -> HttpResponse:
    return answer(fmt, "service_requests", [services.token_answer(token)])


@require_GET
def media(request: HttpRequest, code: str, file_id: int) -> HttpResponse:
    """A request's media_url: the first photo of a public case whose category publishes."""
    try:
        f = services.public_photo(code, file_id)
    except NotFound as err:
        raise Http404 from err
    response = FileResponse(get_storage().open(f.storage_key), content_type=f.content_type)
    response["Cache-Control"] = "public, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def root(request: HttpRequest) -> HttpResponse:
    """The API's base address: points to the discovery document."""
    return discovery(request, "xml")
