"""Placeholder: replaced by its owner (issue 9)."""

from django.http import Http404, HttpRequest, HttpResponse


def _todo(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


catalog = catalog_pull = inbound = inbound_pull = _todo
