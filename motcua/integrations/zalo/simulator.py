"""A simulator of Zalo ZNS and its OAuth token refresh (INTEGRATIONS.md section 7), as a real HTTP
server (standard library only, state in its own SQLite file).

``motcua simulate zalo --port 8094 [--state FILE] [--token-ttl SECONDS] [--fault NAME=VALUE ...]``

- ``POST /message/template`` (header ``access_token``): sends a template message; the reply
  ``{error, message, data: {msg_id, sent_time, quota}}``. A ``tracking_id`` already sent is answered
  with ``DUPLICATE`` and the first message's id (nothing is sent twice).
- ``POST /v4/oa/access_token`` (header ``secret_key``, form ``app_id, refresh_token,
  grant_type=refresh_token``): a new access token and a new refresh token; each refresh token is
  good once. At start (and after a reset) ``SIM_ACCESS_TOKEN`` and ``SIM_REFRESH_TOKEN`` are valid.

Fault switches (``POST /_sim/faults``, or ``--fault NAME=VALUE``; ``null`` clears one):

- ``expire_tokens``: true -> every access token issued so far is expired now (one shot)
- ``quota``: N -> N messages left today, then "quota exceeded" (-144) until raised or cleared
- ``http_500``: N -> the next N calls answer HTTP 500 and do nothing
- ``drop_reply``: N -> the next N messages are sent but answered HTTP 502 (the reply is lost)
- ``delay``: seconds -> every call waits that long first (and is still served)
- ``unreachable``: [phones] -> these numbers have no Zalo account (-118)
- ``reject_templates``: [ids] -> these templates are unknown (-109)

``POST /_sim/reset`` empties it; ``GET /_sim/state`` lists the messages and the refreshes.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sqlite3
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qs

from motcua.integrations.simkit import parse_fault, serve_until_stopped

from . import mapping

SIM_APP_ID = "1234567890"
SIM_SECRET_KEY = "motcua-zalo-secret"  # noqa: S105 - the simulator's, refused in production
SIM_ACCESS_TOKEN = "sim-access-token"  # noqa: S105
SIM_REFRESH_TOKEN = "sim-refresh-token"  # noqa: S105
SCHEMA = """
CREATE TABLE IF NOT EXISTS message (id INTEGER PRIMARY KEY, tracking_id TEXT NOT NULL UNIQUE, phone TEXT NOT NULL,
    template_id TEXT NOT NULL, data TEXT NOT NULL, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS access (token TEXT PRIMARY KEY, expires REAL NOT NULL);
CREATE TABLE IF NOT EXISTS refresh (token TEXT PRIMARY KEY, used INTEGER NOT NULL DEFAULT 0);
"""


class ZaloSim:
    def __init__(self, state: Path, *, app_id: str = SIM_APP_ID, secret_key: str = SIM_SECRET_KEY,
                 token_ttl: float = 3600.0) -> None:
        self.db = sqlite3.connect(str(state), check_same_thread=False)
        self.db.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;" + SCHEMA)
        self.lock = threading.Lock()
        self.app_id, self.secret_key, self.token_ttl = app_id, secret_key, token_ttl
        self.faults: dict[str, Any] = {}
        self.refreshes = 0
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.db.executescript("DELETE FROM message; DELETE FROM access; DELETE FROM refresh;")
            self.db.execute("INSERT INTO access VALUES (?, ?)", (SIM_ACCESS_TOKEN, time.time() + self.token_ttl))
            self.db.execute("INSERT INTO refresh VALUES (?, 0)", (SIM_REFRESH_TOKEN,))
            self.db.commit()
            self.faults.clear()
            self.refreshes = 0

    def set_faults(self, changes: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            for name, value in changes.items():
                if name == "expire_tokens":
                    if value:
                        self.db.execute("UPDATE access SET expires = 0")
                        self.db.commit()
                elif value is None:
                    self.faults.pop(name, None)
                else:
                    self.faults[name] = value
            return dict(self.faults)

    def take(self, name: str) -> bool:
        with self.lock:
            left = int(self.faults.get(name) or 0)
            if left > 0:
                self.faults[name] = left - 1
            return left > 0

    # -- oauth ---------------------------------------------------------------------------------
    def refresh_token(self, secret: str, form: dict[str, str]) -> dict[str, Any]:
        if secret != self.secret_key or form.get("app_id") != self.app_id:
            return {"error": -14002, "error_name": "Invalid app", "error_reason": "Sai app_id hoặc secret_key"}
        if form.get("grant_type") != "refresh_token":
            return {"error": -14001, "error_name": "Invalid parameter", "error_reason": "grant_type"}
        with self.lock:
            row = self.db.execute("SELECT used FROM refresh WHERE token = ?",
                                  (form.get("refresh_token", ""),)).fetchone()
            if row is None or row[0]:
                return {"error": mapping.REFRESH_INVALID, "error_name": "Invalid refresh token",
                        "error_reason": "Refresh token không hợp lệ hoặc đã dùng"}
            access, new_refresh = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
            self.db.execute("UPDATE refresh SET used = 1 WHERE token = ?", (form["refresh_token"],))
            self.db.execute("INSERT INTO refresh VALUES (?, 0)", (new_refresh,))
            self.db.execute("INSERT INTO access VALUES (?, ?)", (access, time.time() + self.token_ttl))
            self.db.commit()
            self.refreshes += 1
        return {"access_token": access, "refresh_token": new_refresh, "expires_in": str(int(self.token_ttl))}

    def token_ok(self, token: str) -> bool:
        with self.lock:
            row = self.db.execute("SELECT expires FROM access WHERE token = ?", (token,)).fetchone()
        return row is not None and row[0] > time.time()

    # -- messages ------------------------------------------------------------------------------
    def _check(self, body: dict[str, Any]) -> tuple[int, str] | None:
        phone = str(body.get("phone") or "")
        if not (phone.startswith("84") and phone.isdigit() and len(phone) == 11):
            return mapping.PHONE_INVALID, "Số điện thoại không hợp lệ"
        template = str(body.get("template_id") or "")
        if not template or template in [str(t) for t in self.faults.get("reject_templates") or []]:
            return mapping.TEMPLATE_INVALID, f"Mẫu {template!r} không tồn tại"
        data = body.get("template_data")
        if not isinstance(data, dict) or not data or any(
                not isinstance(v, str) or len(v) > mapping.PARAM_LIMIT for v in data.values()):
            return mapping.TEMPLATE_DATA_INVALID, "template_data không hợp lệ"
        if phone in [mapping.phone(str(p)) for p in self.faults.get("unreachable") or []]:
            return mapping.USER_UNREACHABLE, "Số điện thoại chưa có tài khoản Zalo"
        if not str(body.get("tracking_id") or ""):
            return mapping.TEMPLATE_DATA_INVALID, "thiếu tracking_id"
        return None

    def send(self, body: dict[str, Any]) -> dict[str, Any]:
        refused = self._check(body)
        if refused:
            return {"error": refused[0], "message": refused[1]}
        with self.lock:
            known = self.db.execute("SELECT id FROM message WHERE tracking_id = ?",
                                    (str(body["tracking_id"]),)).fetchone()
            if known:
                return {"error": mapping.DUPLICATE, "message": "tracking_id đã được gửi",
                        "data": {"msg_id": f"zns-{known[0]}"}}
            quota = self.faults.get("quota")
            if quota is not None and int(quota) <= 0:
                return {"error": mapping.QUOTA_EXCEEDED, "message": "Vượt hạn mức gửi ZNS trong ngày"}
            if quota is not None:
                self.faults["quota"] = int(quota) - 1
            cur = self.db.execute("INSERT INTO message (tracking_id, phone, template_id, data, at)"
                                  " VALUES (?, ?, ?, ?, ?)",
                                  (str(body["tracking_id"]), body["phone"], str(body["template_id"]),
                                   json.dumps(body["template_data"], ensure_ascii=False), time.time()))
            self.db.commit()
            left = self.faults.get("quota")
        return {"error": 0, "message": "Success",
                "data": {"msg_id": f"zns-{cur.lastrowid}", "sent_time": str(int(time.time() * 1000)),
                         "quota": {"dailyQuota": 500, "remainingQuota": int(left) if left is not None else 500}}}

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            rows = self.db.execute("SELECT tracking_id, phone, template_id, data FROM message ORDER BY id").fetchall()
        return {"messages": [{"tracking_id": t, "phone": p, "template_id": tpl, "template_data": json.loads(d)}
                             for t, p, tpl, d in rows], "refreshes": self.refreshes, "faults": dict(self.faults)}


class Handler(BaseHTTPRequestHandler):
    zalo: ZaloSim
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def reply(self, status: int, body: object) -> None:
        data = (body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain" if isinstance(body, str) else "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/_sim/state":
            return self.reply(200, self.zalo.snapshot())
        if self.path == "/_sim/faults":
            return self.reply(200, self.zalo.faults)
        self.reply(404, {"error": 404, "message": "Không tìm thấy"})

    def do_POST(self) -> None:  # noqa: N802
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.startswith("/_sim/"):
            return self.serve_sim(raw)
        if self.path not in ("/message/template", "/v4/oa/access_token"):
            return self.reply(404, {"error": 404, "message": "Không tìm thấy"})
        delay = float(self.zalo.faults.get("delay") or 0)
        if delay:
            time.sleep(delay)
        if self.zalo.take("http_500"):
            return self.reply(500, "Internal Server Error")
        if self.path == "/v4/oa/access_token":
            form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8")).items()}
            return self.reply(200, self.zalo.refresh_token(self.headers.get("secret_key", ""), form))
        self.serve_message(raw)

    def serve_message(self, raw: bytes) -> None:
        if not self.zalo.token_ok(self.headers.get("access_token", "")):
            return self.reply(200, {"error": mapping.TOKEN_INVALID, "message": "Access token không hợp lệ"})
        try:
            body = json.loads(raw)
            assert isinstance(body, dict)  # noqa: S101 - turned into the reply below
        except (ValueError, AssertionError):
            return self.reply(200, {"error": mapping.TEMPLATE_DATA_INVALID, "message": "Body không phải JSON"})
        answer = self.zalo.send(body)
        if answer["error"] == 0 and self.zalo.take("drop_reply"):
            return self.reply(502, "Bad Gateway")
        self.reply(200, answer)

    def serve_sim(self, raw: bytes) -> None:
        body = json.loads(raw or b"{}")
        if self.path == "/_sim/faults":
            return self.reply(200, self.zalo.set_faults(body))
        if self.path == "/_sim/reset":
            self.zalo.reset()
            return self.reply(200, {"ok": True})
        self.reply(404, {"error": 404, "message": "Không tìm thấy"})


def serve(zalo: ZaloSim, host: str, port: int) -> ThreadingHTTPServer:
    handler = type("ZaloHandler", (Handler,), {"zalo": zalo})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8094, help="0: a free port (printed)")
    parser.add_argument("--state", default=str(Path(__file__).resolve().parents[3] / "var" / "sim-zalo.sqlite3"),
                        help="its SQLite state file")
    parser.add_argument("--app-id", default=SIM_APP_ID)
    parser.add_argument("--secret-key", default=SIM_SECRET_KEY)
    parser.add_argument("--token-ttl", type=float, default=3600.0, help="seconds an access token lives")
    parser.add_argument("--fault", action="append", default=[], metavar="NAME=VALUE",
                        help="a fault switch at start, VALUE in JSON (e.g. quota=0, http_500=3)")


def run(opts: dict[str, Any], out: IO[str] = sys.stdout) -> None:
    """Serve until SIGTERM or Ctrl-C; prints its address first."""
    state = Path(opts["state"])
    state.parent.mkdir(parents=True, exist_ok=True)
    zalo = ZaloSim(state, app_id=opts["app_id"], secret_key=opts["secret_key"], token_ttl=opts["token_ttl"])
    zalo.set_faults(dict(parse_fault(f) for f in opts["fault"]))
    server = serve(zalo, opts["host"], opts["port"])
    serve_until_stopped(server, "zalo", opts["host"], out)


if __name__ == "__main__":  # python -m motcua.integrations.zalo.simulator (no Django needed)
    parser = argparse.ArgumentParser(description="Zalo ZNS simulator")
    add_arguments(parser)
    run(vars(parser.parse_args()))
