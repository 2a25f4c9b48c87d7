"""Item 15 (settings part): the production secret key needs real entropy; security settings are checked
at start."""

from __future__ import annotations

import secrets

import pytest
from django.core.management.utils import get_random_secret_key

from motcua.conf import DEV_SECRET, ConfigError, load, weak_secret_reason

CHAIN = {"MOTCUA_EVENT_CHAIN_KEY": secrets.token_urlsafe(40)}


def production(**env: str):  # noqa: ANN201
    return load({"MOTCUA_ENV": "production", **CHAIN, **env})


@pytest.mark.parametrize("weak", [
    "a" * 40, "a" * 200, "ab" * 30, "abcdefghij" * 5, "0123456789abcdef" * 3, "abcdefghijklmnopqrstuvwxyz" * 2,
    DEV_SECRET, "short-but-random-8f3k2l", "", "password1" * 6,
])
def test_production_refuses_a_weak_secret_key(weak: str) -> None:
    assert weak_secret_reason(weak) is not None
    with pytest.raises(ConfigError, match="MOTCUA_SECRET_KEY"):
        production(MOTCUA_SECRET_KEY=weak)


# the keys are drawn inside the test: random parameters would differ between xdist workers
_GENERATORS = {"django": get_random_secret_key, "urlsafe": lambda: secrets.token_urlsafe(40),
               "hex": lambda: secrets.token_hex(32)}


@pytest.mark.parametrize("kind", sorted(_GENERATORS))
def test_production_accepts_a_random_secret_key(kind: str) -> None:
    for _ in range(20):
        strong = _GENERATORS[kind]()
        assert weak_secret_reason(strong) is None, strong
        assert production(MOTCUA_SECRET_KEY=strong).production


def test_security_settings_are_validated() -> None:
    key = {"MOTCUA_SECRET_KEY": get_random_secret_key()}
    cfg = production(**key)
    assert cfg.hsts_seconds == 31536000 and cfg.ssl_redirect and not cfg.ssl_header
    assert not cfg.trusted_proxies and not cfg.proxy_header  # never trust a forwarded header unconfigured
    dev = load({})
    assert dev.hsts_seconds == 0 and not dev.ssl_redirect
    with pytest.raises(ConfigError, match="go together"):
        load({"MOTCUA_PROXY_HEADER": "X-Forwarded-For"})
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
        load({"MOTCUA_TRUSTED_PROXIES": "not-an-address", "MOTCUA_PROXY_HEADER": "X-Forwarded-For"})
    with pytest.raises(ConfigError, match="RATE_LOOKUP"):
        load({"MOTCUA_RATE_LOOKUP": "lots"})
    with pytest.raises(ConfigError, match="REDIS_URL"):
        load({"MOTCUA_REDIS_URL": "http://cache"})
    cfg = load({"MOTCUA_TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.1", "MOTCUA_PROXY_HEADER": "X-Forwarded-For",
                "MOTCUA_RATE_LOOKUP": "5/10s"})
    assert cfg.trusted_proxies == ("10.0.0.0/8", "192.168.1.1") and cfg.rate_lookup == "5/10s"
