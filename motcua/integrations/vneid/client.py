"""The national e-ID provider as motcua sees it: the OpenID Connect authorization code flow with
authlib's Django client (state, nonce and PKCE S256 kept in the session; the ID token's signature
(RS256, the provider's JWKS), issuer, audience, expiry and nonce checked), plus the assurance level
motcua requires, the claims from /oauth2/userinfo, and token revocation at sign-out.

Every way the sign-in can fail ends in ``EidRefused`` with a ``reason`` (see ``REASONS``): the view
shows a friendly Vietnamese page for it and signs nobody in."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse

from motcua.conf import CONFIG, VneidConfig

from . import mapping

log = logging.getLogger(__name__)
SETTINGS: VneidConfig = CONFIG.vneid
NAME = "vneid"

# why a sign-in was refused
CANCELLED, STATE, PROVIDER_DOWN, CODE_REFUSED, BAD_TOKEN, EXPIRED, LOA_LOW, BAD_CLAIMS = (
    "cancelled", "state", "provider_down", "code_refused", "bad_token", "expired", "loa_low", "bad_claims")
REASONS = (CANCELLED, STATE, PROVIDER_DOWN, CODE_REFUSED, BAD_TOKEN, EXPIRED, LOA_LOW, BAD_CLAIMS)


class EidRefused(Exception):
    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason, self.detail = reason, detail


@dataclass(frozen=True)
class SignIn:
    """A verified sign-in: who, and the access token to revoke at sign-out."""

    identity: mapping.Identity
    access_token: str


_lock = threading.Lock()
_app: Any = None
_app_settings: VneidConfig | None = None


def enabled() -> bool:
    return bool(SETTINGS.url)


def app() -> Any:
    """authlib's client of the provider (one per settings; it caches the metadata and the JWKS)."""
    global _app, _app_settings
    with _lock:
        if _app is None or _app_settings != SETTINGS:
            from authlib.integrations.django_client import OAuth

            registry = OAuth()
            _app = registry.register(
                NAME, client_id=SETTINGS.client_id, client_secret=SETTINGS.client_secret,
                server_metadata_url=f"{SETTINGS.url}/.well-known/openid-configuration",
                client_kwargs={"scope": "openid", "code_challenge_method": "S256",
                               "default_timeout": SETTINGS.timeout})
            _app_settings = SETTINGS
        return _app


def forget() -> None:
    """Drop the cached client (its metadata and keys), e.g. after the settings changed."""
    global _app
    with _lock:
        _app = None


def begin(request: HttpRequest) -> HttpResponse:
    """The redirect to the provider's sign-in page (state, nonce and the PKCE verifier saved in the
    session); EidRefused(provider_down) when its metadata cannot be read."""
    import requests

    try:
        return app().authorize_redirect(request, SETTINGS.redirect_url, acr_values=SETTINGS.acr,
                                        nonce=_nonce())
    except (requests.RequestException, ValueError, KeyError) as exc:
        raise EidRefused(PROVIDER_DOWN, type(exc).__name__) from exc


def _nonce() -> str:
    from authlib.common.security import generate_token

    return generate_token(32)


def finish(request: HttpRequest) -> SignIn:
    """Check the provider's answer on the callback and return who signed in (or EidRefused)."""
    if request.GET.get("error"):
        raise EidRefused(CANCELLED if request.GET["error"] == "access_denied" else CODE_REFUSED,
                         request.GET["error"][:60])
    client = app()
    token = _exchange(client, request)
    id_claims = dict(token.get("userinfo") or {})
    if not id_claims:
        raise EidRefused(BAD_TOKEN, "no id_token")
    if not mapping.meets(mapping.loa_of(id_claims), SETTINGS.acr):
        raise EidRefused(LOA_LOW, mapping.loa_of(id_claims) or "none")
    claims = _userinfo(client, token)
    if claims.get("sub") != id_claims.get("sub"):
        raise EidRefused(BAD_TOKEN, "userinfo sub differs")
    claims["acr"], claims["loAs"] = id_claims.get("acr"), id_claims.get("loAs")  # the level: the signed token's
    try:
        identity = mapping.identity_from(claims)
    except mapping.BadClaims as exc:
        raise EidRefused(BAD_CLAIMS, str(exc)) from exc
    return SignIn(identity, token["access_token"])


def _exchange(client: Any, request: HttpRequest) -> dict[str, Any]:
    """The state checked, the code exchanged (with the PKCE verifier), the ID token verified: its
    RS256 signature against the provider's keys, issuer (ours, from settings), audience, expiry, nonce."""
    import requests
    from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
    from joserfc.errors import ExpiredTokenError, JoseError

    try:
        return client.authorize_access_token(request, claims_options={"iss": {"essential": True,
                                                                              "values": [SETTINGS.url]}})
    except MismatchingStateError as exc:
        raise EidRefused(STATE) from exc
    except OAuthError as exc:
        raise EidRefused(CODE_REFUSED, str(exc.error)[:60]) from exc
    except ExpiredTokenError as exc:
        raise EidRefused(EXPIRED) from exc
    except JoseError as exc:
        raise EidRefused(BAD_TOKEN, type(exc).__name__) from exc
    except (requests.RequestException, ValueError) as exc:
        raise EidRefused(PROVIDER_DOWN, type(exc).__name__) from exc


def _userinfo(client: Any, token: dict[str, Any]) -> dict[str, Any]:
    import requests

    try:
        response = client.get(client.load_server_metadata()["userinfo_endpoint"], token=token)
    except requests.RequestException as exc:
        raise EidRefused(PROVIDER_DOWN, type(exc).__name__) from exc
    if response.status_code == 401:
        raise EidRefused(EXPIRED, "userinfo 401")
    if response.status_code != 200:
        raise EidRefused(PROVIDER_DOWN, f"userinfo HTTP {response.status_code}")
    try:
        body = response.json()
    except ValueError as exc:
        raise EidRefused(PROVIDER_DOWN, "userinfo not JSON") from exc
    if not isinstance(body, dict):
        raise EidRefused(BAD_CLAIMS, "userinfo not an object")
    return body


def revoke(access_token: str) -> bool:
    """Revoke the access token at the provider (RFC 7009); False if the provider could not be told
    (it lapses on its own after its lifetime)."""
    import requests

    if not (enabled() and access_token):
        return False
    client = app()
    try:
        endpoint = client.load_server_metadata().get("revocation_endpoint") or f"{SETTINGS.url}/oauth2/revoke"
        response = requests.post(endpoint, data={"token": access_token, "token_type_hint": "access_token"},
                                 auth=(SETTINGS.client_id, SETTINGS.client_secret), timeout=SETTINGS.timeout)
    except (requests.RequestException, ValueError) as exc:
        log.warning("vneid: revocation failed (%s)", type(exc).__name__)
        return False
    if response.status_code != 200:
        log.warning("vneid: revocation answered HTTP %s", response.status_code)
    return response.status_code == 200
