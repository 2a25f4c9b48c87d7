"""A simulator of the national public service portal's adapter gateway (INTEGRATIONS.md 1A), as a
real HTTP server (standard library only, state in its own SQLite file).

``motcua simulate national-portal --port 8090 [--state FILE] [--fault NAME=VALUE ...]``

It behaves as the integrators describe the portal: a session from ``POST /auth`` with the
``dstcode`` header, ``POST /integration`` for every service, insert refused for an existing code,
trail rows at most 10 a call, field length limits, unknown MaTTHC and a code whose prefix is not an
agency's identification code rejected, and its own naive on-time verdict (NgayKetThucXuLy against
NgayHenTra, blind to supplement pauses) returned by ``TraCuuHoSo``.

Fault switches (``POST /_sim/faults`` with a JSON object, or ``--fault NAME=VALUE``; ``GET`` reads
them, ``null`` clears one):

- ``expire_sessions``: true -> every session issued so far is expired now (one shot)
- ``http_500``: N -> the next N service calls answer HTTP 500
- ``delay``: seconds -> every service call waits that long first (read timeouts)
- ``fail_trail_call``: N -> the N-th ``CapNhatTienDoHoSoMC`` call from now fails (one shot)
- ``lookup_blind``: true -> ``TraCuuHoSo`` finds nothing (so an insert meets an existing code)
- ``reject_tthc``: [codes] -> these procedure codes are unknown
- ``trail_plain_text``: true -> trail calls answer in plain text ("... thành công"), as 1B does

``POST /_sim/tamper`` changes what it holds behind motcua's back, to plant differences in tests:
``{"delete": [codes], "set": {code: {field: value}}, "drop_trail": {code: n}}`` (drop the last n
trail rows). ``POST /_sim/reset`` empties it, ``GET /_sim/state`` lists what it holds (for tests), and
``GET /_sim/files/NAME`` serves the files of its inbound online dossiers.
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import sqlite3
import sys
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from motcua.integrations.simkit import parse_fault, serve_until_stopped

from . import mapping

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
AGENCY_CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")  # e.g. 000.00.11.H39
DEFAULT_CATALOG = Path(__file__).resolve().parents[2] / "catalog" / "fixtures" / "sample_catalog.json"
DATE_FIELDS = ("NgayTiepNhan", "NgayHenTra", "NgayTra", "NgayKetThucXuLy", "NgayTuChoi", "NgayNopHoSo")
SCHEMA = """
CREATE TABLE IF NOT EXISTS dossier (code TEXT PRIMARY KEY, data TEXT NOT NULL, updates INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS trail (id INTEGER PRIMARY KEY, code TEXT NOT NULL, row TEXT NOT NULL,
    UNIQUE (code, row));
CREATE TABLE IF NOT EXISTS session (token TEXT PRIMARY KEY, expires REAL NOT NULL);
"""


class Rejected(Exception):  # noqa: N818 - the portal's own "error_code" answer
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


class Portal:
    """The simulated portal's state and services (thread-safe: one lock around the database)."""

    def __init__(self, state: Path, *, username: str, password: str, dstcode: str, session_ttl: float = 1800,
                 catalog: Path = DEFAULT_CATALOG, agencies: list[str] | None = None, base_url: str = "") -> None:
        self.db = sqlite3.connect(str(state), check_same_thread=False)
        self.db.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;" + SCHEMA)
        self.lock = threading.Lock()
        self.username, self.password, self.dstcode = username, password, dstcode
        self.session_ttl = session_ttl
        self.faults: dict[str, Any] = {}
        self.trail_calls = 0
        self.logins = 0
        self.base_url = base_url
        data = json.loads(catalog.read_text(encoding="utf-8"))
        self.fields = {f["code"]: f["name"] for f in data["fields"]}
        # the national catalog knows national codes only: a local variant (2.000815.BSDT, the electronic
        # certified copy) is the national procedure it is mapped to, listed once
        national = [p for p in data["procedures"] if p.get("national_code", p["code"]) == p["code"]]
        self.procedures = {p["code"]: {"MaTTHC": p["code"], "TenTTHC": p["name"], "MaLinhVuc": p["field"],
                                       "TenLinhVuc": self.fields.get(p["field"], "")} for p in national}
        self.agencies = agencies or []

    # -- switches --------------------------------------------------------------------------------
    def set_faults(self, changes: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            for name, value in changes.items():
                if name == "expire_sessions" and value:
                    self.db.execute("UPDATE session SET expires = 0")
                    self.db.commit()
                elif name == "fail_trail_call":
                    self.trail_calls = 0
                    self.faults[name] = value
                elif value is None:
                    self.faults.pop(name, None)
                else:
                    self.faults[name] = value
            return dict(self.faults)

    def reset(self) -> None:
        with self.lock:
            self.db.executescript("DELETE FROM dossier; DELETE FROM trail; DELETE FROM session;")
            self.faults.clear()
            self.trail_calls = self.logins = 0

    def tamper(self, body: dict[str, Any]) -> dict[str, int]:
        done = {"deleted": 0, "changed": 0, "trail_dropped": 0}
        with self.lock:
            for code in body.get("delete") or []:
                done["deleted"] += self.db.execute("DELETE FROM dossier WHERE code = ?", (code,)).rowcount
                self.db.execute("DELETE FROM trail WHERE code = ?", (code,))
            for code, fields in (body.get("set") or {}).items():
                row = self.db.execute("SELECT data FROM dossier WHERE code = ?", (code,)).fetchone()
                if row:
                    data = {**json.loads(row[0]), **fields}
                    self.db.execute("UPDATE dossier SET data = ? WHERE code = ?",
                                    (json.dumps(data, ensure_ascii=False), code))
                    done["changed"] += 1
            for code, n in (body.get("drop_trail") or {}).items():
                ids = [r[0] for r in self.db.execute("SELECT id FROM trail WHERE code = ? ORDER BY id DESC LIMIT ?",
                                                     (code, int(n)))]
                self.db.executemany("DELETE FROM trail WHERE id = ?", [(i,) for i in ids])
                done["trail_dropped"] += len(ids)
            self.db.commit()
        return done

    def take_http_500(self) -> bool:
        with self.lock:
            left = int(self.faults.get("http_500") or 0)
            if left > 0:
                self.faults["http_500"] = left - 1
            return left > 0

    # -- session -------------------------------------------------------------------------------
    def login(self, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("username") != self.username or body.get("password") != self.password:
            raise Rejected(1, "Sai tên đăng nhập hoặc mật khẩu")
        token = secrets.token_urlsafe(24)
        with self.lock:
            self.logins += 1
            self.db.execute("INSERT INTO session VALUES (?, ?)", (token, time.time() + self.session_ttl))
            self.db.commit()
        return {"session": token, "error_code": 0}

    def check_session(self, token: object) -> None:
        with self.lock:
            row = self.db.execute("SELECT expires FROM session WHERE token = ?", (str(token),)).fetchone()
        if row is None or row[0] < time.time():
            raise Rejected(2, "Phiên làm việc không hợp lệ hoặc đã hết hạn")

    # -- services ------------------------------------------------------------------------------
    def call(self, body: dict[str, Any]) -> dict[str, Any] | str:
        self.check_session(body.get("session"))
        if not body.get("madonvi"):
            raise Rejected(1, "Thiếu mã đơn vị (madonvi)")
        service = body.get("service")
        handler = getattr(self, f"svc_{service}", None)
        if handler is None:
            raise Rejected(1, f"Dịch vụ không tồn tại: {service}")
        return handler(body)  # type: ignore[no-any-return]

    def svc_TraCuuHoSo(self, body: dict[str, Any]) -> dict[str, Any]:  # noqa: N802 - the portal's names
        if self.faults.get("lookup_blind"):
            return {"error_code": 0, "result": []}
        found = self.lookup(str(body.get("MaHoSo", "")))
        return {"error_code": 0, "result": [found] if found else []}

    def svc_DongBoHoSoMC(self, body: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        updating = str(body.get("isUpdating", "False")) == "True"
        dossiers = body.get("data")
        if not isinstance(dossiers, list) or not dossiers:
            raise Rejected(1, "Thiếu dữ liệu hồ sơ (data)")
        for d in dossiers:
            self.validate_dossier(d)
        result = []
        with self.lock:
            for d in dossiers:
                result.append(self._store(d, updating))
            self.db.commit()
        return {"error_code": 0, "result": result}

    def _store(self, d: dict[str, Any], updating: bool) -> dict[str, Any]:
        code = d["MaHoSo"]
        exists = self.db.execute("SELECT 1 FROM dossier WHERE code = ?", (code,)).fetchone()
        if exists and not updating:
            self.db.rollback()
            raise Rejected(-3, f"Hồ sơ {code} đã tồn tại")
        if not exists and updating:
            self.db.rollback()
            raise Rejected(4, f"Hồ sơ {code} không tồn tại, không thể cập nhật")
        self.db.execute("INSERT INTO dossier VALUES (?, ?, 1) ON CONFLICT (code) DO UPDATE SET data = excluded.data,"
                        " updates = updates + 1", (code, json.dumps(d, ensure_ascii=False)))
        return {"MaHoSo": code, "ketqua": "cập nhật" if updating else "thêm mới"}

    def validate_dossier(self, d: dict[str, Any]) -> None:
        code = str(d.get("MaHoSo") or "")
        if not code:
            raise Rejected(1, "Thiếu MaHoSo")
        prefix = code.split("-")[0]
        if not AGENCY_CODE.match(prefix) or (self.agencies and prefix not in self.agencies):
            raise Rejected(5, f"Mã hồ sơ {code}: tiền tố {prefix} không phải mã định danh của cơ quan")
        tthc = str(d.get("MaTTHC") or "")
        if tthc not in self.procedures or tthc in (self.faults.get("reject_tthc") or []):
            raise Rejected(6, f"Mã thủ tục hành chính {tthc!r} không có trong Cơ sở dữ liệu quốc gia")
        status = d.get("TrangThaiHoSo")
        if str(status) not in {str(i) for i in range(1, 11)}:
            raise Rejected(1, f"TrangThaiHoSo {status!r} không hợp lệ (1-10)")
        for name in DATE_FIELDS:
            if d.get(name) and not re.fullmatch(r"\d{14}", str(d[name])):
                raise Rejected(1, f"{name} phải có dạng yyyyMMddHHmmss")
        self.check_lengths(d)

    def check_lengths(self, d: dict[str, Any]) -> None:
        for name, limit in mapping.DOSSIER_LIMITS.items():
            if len(str(d.get(name) or "")) > limit:
                raise Rejected(7, f"{name} dài quá {limit} ký tự")
        for doc in d.get("TaiLieuNop") or []:
            if len(str(doc.get("TenTepDinhKem") or "")) > mapping.FILE_NAME_LIMIT:
                raise Rejected(7, f"TenTepDinhKem dài quá {mapping.FILE_NAME_LIMIT} ký tự")

    def svc_CapNhatTienDoHoSoMC(self, body: dict[str, Any]) -> dict[str, Any] | str:  # noqa: N802
        plain = bool(self.faults.get("trail_plain_text"))
        try:
            added = self._add_trail(body.get("data"))
        except Rejected as exc:
            if plain:
                return f"Lỗi: {exc}"
            raise
        if plain:
            return "Cập nhật tiến độ thành công"
        return {"error_code": 0, "result": [{"MaHoSo": c, "sodong": n} for c, n in added.items()]}

    def _add_trail(self, rows: object) -> dict[str, int]:
        with self.lock:
            self.trail_calls += 1
            if self.faults.get("fail_trail_call") == self.trail_calls:
                self.faults.pop("fail_trail_call")
                raise Rejected(1, "Lỗi hệ thống khi cập nhật tiến độ, đề nghị gửi lại")
        if not isinstance(rows, list) or not rows:
            raise Rejected(1, "Thiếu dữ liệu tiến độ (data)")
        if len(rows) > mapping.TRAIL_ROWS_PER_CALL:
            raise Rejected(8, f"Mỗi lần gửi tối đa {mapping.TRAIL_ROWS_PER_CALL} dòng tiến độ")
        for r in rows:
            for name, limit in mapping.TRAIL_LIMITS.items():
                if len(str(r.get(name) or "")) > limit:
                    raise Rejected(7, f"{name} dài quá {limit} ký tự")
        added: dict[str, int] = {}
        with self.lock:
            for r in rows:
                code = str(r.get("MaHoSo") or "")
                if not self.db.execute("SELECT 1 FROM dossier WHERE code = ?", (code,)).fetchone():
                    self.db.rollback()
                    raise Rejected(4, f"Hồ sơ {code} không tồn tại")
                cur = self.db.execute("INSERT OR IGNORE INTO trail (code, row) VALUES (?, ?)",
                                      (code, json.dumps(r, ensure_ascii=False, sort_keys=True)))
                added[code] = added.get(code, 0) + cur.rowcount
            self.db.commit()
        return added

    def svc_LayDanhSachTTHC(self, body: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        return {"error_code": 0, "result": list(self.procedures.values())}

    def svc_LayThuTuc(self, body: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        found = self.procedures.get(str(body.get("maTTHC", "")))
        return {"error_code": 0, "result": [found] if found else []}

    def svc_LayDanhMucCoQuan(self, body: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        return {"error_code": 0, "result": [{"MaCoQuan": a, "TenCoQuan": a} for a in self.agencies]}

    def svc_LayDanhMucLinhVuc(self, body: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        return {"error_code": 0, "result": [{"MaLinhVuc": c, "TenLinhVuc": n} for c, n in self.fields.items()]}

    def svc_LayDanhSachHoSoTrucTuyen(self, body: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        """The online dossiers filed on the portal (no public name for this call: the simulator's)."""
        return {"error_code": 0, "result": inbound_dossiers(self)}

    # -- reads ---------------------------------------------------------------------------------
    def lookup(self, code: str) -> dict[str, Any] | None:
        with self.lock:
            row = self.db.execute("SELECT data, updates FROM dossier WHERE code = ?", (code,)).fetchone()
            trail = [json.loads(r[0]) for r in self.db.execute(
                "SELECT row FROM trail WHERE code = ? ORDER BY id", (code,))]
        if row is None:
            return None
        d = json.loads(row[0])
        verdict, why = naive_verdict(d, datetime.now(LOCAL))
        return {**d, "QuaTrinhXuLy": trail, "SoLanCapNhat": row[1], "DanhGiaDungHan": verdict,
                "DienGiaiDanhGia": why}

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            codes = [r[0] for r in self.db.execute("SELECT code FROM dossier ORDER BY code")]
            trail = self.db.execute("SELECT count(*) FROM trail").fetchone()[0]
        return {"dossiers": codes, "trail_rows": trail, "faults": dict(self.faults), "logins": self.logins}


def naive_verdict(d: dict[str, Any], now: datetime) -> tuple[str, str]:
    """The portal's own judgement: finished (NgayKetThucXuLy) by the appointment (NgayHenTra) or not,
    with no notion of supplement pauses or working time."""
    due, end = d.get("NgayHenTra"), d.get("NgayKetThucXuLy")
    if not due:
        return "", "Không có ngày hẹn trả"
    if end:
        on_time = str(end) <= str(due)  # same fixed-width local format: string order is time order
        return ("DUNG_HAN", "Kết thúc xử lý trước hoặc đúng ngày hẹn trả") if on_time else (
            "QUA_HAN", "Kết thúc xử lý sau ngày hẹn trả")
    if mapping.format_time(now) > str(due):
        return "QUA_HAN", "Chưa kết thúc xử lý và đã quá ngày hẹn trả"
    return "DANG_XU_LY", "Đang xử lý, chưa đến ngày hẹn trả"


def inbound_dossiers(portal: Portal) -> list[dict[str, Any]]:
    """A few online dossiers filed by citizens on the portal, for the demo (fixed codes, so
    pulling them twice gives the same dossiers)."""
    today = datetime.now(LOCAL).replace(hour=8, minute=30, second=0, microsecond=0)
    agency = portal.agencies[0] if portal.agencies else "000.00.11.H39"
    procs = list(portal.procedures.values())[:3]
    people = [("Nguyễn Văn An", "079090001234"), ("Trần Thị Bình", "068185004321"), ("Lê Minh Châu", "068200007777")]
    out = []
    for i, (proc, (name, cid)) in enumerate(zip(procs, people, strict=False), start=1):
        filed = today - timedelta(days=i)
        out.append({
            "MaHoSo": f"{agency}-{filed:%y%m%d}-DVC{i:04d}", "MaTTHC": proc["MaTTHC"], "TenTTHC": proc["TenTTHC"],
            "MaLinhVuc": proc["MaLinhVuc"], "KenhThucHien": 2, "ChuHoSo": name, "LoaiDoiTuong": 1,
            "MaDoiTuong": f"dvcqg-{cid}", "SoGiayToChuHoSo": cid, "TrangThaiHoSo": 1,
            "NgayNopHoSo": mapping.format_time(filed), "DinhDanhCHS": [{"LoaiDinhDanh": 1, "SoDinhDanh": cid}],
            "TaiLieuNop": [{"TepDinhKemId": f"dvc{i}-1", "TenTepDinhKem": "to-khai.pdf", "IsDeleted": False,
                            "MaThanhPhanHoSo": "TK", "DuocSoHoa": True,
                            "DuongDanTaiTepTin": f"{portal.base_url}/_sim/files/dvc{i}-1.pdf"}],
        })
    return out


SAMPLE_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
              b"endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


class Handler(BaseHTTPRequestHandler):
    portal: Portal
    auth_path = "/auth"
    integration_path = "/integration"
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes: no 40 ms delayed-ACK wait

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
            raise Rejected(1, "Dữ liệu gửi lên không phải JSON") from exc
        if not isinstance(data, dict):
            raise Rejected(1, "Dữ liệu gửi lên phải là một đối tượng JSON")
        return data

    def do_GET(self) -> None:  # noqa: N802 - http.server's names
        if self.path == "/_sim/state":
            self.reply(200, self.portal.snapshot())
        elif self.path == "/_sim/faults":
            self.reply(200, self.portal.faults)
        elif self.path.startswith("/_sim/files/"):
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", str(len(SAMPLE_PDF)))
            self.end_headers()
            self.wfile.write(SAMPLE_PDF)
        else:
            self.reply(404, {"error_code": 404, "message": "Không tìm thấy"})

    def do_POST(self) -> None:  # noqa: N802
        try:
            body = self.body()
            if self.path == "/_sim/faults":
                return self.reply(200, self.portal.set_faults(body))
            if self.path == "/_sim/tamper":
                return self.reply(200, self.portal.tamper(body))
            if self.path == "/_sim/reset":
                self.portal.reset()
                return self.reply(200, {"ok": True})
            if self.path not in (self.auth_path, self.integration_path):
                return self.reply(404, {"error_code": 404, "message": "Không tìm thấy"})
            self.serve_portal(body)
        except Rejected as exc:
            self.reply(200, {"error_code": exc.code, "message": str(exc), "result": []})

    def serve_portal(self, body: dict[str, Any]) -> None:
        if self.headers.get("dstcode") != self.portal.dstcode:
            raise Rejected(1, "Sai hoặc thiếu mã tỉnh (dstcode)")
        if self.path == self.auth_path:
            return self.reply(200, self.portal.login(body))
        delay = float(self.portal.faults.get("delay") or 0)
        if delay:
            time.sleep(delay)
        if self.portal.take_http_500():
            return self.reply(500, "Internal Server Error")
        self.reply(200, self.portal.call(body))


def serve(portal: Portal, host: str, port: int, auth_path: str = "/auth",
          integration_path: str = "/integration") -> ThreadingHTTPServer:
    """A server bound to (host, port) (port 0: a free one; see ``server.server_port``)."""
    handler = type("PortalHandler", (Handler,), {"portal": portal, "auth_path": auth_path,
                                                  "integration_path": integration_path})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    portal.base_url = portal.base_url or f"http://{host}:{server.server_port}"
    return server


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from motcua.conf import BASE_DIR, CONFIG, SIMULATOR_PASSWORD, SIMULATOR_USERNAME

    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090, help="0: a free port (printed)")
    parser.add_argument("--state", default=str(BASE_DIR / "var" / "sim-national-portal.sqlite3"),
                        help="its SQLite state file")
    parser.add_argument("--username", default=SIMULATOR_USERNAME)
    parser.add_argument("--password", default=SIMULATOR_PASSWORD)
    parser.add_argument("--dstcode", default=CONFIG.national_portal_dstcode or "000.00.00.H39")
    parser.add_argument("--auth-path", default=CONFIG.national_portal_auth_path)
    parser.add_argument("--integration-path", default=CONFIG.national_portal_integration_path)
    parser.add_argument("--agencies", default="", help="comma-separated agency codes accepted as code prefix "
                        "(default: any code of the national form 000.00.00.H00)")
    parser.add_argument("--session-ttl", type=float, default=1800.0, help="seconds a session lives")
    parser.add_argument("--fault", action="append", default=[], metavar="NAME=VALUE",
                        help="a fault switch at start, VALUE in JSON (e.g. http_500=3, delay=2, lookup_blind=true)")


def run(opts: dict[str, Any], out: IO[str] = sys.stdout) -> None:
    """Serve until SIGTERM or Ctrl-C; prints its address first."""
    state = Path(opts["state"])
    state.parent.mkdir(parents=True, exist_ok=True)
    portal = Portal(state, username=opts["username"], password=opts["password"], dstcode=opts["dstcode"],
                    session_ttl=opts["session_ttl"], agencies=[a for a in opts["agencies"].split(",") if a])
    portal.set_faults(dict(parse_fault(f) for f in opts["fault"]))
    server = serve(portal, opts["host"], opts["port"], opts["auth_path"], opts["integration_path"])
    serve_until_stopped(server, "national-portal", opts["host"], out)


if __name__ == "__main__":  # python -m motcua.integrations.national_portal.simulator (no Django needed)
    parser = argparse.ArgumentParser(description="national portal simulator")
    add_arguments(parser)
    run(vars(parser.parse_args()))
