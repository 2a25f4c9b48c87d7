"""The postal service as motcua sees it: the ``PostalService`` interface and the HTTP client.

The client takes a token with the customer key and secret (``POST /api/token``), keeps it until
shortly before it expires, and on a 401 (the post's "token expired") takes a new one once and
repeats the call. A reply ``Status`` other than "100" is a refusal; no usable reply (timeout, HTTP
5xx, garbled body) is ``PostUnavailable``: the caller retries."""

from __future__ import annotations

import threading
import time
from typing import Any, Protocol

import httpx

from . import mapping


class PostError(Exception):
    """A call to the postal service did not succeed."""

    def __init__(self, message: str, status: str = "") -> None:
        super().__init__(message)
        self.status = status


class PostUnavailable(PostError):
    """No usable answer (timeout, connection refused, HTTP 5xx, garbled reply): retry later."""


class PostRejected(PostError):
    """The post answered and refused (reply Status other than "100")."""


class DuplicateOrder(PostRejected):
    """The post already has an order of this service with this OrderNumber."""


class PostalService(Protocol):
    def create_order(self, body: dict[str, Any]) -> dict[str, Any]: ...
    def get_order(self, order_number: str, service: str) -> dict[str, Any] | None: ...
    def allocate_codes(self, count: int) -> list[str]: ...
    def tracking(self, last_id: int, limit: int = 100) -> list[dict[str, Any]]: ...


class HttpPost:
    """The real client; one per process (thread-safe: the token is shared under a lock)."""

    EARLY = 30.0  # seconds before the announced expiry at which a new token is taken (at most a tenth of its life)

    def __init__(self, url: str, *, customer_code: str, key: str, secret: str, connect_timeout: float = 5.0,
                 read_timeout: float = 20.0) -> None:
        self.url = url.rstrip("/")
        self.customer_code, self.key, self.secret = customer_code, key, secret
        self.http = httpx.Client(timeout=httpx.Timeout(read_timeout, connect=connect_timeout))
        self._token: tuple[str, float] | None = None
        self._lock = threading.Lock()
        self.logins = 0

    @classmethod
    def from_settings(cls, s: Any) -> HttpPost:
        return cls(s.url, customer_code=s.customer_code, key=s.key, secret=s.secret,
                   connect_timeout=s.connect_timeout, read_timeout=s.read_timeout)

    def close(self) -> None:
        self.http.close()

    # -- transport ------------------------------------------------------------------------------
    def _send(self, method: str, path: str, token: str | None = None, **kw: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            response = self.http.request(method, self.url + path, headers=headers, **kw)
        except httpx.TimeoutException as exc:
            raise PostUnavailable(f"Bưu điện không trả lời kịp ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise PostUnavailable(f"Không kết nối được Bưu điện: {exc}") from exc
        if response.status_code >= 500:
            raise PostUnavailable(f"Bưu điện lỗi HTTP {response.status_code}")
        return response

    @staticmethod
    def _json(response: httpx.Response) -> dict[str, Any]:
        try:
            data = response.json()
        except ValueError as exc:
            raise PostUnavailable("Bưu điện trả dữ liệu không đọc được") from exc
        if not isinstance(data, dict):
            raise PostUnavailable("Bưu điện trả dữ liệu không đúng dạng")
        return data

    def login(self) -> str:
        data = self._json(self._send("POST", "/api/token", json={
            "CustomerCode": self.customer_code, "CustomerKey": self.key, "CustomerSecret": self.secret}))
        if str(data.get("Status")) != mapping.CREATED or not data.get("Token"):
            raise PostRejected(f"Bưu điện từ chối xác thực: {data.get('Message', '')}", str(data.get("Status", "")))
        ttl = float(data.get("ExpiresIn") or 3600)
        with self._lock:
            self.logins += 1
            self._token = (str(data["Token"]), time.monotonic() + ttl - min(self.EARLY, ttl / 10))
            return self._token[0]

    def _current_token(self) -> str:
        with self._lock:
            token = self._token
        if token is None or token[1] <= time.monotonic():
            return self.login()
        return token[0]

    def call(self, method: str, path: str, **kw: Any) -> dict[str, Any]:
        """One authenticated call; a 401 takes a new token and repeats the call once."""
        response = self._send(method, path, self._current_token(), **kw)
        if response.status_code == 401:
            response = self._send(method, path, self.login(), **kw)
        if response.status_code == 401:
            raise PostRejected("Bưu điện từ chối token vừa cấp", "401")
        if response.status_code not in (200, 404):
            raise PostRejected(f"Bưu điện trả HTTP {response.status_code}", str(response.status_code))
        return self._json(response)

    # -- services -------------------------------------------------------------------------------
    def create_order(self, body: dict[str, Any]) -> dict[str, Any]:
        data = self.call("POST", "/api/orders", json=body)
        status = str(data.get("Status", ""))
        if status == mapping.DUPLICATE:
            raise DuplicateOrder(f"Mã đơn hàng {body.get('OrderNumber')} đã có ở Bưu điện", status)
        if status != mapping.CREATED:
            raise PostRejected(f"Bưu điện không tạo đơn hàng: {data.get('Message', '')} (mã {status})", status)
        return data

    def get_order(self, order_number: str, service: str) -> dict[str, Any] | None:
        data = self.call("GET", f"/api/orders/{order_number}", params={"serviceType": service})
        if str(data.get("Status", "")) != mapping.CREATED:
            return None
        found = data.get("Data")
        return found if isinstance(found, dict) else None

    def allocate_codes(self, count: int) -> list[str]:
        """New tracking codes allocated to this customer ([] when the post has none to give)."""
        data = self.call("POST", "/api/itemcodes", json={"CustomerCode": self.customer_code, "Count": count})
        if str(data.get("Status", "")) != mapping.CREATED:
            return []
        return [str(c) for c in data.get("Data") or []]

    def tracking(self, last_id: int, limit: int = 100) -> list[dict[str, Any]]:
        """The tracking feed's rows after ``last_id`` (oldest first, at most ``limit``)."""
        data = self.call("GET", "/api/tracking", params={"lastId": last_id, "limit": limit})
        if str(data.get("Status", "")) != mapping.CREATED:
            raise PostRejected(f"Bưu điện từ chối tra cứu hành trình: {data.get('Message', '')}",
                               str(data.get("Status", "")))
        rows = data.get("Data") or []
        return list(rows) if isinstance(rows, list) else []
