"""A simulator of the national payment platform (INTEGRATIONS.md section 2), as a real HTTP server
(standard library only, its ledger in its own SQLite file).

``motcua simulate payment --port 8093 [--state FILE] [--callback-url URL] [--fault NAME=VALUE ...]``

- ``POST /api/payment``: one endpoint for ``LoaiBanTin`` INIT, QUERY and GET_BILL; every request's
  ``MaXacThuc`` is checked (a wrong one: ``error_code`` "1"). INIT answers ``{error_code: "0",
  message: "{\\"UrlThanhToan\\": ...}"}``; QUERY answers ``TrangThaiGD`` (1 paid, 3 pending, 4
  failed; ``error_code`` "2" for an unknown MaThamChieu) signed like a confirm; GET_BILL answers
  the receipt PDF in base64 (``BienLai``) once paid.
- ``GET /pay/TOKEN``: the payment page the citizen is sent to (a plain HTML form: pay or cancel);
  ``POST /pay/TOKEN`` with ``action=pay|cancel`` records the outcome in the ledger, POSTs the
  confirm (IPN) to the callback URL and redirects the browser to the return URL
  (``?MaThamChieu=...``) given by ``--return-url`` (default: ``CALLBACK_BASE/payments/return/``).

Test endpoints: ``POST /_sim/pay {MaThamChieu, action}`` (the page without a browser),
``POST /_sim/config {callback_url, return_url}``, ``POST /_sim/faults``, ``POST /_sim/reset``,
``GET /_sim/state`` (the ledger), ``POST /_sim/confirm {MaThamChieu}`` (send the confirm again).

Fault switches (``null`` clears one; N: the next N occurrences):

- ``bad_checksum``: N -> the next N confirms and QUERY replies carry a wrong ``MaXacThuc``
- ``duplicate_confirm``: true -> every confirm is sent twice
- ``lose_confirm``: N -> the next N confirms are never sent (found by QUERY)
- ``pending``: seconds -> the next payment stays pending (3), no confirm; it flips to paid once that
  many seconds have passed (seen by QUERY; no confirm is sent then either: the bank answered late)
- ``amount_mismatch``: N -> the next N payments are charged 1,000 VND more than asked (ledger and confirm)
- ``empty_receipt``: N -> the next N GET_BILL answer an empty receipt
- ``http_500``: N -> the next N API calls answer HTTP 500 without doing anything
- ``delay``: seconds -> every API call waits that long first
"""

from __future__ import annotations

import argparse
import base64
import json
import secrets
import sqlite3
import sys
import threading
import time
from datetime import datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qs, urlencode, urlparse
from urllib.request import Request, urlopen

from motcua.integrations.simkit import parse_fault, serve_until_stopped

from . import mapping

SIM_PARTNER = "MOTCUA"
SIM_SECRET = "motcua-payment-simulator-secret"  # noqa: S105 - the simulator's, refused in production
CREATED, PAID, PENDING, FAILED = 0, mapping.PAID, mapping.PENDING, mapping.FAILED
SCHEMA = """
CREATE TABLE IF NOT EXISTS txn (reference TEXT PRIMARY KEY, token TEXT NOT NULL UNIQUE, amount INTEGER NOT NULL,
    charged INTEGER NOT NULL, state INTEGER NOT NULL, transaction_id TEXT NOT NULL DEFAULT '',
    bank TEXT NOT NULL DEFAULT '', created REAL NOT NULL, paid_at REAL, flip_at REAL, init TEXT NOT NULL,
    confirms INTEGER NOT NULL DEFAULT 0, answers TEXT NOT NULL DEFAULT '[]');
"""


class Platform:
    """The simulated platform's ledger and services (thread-safe: one lock around the database)."""

    def __init__(self, state: Path, *, partner: str = SIM_PARTNER, secret: str = SIM_SECRET, callback_url: str = "",
                 return_url: str = "", public_url: str = "") -> None:
        self.db = sqlite3.connect(str(state), check_same_thread=False)
        self.db.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;" + SCHEMA)
        self.lock = threading.RLock()
        self.partner, self.secret = partner, secret
        self.callback_url, self.return_url, self.public_url = callback_url, return_url, public_url
        self.faults: dict[str, Any] = {}

    def set_faults(self, changes: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            for name, value in changes.items():
                if value is None:
                    self.faults.pop(name, None)
                else:
                    self.faults[name] = value
            return dict(self.faults)

    def take(self, name: str) -> bool:
        with self.lock:
            left = self.faults.get(name)
            if left is True:
                return True
            left = int(left or 0)
            if left > 0:
                self.faults[name] = left - 1
            return left > 0

    def reset(self) -> None:
        with self.lock:
            self.db.execute("DELETE FROM txn")
            self.db.commit()
            self.faults.clear()

    # -- the API ---------------------------------------------------------------------------------
    def api(self, body: dict[str, Any]) -> dict[str, Any]:
        kind = body.get("LoaiBanTin")
        fields = mapping.INIT_FIELDS if kind == mapping.INIT else mapping.QUERY_FIELDS
        if kind not in (mapping.INIT, mapping.QUERY, mapping.GET_BILL):
            return {"error_code": "9", "message": f"LoaiBanTin không hỗ trợ: {kind}"}
        if body.get("MaDoiTac") != self.partner or not mapping.verify(body, fields, self.secret):
            return {"error_code": "1", "message": "Sai mã đối tác hoặc mã xác thực (MaXacThuc)"}
        return {mapping.INIT: self.init, mapping.QUERY: self.query, mapping.GET_BILL: self.bill}[kind](body)

    def init(self, body: dict[str, Any]) -> dict[str, Any]:
        reference = str(body.get("MaThamChieu") or "")
        try:
            amount = int(body.get("SoTien"))
        except (TypeError, ValueError):
            amount = 0
        if not reference or amount <= 0:
            return {"error_code": "3", "message": "Thiếu MaThamChieu hoặc SoTien không hợp lệ"}
        with self.lock:
            row = self.db.execute("SELECT token FROM txn WHERE reference = ?", (reference,)).fetchone()
            if row is not None:
                return {"error_code": "4", "message": f"MaThamChieu {reference} đã được sử dụng"}
            token = secrets.token_urlsafe(16)
            self.db.execute("INSERT INTO txn (reference, token, amount, charged, state, created, init) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?)", (reference, token, amount, amount, CREATED, time.time(),
                                                            json.dumps(body, ensure_ascii=False)))
            self.db.commit()
        url = f"{self.public_url}/pay/{token}"
        return {"error_code": mapping.OK, "message": json.dumps({"UrlThanhToan": url})}

    def row(self, reference: str) -> dict[str, Any] | None:
        with self.lock:
            cur = self.db.execute("SELECT * FROM txn WHERE reference = ?", (reference,))
            row = cur.fetchone()
            if row is None:
                return None
            data = dict(zip([c[0] for c in cur.description], row, strict=True))
            if data["state"] == PENDING and data["flip_at"] and data["flip_at"] <= time.time():
                data["state"], data["paid_at"] = PAID, time.time()
                self.db.execute("UPDATE txn SET state = ?, paid_at = ? WHERE reference = ?",
                                (PAID, data["paid_at"], reference))
                self.db.commit()
            return data

    def signed_status(self, t: dict[str, Any], kind: str) -> dict[str, Any]:
        at = datetime.fromtimestamp(t["paid_at"] or t["created"], mapping.LOCAL)
        error = mapping.SUCCESS if t["state"] == PAID else ("09" if t["state"] == PENDING else "51")
        body = mapping.confirm_body(partner=self.partner, reference=t["reference"], amount=t["charged"],
                                    transaction=t["transaction_id"], bank=t["bank"], at=at, secret=self.secret,
                                    error=error, kind=kind, description=f"Thanh toán {t['reference']}")
        if self.take("bad_checksum"):
            body["MaXacThuc"] = "0" * 64
        return body

    def query(self, body: dict[str, Any]) -> dict[str, Any]:
        t = self.row(str(body.get("MaThamChieu") or ""))
        if t is None:
            return {"error_code": "2", "message": "Không tìm thấy giao dịch"}
        state = t["state"] if t["state"] != CREATED else PENDING
        return {"error_code": mapping.OK, "message": "Thành công", "TrangThaiGD": state,
                **self.signed_status(t, mapping.QUERY)}

    def bill(self, body: dict[str, Any]) -> dict[str, Any]:
        t = self.row(str(body.get("MaThamChieu") or ""))
        if t is None:
            return {"error_code": "2", "message": "Không tìm thấy giao dịch"}
        if t["state"] != PAID:
            return {"error_code": "5", "message": "Giao dịch chưa thanh toán thành công"}
        if self.take("empty_receipt"):
            return {"error_code": mapping.OK, "message": "Thành công", "BienLai": ""}
        return {"error_code": mapping.OK, "message": "Thành công", "BienLai": base64.b64encode(receipt_pdf(t)).decode()}

    # -- the payer's outcome and the confirm -------------------------------------------------------
    def settle(self, reference: str, action: str) -> dict[str, Any]:
        """The payer paid (``pay``) or gave up (``cancel``) on the page: the ledger, then the confirm."""
        with self.lock:
            t = self.row(reference)
            if t is None:
                raise KeyError(reference)
            if t["state"] != CREATED:
                return t  # the page was submitted twice: one payment
            txn = "GD" + secrets.token_hex(6).upper()
            if action != "pay":
                state, charged, flip = FAILED, t["amount"], None
            else:
                charged = t["amount"] + (1000 if self.take("amount_mismatch") else 0)
                wait = self.faults.pop("pending", None)
                state, flip = (PENDING, time.time() + float(wait)) if wait is not None else (PAID, None)
            self.db.execute("UPDATE txn SET state = ?, charged = ?, transaction_id = ?, bank = ?, paid_at = ?, "
                            "flip_at = ? WHERE reference = ?",
                            (state, charged, txn, "VCB", time.time() if state == PAID else None, flip, reference))
            self.db.commit()
            t = self.row(reference)
        assert t is not None
        if t["state"] != PENDING and not self.take("lose_confirm"):
            self.confirm(t)
            if self.faults.get("duplicate_confirm"):
                self.confirm(t)
        return t

    def confirm(self, t: dict[str, Any]) -> dict[str, Any] | None:
        """POST the confirm (IPN) to motcua; the answer is kept in the ledger."""
        if not self.callback_url:
            return None
        body = self.signed_status(t, mapping.CONFIRM)
        try:
            req = Request(self.callback_url, data=json.dumps(body).encode(), method="POST",
                          headers={"Content-Type": "application/json"})
            with urlopen(req, timeout=10) as resp:  # noqa: S310 - the configured callback URL
                answer = json.loads(resp.read() or b"{}")
        except Exception as exc:  # noqa: BLE001 - an unreachable province is recorded, not raised
            answer = {"error": str(exc)}
        with self.lock:
            cur = json.loads(self.db.execute("SELECT answers FROM txn WHERE reference = ?",
                                             (t["reference"],)).fetchone()[0])
            self.db.execute("UPDATE txn SET confirms = confirms + 1, answers = ? WHERE reference = ?",
                            (json.dumps([*cur, answer], ensure_ascii=False), t["reference"]))
            self.db.commit()
        return answer

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            refs = [r[0] for r in self.db.execute("SELECT reference FROM txn ORDER BY created")]
        ledger = []
        for ref in refs:
            t = self.row(ref) or {}
            ledger.append({"MaThamChieu": ref, "SoTien": t["amount"], "charged": t["charged"], "state": t["state"],
                           "MaGiaoDich": t["transaction_id"], "confirms": t["confirms"],
                           "answers": json.loads(t["answers"]), "token": t["token"]})
        return {"ledger": ledger, "faults": dict(self.faults), "callback_url": self.callback_url}

    def by_token(self, token: str) -> dict[str, Any] | None:
        with self.lock:
            row = self.db.execute("SELECT reference FROM txn WHERE token = ?", (token,)).fetchone()
        return self.row(row[0]) if row else None


def receipt_pdf(t: dict[str, Any]) -> bytes:
    """A one-page PDF receipt (ASCII text: the reference, amount and transaction)."""
    text = f"BIEN LAI THU PHI, LE PHI - {t['reference']} - {t['charged']} VND - {t['transaction_id']}"
    stream = f"BT /F1 12 Tf 50 780 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Nền tảng thanh toán (mô phỏng)</title>
</head><body><h1>Cổng thanh toán quốc gia (mô phỏng)</h1>
<p>Mã tham chiếu: <strong id="ref">{ref}</strong></p><p>Nội dung: {info}</p>
<p>Số tiền: <strong id="amount">{amount} VND</strong></p><p>Trạng thái: <span id="state">{state}</span></p>
<form method="post"><button name="action" value="pay" id="pay">Thanh toán</button>
<button name="action" value="cancel" id="cancel">Hủy giao dịch</button></form></body></html>"""
STATE_LABELS = {CREATED: "Chờ thanh toán", PAID: "Đã thanh toán", PENDING: "Đang chờ ngân hàng", FAILED: "Thất bại"}


class Handler(BaseHTTPRequestHandler):
    platform: Platform
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the standard signature
        pass

    def reply(self, status: int, body: dict[str, Any] | str, ctype: str = "application/json; charset=utf-8",
              headers: dict[str, str] | None = None) -> None:
        data = (body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def raw(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def json_body(self) -> dict[str, Any]:
        try:
            data = json.loads(self.raw() or b"{}")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def do_GET(self) -> None:  # noqa: N802 - http.server's names
        url = urlparse(self.path)
        if url.path == "/_sim/state":
            return self.reply(200, self.platform.snapshot())
        if url.path.startswith("/pay/"):
            t = self.platform.by_token(url.path.removeprefix("/pay/"))
            if t is None:
                return self.reply(404, "<p>Không tìm thấy giao dịch</p>", "text/html; charset=utf-8")
            info = json.loads(t["init"]).get("ThongTinGiaoDich", "")
            return self.reply(200, PAGE.format(ref=escape(t["reference"]), info=escape(info), amount=t["amount"],
                                               state=STATE_LABELS[t["state"]]), "text/html; charset=utf-8")
        self.reply(404, {"error_code": "404", "message": "Không tìm thấy"})

    def do_POST(self) -> None:  # noqa: N802
        url = urlparse(self.path)
        try:
            if url.path.startswith("/_sim/"):
                return self.reply(200, self.simulator(url.path, self.json_body()))
            if url.path.startswith("/pay/"):
                return self.pay_page(url.path.removeprefix("/pay/"))
            if url.path != "/api/payment":
                return self.reply(404, {"error_code": "404", "message": "Không tìm thấy"})
            body = self.json_body()
            delay = float(self.platform.faults.get("delay") or 0)
            if delay:
                time.sleep(delay)
            if self.platform.take("http_500"):
                return self.reply(500, "Internal Server Error", "text/plain")
            self.reply(200, self.platform.api(body))
        except BrokenPipeError:
            pass

    def pay_page(self, token: str) -> None:
        form = parse_qs(self.raw().decode("utf-8", "replace"))
        t = self.platform.by_token(token)
        if t is None:
            return self.reply(404, "<p>Không tìm thấy giao dịch</p>", "text/html; charset=utf-8")
        t = self.platform.settle(t["reference"], (form.get("action") or ["cancel"])[0])
        back = self.platform.return_url
        if not back:
            return self.reply(200, f"<p>{STATE_LABELS[t['state']]}</p>", "text/html; charset=utf-8")
        sep = "&" if "?" in back else "?"
        self.reply(303, "", "text/plain", {"Location": back + sep + urlencode({"MaThamChieu": t["reference"]})})

    def simulator(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        p = self.platform
        if path == "/_sim/faults":
            return p.set_faults(body)
        if path == "/_sim/reset":
            p.reset()
            return {"ok": True}
        if path == "/_sim/config":
            p.callback_url = body.get("callback_url", p.callback_url)
            p.return_url = body.get("return_url", p.return_url)
            return {"callback_url": p.callback_url, "return_url": p.return_url}
        if path == "/_sim/pay":
            t = p.settle(str(body.get("MaThamChieu")), str(body.get("action") or "pay"))
            return {"state": t["state"], "charged": t["charged"]}
        if path == "/_sim/confirm":
            t = p.row(str(body.get("MaThamChieu")))
            return {"answer": p.confirm(t) if t else None}
        return {"error": "unknown"}


def serve(platform: Platform, host: str, port: int) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((host, port), type("PaymentHandler", (Handler,), {"platform": platform}))
    server.daemon_threads = True
    if not platform.public_url:
        platform.public_url = f"http://{host}:{server.server_port}"
    return server


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from motcua.conf import BASE_DIR

    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8093, help="0: a free port (printed)")
    parser.add_argument("--state", default=str(BASE_DIR / "var" / "sim-payment.sqlite3"), help="its SQLite ledger")
    parser.add_argument("--partner", default=SIM_PARTNER, help="MaDoiTac")
    parser.add_argument("--secret", default=SIM_SECRET, help="the checksum secret")
    parser.add_argument("--callback-url", default="http://127.0.0.1:8000/api/v1/payments/national/confirm",
                        help="where the confirm (IPN) is POSTed")
    parser.add_argument("--return-url", default="http://127.0.0.1:8000/payments/return/",
                        help="where the payer's browser is sent back")
    parser.add_argument("--fault", action="append", default=[], metavar="NAME=VALUE",
                        help="a fault switch at start, VALUE in JSON (e.g. lose_confirm=1, pending=5)")


def run(opts: dict[str, Any], out: IO[str] = sys.stdout) -> None:
    """Serve until SIGTERM or Ctrl-C; prints its address first."""
    state = Path(opts["state"])
    state.parent.mkdir(parents=True, exist_ok=True)
    platform = Platform(state, partner=opts["partner"], secret=opts["secret"], callback_url=opts["callback_url"],
                        return_url=opts["return_url"])
    platform.set_faults(dict(parse_fault(f) for f in opts["fault"]))
    server = serve(platform, opts["host"], opts["port"])
    serve_until_stopped(server, "payment", opts["host"], out)


if __name__ == "__main__":  # python -m motcua.integrations.payment.simulator (no Django needed)
    parser = argparse.ArgumentParser(description="national payment platform simulator")
    add_arguments(parser)
    run(vars(parser.parse_args()))
