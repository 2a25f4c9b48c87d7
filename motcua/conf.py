"""One typed settings object, read from the environment and validated at start.

Every setting is documented here and in README.md ("Configuration"). Production
(``MOTCUA_ENV=production``) refuses to start with a default or short secret key.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

BASE_DIR = Path(__file__).resolve().parent.parent
DEV_SECRET = "motcua-development-only-secret-key-do-not-use-in-production"


class ConfigError(RuntimeError):
    """Raised at start when the environment describes an invalid configuration."""


@dataclass(frozen=True)
class Config:
    env: str  # "development" | "test" | "production"
    secret_key: str
    debug: bool
    allowed_hosts: tuple[str, ...]
    database_url: str  # sqlite:///path or postgres://user@host:port/name
    media_root: Path  # local storage folder for uploaded files
    storage: str  # "local" | "s3"
    s3_bucket: str
    s3_endpoint_url: str
    max_upload_bytes: int
    dossier_code_format: str
    api_tokens_enabled: bool
    public_url: str  # where citizens reach the portal; QR codes on printed documents point here
    event_chain_key: str = ""  # HMAC key of the event log's hash chain ("" = derived from the secret key)
    migrate_database_url: str = ""  # schema owner's URL for `motcua migrate` ("" = database_url)
    # the national public service portal (INTEGRATIONS.md 1A); no URL: the integration is off
    national_portal_url: str = ""
    national_portal_auth_path: str = "/auth"
    national_portal_integration_path: str = "/integration"
    national_portal_username: str = ""
    national_portal_password: str = ""
    national_portal_dstcode: str = ""  # the province's code, sent as the `dstcode` header
    national_portal_unit_code: str = ""  # `madonvi` in every call
    national_portal_trail_chunk: int = 10  # trail rows per CapNhatTienDoHoSoMC call (the portal takes <= 10)
    national_portal_connect_timeout: float = 10.0
    national_portal_read_timeout: float = 60.0
    national_portal_pull_every: float = 300.0  # seconds between two pulls of the portal's new online dossiers
    national_portal_catalog_every: float = 86400.0  # seconds between two pulls of the national catalog codes
    national_portal_file_url_ttl: int = 7 * 86400  # seconds a signed file link given to the portal stays valid
    national_portal_lookup_rate: float = 20.0  # TraCuuHoSo calls per second at most (reconciliation)
    national_portal_lookup_batch: int = 50  # dossiers looked up per batch (progress is saved per batch)
    # the job backbone (motcua/jobs): outbox delivery retries and periodic jobs
    jobs_max_attempts: int = 10  # a message becomes a dead letter after this many failed attempts
    jobs_backoff_base: float = 5.0  # seconds before the 2nd attempt; doubles each time, with jitter
    jobs_backoff_max: float = 3600.0  # longest wait between two attempts
    jobs_lease: float = 300.0  # seconds a worker owns a message it is delivering (longer than any timeout)
    jobs_readmodel_every: float = 60.0  # the worker applies the statistics read-model queue this often
    jobs_verify_every: float = 3600.0  # the worker verifies the event log's hash chains this often
    # security (README "Configuration", "Security"): client address behind a reverse proxy, shared cache,
    # rate limits, HTTPS
    trusted_proxies: tuple[str, ...] = ()  # addresses/networks of our reverse proxies (CIDR)
    proxy_header: str = ""  # the header they put the client address in, e.g. X-Forwarded-For
    redis_url: str = ""  # shared cache (rate limits, roles, tokens, dashboard); "" = per-process memory
    rate_lookup: str = "30/m"  # public lookups per client address
    rate_login: str = "20/m"  # sign-in attempts (POST) per client address, on every sign-in page
    rate_api: str = "600/m"  # API calls per token, signed-in user or client address
    hsts_seconds: int = 0  # Strict-Transport-Security max-age (production default: one year)
    ssl_redirect: bool = False  # redirect http:// to https:// (production default: on)
    ssl_header: str = ""  # header a TLS-terminating proxy sets, e.g. X-Forwarded-Proto (value https)

    @property
    def production(self) -> bool:
        return self.env == "production"


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load(environ: dict[str, str] | os._Environ[str] = os.environ) -> Config:
    import sys

    env = environ.get("MOTCUA_ENV") or ("test" if "pytest" in sys.modules else "development")
    if env not in {"development", "test", "production"}:
        raise ConfigError(f"MOTCUA_ENV must be development, test or production, not {env!r}")
    secret = environ.get("MOTCUA_SECRET_KEY", "" if env == "production" else DEV_SECRET)
    weak = weak_secret_reason(secret) if env == "production" else None
    if weak:
        raise ConfigError(f"MOTCUA_SECRET_KEY must be a random value of 40+ characters ({weak})")
    cfg = Config(
        env=env,
        secret_key=secret,
        debug=_bool(environ.get("MOTCUA_DEBUG", "0" if env == "production" else "1")),
        allowed_hosts=tuple(
            h.strip() for h in environ.get("MOTCUA_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
        ),
        database_url=environ.get("MOTCUA_DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'motcua.sqlite3'}"),
        media_root=Path(environ.get("MOTCUA_MEDIA_ROOT", str(BASE_DIR / "var" / "media"))),
        storage=environ.get("MOTCUA_STORAGE", "local"),
        s3_bucket=environ.get("MOTCUA_S3_BUCKET", ""),
        s3_endpoint_url=environ.get("MOTCUA_S3_ENDPOINT_URL", ""),
        max_upload_bytes=int(environ.get("MOTCUA_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024))),
        dossier_code_format=environ.get("MOTCUA_DOSSIER_CODE_FORMAT", "{agency}-{date:%y%m%d}-{seq:04d}"),
        api_tokens_enabled=_bool(environ.get("MOTCUA_API_TOKENS", "1")),
        public_url=environ.get("MOTCUA_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
        event_chain_key=environ.get("MOTCUA_EVENT_CHAIN_KEY", ""),
        migrate_database_url=environ.get("MOTCUA_MIGRATE_DATABASE_URL", ""),
    )
    if cfg.production and (len(cfg.event_chain_key) < 32 or cfg.event_chain_key == cfg.secret_key):
        raise ConfigError("MOTCUA_EVENT_CHAIN_KEY must be set to a random value of 32+ characters, "
                          "distinct from the secret key")
    if cfg.storage not in {"local", "s3"}:
        raise ConfigError("MOTCUA_STORAGE must be local or s3")
    if cfg.storage == "s3" and not cfg.s3_bucket:
        raise ConfigError("MOTCUA_S3_BUCKET is required when MOTCUA_STORAGE=s3")
    cfg = _with_integrations(cfg, environ)
    cfg = _with_security(cfg, environ)
    from .domain.codes import validate_code_format

    try:
        validate_code_format(cfg.dossier_code_format)
    except (ValueError, KeyError) as exc:
        raise ConfigError(f"MOTCUA_DOSSIER_CODE_FORMAT: {exc}") from exc
    return cfg


SIMULATOR_USERNAME = "motcua-sim"
SIMULATOR_PASSWORD = "motcua-sim-password"  # noqa: S105 - the simulator's, refused in production


def _with_integrations(cfg: Config, environ: dict[str, str] | os._Environ[str]) -> Config:
    """The national portal's and the job backbone's settings (README "Configuration")."""
    from dataclasses import replace

    g = environ.get
    url = g("MOTCUA_NATIONAL_PORTAL_URL", "").rstrip("/")
    user = g("MOTCUA_NATIONAL_PORTAL_USERNAME", "" if cfg.production else SIMULATOR_USERNAME)
    password = g("MOTCUA_NATIONAL_PORTAL_PASSWORD", "" if cfg.production else SIMULATOR_PASSWORD)
    dstcode = g("MOTCUA_NATIONAL_PORTAL_DSTCODE", "" if cfg.production else "000.00.00.H39")
    try:
        cfg = replace(
            cfg, national_portal_url=url, national_portal_username=user, national_portal_password=password,
            national_portal_auth_path=g("MOTCUA_NATIONAL_PORTAL_AUTH_PATH", "/auth"),
            national_portal_integration_path=g("MOTCUA_NATIONAL_PORTAL_INTEGRATION_PATH", "/integration"),
            national_portal_dstcode=dstcode,
            national_portal_unit_code=g("MOTCUA_NATIONAL_PORTAL_UNIT_CODE", dstcode),
            national_portal_trail_chunk=int(g("MOTCUA_NATIONAL_PORTAL_TRAIL_CHUNK", "10")),
            national_portal_connect_timeout=float(g("MOTCUA_NATIONAL_PORTAL_CONNECT_TIMEOUT", "10")),
            national_portal_read_timeout=float(g("MOTCUA_NATIONAL_PORTAL_READ_TIMEOUT", "60")),
            national_portal_pull_every=float(g("MOTCUA_NATIONAL_PORTAL_PULL_EVERY", "300")),
            national_portal_catalog_every=float(g("MOTCUA_NATIONAL_PORTAL_CATALOG_EVERY", "86400")),
            national_portal_file_url_ttl=int(g("MOTCUA_NATIONAL_PORTAL_FILE_URL_TTL", str(7 * 86400))),
            national_portal_lookup_rate=float(g("MOTCUA_NATIONAL_PORTAL_LOOKUP_RATE", "20")),
            national_portal_lookup_batch=int(g("MOTCUA_NATIONAL_PORTAL_LOOKUP_BATCH", "50")),
            jobs_max_attempts=int(g("MOTCUA_JOBS_MAX_ATTEMPTS", "10")),
            jobs_backoff_base=float(g("MOTCUA_JOBS_BACKOFF_BASE", "5")),
            jobs_backoff_max=float(g("MOTCUA_JOBS_BACKOFF_MAX", "3600")),
            jobs_lease=float(g("MOTCUA_JOBS_LEASE", "300")),
            jobs_readmodel_every=float(g("MOTCUA_JOBS_READMODEL_EVERY", "60")),
            jobs_verify_every=float(g("MOTCUA_JOBS_VERIFY_EVERY", "3600")),
        )
    except ValueError as exc:
        raise ConfigError(f"a MOTCUA_NATIONAL_PORTAL_* or MOTCUA_JOBS_* setting is not a number: {exc}") from exc
    _check_integrations(cfg)
    return cfg


def _check_integrations(cfg: Config) -> None:
    if not 1 <= cfg.national_portal_trail_chunk <= 10:
        raise ConfigError("MOTCUA_NATIONAL_PORTAL_TRAIL_CHUNK must be between 1 and 10 (the portal's limit)")
    if (cfg.national_portal_pull_every <= 0 or cfg.national_portal_catalog_every <= 0
            or cfg.national_portal_file_url_ttl < 3600 or cfg.national_portal_lookup_rate <= 0
            or cfg.national_portal_lookup_batch < 1):
        raise ConfigError("MOTCUA_NATIONAL_PORTAL_PULL_EVERY, _CATALOG_EVERY and _LOOKUP_RATE must be positive, "
                          "_LOOKUP_BATCH at least 1 and _FILE_URL_TTL at least 3600 seconds")
    if cfg.jobs_max_attempts < 1 or cfg.jobs_backoff_base <= 0 or cfg.jobs_backoff_max < cfg.jobs_backoff_base:
        raise ConfigError("MOTCUA_JOBS_MAX_ATTEMPTS >= 1 and 0 < MOTCUA_JOBS_BACKOFF_BASE <= MOTCUA_JOBS_BACKOFF_MAX")
    if cfg.jobs_lease <= cfg.national_portal_connect_timeout + cfg.national_portal_read_timeout:
        raise ConfigError("MOTCUA_JOBS_LEASE must be longer than the portal's connect + read timeouts")
    if cfg.production and cfg.national_portal_url:
        if not (cfg.national_portal_username and cfg.national_portal_password and cfg.national_portal_dstcode):
            raise ConfigError("MOTCUA_NATIONAL_PORTAL_USERNAME, _PASSWORD and _DSTCODE are required in production")
        if cfg.national_portal_username == SIMULATOR_USERNAME or cfg.national_portal_password == SIMULATOR_PASSWORD:
            raise ConfigError("production refuses the national portal simulator's credentials")


def weak_secret_reason(secret: str) -> str | None:
    """Why ``secret`` is not fit for production, or None: at least 40 characters, at least 10 distinct
    ones, no period of a short repeated pattern, and at least 160 bits estimated as length times the
    Shannon entropy per character (a random 50-character key from Django's alphabet scores ~ 270)."""
    import math
    from collections import Counter

    if not secret or secret == DEV_SECRET:
        return "the development key or none"
    if len(secret) < 40:
        return "shorter than 40 characters"
    if len(set(secret)) < 10:
        return "fewer than 10 distinct characters"
    for period in range(1, len(secret) // 2 + 1):
        if all(secret[i] == secret[i % period] for i in range(len(secret))):
            return f"a pattern of {period} characters repeated"
    counts = Counter(secret)
    per_char = -sum(n / len(secret) * math.log2(n / len(secret)) for n in counts.values())
    if per_char * len(secret) < 160:
        return f"about {per_char * len(secret):.0f} bits of entropy, 160 needed"
    return None


RATE = re.compile(r"^\d+/\d*[smhd]$")


def _with_security(cfg: Config, environ: dict[str, str] | os._Environ[str]) -> Config:
    """Proxy, cache, rate-limit and HTTPS settings (README "Security")."""
    import ipaddress
    from dataclasses import replace

    g = environ.get
    proxies = tuple(p.strip() for p in g("MOTCUA_TRUSTED_PROXIES", "").split(",") if p.strip())
    header = g("MOTCUA_PROXY_HEADER", "").strip()
    try:
        for p in proxies:
            ipaddress.ip_network(p, strict=False)
    except ValueError as exc:
        raise ConfigError(f"MOTCUA_TRUSTED_PROXIES: {exc}") from exc
    if bool(proxies) != bool(header):
        raise ConfigError("MOTCUA_TRUSTED_PROXIES and MOTCUA_PROXY_HEADER go together (set both or neither)")
    rates = {k: g(f"MOTCUA_RATE_{k.upper()}", getattr(cfg, f"rate_{k}")) for k in ("lookup", "login", "api")}
    for k, v in rates.items():
        if not RATE.match(v):
            raise ConfigError(f"MOTCUA_RATE_{k.upper()} must look like 30/m (count/[n]s|m|h|d), not {v!r}")
    redis_url = g("MOTCUA_REDIS_URL", "").strip()
    if redis_url and not redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError("MOTCUA_REDIS_URL must be a redis://, rediss:// or unix:// URL")
    try:
        hsts = int(g("MOTCUA_HSTS_SECONDS", "31536000" if cfg.production else "0"))
    except ValueError as exc:
        raise ConfigError("MOTCUA_HSTS_SECONDS must be a number of seconds") from exc
    return replace(cfg, trusted_proxies=proxies, proxy_header=header, redis_url=redis_url,
                   rate_lookup=rates["lookup"], rate_login=rates["login"], rate_api=rates["api"],
                   hsts_seconds=hsts, ssl_redirect=_bool(g("MOTCUA_SSL_REDIRECT", "1" if cfg.production else "0")),
                   ssl_header=g("MOTCUA_SSL_HEADER", "").strip())


def database_settings(url: str) -> dict[str, object]:
    """Translate a database URL into Django's DATABASES['default']."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path)
        if path.startswith("//"):
            path = path[1:]
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path or ":memory:",
            "OPTIONS": {"timeout": 30, "transaction_mode": "IMMEDIATE",
                        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"},
        }
    if parsed.scheme in {"postgres", "postgresql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": parsed.path.lstrip("/"),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            # keep a connection for a minute, but check it before reuse: after a PostgreSQL restart
            # or failover the next request reconnects instead of failing with a 500
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {},
        }
    raise ConfigError(f"unsupported database URL scheme {parsed.scheme!r}")


CONFIG = load()
