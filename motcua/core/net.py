"""The client's address, for the sign-in lockout and the rate limits.

By default it is REMOTE_ADDR, and a forwarded header is never trusted: anyone can send
``X-Forwarded-For``. Behind a reverse proxy, set ``MOTCUA_TRUSTED_PROXIES`` (the proxies' addresses or
networks) and ``MOTCUA_PROXY_HEADER`` (the header they write, e.g. ``X-Forwarded-For``): when the
request comes from a trusted proxy, the client is the right-most address of that header that is not
itself a trusted proxy (the left-most entries are whatever the client chose to send).
"""

from __future__ import annotations

import ipaddress
from functools import cache

from django.http import HttpRequest

from motcua.conf import CONFIG

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_ip(request: HttpRequest, proxies: tuple[str, ...] | None = None, header: str | None = None) -> str:
    """The address the request came from (see the module docstring)."""
    remote = request.META.get("REMOTE_ADDR") or "0.0.0.0"
    proxies = CONFIG.trusted_proxies if proxies is None else proxies
    header = CONFIG.proxy_header if header is None else header
    if not proxies or not header:
        return remote
    networks = _networks(tuple(proxies))
    if not _trusted(remote, networks):
        return remote
    forwarded = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
    for hop in reversed([h.strip() for h in forwarded.split(",") if h.strip()]):
        if not _valid(hop):
            break
        if not _trusted(hop, networks):
            return hop
    return remote
