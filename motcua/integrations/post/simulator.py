"""A simulator of the public postal service's order API (INTEGRATIONS.md section 3), as a real HTTP
server (standard library only, state in its own SQLite file).

``motcua simulate post --port 8092 [--state FILE] [--auto-advance SECONDS] [--fault NAME=VALUE ...]``

- ``POST /api/token`` ``{CustomerCode, CustomerKey, CustomerSecret}`` -> ``{Status, Token, ExpiresIn}``;
  every other ``/api`` call needs ``Authorization: Bearer TOKEN`` (HTTP 401 when unknown or expired).
- ``POST /api/itemcodes`` ``{Count}``: tracking codes allocated to the customer (S10, ``EB........VN``).
- ``POST /api/orders``: an order; refused (``Status`` other than "100") when a field is missing, the
  ItemCode was not allocated or is used, or the OrderNumber already has an open order of this
  ServiceType ("102"). ``GET /api/orders/NUMBER?serviceType=S`` reads one back.
- ``GET /api/tracking?lastId=N&limit=M``: status rows after id N, oldest first.

Test endpoints: ``POST /_sim/advance`` ``{itemCode, statuses: [2, 3]}`` moves a parcel;
``POST /_sim/faults``; ``POST /_sim/reset``; ``GET /_sim/state``. With ``--auto-advance S`` every
open order moves one status on every S seconds (for the demo).

Fault switches (``null`` clears one):

- ``expire_tokens``: true -> every token issued so far is expired now (one shot)
- ``delay``: seconds -> every ``/api`` call waits that long before it is served (and still served:
  an order is created even though the client gave up waiting)
- ``http_500``: N -> the next N ``/api`` calls answer HTTP 500 without doing anything
- ``drop_reply``: N -> the next N orders are created but answered HTTP 502 (the reply is lost)
- ``empty_pool``: true -> no tracking codes left to allocate
- ``cancel_after_pickup``: true -> an order that reaches 2 (collecting) is cancelled (4) right after
- ``out_of_order``: true -> an advance writes its statuses newest first, then repeats the oldest
"""

from __future__ import annotations

import argparse
import json
import secrets
import sqlite3
import sys
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qs, urlparse

from motcua.integrations.simkit import parse_fault, serve_until_stopped

from . import mapping

SIM_CUSTOMER = "MOTCUA"
SIM_KEY = "motcua-post-key"
SIM_SECRET = "motcua-post-secret"  # noqa: S105 - the simulator's, refused in production
REQUIRED = ("CustomerCode", "ServiceType", "OrderNumber", "ItemCode", "SenderName", "SenderAddress",
            "ReceiverName", "ReceiverAddress")
SCHEMA = """
CREATE TABLE IF NOT EXISTS token (token TEXT PRIMARY KEY, expires REAL NOT NULL);
CREATE TABLE IF NOT EXISTS code (code TEXT PRIMARY KEY, used INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, number TEXT NOT NULL, service TEXT NOT NULL,
    item_code TEXT NOT NULL UNIQUE, status INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tracking (id INTEGER PRIMARY KEY, item_code TEXT NOT NULL, number TEXT NOT NULL,
    status INTEGER NOT NULL, message TEXT NOT NULL, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS counter (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


class Refused(Exception):  # noqa: N818 - the post's own non-"100" answer
    def __init__(self, status: str, message: str, http: int = 200) -> None:
        super().__init__(message)
        self.status, self.http = status, http


class Post:
    """The simulated post's state and services (thread-safe: one lock around the database)."""

    def __init__(self, state: Path, *, customer: str = SIM_CUSTOMER, key: str = SIM_KEY, secret: str = SIM_SECRET,
                 token_ttl: float = 3600) -> None:
        self.db = sqlite3.connect(str(state), check_same_thread=False)
        self.db.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;" + SCHEMA)
        self.lock = threading.RLock()
        self.customer, self.key, self.secret, self.token_ttl = customer, key, secret, token_ttl
        self.faults: dict[str, Any] = {}
        self.logins = 0

    # -- switches --------------------------------------------------------------------------------
    def set_faults(self, changes: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            for name, value in changes.items():
                if name == "expire_tokens" and value:
                    self.db.execute("UPDATE token SET expires = 0")
                    self.db.commit()
                elif value is None:
                    self.faults.pop(name, None)
                else:
                    self.faults[name] = value
            return dict(self.faults)

    def take(self, name: str) -> bool:
        """Use one of the N occurrences of a counted fault."""
        with self.lock:
            left = int(self.faults.get(name) or 0)
            if left > 0:
                self.faults[name] = left - 1
            return left > 0

    def reset(self) -> None:
        with self.lock:
            self.db.executescript("DELETE FROM token; DELETE FROM code; DELETE FROM orders; DELETE FROM tracking;"
                                  "DELETE FROM counter;")
            self.faults.clear()
            self.logins = 0

    # -- token -----------------------------------------------------------------------------------
    def login(self, body: dict[str, Any]) -> dict[str, Any]:
        if (body.get("CustomerCode"), body.get("CustomerKey"), body.get("CustomerSecret")) != (
                self.customer, self.key, self.secret):
            raise Refused("401", "Sai mã khách hàng, khóa hoặc mật khẩu")
        token = secrets.token_urlsafe(24)
        with self.lock:
            self.logins += 1
            self.db.execute("INSERT INTO token VALUES (?, ?)", (token, time.time() + self.token_ttl))
            self.db.commit()
        return {"Status": mapping.CREATED, "Message": "Thành công", "Token": token, "ExpiresIn": self.token_ttl}

    def check_token(self, header: str) -> None:
        token = header.removeprefix("Bearer ").strip()
        with self.lock:
            row = self.db.execute("SELECT expires FROM token WHERE token = ?", (token,)).fetchone()
        if row is None or row[0] < time.time():
            raise Refused("401", "Token không hợp lệ hoặc đã hết hạn", http=401)

    # -- codes and orders ------------------------------------------------------------------------
    def allocate(self, body: dict[str, Any]) -> dict[str, Any]:
        count = max(0, min(int(body.get("Count") or 0), 1000))
        if self.faults.get("empty_pool"):
            return {"Status": "105", "Message": "Hết mã bưu gửi được cấp cho khách hàng", "Data": []}
        with self.lock:
            row = self.db.execute("SELECT value FROM counter WHERE name = 'code'").fetchone()
            first = (row[0] if row else 0) + 1
            codes = [mapping.item_code("EB", n) for n in range(first, first + count)]
            self.db.executemany("INSERT INTO code (code) VALUES (?)", [(c,) for c in codes])
            self.db.execute("INSERT INTO counter VALUES ('code', ?) ON CONFLICT (name) DO UPDATE SET value = ?",
                            (first + count - 1, first + count - 1))
            self.db.commit()
        return {"Status": mapping.CREATED, "Message": "Thành công", "Data": codes}

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        missing = [f for f in REQUIRED if not str(body.get(f) or "").strip()]
        if missing:
            raise Refused("101", "Thiếu thông tin: " + ", ".join(missing))
        if body["CustomerCode"] != self.customer:
            raise Refused("101", "Mã khách hàng không đúng")
        if body["ServiceType"] not in (mapping.SERVICE_PICKUP, mapping.SERVICE_DELIVERY):
            raise Refused("101", f"Loại dịch vụ không hợp lệ: {body['ServiceType']}")
        number, code = str(body["OrderNumber"]), str(body["ItemCode"])
        with self.lock:
            if self.db.execute("SELECT 1 FROM orders WHERE number = ? AND service = ? AND status != ?",
                               (number, body["ServiceType"], mapping.CANCELLED)).fetchone():
                raise Refused(mapping.DUPLICATE, f"OrderNumber {number} đã tồn tại")
            row = self.db.execute("SELECT used FROM code WHERE code = ?", (code,)).fetchone()
            if row is None or row[0]:
                raise Refused(mapping.BAD_ITEM_CODE, f"ItemCode {code} không được cấp cho khách hàng hoặc đã sử dụng")
            self.db.execute("UPDATE code SET used = 1 WHERE code = ?", (code,))
            self.db.execute("INSERT INTO orders (number, service, item_code, status, data) VALUES (?, ?, ?, ?, ?)",
                            (number, body["ServiceType"], code, mapping.REGISTERED,
                             json.dumps(body, ensure_ascii=False)))
            self._track(code, number, mapping.REGISTERED)
            self.db.commit()
        return {"Status": mapping.CREATED, "Message": "Tạo đơn hàng thành công", "OrderNumber": number,
                "ItemCode": code}

    def _track(self, code: str, number: str, status: int, message: str = "") -> None:
        self.db.execute("INSERT INTO tracking (item_code, number, status, message, at) VALUES (?, ?, ?, ?, ?)",
                        (code, number, status, message or mapping.STATUS_LABELS[status],
                         datetime.now(mapping.LOCAL).strftime(mapping.WIRE_TIME)))

    def get(self, number: str, service: str) -> dict[str, Any]:
        with self.lock:
            row = self.db.execute("SELECT data, status, item_code FROM orders WHERE number = ? AND service = ? "
                                  "ORDER BY status = ?, id DESC LIMIT 1",
                                  (number, service, mapping.CANCELLED)).fetchone()
        if row is None:
            return {"Status": "104", "Message": "Không tìm thấy đơn hàng"}
        return {"Status": mapping.CREATED, "Data": {**json.loads(row[0]), "StatusCode": row[1], "ItemCode": row[2]}}

    def tracking(self, last_id: int, limit: int) -> dict[str, Any]:
        with self.lock:
            rows = self.db.execute("SELECT id, number, item_code, status, message, at FROM tracking WHERE id > ? "
                                   "ORDER BY id LIMIT ?", (last_id, max(1, min(limit, 500)))).fetchall()
        return {"Status": mapping.CREATED, "Data": [
            {"id": r[0], "orderNumber": r[1], "itemCode": r[2], "statusCode": r[3], "statusMessage": r[4],
             "time": r[5]} for r in rows]}

    # -- moving parcels --------------------------------------------------------------------------
    def advance(self, body: dict[str, Any]) -> dict[str, Any]:
        """Write the statuses of one order (by ItemCode, or OrderNumber and ServiceType)."""
        statuses = [int(s) for s in (body.get("statuses") or [body.get("status")]) if s is not None]
        with self.lock:
            row = self._find(body)
            if row is None:
                raise Refused("104", "Không tìm thấy đơn hàng", http=404)
            order_id, number, code, current = row
            if self.faults.get("cancel_after_pickup") and mapping.COLLECTING in statuses:
                statuses = [*statuses[: statuses.index(mapping.COLLECTING) + 1], mapping.CANCELLED]
            written = list(reversed(statuses)) + statuses[:1] if self.faults.get("out_of_order") else statuses
            for s in written:
                self._track(code, number, s, str(body.get("message") or ""))
            final = current
            for s in statuses:
                if mapping.moves_forward(final, s):
                    final = s
            self.db.execute("UPDATE orders SET status = ? WHERE id = ?", (final, order_id))
            self.db.commit()
        return {"itemCode": code, "status": final, "written": written}

    def _find(self, body: dict[str, Any]) -> tuple[int, str, str, int] | None:
        if body.get("itemCode"):
            return self.db.execute("SELECT id, number, item_code, status FROM orders WHERE item_code = ?",
                                   (body["itemCode"],)).fetchone()
        return self.db.execute("SELECT id, number, item_code, status FROM orders WHERE number = ? AND service = ? "
                               "ORDER BY id DESC LIMIT 1",
                               (body.get("orderNumber"), body.get("serviceType"))).fetchone()

    def advance_all(self) -> int:
        """Every open order one status on (the demo's parcels move by themselves)."""
        with self.lock:
            rows = self.db.execute("SELECT item_code, status FROM orders WHERE status IN (?, ?)",
                                   (mapping.REGISTERED, mapping.COLLECTING)).fetchall()
            for code, status in rows:
                self.advance({"itemCode": code, "statuses": [status + 1]})
        return len(rows)

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            orders = [{"OrderNumber": r[0], "ServiceType": r[1], "ItemCode": r[2], "StatusCode": r[3]}
                      for r in self.db.execute("SELECT number, service, item_code, status FROM orders ORDER BY id")]
            tracking = self.db.execute("SELECT count(*) FROM tracking").fetchone()[0]
            codes = self.db.execute("SELECT count(*) FROM code WHERE used = 0").fetchone()[0]
        return {"orders": orders, "tracking_rows": tracking, "free_codes": codes, "faults": dict(self.faults),
                "logins": self.logins}


class Handler(BaseHTTPRequestHandler):
    post: Post
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the standard signature
        pass

    def reply(self, status: int, body: dict[str, Any] | str) -> None:
        text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8" if isinstance(body, str)
                         else "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self) -> dict[str, Any]:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            data = json.loads(raw or b"{}")
        except ValueError as exc:
            raise Refused("101", "Dữ liệu gửi lên không phải JSON") from exc
        if not isinstance(data, dict):
            raise Refused("101", "Dữ liệu gửi lên phải là một đối tượng JSON")
        return data

    def do_GET(self) -> None:  # noqa: N802 - http.server's names
        self.serve("GET")

    def do_POST(self) -> None:  # noqa: N802
        self.serve("POST")

    def serve(self, method: str) -> None:
        url = urlparse(self.path)
        try:
            body = self.body() if method == "POST" else {}
            if url.path.startswith("/_sim/"):
                return self.reply(200, self.simulator(method, url.path, body))
            if (method, url.path) == ("POST", "/api/token"):
                return self.reply(200, self.post.login(body))
            if not url.path.startswith("/api/"):
                return self.reply(404, {"Status": "404", "Message": "Không tìm thấy"})
            self.post.check_token(self.headers.get("Authorization", ""))
            delay = float(self.post.faults.get("delay") or 0)
            if delay:
                time.sleep(delay)
            if self.post.take("http_500"):
                return self.reply(500, "Internal Server Error")
            self.reply(200, self.api(method, url.path, {k: v[0] for k, v in parse_qs(url.query).items()}, body))
        except Refused as exc:
            self.reply(exc.http, {"Status": exc.status, "Message": str(exc)})
        except BrokenPipeError:  # the client gave up waiting (its timeout): the work is done anyway
            pass

    def api(self, method: str, path: str, query: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
        if (method, path) == ("POST", "/api/orders"):
            created = self.post.create(body)
            if self.post.take("drop_reply"):
                raise Refused("502", "Bad Gateway", http=502)
            return created
        if (method, path) == ("POST", "/api/itemcodes"):
            return self.post.allocate(body)
        if method == "GET" and path.startswith("/api/orders/"):
            return self.post.get(path.removeprefix("/api/orders/"), query.get("serviceType", ""))
        if (method, path) == ("GET", "/api/tracking"):
            return self.post.tracking(int(query.get("lastId") or 0), int(query.get("limit") or 100))
        raise Refused("404", "Không tìm thấy", http=404)

    def simulator(self, method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        if path == "/_sim/state":
            return self.post.snapshot()
        if path == "/_sim/faults":
            return self.post.set_faults(body) if method == "POST" else dict(self.post.faults)
        if path == "/_sim/advance" and method == "POST":
            return self.post.advance(body)
        if path == "/_sim/reset" and method == "POST":
            self.post.reset()
            return {"ok": True}
        raise Refused("404", "Không tìm thấy", http=404)


def serve(post: Post, host: str, port: int) -> ThreadingHTTPServer:
    """A server bound to (host, port) (port 0: a free one; see ``server.server_port``)."""
    server = ThreadingHTTPServer((host, port), type("PostHandler", (Handler,), {"post": post}))
    server.daemon_threads = True
    return server


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from motcua.conf import BASE_DIR

    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8092, help="0: a free port (printed)")
    parser.add_argument("--state", default=str(BASE_DIR / "var" / "sim-post.sqlite3"), help="its SQLite state file")
    parser.add_argument("--customer-code", default=SIM_CUSTOMER)
    parser.add_argument("--customer-key", default=SIM_KEY)
    parser.add_argument("--customer-secret", default=SIM_SECRET)
    parser.add_argument("--token-ttl", type=float, default=3600.0, help="seconds a token lives")
    parser.add_argument("--auto-advance", type=float, default=0.0,
                        help="every N seconds, every open order moves one status on (0: only by /_sim/advance)")
    parser.add_argument("--fault", action="append", default=[], metavar="NAME=VALUE",
                        help="a fault switch at start, VALUE in JSON (e.g. delay=3, empty_pool=true)")


def _autopilot(post: Post, every: float) -> None:
    while True:
        time.sleep(every)
        post.advance_all()


def run(opts: dict[str, Any], out: IO[str] = sys.stdout) -> None:
    """Serve until SIGTERM or Ctrl-C; prints its address first."""
    state = Path(opts["state"])
    state.parent.mkdir(parents=True, exist_ok=True)
    post = Post(state, customer=opts["customer_code"], key=opts["customer_key"], secret=opts["customer_secret"],
                token_ttl=opts["token_ttl"])
    post.set_faults(dict(parse_fault(f) for f in opts["fault"]))
    server = serve(post, opts["host"], opts["port"])
    if opts.get("auto_advance"):
        threading.Thread(target=_autopilot, args=(post, float(opts["auto_advance"])), daemon=True).start()
    serve_until_stopped(server, "post", opts["host"], out)


if __name__ == "__main__":  # python -m motcua.integrations.post.simulator (no Django needed)
    parser = argparse.ArgumentParser(description="public postal service simulator")
    add_arguments(parser)
    run(vars(parser.parse_args()))
