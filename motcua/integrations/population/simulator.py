"""A simulator of the population database look-up through the provincial data platform (LGSP)
(INTEGRATIONS.md section 4), as a real HTTP server (standard library and this package's mapping, no
Django; state in memory: a restart forgets its tokens and the request ids it has seen).

``motcua simulate population --port 8097 [--token-ttl SECONDS] [--fault NAME=VALUE ...]``

- ``POST /token`` (form: ``grant_type=client_credentials``, ``client_id``, ``client_secret``) ->
  ``{access_token, token_type, expires_in}``; HTTP 401 for other credentials.
- ``POST /dancu/TraCuuThongTinCongDan`` with ``Authorization: Bearer TOKEN`` (HTTP 401 when unknown or
  expired), JSON ``{MaYeuCau, MaDVC, MaTichHop, MaCanBo, HoVaTen, SoDinhDanh, Nam}`` -> a SOAP
  envelope with ``MaKetQua``: 0 found (with ``CongDan``), 1 no such ID number, 2 the name or birth
  year do not match the record, 3 the MaYeuCau was used before, 4 a field is missing or invalid.

The seeded population (``PEOPLE``) holds the demo citizen (068090001234, Nguyễn Văn An, born as the
VNeID simulator says), his family, the VNeID simulator's other citizen (001090000001) and a few
others; ``POST /_sim/people`` adds records (wire keys). Test endpoints: ``POST /_sim/faults``,
``POST /_sim/reset``, ``GET /_sim/state``.

Fault switches (``null`` clears one):

- ``miss``: true -> every look-up answers 1 (not found)
- ``name_mismatch``: true -> every look-up answers 2 (the name sent does not match the record)
- ``malformed``: N -> the next N look-ups answer a truncated, unparseable envelope
- ``incomplete``: N -> the next N hits answer a record without its birth date and residence
- ``wrong_request_id``: N -> the next N replies echo another MaYeuCau
- ``bomb``: N -> the next N replies carry an entity-expansion bomb ("billion laughs")
- ``external_entity``: N -> the next N replies carry an external entity (file:///etc/passwd)
- ``delay``: seconds -> every look-up waits that long before it is answered
- ``down``: true -> every look-up answers HTTP 503
- ``expire_tokens``: true -> every token issued so far is expired now (one shot)
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import IO, Any
from urllib.parse import parse_qs, urlparse

from motcua.integrations.simkit import parse_fault, serve_until_stopped

from . import mapping

SIM_CLIENT_ID = "motcua"
SIM_CLIENT_SECRET = "motcua-population-secret"  # noqa: S105 - the simulator's, refused in production
LGSP_TOWN = {"MaTinhThanh": "68", "MaPhuongXa": "24778"}


def _person(id_number: str, ho: str, chu_dem: str, ten: str, gender: str, born: str, address: str,
            **relations: dict[str, str]) -> dict[str, Any]:
    home = {**LGSP_TOWN, "ChiTiet": address}
    return {"SoDinhDanh": id_number, "Ho": ho, "ChuDem": chu_dem, "Ten": ten, "GioiTinh": gender,
            "NgayThangNam": born, "Nam": born[:4], "ThuongTru": home, "NoiOHienTai": home, **relations}


AN = {"SoDinhDanh": "068090001234", "HoVaTen": "Nguyễn Văn An"}
HOA = {"SoDinhDanh": "068192004567", "HoVaTen": "Trần Thị Hoa"}
PEOPLE: list[dict[str, Any]] = [
    _person("068090001234", "Nguyễn", "Văn", "An", "1", "19900101", "12 Trần Hưng Đạo, phường Xuân Hương, Lâm Đồng",
            VoChong=HOA, ChuHo=AN),
    _person("068192004567", "Trần", "Thị", "Hoa", "2", "19920704", "12 Trần Hưng Đạo, phường Xuân Hương, Lâm Đồng",
            VoChong=AN, ChuHo=AN),
    _person("068218007890", "Nguyễn", "Trần Bảo", "Ngọc", "2", "20180120",
            "12 Trần Hưng Đạo, phường Xuân Hương, Lâm Đồng", Cha=AN, Me=HOA, ChuHo=AN),
    _person("068085011223", "Lê", "Thị", "Ánh", "2", "19850911", "45 Phan Đình Phùng, phường 2, Đà Lạt, Lâm Đồng"),
    _person("068078033445", "Đỗ", "Văn", "Đức", "1", "19780228", "Thôn 3, xã Tà Nung, Lâm Đồng"),
    _person("068201055667", "Phạm", "Minh", "Khôi", "1", "20010605", "88 Hai Bà Trưng, phường Lâm Viên, Lâm Đồng"),
    _person("001090000001", "Trần", "Thị", "Bình", "2", "19900312", "5 Lê Lợi, phường 1, Đà Lạt, Lâm Đồng"),
]
REQUIRED = ("MaYeuCau", "MaDVC", "MaTichHop", "MaCanBo", "HoVaTen", "SoDinhDanh", "Nam")
BOMB = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";" if i > 1 else "&lol;") * 10}">' for i in range(1, 10))
        + ']><soap:Envelope xmlns:soap="' + mapping.SOAP_NS + '"><soap:Body>&lol9;</soap:Body></soap:Envelope>')
EXTERNAL = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            '<soap:Envelope xmlns:soap="' + mapping.SOAP_NS + '"><soap:Body>&x;</soap:Body></soap:Envelope>')


class Population:
    """The simulated platform's state (thread-safe: one lock)."""

    def __init__(self, *, client_id: str = SIM_CLIENT_ID, client_secret: str = SIM_CLIENT_SECRET,
                 token_ttl: float = 3600) -> None:
        self.client_id, self.client_secret, self.token_ttl = client_id, client_secret, token_ttl
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.people = {p["SoDinhDanh"]: dict(p) for p in PEOPLE}
            self.tokens: dict[str, float] = {}
            self.seen: set[str] = set()
            self.faults: dict[str, Any] = {}
            self.logins = self.lookups = 0
            self.in_flight = getattr(self, "in_flight", 0)  # look-ups being served (a reset does not end them)

    def set_faults(self, changes: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            for name, value in changes.items():
                if name == "expire_tokens" and value:
                    self.tokens = dict.fromkeys(self.tokens, 0.0)
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

    def login(self, form: dict[str, str]) -> dict[str, Any] | None:
        if (form.get("client_id"), form.get("client_secret")) != (self.client_id, self.client_secret):
            return None
        token = secrets.token_urlsafe(24)
        with self.lock:
            self.logins += 1
            self.tokens[token] = time.time() + self.token_ttl
        return {"access_token": token, "token_type": "Bearer", "expires_in": self.token_ttl}

    def token_ok(self, header: str) -> bool:
        with self.lock:
            return self.tokens.get(header.removeprefix("Bearer ").strip(), 0.0) > time.time()

    def look_up(self, body: dict[str, Any]) -> str:
        """The SOAP reply to one look-up (faults applied)."""
        rid = str(body.get("MaYeuCau") or "")
        with self.lock:
            self.lookups += 1
            duplicate = rid in self.seen
            self.seen.add(rid)
        code, record = self._answer(body, duplicate)
        if self.take("wrong_request_id"):
            rid = rid + "-X"
        if self.take("malformed"):
            return mapping.envelope(rid, code, record=record)[:150]
        if self.take("bomb"):
            return BOMB
        if self.take("external_entity"):
            return EXTERNAL
        return mapping.envelope(rid, code, record=record)

    def _answer(self, body: dict[str, Any], duplicate: bool) -> tuple[str, str]:
        if any(not str(body.get(f) or "").strip() for f in REQUIRED) or not str(body.get("Nam")).isdigit():
            return mapping.INVALID_REQUEST, ""
        if duplicate:
            return mapping.DUPLICATE_REQUEST, ""
        person = self.people.get(str(body["SoDinhDanh"]))
        if person is None or self.faults.get("miss"):
            return mapping.NOT_FOUND, ""
        name = mapping.fold_name(" ".join(person.get(k, "") for k in ("Ho", "ChuDem", "Ten")))
        if self.faults.get("name_mismatch") or name != mapping.fold_name(str(body["HoVaTen"])) \
                or str(body["Nam"]) != person["Nam"]:
            return mapping.MISMATCH, ""
        if self.take("incomplete"):
            person = {k: v for k, v in person.items() if k not in ("NgayThangNam", "Nam", "ThuongTru", "NoiOHienTai")}
        return mapping.FOUND, mapping.citizen_xml(person)

    def add_people(self, rows: list[dict[str, Any]]) -> int:
        with self.lock:
            for p in rows:
                self.people[str(p["SoDinhDanh"])] = dict(p)
        return len(rows)

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {"people": len(self.people), "lookups": self.lookups, "logins": self.logins,
                    "seen": len(self.seen), "faults": dict(self.faults), "in_flight": self.in_flight}

    def serving(self, step: int) -> None:
        with self.lock:
            self.in_flight += step


class Handler(BaseHTTPRequestHandler):
    population: Population
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the standard signature
        pass

    def reply(self, status: int, body: dict[str, Any] | str, content_type: str = "") -> None:
        text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type or "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def raw(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_GET(self) -> None:  # noqa: N802 - http.server's names
        if urlparse(self.path).path == "/_sim/state":
            return self.reply(200, self.population.snapshot())
        self.reply(404, {"error": "not found"})

    def do_POST(self) -> None:  # noqa: N802
        path, raw = urlparse(self.path).path, self.raw()
        try:
            if path == "/token":
                form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
                token = self.population.login(form)
                return self.reply(200, token) if token else self.reply(401, {"error": "invalid_client"})
            body = json.loads(raw or b"{}")
            if not isinstance(body, dict) and not (path == "/_sim/people" and isinstance(body, list)):
                return self.reply(400, {"error": "a JSON object is expected"})
            if path.startswith("/_sim/"):
                return self.reply(200, self.simulator(path, body))
            if path != "/dancu/" + mapping.OPERATION:
                return self.reply(404, {"error": "not found"})
            self.lookup(body)
        except ValueError:
            self.reply(400, {"error": "the body is not JSON"})
        except BrokenPipeError:  # the client gave up waiting (its time-out)
            pass

    def lookup(self, body: dict[str, Any]) -> None:
        if not self.population.token_ok(self.headers.get("Authorization", "")):
            return self.reply(401, {"error": "invalid_token", "error_description": "Token hết hạn hoặc không hợp lệ"})
        self.population.serving(1)
        try:
            delay = float(self.population.faults.get("delay") or 0)
            if delay:
                time.sleep(delay)
            if self.population.faults.get("down"):
                return self.reply(503, "Service Unavailable", "text/plain; charset=utf-8")
            self.reply(200, self.population.look_up(body), "text/xml; charset=utf-8")
        finally:
            self.population.serving(-1)

    def simulator(self, path: str, body: Any) -> dict[str, Any]:
        if path == "/_sim/faults":
            return self.population.set_faults(body)
        if path == "/_sim/reset":
            self.population.reset()
            return {"ok": True}
        if path == "/_sim/people":
            return {"added": self.population.add_people(body if isinstance(body, list) else [body])}
        return {"error": "not found"}


def serve(population: Population, host: str, port: int) -> ThreadingHTTPServer:
    """A server bound to (host, port) (port 0: a free one; see ``server.server_port``)."""
    server = ThreadingHTTPServer((host, port), type("PopulationHandler", (Handler,), {"population": population}))
    server.daemon_threads = True
    return server


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8097, help="0: a free port (printed)")
    parser.add_argument("--client-id", default=SIM_CLIENT_ID)
    parser.add_argument("--client-secret", default=SIM_CLIENT_SECRET)
    parser.add_argument("--token-ttl", type=float, default=3600.0, help="seconds a token lives")
    parser.add_argument("--fault", action="append", default=[], metavar="NAME=VALUE",
                        help="a fault switch at start, VALUE in JSON (e.g. delay=3, miss=true)")


def run(opts: dict[str, Any], out: IO[str] = sys.stdout) -> None:
    """Serve until SIGTERM or Ctrl-C; prints its address first."""
    population = Population(client_id=opts["client_id"], client_secret=opts["client_secret"],
                            token_ttl=opts["token_ttl"])
    population.set_faults(dict(parse_fault(f) for f in opts["fault"]))
    server = serve(population, opts["host"], opts["port"])
    serve_until_stopped(server, "population", opts["host"], out)


if __name__ == "__main__":  # python -m motcua.integrations.population.simulator (no Django needed)
    parser = argparse.ArgumentParser(description="population database (LGSP) simulator")
    add_arguments(parser)
    run(vars(parser.parse_args()))
