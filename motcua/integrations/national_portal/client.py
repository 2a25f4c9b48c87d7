"""The national portal as motcua sees it: the ``NationalPortal`` interface and the HTTP client of
the adapter gateway (INTEGRATIONS.md 1A). The client keeps its session, logs in again once when a
call answers a non-zero ``error_code`` (the portal's way of saying "expired"), then retries."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any, Protocol

import httpx

from . import mapping


class PortalError(Exception):
    """A call to the portal did not succeed."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class PortalUnavailable(PortalError):
    """No usable answer (HTTP 5xx, timeout, connection refused, garbled reply): retry later."""


class PortalRejected(PortalError):
    """The portal answered and refused (non-zero ``error_code`` after a fresh session)."""


class DossierExists(PortalRejected):
    """An insert met a dossier code the portal already has ("đã tồn tại"): update it instead."""


class NationalPortal(Protocol):
    def lookup_dossier(self, code: str) -> dict[str, Any] | None: ...
    def sync_dossier(self, dossier: dict[str, Any], *, update: bool) -> list[dict[str, Any]]: ...
    def push_trail(self, rows: Sequence[dict[str, Any]]) -> int: ...
    def list_procedures(self) -> list[dict[str, Any]]: ...
    def get_procedure(self, code: str) -> dict[str, Any] | None: ...
    def list_agencies(self) -> list[dict[str, Any]]: ...
    def list_fields(self) -> list[dict[str, Any]]: ...
    def list_online_dossiers(self) -> list[dict[str, Any]]: ...


class HttpPortal:
    """The real client. One instance per process is enough (it is thread-safe and keeps a
    connection pool and the session)."""

    def __init__(self, url: str, *, username: str, password: str, dstcode: str, unit_code: str,
                 auth_path: str = "/auth", integration_path: str = "/integration", connect_timeout: float = 10.0,
                 read_timeout: float = 60.0, trail_chunk: int = mapping.TRAIL_ROWS_PER_CALL) -> None:
        self.url = url.rstrip("/")
        self.username, self.password, self.unit_code = username, password, unit_code
        self.auth_path, self.integration_path = auth_path, integration_path
        self.trail_chunk = trail_chunk
        self.http = httpx.Client(headers={"dstcode": dstcode},
                                 timeout=httpx.Timeout(read_timeout, connect=connect_timeout))
        self._session: str | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, cfg: Any) -> HttpPortal:
        return cls(cfg.national_portal_url, username=cfg.national_portal_username,
                   password=cfg.national_portal_password, dstcode=cfg.national_portal_dstcode,
                   unit_code=cfg.national_portal_unit_code, auth_path=cfg.national_portal_auth_path,
                   integration_path=cfg.national_portal_integration_path,
                   connect_timeout=cfg.national_portal_connect_timeout,
                   read_timeout=cfg.national_portal_read_timeout, trail_chunk=cfg.national_portal_trail_chunk)

    def close(self) -> None:
        self.http.close()

    # -- transport ------------------------------------------------------------------------------
    def _post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        try:
            response = self.http.post(self.url + path, json=body)
        except httpx.TimeoutException as exc:
            raise PortalUnavailable(f"Cổng DVCQG không trả lời kịp ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise PortalUnavailable(f"Không kết nối được Cổng DVCQG: {exc}") from exc
        if response.status_code >= 500:
            raise PortalUnavailable(f"Cổng DVCQG lỗi HTTP {response.status_code}")
        if response.status_code != 200:
            raise PortalRejected(f"Cổng DVCQG trả HTTP {response.status_code}", response.status_code)
        return response

    @staticmethod
    def _json(response: httpx.Response) -> dict[str, Any]:
        try:
            data = response.json()
        except ValueError as exc:
            raise PortalUnavailable("Cổng DVCQG trả dữ liệu không đọc được") from exc
        if not isinstance(data, dict):
            raise PortalUnavailable("Cổng DVCQG trả dữ liệu không đúng dạng")
        return data

    def login(self) -> str:
        data = self._json(self._post(self.auth_path, {"username": self.username, "password": self.password}))
        if data.get("error_code") not in (0, "0") or not data.get("session"):
            raise PortalRejected(f"Đăng nhập Cổng DVCQG thất bại: {data.get('message', '')}", _code(data))
        with self._lock:
            self._session = str(data["session"])
            return self._session

    def _session_token(self) -> str:
        with self._lock:
            token = self._session
        return token or self.login()

    def call(self, service: str, **fields: Any) -> dict[str, Any] | str:
        """One service call; a refusal is retried once with a fresh session. A plain-text reply
        (some gateways' trail calls) is returned as text."""
        for attempt in (1, 2):
            body = {"session": self._session_token(), "madonvi": self.unit_code, "service": service, **fields}
            response = self._post(self.integration_path, body)
            if not response.headers.get("content-type", "").startswith("application/json"):
                return response.text
            data = self._json(response)
            if data.get("error_code") in (0, "0"):
                return data
            if attempt == 1:
                self.login()
        message = str(data.get("message") or "")
        if "đã tồn tại" in message:
            raise DossierExists(message, _code(data))
        raise PortalRejected(f"Cổng DVCQG từ chối {service}: {message}", _code(data))

    def _result(self, service: str, **fields: Any) -> list[dict[str, Any]]:
        data = self.call(service, **fields)
        if isinstance(data, str):
            raise PortalUnavailable(f"{service}: trả lời dạng văn bản không mong đợi")
        result = data.get("result") or []
        return list(result) if isinstance(result, list) else [result]

    # -- services -------------------------------------------------------------------------------
    def lookup_dossier(self, code: str) -> dict[str, Any] | None:
        found = self._result("TraCuuHoSo", MaHoSo=code)
        return found[0] if found else None

    def sync_dossier(self, dossier: dict[str, Any], *, update: bool) -> list[dict[str, Any]]:
        return self._result("DongBoHoSoMC", isUpdating="True" if update else "False", data=[dossier])

    def push_trail(self, rows: Sequence[dict[str, Any]]) -> int:
        """Send trail rows ``trail_chunk`` at a time; returns the number of calls made. A failing
        chunk raises: the chunks before it were accepted (the portal ignores a row sent twice)."""
        calls = 0
        for chunk in mapping.chunks(rows, self.trail_chunk):
            reply = self.call("CapNhatTienDoHoSoMC", data=chunk)
            calls += 1
            if isinstance(reply, str) and "thành công" not in reply:
                raise PortalRejected(f"Cổng DVCQG từ chối tiến độ: {reply[:200]}")
        return calls

    def list_procedures(self) -> list[dict[str, Any]]:
        return self._result("LayDanhSachTTHC")

    def get_procedure(self, code: str) -> dict[str, Any] | None:
        found = self._result("LayThuTuc", maTTHC=code)
        return found[0] if found else None

    def list_agencies(self) -> list[dict[str, Any]]:
        return self._result("LayDanhMucCoQuan")

    def list_fields(self) -> list[dict[str, Any]]:
        return self._result("LayDanhMucLinhVuc")

    def list_online_dossiers(self) -> list[dict[str, Any]]:
        return self._result("LayDanhSachHoSoTrucTuyen")


def _code(data: dict[str, Any]) -> int | None:
    try:
        return int(data.get("error_code"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
