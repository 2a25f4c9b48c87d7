"""The remote signing service: its interface and the real HTTP client (wire format in mapping.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import httpx
from asn1crypto import x509

from motcua.signing.errors import CertificateProblem, RemoteSigningFailed
from motcua.signing.i18n import _

from . import mapping


@dataclass(frozen=True)
class CertificateInfo:
    certificate: x509.Certificate
    chain: list[x509.Certificate]


class RemoteSigningClient(Protocol):
    """What motcua asks of a remote signing service."""

    def get_certificate(self, user_id: str, ca_name: str = "") -> CertificateInfo: ...

    def sign_hash(self, user_id: str, doc_id: str, digest: bytes, callback_url: str | None = None) -> str:
        """Send the hash; the service answers "waiting for user confirmation" with a transaction id."""
        ...

    def status(self, transaction_id: str) -> mapping.SignStatus: ...


class HttpRemoteSigner:
    """The service over HTTPS (``Authorization: Bearer <api key>``), with short timeouts: a slow or
    silent service is a retryable :class:`RemoteSigningFailed`, never a hung page."""

    def __init__(self, base_url: str, *, api_key: str = "", connect_timeout: float = 3.0,
                 read_timeout: float = 10.0) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.http = httpx.Client(base_url=base_url.rstrip("/"), headers=headers,
                                 timeout=httpx.Timeout(read_timeout, connect=connect_timeout))

    def close(self) -> None:
        self.http.close()

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        try:
            r = self.http.request(method, path, json=body)
        except httpx.TimeoutException as e:
            raise RemoteSigningFailed(_("Dịch vụ ký số từ xa không trả lời kịp; vui lòng thử lại."), retry=True) from e
        except httpx.HTTPError as e:
            raise RemoteSigningFailed(_("Không kết nối được dịch vụ ký số từ xa; vui lòng thử lại."), retry=True) from e
        if r.status_code >= 500:
            raise RemoteSigningFailed(_("Dịch vụ ký số từ xa đang lỗi (HTTP %(code)s); vui lòng thử lại.")
                                      % {"code": r.status_code}, retry=True)
        try:
            data = r.json()
        except ValueError as e:
            raise RemoteSigningFailed(_("Dịch vụ ký số từ xa trả lời không đúng định dạng.")) from e
        if not isinstance(data, dict):
            raise RemoteSigningFailed(_("Dịch vụ ký số từ xa trả lời không đúng định dạng."))
        return data

    def get_certificate(self, user_id: str, ca_name: str = "") -> CertificateInfo:
        data = self._call("POST", "/v1/certificates", mapping.certificate_request(user_id, ca_name))
        if data.get("status") != 0:
            said = {"message": str(data.get("message") or _("không có chứng thư số"))}
            if data.get("status") == mapping.ERR_CERTIFICATE:
                raise CertificateProblem("unknown", _("Dịch vụ ký số từ xa: %(message)s") % said)
            raise RemoteSigningFailed(_("Dịch vụ ký số từ xa: %(message)s") % said)
        try:
            cert = x509.Certificate.load(mapping.unb64(data["certificate"]))
            chain = [x509.Certificate.load(mapping.unb64(c)) for c in data.get("chain") or []]
            cert.native  # noqa: B018 - parse now: a broken certificate fails here, not while signing
        except (KeyError, ValueError, TypeError) as e:
            raise RemoteSigningFailed(_("Dịch vụ ký số từ xa trả về chứng thư số không đọc được.")) from e
        return CertificateInfo(certificate=cert, chain=chain)

    def sign_hash(self, user_id: str, doc_id: str, digest: bytes, callback_url: str | None = None) -> str:
        data = self._call("POST", "/v1/signatures", mapping.sign_request(user_id, doc_id, digest, callback_url))
        tid = str(data.get("transaction_id") or "")
        if data.get("status") != 0 or not tid:
            raise RemoteSigningFailed(_("Dịch vụ ký số từ xa từ chối yêu cầu ký: %(message)s")
                                      % {"message": data.get("message") or _("lỗi")})
        return tid

    def status(self, transaction_id: str) -> mapping.SignStatus:
        data = self._call("GET", f"/v1/signatures/{transaction_id}")
        if data.get("status") != 0:
            raise RemoteSigningFailed(_("Dịch vụ ký số từ xa: %(message)s")
                                      % {"message": data.get("message") or _("không rõ giao dịch")})
        try:
            return mapping.parse_status(data)
        except ValueError as e:
            raise RemoteSigningFailed(_("Dịch vụ ký số từ xa trả về trạng thái không đọc được.")) from e
