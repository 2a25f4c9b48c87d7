"""Zalo ZNS as motcua sees it: the ``Zns`` interface and the HTTP client.

Tokens live in a ``TokenStore`` (motcua keeps them in the database, shared by every worker): the
client uses the stored access token, and when it is near its expiry or Zalo answers "token invalid"
(-124) it refreshes once through the store, which lets one worker refresh at a time (a refresh
token is good for one use) and hands the others the new pair, then repeats the call."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol

import httpx

from . import mapping


class ZaloError(Exception):
    def __init__(self, message: str, error: int = 0) -> None:
        super().__init__(message)
        self.error = error


class ZaloUnavailable(ZaloError):
    """Try again later (same tracking_id): timeout, HTTP 5xx, quota exceeded, system error."""


class ZaloRefused(ZaloError):
    """Zalo refused this message for good (number, template, the user's choice)."""


class Token(Protocol):
    access_token: str
    refresh_token: str
    expires_at: float  # epoch seconds


class TokenStore(Protocol):
    def current(self) -> Token: ...

    def refresh(self, stale_access_token: str, exchange: Callable[[str], mapping.TokenPair]) -> Token:
        """Under a lock: if the stored access token is still ``stale_access_token``, call
        ``exchange(refresh_token)`` and store the new pair; return the stored token."""


class Zns(Protocol):
    def send_template(self, phone: str, template_id: str, data: dict[str, str], tracking_id: str) -> mapping.Reply: ...


class HttpZalo:
    EARLY = 60.0  # seconds before expiry at which the token is refreshed beforehand

    def __init__(self, api_url: str, oauth_url: str, *, app_id: str, secret_key: str, store: TokenStore,
                 connect_timeout: float = 5.0, read_timeout: float = 15.0) -> None:
        self.api_url, self.oauth_url = api_url.rstrip("/"), oauth_url.rstrip("/")
        self.app_id, self.secret_key, self.store = app_id, secret_key, store
        self.http = httpx.Client(timeout=httpx.Timeout(read_timeout, connect=connect_timeout))
        self.refreshes = 0

    def close(self) -> None:
        self.http.close()

    def _request(self, url: str, **kw: Any) -> object:
        try:
            response = self.http.post(url, **kw)
        except httpx.TimeoutException as exc:
            raise ZaloUnavailable(f"Zalo không trả lời kịp ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise ZaloUnavailable(f"không kết nối được Zalo: {exc}") from exc
        if response.status_code >= 500:
            raise ZaloUnavailable(f"Zalo lỗi HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError as exc:
            raise ZaloUnavailable(f"Zalo trả HTTP {response.status_code} không đọc được") from exc

    def exchange(self, refresh_token: str) -> mapping.TokenPair:
        """One refresh at Zalo's OAuth server (the old refresh token is spent)."""
        data = self._request(f"{self.oauth_url}/v4/oa/access_token", headers={"secret_key": self.secret_key},
                             data={"refresh_token": refresh_token, "app_id": self.app_id,
                                   "grant_type": "refresh_token"})
        pair = mapping.read_token(data)
        if pair is None:
            err = data.get("error", 0) if isinstance(data, dict) else 0
            raise ZaloUnavailable(f"Zalo không cấp access token mới: {data}", int(err or 0))
        self.refreshes += 1
        return pair

    def _token(self) -> str:
        tok = self.store.current()
        if tok.expires_at - self.EARLY <= time.time():
            tok = self.store.refresh(tok.access_token, self.exchange)
        return tok.access_token

    def send_template(self, phone: str, template_id: str, data: dict[str, str], tracking_id: str) -> mapping.Reply:
        body = mapping.message_body(phone, template_id, data, tracking_id)
        token = self._token()
        reply = mapping.read_reply(self._request(f"{self.api_url}/message/template", json=body,
                                                 headers={"access_token": token}))
        if reply.outcome == mapping.REFRESH:
            token = self.store.refresh(token, self.exchange).access_token
            reply = mapping.read_reply(self._request(f"{self.api_url}/message/template", json=body,
                                                     headers={"access_token": token}))
        if reply.outcome == mapping.SENT:
            return reply
        what = f"Zalo mã {reply.error}: {reply.message}"
        if reply.outcome == mapping.REFUSED:
            raise ZaloRefused(what, reply.error)
        raise ZaloUnavailable(what, reply.error)
