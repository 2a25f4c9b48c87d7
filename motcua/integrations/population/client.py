"""The population database as motcua sees it: the ``PopulationDatabase`` interface and the HTTP client.

Through the provincial data platform (LGSP): a bearer token from its token endpoint
(``POST /token``, OAuth2 client credentials, form-encoded), kept until shortly before it expires; on
a 401 (the token expired early, or was revoked) a new one is taken once and the call repeated with a
*new* request id (the platform may have seen the first one). The look-up is
``POST /dancu/TraCuuThongTinCongDan`` (JSON body: :func:`mapping.request_body`), answered by a SOAP
document (:func:`mapping.parse_reply`).

Errors: ``Unavailable`` (time-out, connection refused, HTTP 5xx: nothing known, try again later),
``Refused`` (the platform answered no: token refused, duplicate request id, invalid request),
``mapping.Malformed`` (an answer that cannot be used whole)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

import httpx

from . import mapping


class PopulationError(Exception):
    """A look-up did not give an answer motcua can use."""


class Unavailable(PopulationError):
    """No answer (time-out, connection refused, HTTP 5xx)."""


class Refused(PopulationError):
    """The platform answered and refused the call (authentication, duplicate request id, invalid request)."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class PopulationDatabase(Protocol):
    def look_up(self, query: mapping.Query) -> mapping.Reply: ...


class HttpPopulation:
    """The real client; one per process (thread-safe: the token is shared under a lock)."""

    EARLY = 30.0  # seconds before the announced expiry at which a new token is taken (at most a tenth of its life)

    def __init__(self, url: str, *, client_id: str, client_secret: str, connect_timeout: float = 3.0,
                 read_timeout: float = 8.0) -> None:
        self.url = url.rstrip("/")
        self.client_id, self.client_secret = client_id, client_secret
        self.http = httpx.Client(timeout=httpx.Timeout(read_timeout, connect=connect_timeout))
        self._token: tuple[str, float] | None = None
        self._lock = threading.Lock()
        self.logins = 0

    @classmethod
    def from_settings(cls, s: Any) -> HttpPopulation:
        return cls(s.url, client_id=s.client_id, client_secret=s.client_secret, connect_timeout=s.connect_timeout,
                   read_timeout=s.read_timeout)

    def close(self) -> None:
        self.http.close()

    def _send(self, path: str, **kw: Any) -> httpx.Response:
        try:
            response = self.http.post(self.url + path, **kw)
        except httpx.TimeoutException as exc:
            raise Unavailable(f"CSDL dân cư không trả lời kịp ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise Unavailable(f"Không kết nối được nền tảng chia sẻ dữ liệu: {type(exc).__name__}") from exc
        if response.status_code >= 500:
            raise Unavailable(f"Nền tảng chia sẻ dữ liệu lỗi HTTP {response.status_code}")
        return response

    def login(self) -> str:
        response = self._send("/token", data={"grant_type": "client_credentials", "client_id": self.client_id,
                                              "client_secret": self.client_secret})
        try:
            data = response.json()
        except ValueError as exc:
            raise Unavailable("Nền tảng chia sẻ dữ liệu trả token không đọc được") from exc
        if response.status_code != 200 or not isinstance(data, dict) or not data.get("access_token"):
            raise Refused("Nền tảng chia sẻ dữ liệu từ chối cấp token", str(response.status_code))
        ttl = float(data.get("expires_in") or 3600)
        with self._lock:
            self.logins += 1
            self._token = (str(data["access_token"]), time.monotonic() + ttl - min(self.EARLY, ttl / 10))
            return self._token[0]

    def _current_token(self) -> str:
        with self._lock:
            token = self._token
        if token is None or token[1] <= time.monotonic():
            return self.login()
        return token[0]

    def look_up(self, query: mapping.Query, renew_id: Callable[[], str] | None = None) -> mapping.Reply:
        """One look-up; a 401 takes a new token and repeats it once, with ``renew_id()`` as its request id."""
        response = self._call(query, self._current_token())
        if response.status_code == 401:
            if renew_id is not None:
                query = mapping.Query(**{**query.__dict__, "request_id": renew_id()})
            response = self._call(query, self.login())
        if response.status_code == 401:
            raise Refused("Nền tảng chia sẻ dữ liệu từ chối token vừa cấp", "401")
        if response.status_code != 200:
            raise Refused(f"Nền tảng chia sẻ dữ liệu trả HTTP {response.status_code}", str(response.status_code))
        reply = mapping.parse_reply(response.content, query.request_id)
        if reply.code == mapping.DUPLICATE_REQUEST:
            raise Refused(f"Mã yêu cầu {query.request_id} đã được sử dụng", reply.code)
        if reply.code == mapping.INVALID_REQUEST:
            raise Refused(f"Yêu cầu bị từ chối: {reply.message}", reply.code)
        return reply

    def _call(self, query: mapping.Query, token: str) -> httpx.Response:
        return self._send("/dancu/" + mapping.OPERATION, json=mapping.request_body(query),
                          headers={"Authorization": f"Bearer {token}"})
