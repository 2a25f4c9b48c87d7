"""A simulator of the national e-ID provider (VNeID through the portal's SSO, INTEGRATIONS.md section 4):
an OpenID Connect provider as a real HTTP server (standard library, plus joserfc for the RS256 ID
tokens; its state is in memory, a restart forgets every code and token).

``motcua simulate vneid --port 8096 [--fault NAME=VALUE ...]``

- ``GET /.well-known/openid-configuration`` and ``GET /oauth2/jwks`` (one RSA key, generated at start);
- ``GET /oauth2/authorize`` (code flow only, PKCE S256 required, ``state`` and ``nonce`` required):
  a small sign-in page (no JavaScript) where a test identity is chosen or typed, with the level
  (LoA1 / LoA2); ``POST /oauth2/authorize`` sends the browser back with ``code`` and ``state``, or with
  ``error=access_denied`` when "Hủy" is pressed;
- ``POST /oauth2/token`` (client_secret_basic or _post): a code is good once, for 60 seconds, for its
  redirect URI and PKCE verifier; a second use is refused (invalid_grant) and revokes what the first gave;
- ``GET /oauth2/userinfo`` (Bearer): the identity's claims; ``POST /oauth2/revoke`` (RFC 7009).

Fault switches (``POST /_sim/faults`` with a JSON object, or ``--fault NAME=VALUE``; ``null`` clears):

- ``cancel``: true -> the next sign-ins come back ``error=access_denied`` (the person cancelled)
- ``state_mismatch``: true -> the browser is sent back with another ``state``
- ``reuse_code``: true -> the browser is sent back with the last code already redeemed
- ``token_expired``: true -> ID tokens and access tokens are issued already expired
- ``loa``: "LoA1" -> every token states that level, whatever was asked
- ``wrong_nonce`` / ``wrong_issuer`` / ``wrong_audience`` / ``bad_signature``: true -> the ID token
  carries another nonce / issuer / audience, or is signed by another key under the same key id
- ``down``: true -> every endpoint answers 503
- ``delay``: seconds -> every endpoint waits that long first (a time-out for a patient client)

``POST /_sim/reset`` forgets codes, tokens and switches; ``GET /_sim/state`` lists codes, tokens
(``revoked``) and the switches.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import html
import json
import secrets
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import IO, Any
from urllib.parse import parse_qs, urlencode, urlsplit

from motcua.integrations.simkit import parse_fault, serve_until_stopped

from . import mapping

SIM_CLIENT_ID = "motcua-portal"
SIM_CLIENT_SECRET = "motcua-vneid-sim-secret"  # noqa: S105 - the simulator's, refused in production
CODE_TTL = 60.0
TOKEN_TTL = 900.0
KEY_ID = "sim-vneid-1"

# the test identities offered on the sign-in page (the second is the demo citizen "congdan")
PEOPLE: list[dict[str, Any]] = [
    {"sub": "vneid-001090000001", "LoaiTaiKhoan": 1, "SoDinhDanh": "001090000001", "HoVaTen": "Trần Thị Bình",
     "NgayThangNamSinh": "12/03/1990", "GioiTinh": "2", "ThuongTru": "5 Lê Lợi, phường 1, Đà Lạt, Lâm Đồng",
     "NoiOHienNay": "5 Lê Lợi, phường 1, Đà Lạt, Lâm Đồng", "SoDienThoai": "0987654321",
     "ThuDienTu": "binh.tran@example.vn", "TechID": "T-0001"},
    {"sub": "vneid-068090001234", "LoaiTaiKhoan": 1, "SoDinhDanh": "068090001234", "HoVaTen": "Nguyễn Văn An",
     "NgayThangNamSinh": "01/01/1990", "GioiTinh": "1", "ThuongTru": "12 Trần Hưng Đạo, phường Xuân Hương",
     "NoiOHienNay": "12 Trần Hưng Đạo, phường Xuân Hương", "SoDienThoai": "0912345678", "ThuDienTu": "",
     "TechID": "T-0002"},
    {"sub": "vneid-dn-0101234567", "LoaiTaiKhoan": 2, "SoDinhDanh": "001085000111", "MaSoThue": "0101234567",
     "HoVaTen": "Công ty TNHH Hoa Lâm Đồng", "ThuongTru": "20 Phan Đình Phùng, Đà Lạt", "SoDienThoai": "02633822222",
     "ThuDienTu": "lienhe@hoalamdong.example.vn", "TechID": "T-0003"},
    {"sub": "vneid-tc-0300000001", "LoaiTaiKhoan": 3, "SoDinhDanh": "", "MaSoThue": "0300000001",
     "HoVaTen": "Hợp tác xã Rau Cầu Đất", "ThuongTru": "Xuân Trường, Đà Lạt", "TechID": "T-0004"},
]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Provider:
    """Codes, tokens and switches (thread-safe: one lock)."""

    def __init__(self, *, client_id: str = SIM_CLIENT_ID, client_secret: str = SIM_CLIENT_SECRET,
                 redirect_uris: tuple[str, ...] = ()) -> None:
        from joserfc.jwk import RSAKey

        self.key = RSAKey.generate_key(2048, parameters={"kid": KEY_ID, "use": "sig", "alg": "RS256"})
        self.rogue = RSAKey.generate_key(2048, parameters={"kid": KEY_ID, "alg": "RS256"})
        self.client_id, self.client_secret, self.redirect_uris = client_id, client_secret, redirect_uris
        self.lock = threading.Lock()
        self.faults: dict[str, Any] = {}
        self.codes: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, dict[str, Any]] = {}
        self.last_redeemed = ""

    def set_faults(self, changes: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            for name, value in changes.items():
                if value is None or value is False:
                    self.faults.pop(name, None)
                else:
                    self.faults[name] = value
            return dict(self.faults)

    def reset(self) -> None:
        with self.lock:
            self.faults.clear()
            self.codes.clear()
            self.tokens.clear()
            self.last_redeemed = ""

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {"faults": dict(self.faults),
                    "codes": [{"used": c["used"], "sub": c["person"]["sub"]} for c in self.codes.values()],
                    "tokens": [{"sub": t["person"]["sub"], "revoked": t["revoked"], "loa": t["loa"]}
                               for t in self.tokens.values()]}

    # ---- authorize ----------------------------------------------------------------------------

    def check_request(self, q: dict[str, str]) -> str:
        """"" if the authorization request is acceptable, else the reason."""
        if q.get("response_type") != "code":
            return "response_type must be code"
        if q.get("client_id") != self.client_id:
            return "unknown client_id"
        if not q.get("redirect_uri") or (self.redirect_uris and q["redirect_uri"] not in self.redirect_uris):
            return "redirect_uri not registered"
        if "openid" not in q.get("scope", "").split():
            return "scope must include openid"
        if not q.get("state") or not q.get("nonce"):
            return "state and nonce are required"
        if q.get("code_challenge_method") != "S256" or len(q.get("code_challenge", "")) < 43:
            return "PKCE S256 is required"
        return ""

    def grant(self, q: dict[str, str], person: dict[str, Any], loa: str) -> str:
        """The URL the browser goes back to after the person signed in (or cancelled)."""
        target = q["redirect_uri"]
        with self.lock:
            faults = dict(self.faults)
            if faults.get("cancel"):
                return _with(target, error="access_denied", error_description="Người dùng hủy đăng nhập",
                             state=q["state"])
            code = secrets.token_urlsafe(24)
            self.codes[code] = {"person": person, "loa": faults.get("loa") or loa, "q": dict(q), "at": time.time(),
                                "used": False, "tokens": []}
            if faults.get("reuse_code") and self.last_redeemed:
                code = self.last_redeemed
        state = "x" + secrets.token_urlsafe(16) if faults.get("state_mismatch") else q["state"]
        return _with(target, code=code, state=state)

    # ---- token --------------------------------------------------------------------------------

    def redeem(self, form: dict[str, str], basic: tuple[str, str] | None, issuer: str) -> tuple[int, dict[str, Any]]:
        client_id, secret = basic or (form.get("client_id", ""), form.get("client_secret", ""))
        if client_id != self.client_id or not secrets.compare_digest(secret, self.client_secret):
            return 401, {"error": "invalid_client"}
        if form.get("grant_type") != "authorization_code":
            return 400, {"error": "unsupported_grant_type"}
        with self.lock:
            grant = self.codes.get(form.get("code", ""))
            if grant is None:
                return 400, {"error": "invalid_grant", "error_description": "unknown code"}
            if grant["used"]:
                for token in grant["tokens"]:  # RFC 6749 4.1.2: a replayed code revokes what it gave
                    self.tokens[token]["revoked"] = True
                return 400, {"error": "invalid_grant", "error_description": "code already used"}
            grant["used"] = True
            self.last_redeemed = form.get("code", "")
            if time.time() - grant["at"] > CODE_TTL:
                return 400, {"error": "invalid_grant", "error_description": "code expired"}
            if form.get("redirect_uri") != grant["q"]["redirect_uri"]:
                return 400, {"error": "invalid_grant", "error_description": "redirect_uri differs"}
            verifier = form.get("code_verifier", "")
            if _b64(hashlib.sha256(verifier.encode()).digest()) != grant["q"]["code_challenge"]:
                return 400, {"error": "invalid_grant", "error_description": "PKCE verification failed"}
            faults = dict(self.faults)
            now = time.time()
            expires = now - 3600 if faults.get("token_expired") else now + TOKEN_TTL
            access = secrets.token_urlsafe(32)
            self.tokens[access] = {"person": grant["person"], "loa": grant["loa"], "exp": expires, "revoked": False}
            grant["tokens"].append(access)
        id_token = self.id_token(grant, faults, issuer, now, expires)
        return 200, {"access_token": access, "token_type": "Bearer", "expires_in": int(expires - now),
                     "id_token": id_token, "scope": "openid"}

    def id_token(self, grant: dict[str, Any], faults: dict[str, Any], issuer: str, now: float, exp: float) -> str:
        from joserfc import jwt

        person, q = grant["person"], grant["q"]
        claims = {"iss": issuer + ("/other" if faults.get("wrong_issuer") else ""), "sub": person["sub"],
                  "aud": "another-client" if faults.get("wrong_audience") else self.client_id,
                  "iat": int(now), "exp": int(exp), "auth_time": int(grant["at"]),
                  "nonce": "not-" + q["nonce"] if faults.get("wrong_nonce") else q["nonce"],
                  "acr": grant["loa"], "loAs": list(mapping.LOA_LEVELS[:mapping.loa_rank(grant["loa"])]),
                  "LoaiTaiKhoan": person.get("LoaiTaiKhoan", 1)}
        key = self.rogue if faults.get("bad_signature") else self.key
        return jwt.encode({"alg": "RS256", "kid": KEY_ID, "typ": "JWT"}, claims, key)

    def userinfo(self, token: str) -> tuple[int, dict[str, Any]]:
        with self.lock:
            t = self.tokens.get(token)
            if t is None or t["revoked"] or t["exp"] < time.time():
                return 401, {"error": "invalid_token"}
            return 200, mapping.claims_of(t["person"], t["loa"])

    def revoke(self, token: str) -> None:
        with self.lock:
            if token in self.tokens:
                self.tokens[token]["revoked"] = True


def _with(url: str, **params: str) -> str:
    return url + ("&" if urlsplit(url).query else "?") + urlencode(params)


def _person_from(form: dict[str, str]) -> dict[str, Any] | None:
    """The identity chosen on the sign-in page, or the one typed there."""
    chosen = form.get("person", "")
    for person in PEOPLE:
        if person["sub"] == chosen:
            return person
    number, name = form.get("SoDinhDanh", "").strip(), " ".join(form.get("HoVaTen", "").split())
    if chosen == "typed" and number.isdigit() and len(number) == 12 and name:
        return {"sub": f"vneid-{number}", "LoaiTaiKhoan": 1, "SoDinhDanh": number, "HoVaTen": name,
                "NgayThangNamSinh": form.get("NgayThangNamSinh", "").strip(),
                "SoDienThoai": form.get("SoDienThoai", "").strip()}
    return None


PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>VNeID (giả lập)</title></head>
<body><h1>Đăng nhập bằng tài khoản định danh điện tử (giả lập VNeID)</h1>
{error}<form method="post" action="/oauth2/authorize">{hidden}
<fieldset><legend>Chọn danh tính thử nghiệm</legend>{people}
<label><input type="radio" name="person" value="typed"> Nhập danh tính khác:</label>
<label>Số định danh <input name="SoDinhDanh" maxlength="12"></label>
<label>Họ và tên <input name="HoVaTen"></label>
<label>Ngày sinh <input name="NgayThangNamSinh" placeholder="dd/mm/yyyy"></label></fieldset>
<label>Mức độ định danh <select name="loa">{levels}</select></label>
<p><button type="submit" name="action" value="login">Đăng nhập</button>
<button type="submit" name="action" value="cancel">Hủy</button></p></form></body></html>"""


def login_page(q: dict[str, str], error: str = "") -> str:
    hidden = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in q.items())
    people = "".join(
        f'<label><input type="radio" name="person" value="{html.escape(p["sub"])}"{" checked" if i == 0 else ""}> '
        f'{html.escape(p["HoVaTen"])} ({html.escape(p.get("MaSoThue") or p["SoDinhDanh"])})</label><br>'
        for i, p in enumerate(PEOPLE))
    wanted = q.get("acr_values", "LoA2").split()[0] if q.get("acr_values") else "LoA2"
    levels = "".join(f'<option value="{lv}"{" selected" if lv == wanted else ""}>{lv}</option>'
                     for lv in mapping.LOA_LEVELS)
    err = f'<p role="alert">{html.escape(error)}</p>' if error else ""
    return PAGE.format(error=err, hidden=hidden, people=people, levels=levels)


class Handler(BaseHTTPRequestHandler):
    provider: Provider
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    @property
    def issuer(self) -> str:
        return f"http://{self.headers.get('Host') or '127.0.0.1'}"

    def reply(self, status: int, body: str, content_type: str = "application/json; charset=utf-8",
              headers: dict[str, str] | None = None) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def reply_json(self, status: int, body: object) -> None:
        self.reply(status, json.dumps(body, ensure_ascii=False))

    def bad_request(self, problem: str) -> None:
        self.reply(400, f"<p>Yêu cầu không hợp lệ: {html.escape(problem)}</p>", "text/html; charset=utf-8")

    def _unavailable(self) -> bool:
        delay = float(self.provider.faults.get("delay") or 0)
        if delay:
            time.sleep(delay)
        if self.provider.faults.get("down"):
            self.reply(503, "Service Unavailable", "text/plain")
            return True
        return False

    def do_GET(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        if url.path.startswith("/_sim/"):
            return self.reply_json(200, self.provider.snapshot() if url.path == "/_sim/state" else self.provider.faults)
        if self._unavailable():
            return None
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/.well-known/openid-configuration":
            return self.reply_json(200, self.metadata())
        if url.path == "/oauth2/jwks":
            return self.reply_json(200, {"keys": [self.provider.key.as_dict(private=False)]})
        if url.path == "/oauth2/authorize":
            problem = self.provider.check_request(q)
            if problem:
                return self.bad_request(problem)
            return self.reply(200, login_page(q), "text/html; charset=utf-8")
        if url.path == "/oauth2/userinfo":
            auth = self.headers.get("Authorization", "")
            status, body = self.provider.userinfo(auth[7:].strip() if auth.lower().startswith("bearer ") else "")
            return self.reply_json(status, body)
        self.reply_json(404, {"error": "not_found"})

    def metadata(self) -> dict[str, Any]:
        iss = self.issuer
        return {"issuer": iss, "authorization_endpoint": f"{iss}/oauth2/authorize",
                "token_endpoint": f"{iss}/oauth2/token", "userinfo_endpoint": f"{iss}/oauth2/userinfo",
                "revocation_endpoint": f"{iss}/oauth2/revoke", "jwks_uri": f"{iss}/oauth2/jwks",
                "response_types_supported": ["code"], "grant_types_supported": ["authorization_code"],
                "subject_types_supported": ["public"], "id_token_signing_alg_values_supported": ["RS256"],
                "scopes_supported": ["openid"], "acr_values_supported": list(mapping.LOA_LEVELS),
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                "claims_supported": ["sub", "SoDinhDanh", "HoVaTen", "NgayThangNamSinh", "GioiTinh", "ThuongTru",
                                     "NoiOHienNay", "SoDienThoai", "ThuDienTu", "LoaiTaiKhoan", "MaSoThue",
                                     "TechID", "loAs", "acr"]}

    def do_POST(self) -> None:  # noqa: N802
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path = urlsplit(self.path).path
        if path.startswith("/_sim/"):
            return self.serve_sim(path, raw)
        if self._unavailable():
            return None
        form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
        if path == "/oauth2/authorize":
            return self.serve_login(form)
        if path == "/oauth2/token":
            status, body = self.provider.redeem(form, self._basic(), self.issuer)
            return self.reply_json(status, body)
        if path == "/oauth2/revoke":
            self.provider.revoke(form.get("token", ""))
            return self.reply(200, "", "text/plain")
        self.reply_json(404, {"error": "not_found"})

    def _basic(self) -> tuple[str, str] | None:
        from urllib.parse import unquote

        auth = self.headers.get("Authorization", "")
        if not auth.lower().startswith("basic "):
            return None
        try:
            user, _, password = base64.b64decode(auth[6:].strip()).decode().partition(":")
        except ValueError:
            return ("", "")
        return unquote(user), unquote(password)

    def serve_login(self, form: dict[str, str]) -> None:
        q = {k: v for k, v in form.items() if k in ("response_type", "client_id", "redirect_uri", "scope", "state",
                                                     "nonce", "acr_values", "code_challenge", "code_challenge_method")}
        problem = self.provider.check_request(q)
        if problem:
            return self.bad_request(problem)
        if form.get("action") == "cancel":
            target = _with(q["redirect_uri"], error="access_denied", state=q["state"])
            return self.reply(302, "", "text/plain", {"Location": target})
        person = _person_from(form)
        if person is None:
            return self.reply(422, login_page(q, "Chọn một danh tính, hoặc nhập số định danh 12 số và họ tên."),
                              "text/html; charset=utf-8")
        loa = form.get("loa") if form.get("loa") in mapping.LOA_LEVELS else "LoA2"
        self.reply(302, "", "text/plain", {"Location": self.provider.grant(q, person, loa)})

    def serve_sim(self, path: str, raw: bytes) -> None:
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            return self.reply_json(400, {"error": "JSON không hợp lệ"})
        if path == "/_sim/faults":
            return self.reply_json(200, self.provider.set_faults(body))
        if path == "/_sim/reset":
            self.provider.reset()
            return self.reply_json(200, {"ok": True})
        self.reply_json(404, {"error": "not_found"})


def serve(provider: Provider, host: str, port: int) -> ThreadingHTTPServer:
    handler = type("VneidHandler", (Handler,), {"provider": provider})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8096, help="0: a free port (printed)")
    parser.add_argument("--state", default="", help="unused: the provider keeps its codes and tokens in memory")
    parser.add_argument("--client-id", default=SIM_CLIENT_ID)
    parser.add_argument("--client-secret", default=SIM_CLIENT_SECRET)
    parser.add_argument("--redirect-uri", action="append", default=[],
                        help="a registered redirect URI (repeatable); none: any is accepted")
    parser.add_argument("--fault", action="append", default=[], metavar="NAME=VALUE",
                        help="a fault switch at start, VALUE in JSON (e.g. loa='\"LoA1\"', down=true)")


def run(opts: dict[str, Any], out: IO[str] = sys.stdout) -> None:
    """Serve until SIGTERM or Ctrl-C; prints its address first."""
    provider = Provider(client_id=opts["client_id"], client_secret=opts["client_secret"],
                        redirect_uris=tuple(opts["redirect_uri"]))
    provider.set_faults(dict(parse_fault(f) for f in opts["fault"]))
    server = serve(provider, opts["host"], opts["port"])
    serve_until_stopped(server, "vneid", opts["host"], out)


if __name__ == "__main__":  # python -m motcua.integrations.vneid.simulator (no Django needed)
    parser = argparse.ArgumentParser(description="VNeID (OpenID Connect provider) simulator")
    add_arguments(parser)
    run(vars(parser.parse_args()))
