"""A simulator of the two SMS brandname carriers (INTEGRATIONS.md section 7), as a real HTTP server
(standard library only, state in its own SQLite file).

``motcua simulate sms --port 8093 [--state FILE] [--fault NAME=VALUE ...]``

- ``POST /viettel/api/sms/send``: JSON (see ``mapping``), reply ``{code, message, msgId}``.
- ``POST /vnpt/ws``: SOAP-like XML ``sendSMS``, reply ``sendSMSResponse`` (a malformed call: HTTP 500
  with a SOAP Fault).

Both check the account and brandname, refuse a number that is not a mobile one, a text with
diacritics or longer than ``--max-length``, and answer a request id they have already taken with
their "duplicate" code and the first message's id (nothing is sent twice).

Fault switches (``POST /_sim/faults`` with a JSON object, or ``--fault NAME=VALUE``; ``null`` clears):

- ``viettel_error`` / ``vnpt_error``: ``[CODE, N]`` -> the next N messages to that carrier are
  answered CODE and not sent (``CODE`` alone: until cleared), e.g. ``["99", 2]``, ``["5", 1]``
- ``balance``: N -> N messages left on the account, then "out of balance" (05 / 5) until raised
- ``http_500``: N -> the next N calls answer HTTP 500 and send nothing
- ``drop_reply``: N -> the next N messages are sent but answered HTTP 502 (the reply is lost)
- ``delay``: seconds -> every call waits that long first (and is still served)

``POST /_sim/reset`` empties it; ``GET /_sim/state`` lists the messages sent and the switches.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any

from motcua.integrations.simkit import parse_fault, serve_until_stopped

from . import mapping

SIM_BRANDNAME = "MOTCUA"
SIM_USER = "motcua"
SIM_PASSWORD = "motcua-sms-secret"  # noqa: S105 - the simulator's, refused in production
SCHEMA = """
CREATE TABLE IF NOT EXISTS message (id INTEGER PRIMARY KEY, carrier TEXT NOT NULL, request_id TEXT NOT NULL,
    phone TEXT NOT NULL, text TEXT NOT NULL, at REAL NOT NULL, UNIQUE (carrier, request_id));
"""
CODES = {mapping.VIETTEL: {"ok": "00", "auth": "01", "number": "02", "brand": "03", "content": "04",
                           "balance": "05", "duplicate": "07"},
         mapping.VNPT: {"ok": "0", "auth": "1", "number": "2", "brand": "3", "content": "4", "balance": "5",
                        "duplicate": "6"}}


class Carriers:
    """Both carriers' state (thread-safe: one lock around the database and the switches)."""

    def __init__(self, state: Path, *, brandname: str = SIM_BRANDNAME, user: str = SIM_USER,
                 password: str = SIM_PASSWORD, max_length: int = 459) -> None:
        self.db = sqlite3.connect(str(state), check_same_thread=False)
        self.db.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;" + SCHEMA)
        self.lock = threading.Lock()
        self.brandname, self.user, self.password, self.max_length = brandname, user, password, max_length
        self.faults: dict[str, Any] = {}

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
            self.db.execute("DELETE FROM message")
            self.db.commit()
            self.faults.clear()

    def take(self, name: str) -> bool:
        """Use up one of a counted switch (``http_500``, ``drop_reply``); True if it applied."""
        with self.lock:
            left = int(self.faults.get(name) or 0)
            if left > 0:
                self.faults[name] = left - 1
            return left > 0

    def _forced_error(self, carrier: str) -> str | None:
        value = self.faults.get(f"{carrier}_error")
        if value is None:
            return None
        if isinstance(value, list):
            code, left = str(value[0]), int(value[1])
            if left <= 0:
                return None
            self.faults[f"{carrier}_error"] = [code, left - 1]
            return code
        return str(value)

    def send(self, carrier: str, f: dict[str, str]) -> tuple[str, str, str]:
        """(code, message, message id) for one message ``f`` (user, password, brandname, phone, text,
        request_id)."""
        codes = CODES[carrier]
        if f["user"] != self.user or f["password"] != self.password:
            return codes["auth"], "Sai tài khoản", ""
        if f["brandname"] != self.brandname:
            return codes["brand"], f"Brandname {f['brandname']!r} chưa đăng ký", ""
        try:
            phone = mapping.normalize(f["phone"])
        except mapping.BadNumber:
            return codes["number"], "Số điện thoại không hợp lệ", ""
        if not mapping.is_plain(f["text"]) or len(f["text"]) > self.max_length or not f["text"].strip():
            return codes["content"], f"Nội dung có dấu, rỗng hoặc dài quá {self.max_length} ký tự", ""
        with self.lock:
            known = self.db.execute("SELECT id FROM message WHERE carrier = ? AND request_id = ?",
                                    (carrier, f["request_id"])).fetchone()
            if known:
                return codes["duplicate"], "Trùng mã yêu cầu", f"{carrier}-{known[0]}"
            forced = self._forced_error(carrier)
            if forced is not None:
                return forced, "Lỗi giả lập", ""
            balance = self.faults.get("balance")
            if balance is not None and int(balance) <= 0:
                return codes["balance"], "Tài khoản hết tiền", ""
            if balance is not None:
                self.faults["balance"] = int(balance) - 1
            cur = self.db.execute("INSERT INTO message (carrier, request_id, phone, text, at) VALUES (?, ?, ?, ?, ?)",
                                  (carrier, f["request_id"], phone, f["text"], time.time()))
            self.db.commit()
            return codes["ok"], "Thành công", f"{carrier}-{cur.lastrowid}"

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            rows = self.db.execute("SELECT carrier, request_id, phone, text FROM message ORDER BY id").fetchall()
            return {"messages": [dict(zip(("carrier", "request_id", "phone", "text"), r, strict=True)) for r in rows],
                    "faults": dict(self.faults)}


class Handler(BaseHTTPRequestHandler):
    carriers: Carriers
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def reply(self, status: int, body: str, content_type: str = "application/json; charset=utf-8") -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def reply_json(self, status: int, body: object) -> None:
        self.reply(status, json.dumps(body, ensure_ascii=False))

    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/_sim/state":
            return self.reply_json(200, self.carriers.snapshot())
        if self.path == "/_sim/faults":
            return self.reply_json(200, self.carriers.faults)
        self.reply_json(404, {"message": "Không tìm thấy"})

    def do_POST(self) -> None:  # noqa: N802
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.startswith("/_sim/"):
            return self.serve_sim(raw)
        if self.path not in ("/viettel/api/sms/send", "/vnpt/ws"):
            return self.reply_json(404, {"message": "Không tìm thấy"})
        delay = float(self.carriers.faults.get("delay") or 0)
        if delay:
            time.sleep(delay)
        if self.carriers.take("http_500"):
            return self.reply(500, "Internal Server Error", "text/plain")
        if self.path.startswith("/viettel"):
            self.serve_viettel(raw)
        else:
            self.serve_vnpt(raw)

    def serve_sim(self, raw: bytes) -> None:
        body = json.loads(raw or b"{}")
        if self.path == "/_sim/faults":
            return self.reply_json(200, self.carriers.set_faults(body))
        if self.path == "/_sim/reset":
            self.carriers.reset()
            return self.reply_json(200, {"ok": True})
        self.reply_json(404, {"message": "Không tìm thấy"})

    def _answer(self, code: str, ok: bool, render: Any) -> None:
        if ok and self.carriers.take("drop_reply"):
            return self.reply(502, "Bad Gateway", "text/plain")
        render()

    def serve_viettel(self, raw: bytes) -> None:
        try:
            b = json.loads(raw)
            f = {"user": str(b.get("user", "")), "password": str(b.get("password", "")),
                 "brandname": str(b.get("brandname", "")), "phone": str(b.get("phone", "")),
                 "text": str(b.get("message", "")), "request_id": str(b.get("requestId", ""))}
        except (ValueError, AttributeError):
            return self.reply_json(400, {"code": "04", "message": "JSON không hợp lệ"})
        code, message, msg_id = self.carriers.send(mapping.VIETTEL, f)
        self._answer(code, code == "00", lambda: self.reply_json(200, {"code": code, "message": message,
                                                                       "msgId": msg_id}))

    def serve_vnpt(self, raw: bytes) -> None:
        try:
            call = mapping.parse_vnpt_request(raw)
        except ValueError as exc:
            fault = (f'<?xml version="1.0"?><soap:Envelope xmlns:soap="{mapping.SOAP}"><soap:Body><soap:Fault>'
                     f"<faultcode>soap:Client</faultcode><faultstring>{exc}</faultstring></soap:Fault></soap:Body>"
                     "</soap:Envelope>")
            return self.reply(500, fault, "text/xml; charset=utf-8")
        f = {"user": call["username"], "password": call["password"], "brandname": call["brandname"],
             "phone": call["receiver"], "text": call["content"], "request_id": call["requestid"]}
        code, message, msg_id = self.carriers.send(mapping.VNPT, f)
        self._answer(code, code == "0", lambda: self.reply(200, mapping.vnpt_response(code, message, msg_id),
                                                           "text/xml; charset=utf-8"))


def serve(carriers: Carriers, host: str, port: int) -> ThreadingHTTPServer:
    handler = type("SmsHandler", (Handler,), {"carriers": carriers})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from pathlib import Path as _P

    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8093, help="0: a free port (printed)")
    parser.add_argument("--state", default=str(_P(__file__).resolve().parents[3] / "var" / "sim-sms.sqlite3"),
                        help="its SQLite state file")
    parser.add_argument("--brandname", default=SIM_BRANDNAME)
    parser.add_argument("--user", default=SIM_USER)
    parser.add_argument("--password", default=SIM_PASSWORD)
    parser.add_argument("--max-length", type=int, default=459, help="longest text accepted (three segments)")
    parser.add_argument("--fault", action="append", default=[], metavar="NAME=VALUE",
                        help='a fault switch at start, VALUE in JSON (e.g. http_500=3, viettel_error=\'["99",2]\')')


def run(opts: dict[str, Any], out: IO[str] = sys.stdout) -> None:
    """Serve until SIGTERM or Ctrl-C; prints its address first."""
    state = Path(opts["state"])
    state.parent.mkdir(parents=True, exist_ok=True)
    carriers = Carriers(state, brandname=opts["brandname"], user=opts["user"], password=opts["password"],
                        max_length=opts["max_length"])
    carriers.set_faults(dict(parse_fault(f) for f in opts["fault"]))
    server = serve(carriers, opts["host"], opts["port"])
    serve_until_stopped(server, "sms", opts["host"], out)


if __name__ == "__main__":  # python -m motcua.integrations.sms.simulator (no Django needed)
    parser = argparse.ArgumentParser(description="SMS brandname carriers simulator")
    add_arguments(parser)
    run(vars(parser.parse_args()))
