"""A simulator of a Vietnamese remote signing service (INTEGRATIONS.md section 5), as a real HTTP
server (standard library only, state in memory). Wire format: see mapping.py.

``motcua simulate remote-signer --port 8091 --pki var/pki [--fault NAME=VALUE ...]``
(or ``python -m motcua.integrations.remote_signer.simulator``)

It knows the signers of the test PKI (``motcua.signing.pki``) by their citizen ID number and signs with
their keys: a hash sent to ``POST /v1/signatures`` waits for the user's confirmation "on their phone"
(``confirm_after`` seconds, or ``POST /_sim/confirm``), then the result is kept for polling and sent to
the callback URL, HMAC-authenticated with the shared secret.

Fault switches (``POST /_sim/faults`` with a JSON object, or ``--fault NAME=VALUE``; ``GET`` reads
them, ``null`` clears one):

- ``slow``: seconds -> every service call waits that long before answering
- ``timeout``: N -> the next N service calls never answer (the connection is held, then dropped)
- ``refuse``: true -> the user refuses on their phone (state ``REFUSED``)
- ``certificate``: "expired" | "revoked" -> every user has that certificate (and its key)
- ``wrong_hash``: true -> the signature is made over another hash than the one sent
- ``webhook_twice``: true -> every callback is delivered twice
- ``webhook_never``: true -> no callback is sent (only polling finds the result)
- ``confirm_after``: seconds before the user confirms (default 0.2); ``manual_confirm``: true -> only
  ``POST /_sim/confirm {"transaction_id": ..., "refuse": false}`` confirms

``POST /_sim/reset`` forgets transactions and faults; ``GET /_sim/state`` lists transactions and callbacks.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import secrets
import signal
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, utils

from motcua.integrations.simkit import parse_fault

from . import mapping

DEFAULT_SECRET = "motcua-sim-remote-signer-webhook-secret"  # noqa: S105 - the simulator's, refused in production
HOLD_SECONDS = 30.0


class Rejected(Exception):  # noqa: N818 - the service's own error answer
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


class RemoteSigner:
    """The simulated service's state (thread-safe: one lock)."""

    def __init__(self, pki_dir: Path, secret: str) -> None:
        from motcua.signing.pki import Pki

        self.pki = Pki.load(pki_dir)
        self.secret = secret
        self.lock = threading.Lock()
        self.faults: dict[str, Any] = {}
        self.transactions: dict[str, dict[str, Any]] = {}
        self.callbacks: list[dict[str, Any]] = []

    # -- switches ---------------------------------------------------------------------------------
    def set_faults(self, changes: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            for name, value in changes.items():
                if value is None:
                    self.faults.pop(name, None)
                else:
                    self.faults[name] = value
            return dict(self.faults)

    def reset(self) -> None:
        with self.lock:
            self.faults.clear()
            self.transactions.clear()
            self.callbacks.clear()

    def take_timeout(self) -> bool:
        with self.lock:
            left = int(self.faults.get("timeout") or 0)
            if left > 0:
                self.faults["timeout"] = left - 1
            return left > 0

    def state(self) -> dict[str, Any]:
        with self.lock:
            txs = {k: {f: v for f, v in t.items() if f != "signature"} for k, t in self.transactions.items()}
            return {"transactions": txs, "callbacks": list(self.callbacks), "faults": dict(self.faults)}

    # -- services -------------------------------------------------------------------------------
    def _signer(self, user_id: str) -> Any:
        forced = self.faults.get("certificate")
        if forced in ("expired", "revoked"):
            return self.pki.signers[forced] if self.pki.by_id_number(user_id) else None
        return self.pki.by_id_number(user_id)

    def certificate(self, body: dict[str, Any]) -> dict[str, Any]:
        signer = self._signer(str(body.get("user_id") or ""))
        if signer is None:
            raise Rejected(mapping.ERR_UNKNOWN_USER, "Không tìm thấy thuê bao ký số với số định danh này")
        chain = [self.pki.cert("interm").dump()]
        return {"status": 0, "certificate": mapping.b64(self.pki.cert(signer.label).dump()),
                "chain": [mapping.b64(c) for c in chain], "ca_name": body.get("ca_name") or "motcua-test-ca"}

    def sign(self, body: dict[str, Any]) -> dict[str, Any]:
        user_id = str(body.get("user_id") or "")
        signer = self._signer(user_id)
        if signer is None:
            raise Rejected(mapping.ERR_UNKNOWN_USER, "Không tìm thấy thuê bao ký số với số định danh này")
        try:
            digest = mapping.unb64(str(body.get("hash") or ""))
        except ValueError:
            digest = b""
        if len(digest) != 32 or body.get("hash_algorithm") != "SHA256":
            raise Rejected(mapping.ERR_BAD_REQUEST, "Mã băm không hợp lệ (cần SHA256, 32 byte)")
        tid = secrets.token_hex(12)
        with self.lock:
            self.transactions[tid] = {"transaction_id": tid, "user_id": user_id, "doc_id": body.get("doc_id"),
                                      "state": mapping.WAITING, "callback_url": body.get("callback_url"),
                                      "signer": signer.label, "digest": digest.hex(), "callbacks_sent": 0}
            manual = bool(self.faults.get("manual_confirm"))
            after = float(self.faults.get("confirm_after", 0.2))
        if not manual:
            timer = threading.Timer(after, self.confirm, args=(tid,))
            timer.daemon = True
            timer.start()
        return {"status": 0, "transaction_id": tid, "state": mapping.WAITING,
                "message": "Đang chờ người dùng xác nhận trên ứng dụng ký số"}

    def status(self, tid: str) -> dict[str, Any]:
        with self.lock:
            t = self.transactions.get(tid)
            if t is None:
                raise Rejected(mapping.ERR_UNKNOWN_TRANSACTION, "Không tìm thấy giao dịch ký")
            return self._status_body(t)

    @staticmethod
    def _status_body(t: dict[str, Any]) -> dict[str, Any]:
        status = mapping.SignStatus(t["transaction_id"], t["state"], t.get("signature"), t.get("message", ""))
        return mapping.status_body(status)

    # -- the user's phone ---------------------------------------------------------------------------
    def confirm(self, tid: str, refuse: bool | None = None) -> dict[str, Any]:
        with self.lock:
            t = self.transactions.get(tid)
            if t is None:
                raise Rejected(mapping.ERR_UNKNOWN_TRANSACTION, "Không tìm thấy giao dịch ký")
            if t["state"] != mapping.WAITING:
                return self._status_body(t)
            if refuse if refuse is not None else self.faults.get("refuse"):
                t["state"], t["message"] = mapping.REFUSED, "Người dùng đã từ chối ký"
            else:
                digest = bytes.fromhex(t["digest"])
                if self.faults.get("wrong_hash"):
                    digest = hashlib.sha256(digest + b"wrong").digest()
                t["signature"] = self._sign_digest(t["signer"], digest)
                t["state"] = mapping.SIGNED
            body = self._status_body(t)
            url = t.get("callback_url")
            times = 0 if self.faults.get("webhook_never") else 2 if self.faults.get("webhook_twice") else 1
        if url and times:
            threading.Thread(target=self._deliver, args=(tid, url, body, times), daemon=True).start()
        return body

    def _sign_digest(self, label: str, digest: bytes) -> bytes:
        key = serialization.load_pem_private_key(self.pki.signers[label].key.read_bytes(), password=None)
        return key.sign(digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))  # type: ignore[union-attr,call-arg]

    def _deliver(self, tid: str, url: str, body: dict[str, Any], times: int) -> None:
        raw = mapping.encode_body(body)
        headers = {"Content-Type": "application/json", mapping.SIGNATURE_HEADER: mapping.callback_signature(
            self.secret, raw)}
        for _ in range(times):
            code: int | str
            try:
                req = urllib.request.Request(url, data=raw, headers=headers, method="POST")  # noqa: S310 - local URL
                with urllib.request.urlopen(req, timeout=5) as r:  # noqa: S310
                    code = r.status
            except Exception as e:  # the receiver's failure is the receiver's; record it
                code = getattr(e, "code", type(e).__name__)
            with self.lock:
                self.callbacks.append({"transaction_id": tid, "url": url, "http": code})
                self.transactions[tid]["callbacks_sent"] += 1


class Handler(BaseHTTPRequestHandler):
    """The service's HTTP face; ``sim`` is bound by ``make_handler``."""

    sim: RemoteSigner
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def _send(self, code: int, body: dict[str, Any]) -> None:
        raw = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _body(self) -> dict[str, Any]:
        n = int(self.headers.get("Content-Length") or 0)
        try:
            data = json.loads(self.rfile.read(n) or b"{}")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def _service(self, call: Any) -> None:
        if self.sim.take_timeout():
            time.sleep(HOLD_SECONDS)
            self.close_connection = True
            return
        time.sleep(float(self.sim.faults.get("slow") or 0))
        self._sim(call)

    def _sim(self, call: Any) -> None:
        try:
            self._send(200, call())
        except Rejected as e:
            self._send(200, {"status": e.code, "message": str(e)})

    def do_GET(self) -> None:  # noqa: N802
        routes = {"/_sim/faults": lambda: self._sim(lambda: self.sim.set_faults({})),
                  "/_sim/state": lambda: self._sim(self.sim.state)}
        if self.path in routes:
            routes[self.path]()
        elif self.path.startswith("/v1/signatures/"):
            self._service(lambda: self.sim.status(self.path.rsplit("/", 1)[-1]))
        else:
            self._send(404, {"status": 404, "message": "Không có dịch vụ này"})

    def do_POST(self) -> None:  # noqa: N802
        body = self._body()
        routes = {
            "/_sim/faults": lambda: self._sim(lambda: self.sim.set_faults(body)),
            "/_sim/reset": lambda: self._sim(lambda: self.sim.reset() or {"status": 0}),
            "/_sim/confirm": lambda: self._sim(lambda: self.sim.confirm(str(body.get("transaction_id")),
                                                                   refuse=bool(body.get("refuse")))),
            "/v1/certificates": lambda: self._service(lambda: self.sim.certificate(body)),
            "/v1/signatures": lambda: self._service(lambda: self.sim.sign(body)),
        }
        route = routes.get(self.path)
        if route is None:
            self._send(404, {"status": 404, "message": "Không có dịch vụ này"})
        else:
            route()



def make_handler(sim: RemoteSigner) -> type[BaseHTTPRequestHandler]:
    return type("BoundHandler", (Handler,), {"sim": sim})


def serve(sim: RemoteSigner, host: str, port: int) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((host, port), make_handler(sim))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="remote-signer-sim", daemon=True).start()
    return server


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from motcua.signing.pki import default_dir

    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8091, help="0: a free port (printed)")
    parser.add_argument("--pki", default=str(default_dir()), help="a test PKI materialised by motcua.signing.pki")
    parser.add_argument("--webhook-secret", default=DEFAULT_SECRET, help="shared secret of the callbacks' HMAC")
    parser.add_argument("--fault", action="append", default=[], metavar="NAME=VALUE",
                        help="a fault switch at start, VALUE in JSON (e.g. slow=2, refuse=true, certificate=revoked)")


def run(opts: dict[str, Any], out: IO[str] = sys.stdout) -> None:
    """Serve until SIGTERM or Ctrl-C; prints its address first."""
    sim = RemoteSigner(Path(opts["pki"]), opts["webhook_secret"])
    sim.set_faults(dict(parse_fault(f) for f in opts["fault"]))
    server = serve(sim, opts["host"], opts["port"])
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    out.write(f"remote-signer simulator listening on http://{opts['host']}:{server.server_port}\n")
    out.flush()
    try:
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m motcua.integrations.remote_signer.simulator")
    add_arguments(parser)
    run(vars(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
