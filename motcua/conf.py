"""One typed settings object, read from the environment and validated at start.

Every setting is documented here and in README.md ("Configuration"). Production
(``MOTCUA_ENV=production``) refuses to start with a default or short secret key.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

BASE_DIR = Path(__file__).resolve().parent.parent
DEV_SECRET = "motcua-development-only-secret-key-do-not-use-in-production"


class ConfigError(RuntimeError):
    """Raised at start when the environment describes an invalid configuration."""


SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"


@dataclass(frozen=True)
class SigningConfig:
    """Digital signatures (motcua.signing, README "Configuration"): trust, timestamps, the backend that
    signs results at approval, the unit's seal that signs letters, and the remote signing service."""

    pki_dir: str = ""  # MOTCUA_SIGNING_PKI_DIR: a test PKI (development and test only); "" = <repo>/var/pki
    trust_roots: tuple[str, ...] = ()  # PEM files of the trusted roots; none: the test PKI's (never in production)
    ca_certs: tuple[str, ...] = ()  # PEM files of intermediate CAs
    tsa_url: str | None = None  # RFC 3161 TSA; None (unset): the test PKI's; "": no timestamp (B-B)
    lta: bool = True  # a document timestamp after the validation data (B-LTA)
    backend: str = "software"  # software | pkcs11 | remote (production default: remote; refuses software)
    on_approval: bool = True  # the leader's approval signs the result (off by default in the test environment)
    key_file: str = ""  # software key (PEM) and its certificate, or a PKCS#12 bundle and its passphrase
    cert_file: str = ""
    pkcs12: str = ""
    passphrase: str = ""
    pkcs11_module: str = SOFTHSM_MODULE
    pkcs11_token: str = ""
    pkcs11_key: str = ""
    pkcs11_pin: str = ""
    letters: bool = True  # sign the printed letters with the unit's seal (off by default in the test environment)
    seal_backend: str = "off"  # software | pkcs11 | off; default: the backend when it is software or pkcs11
    seal_key: str = "seal"  # PKCS#11 key label of the unit's seal, "{unit}" replaced by the unit's code
    seal_key_file: str = ""
    seal_cert_file: str = ""
    seal_pkcs11_token: str = ""  # default: pkcs11_token
    seal_pkcs11_pin: str = ""  # default: pkcs11_pin
    remote_url: str = ""  # the remote signing service
    remote_api_key: str = ""
    remote_ca_name: str = ""
    remote_webhook_secret: str = ""  # HMAC key of its callbacks (development default: the simulator's)
    remote_timeout: float = 10.0
    remote_callback_url: str = ""  # "" = the public URL's /results/callbacks/remote-signer/
    remote_users: tuple[tuple[str, str], ...] = ()  # (username, ID number): the demo's fallback mapping


@dataclass(frozen=True)
class PostConfig:
    """The public postal service (motcua.integrations.post); no URL: the integration is off."""

    url: str = ""
    customer_code: str = ""
    key: str = ""
    secret: str = ""
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    track_every: float = 300.0
    pool_refill: int = 100


@dataclass(frozen=True)
class PopulationConfig:
    """The population database look-up through the data platform (motcua.integrations.population); no URL: off."""

    url: str = ""
    client_id: str = ""
    client_secret: str = ""
    integration_code: str = "LGSP-MOTCUA"  # MaTichHop, issued by the platform
    connect_timeout: float = 3.0
    read_timeout: float = 8.0
    rate: str = "10/m"  # look-ups per officer or citizen (N/s, N/m, N/h, N/d)


@dataclass(frozen=True)
class PaymentConfig:
    """The national online payment platform (motcua.integrations.payment); no URL: payment online is off."""

    url: str = ""
    partner: str = ""
    secret: str = ""
    token: str = ""
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    attempt_ttl: float = 900.0
    query_every: float = 300.0
    query_window: float = 172800.0
    pending_limit: float = 86400.0
    public_url: str = "http://127.0.0.1:8000"  # MOTCUA_PUBLIC_URL, for the callback

    @property
    def callback_url(self) -> str:
        return self.public_url + PAYMENT_CALLBACK_PATH


PAYMENT_CALLBACK_PATH = "/api/v1/payments/national/confirm"


@dataclass(frozen=True)
class NotifyConfig:
    """Notifications (motcua.notifications): e-mail (SMTP), SMS brandname, Zalo ZNS, and the policy. A
    channel without its server (email_host, sms_url, zalo_url) is off."""

    email_host: str = ""
    email_port: int = 25
    email_user: str = ""
    email_password: str = ""
    email_use_tls: bool = False
    email_use_ssl: bool = False
    email_timeout: float = 10.0
    email_from: str = "motcua <no-reply@localhost>"
    sms_url: str = ""
    sms_brandname: str = ""
    sms_user: str = ""
    sms_password: str = ""
    sms_max_length: int = 306  # two segments of 153 (a carrier takes up to 459)
    zalo_url: str = ""
    zalo_oauth_url: str = ""
    zalo_app_id: str = ""
    zalo_secret_key: str = ""
    zalo_access_token: str = ""
    zalo_refresh_token: str = ""
    default_channels: tuple[str, ...] = ("email", "sms")
    digest_hour: int = 7
    digest_items: int = 20
    batch: int = 100
    timeout: float = 15.0

    @property
    def enabled(self) -> frozenset[str]:
        """The channels that are on (their server is configured)."""
        on = {"email": self.email_host, "sms": self.sms_url, "zalo": self.zalo_url}
        return frozenset(c for c, v in on.items() if v)


@dataclass(frozen=True)
class VneidConfig:
    """The national e-ID sign-in (VNeID through the portal's SSO, motcua.integrations.vneid); no issuer URL:
    the "Đăng nhập bằng VNeID" button is not shown."""

    url: str = ""  # MOTCUA_VNEID_URL: the issuer (its /.well-known/openid-configuration)
    client_id: str = ""
    client_secret: str = ""
    redirect_url: str = ""  # "" = the public URL's /portal/vneid/callback/
    acr: str = "LoA2"  # the assurance level asked for (acr_values) and required in the ID token: LoA1 | LoA2
    timeout: float = 10.0  # seconds for each call to the provider


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
    # outside services (README "Configuration"): signatures, post, payment, notifications
    signing: SigningConfig = field(default_factory=SigningConfig)
    post: PostConfig = field(default_factory=PostConfig)
    payment: PaymentConfig = field(default_factory=PaymentConfig)
    notify: NotifyConfig = field(default_factory=NotifyConfig)
    vneid: VneidConfig = field(default_factory=VneidConfig)
    population: PopulationConfig = field(default_factory=PopulationConfig)

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
    cfg = _with_services(cfg, environ)
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


# -- outside services: signatures, post, payment, notifications -------------------------------------------

_OFF = ("0", "false", "no", "off", "")


def _on(value: str) -> bool:
    return value.strip().lower() not in _OFF


def _number(environ: Any, name: str, default: str, kind: type = float, minimum: float | None = None) -> Any:
    raw = environ.get(name, default)
    try:
        value = kind(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, not {raw!r}") from exc
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {raw!r}")
    return value


def _files(value: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in value.split(",") if p.strip())


def load_signing(environ: Any, env: str) -> SigningConfig:
    """``MOTCUA_SIGNING_*`` and ``MOTCUA_REMOTE_SIGNER_*``; ``env`` is MOTCUA_ENV (its defaults differ).
    Values are checked here; production's refusals are in :func:`check_signing`."""
    from motcua.integrations.remote_signer.simulator import DEFAULT_SECRET

    g = environ.get
    production = env == "production"
    backend = g("MOTCUA_SIGNING_BACKEND", "remote" if production else "software")
    if backend not in ("software", "pkcs11", "remote"):
        raise ConfigError(f"MOTCUA_SIGNING_BACKEND must be software, pkcs11 or remote, not {backend!r}")
    seal = g("MOTCUA_SIGNING_SEAL_BACKEND", "") or (backend if backend in ("software", "pkcs11") else "off")
    if seal not in ("software", "pkcs11", "off"):
        raise ConfigError(f"MOTCUA_SIGNING_SEAL_BACKEND must be software, pkcs11 or off, not {seal!r}")
    users = []
    for pair in g("MOTCUA_REMOTE_SIGNER_USERS", "").split(","):
        if not pair.strip():
            continue
        name, sep, id_number = pair.strip().partition(":")
        if not (sep and name.strip() and id_number.strip()):
            raise ConfigError(f"MOTCUA_REMOTE_SIGNER_USERS must be username:ID,..., not {pair.strip()!r}")
        users.append((name.strip(), id_number.strip()))
    in_test = "0" if env == "test" else "1"
    return SigningConfig(
        pki_dir=g("MOTCUA_SIGNING_PKI_DIR", ""), trust_roots=_files(g("MOTCUA_SIGNING_TRUST_ROOTS", "")),
        ca_certs=_files(g("MOTCUA_SIGNING_CA_CERTS", "")), tsa_url=g("MOTCUA_SIGNING_TSA_URL"),
        lta=g("MOTCUA_SIGNING_LTA", "1").strip().lower() not in ("0", "false", "no", "off"), backend=backend,
        on_approval=_on(g("MOTCUA_SIGNING_ON_APPROVAL", in_test)),
        key_file=g("MOTCUA_SIGNING_KEY_FILE", ""), cert_file=g("MOTCUA_SIGNING_CERT_FILE", ""),
        pkcs12=g("MOTCUA_SIGNING_PKCS12", ""), passphrase=g("MOTCUA_SIGNING_PASSPHRASE", ""),
        pkcs11_module=g("MOTCUA_SIGNING_PKCS11_MODULE", SOFTHSM_MODULE),
        pkcs11_token=g("MOTCUA_SIGNING_PKCS11_TOKEN", ""),
        pkcs11_key=g("MOTCUA_SIGNING_PKCS11_KEY", ""), pkcs11_pin=g("MOTCUA_SIGNING_PKCS11_PIN", ""),
        letters=_on(g("MOTCUA_SIGNING_LETTERS", in_test)), seal_backend=seal,
        seal_key=g("MOTCUA_SIGNING_SEAL_KEY", "seal"), seal_key_file=g("MOTCUA_SIGNING_SEAL_KEY_FILE", ""),
        seal_cert_file=g("MOTCUA_SIGNING_SEAL_CERT_FILE", ""),
        seal_pkcs11_token=g("MOTCUA_SIGNING_SEAL_PKCS11_TOKEN", ""),
        seal_pkcs11_pin=g("MOTCUA_SIGNING_SEAL_PKCS11_PIN", ""),
        remote_url=g("MOTCUA_REMOTE_SIGNER_URL", "").rstrip("/"), remote_api_key=g("MOTCUA_REMOTE_SIGNER_API_KEY", ""),
        remote_ca_name=g("MOTCUA_REMOTE_SIGNER_CA_NAME", ""),
        remote_webhook_secret=g("MOTCUA_REMOTE_SIGNER_WEBHOOK_SECRET", "" if production else DEFAULT_SECRET),
        remote_timeout=_number(environ, "MOTCUA_REMOTE_SIGNER_TIMEOUT", "10", minimum=0.1),
        remote_callback_url=g("MOTCUA_REMOTE_SIGNER_CALLBACK_URL", ""), remote_users=tuple(users))


def check_signing(s: SigningConfig, production: bool) -> None:
    """What a start refuses: a PKCS#11 backend without its token, key label and PIN; in production a
    software key (results or seal) and the simulator's (or a short) callback HMAC key."""
    from motcua.integrations.remote_signer.simulator import DEFAULT_SECRET

    if s.on_approval and s.backend == "pkcs11" and not (s.pkcs11_token and s.pkcs11_key and s.pkcs11_pin):
        raise ConfigError("MOTCUA_SIGNING_BACKEND=pkcs11 needs MOTCUA_SIGNING_PKCS11_TOKEN, _KEY and _PIN")
    if s.letters and s.seal_backend == "pkcs11" and not ((s.seal_pkcs11_token or s.pkcs11_token)
                                                         and (s.seal_pkcs11_pin or s.pkcs11_pin)):
        raise ConfigError("MOTCUA_SIGNING_SEAL_BACKEND=pkcs11 needs a token and PIN (MOTCUA_SIGNING_SEAL_PKCS11_* "
                          "or MOTCUA_SIGNING_PKCS11_*)")
    if not production:
        return
    if (s.on_approval and s.backend == "software") or (s.letters and s.seal_backend == "software"):
        raise ConfigError("production refuses a software signing key (MOTCUA_SIGNING_BACKEND / _SEAL_BACKEND): "
                          "use a PKCS#11 token or HSM, or a remote signing service")
    if s.remote_url and (len(s.remote_webhook_secret) < 32 or s.remote_webhook_secret == DEFAULT_SECRET):
        raise ConfigError("production needs MOTCUA_REMOTE_SIGNER_WEBHOOK_SECRET (32+ characters, not the "
                          "simulator's)")


def load_post(environ: Any, production: bool) -> PostConfig:
    """``MOTCUA_POST_*`` (development defaults: the simulator's credentials, refused in production)."""
    from motcua.integrations.post.simulator import SIM_CUSTOMER, SIM_KEY, SIM_SECRET

    g = environ.get
    dev = not production
    s = PostConfig(url=g("MOTCUA_POST_URL", "").rstrip("/"),
                   customer_code=g("MOTCUA_POST_CUSTOMER_CODE", SIM_CUSTOMER if dev else ""),
                   key=g("MOTCUA_POST_CUSTOMER_KEY", SIM_KEY if dev else ""),
                   secret=g("MOTCUA_POST_CUSTOMER_SECRET", SIM_SECRET if dev else ""),
                   connect_timeout=_number(environ, "MOTCUA_POST_CONNECT_TIMEOUT", "5", minimum=0.1),
                   read_timeout=_number(environ, "MOTCUA_POST_READ_TIMEOUT", "20", minimum=0.1),
                   track_every=_number(environ, "MOTCUA_POST_TRACK_EVERY", "300", minimum=1),
                   pool_refill=_number(environ, "MOTCUA_POST_POOL_REFILL", "100", int, minimum=1))
    if s.url and production and (not (s.customer_code and s.key and s.secret) or s.secret == SIM_SECRET):
        raise ConfigError("MOTCUA_POST_CUSTOMER_CODE, _KEY and _SECRET must be set (not the simulator's)")
    return s


def load_payment(environ: Any, production: bool, public_url: str = "http://127.0.0.1:8000") -> PaymentConfig:
    """``MOTCUA_PAYMENT_*`` (development defaults: the simulator's partner and checksum secret, refused in
    production, where the secret must also be 16+ characters)."""
    from motcua.integrations.payment.simulator import SIM_PARTNER, SIM_SECRET

    g = environ.get
    dev = not production
    s = PaymentConfig(url=g("MOTCUA_PAYMENT_URL", "").rstrip("/"),
                      partner=g("MOTCUA_PAYMENT_PARTNER", SIM_PARTNER if dev else ""),
                      secret=g("MOTCUA_PAYMENT_SECRET", SIM_SECRET if dev else ""),
                      token=g("MOTCUA_PAYMENT_TOKEN", ""),
                      connect_timeout=_number(environ, "MOTCUA_PAYMENT_CONNECT_TIMEOUT", "5", minimum=0.1),
                      read_timeout=_number(environ, "MOTCUA_PAYMENT_READ_TIMEOUT", "20", minimum=0.1),
                      attempt_ttl=_number(environ, "MOTCUA_PAYMENT_ATTEMPT_TTL", "900", minimum=0),
                      query_every=_number(environ, "MOTCUA_PAYMENT_QUERY_EVERY", "300", minimum=1),
                      query_window=_number(environ, "MOTCUA_PAYMENT_QUERY_WINDOW", "172800", minimum=0),
                      pending_limit=_number(environ, "MOTCUA_PAYMENT_PENDING_LIMIT", "86400", minimum=0),
                      public_url=public_url)
    if s.url and production and (not (s.partner and s.secret) or s.secret == SIM_SECRET or len(s.secret) < 16):
        raise ConfigError("MOTCUA_PAYMENT_PARTNER and MOTCUA_PAYMENT_SECRET must be set (not the simulator's)")
    return s


def load_notify(environ: Any, production: bool) -> NotifyConfig:
    """``MOTCUA_EMAIL_*``, ``MOTCUA_SMS_*``, ``MOTCUA_ZALO_*``, ``MOTCUA_NOTIFY_*`` (development defaults: the
    SMS and Zalo simulators' credentials, refused in production)."""
    from motcua.integrations.sms.simulator import SIM_BRANDNAME, SIM_PASSWORD, SIM_USER
    from motcua.integrations.zalo import simulator as zsim

    g = environ.get
    dev = not production
    zalo_url = g("MOTCUA_ZALO_URL", "").rstrip("/")
    s = NotifyConfig(
        email_host=g("MOTCUA_EMAIL_HOST", ""), email_port=_number(environ, "MOTCUA_EMAIL_PORT", "25", int, minimum=1),
        email_user=g("MOTCUA_EMAIL_USER", ""), email_password=g("MOTCUA_EMAIL_PASSWORD", ""),
        email_use_tls=_bool(g("MOTCUA_EMAIL_USE_TLS", "0")), email_use_ssl=_bool(g("MOTCUA_EMAIL_USE_SSL", "0")),
        email_timeout=_number(environ, "MOTCUA_EMAIL_TIMEOUT", "10", minimum=0.1),
        email_from=g("MOTCUA_EMAIL_FROM", "motcua <no-reply@localhost>"),
        sms_url=g("MOTCUA_SMS_URL", "").rstrip("/"),
        sms_brandname=g("MOTCUA_SMS_BRANDNAME", SIM_BRANDNAME if dev else ""),
        sms_user=g("MOTCUA_SMS_USER", SIM_USER if dev else ""),
        sms_password=g("MOTCUA_SMS_PASSWORD", SIM_PASSWORD if dev else ""),
        sms_max_length=_number(environ, "MOTCUA_SMS_MAX_LENGTH", "306", int, minimum=70),
        zalo_url=zalo_url, zalo_oauth_url=g("MOTCUA_ZALO_OAUTH_URL", zalo_url).rstrip("/"),
        zalo_app_id=g("MOTCUA_ZALO_APP_ID", zsim.SIM_APP_ID if dev else ""),
        zalo_secret_key=g("MOTCUA_ZALO_SECRET_KEY", zsim.SIM_SECRET_KEY if dev else ""),
        zalo_access_token=g("MOTCUA_ZALO_ACCESS_TOKEN", zsim.SIM_ACCESS_TOKEN if dev else ""),
        zalo_refresh_token=g("MOTCUA_ZALO_REFRESH_TOKEN", zsim.SIM_REFRESH_TOKEN if dev else ""),
        default_channels=tuple(c.strip() for c in g("MOTCUA_NOTIFY_CHANNELS", "email,sms").split(",") if c.strip()),
        digest_hour=_number(environ, "MOTCUA_NOTIFY_DIGEST_HOUR", "7", int, minimum=0),
        digest_items=_number(environ, "MOTCUA_NOTIFY_DIGEST_ITEMS", "20", int, minimum=1),
        batch=_number(environ, "MOTCUA_NOTIFY_BATCH", "100", int, minimum=1),
        timeout=_number(environ, "MOTCUA_NOTIFY_TIMEOUT", "15", minimum=0.1))
    check_notify(s, production)
    return s


def check_notify(s: NotifyConfig, production: bool) -> None:
    unknown = set(s.default_channels) - {"email", "sms", "zalo"}
    if unknown:
        raise ConfigError(f"MOTCUA_NOTIFY_CHANNELS: unknown channels {sorted(unknown)}")
    if not 0 <= s.digest_hour <= 23:
        raise ConfigError("MOTCUA_NOTIFY_DIGEST_HOUR must be an hour, 0 to 23")
    if s.email_use_tls and s.email_use_ssl:
        raise ConfigError("MOTCUA_EMAIL_USE_TLS and MOTCUA_EMAIL_USE_SSL exclude each other")
    if not production:
        return
    from motcua.integrations.sms.simulator import SIM_PASSWORD
    from motcua.integrations.zalo.simulator import SIM_SECRET_KEY

    if s.sms_url and (not (s.sms_brandname and s.sms_user and s.sms_password) or s.sms_password == SIM_PASSWORD):
        raise ConfigError("MOTCUA_SMS_BRANDNAME, _USER and _PASSWORD must be set (not the simulator's)")
    if s.zalo_url and (not (s.zalo_app_id and s.zalo_secret_key and s.zalo_refresh_token)
                       or s.zalo_secret_key == SIM_SECRET_KEY):
        raise ConfigError("MOTCUA_ZALO_APP_ID, _SECRET_KEY and _REFRESH_TOKEN must be set (not the simulator's)")


def _with_services(cfg: Config, environ: Any) -> Config:
    from dataclasses import replace

    signing = load_signing(environ, cfg.env)
    check_signing(signing, cfg.production)
    return replace(cfg, signing=signing, post=load_post(environ, cfg.production),
                   payment=load_payment(environ, cfg.production, cfg.public_url),
                   notify=load_notify(environ, cfg.production),
                   vneid=load_vneid(environ, cfg.production, cfg.public_url),
                   population=load_population(environ, cfg.production))


def load_population(environ: Any, production: bool) -> PopulationConfig:
    """``MOTCUA_POPULATION_*`` (development defaults: the simulator's client, refused in production)."""
    from motcua.integrations.population.simulator import SIM_CLIENT_ID, SIM_CLIENT_SECRET

    g = environ.get
    dev = not production
    rate = g("MOTCUA_POPULATION_RATE", "10/m")
    count, _, per = rate.partition("/")
    if not count.isdigit() or int(count) < 1 or per not in ("s", "m", "h", "d"):
        raise ConfigError(f"MOTCUA_POPULATION_RATE must look like 10/m (N per s, m, h or d), not {rate!r}")
    s = PopulationConfig(url=g("MOTCUA_POPULATION_URL", "").rstrip("/"),
                         client_id=g("MOTCUA_POPULATION_CLIENT_ID", SIM_CLIENT_ID if dev else ""),
                         client_secret=g("MOTCUA_POPULATION_CLIENT_SECRET", SIM_CLIENT_SECRET if dev else ""),
                         integration_code=g("MOTCUA_POPULATION_INTEGRATION_CODE", "LGSP-MOTCUA"),
                         connect_timeout=_number(environ, "MOTCUA_POPULATION_CONNECT_TIMEOUT", "3", minimum=0.1),
                         read_timeout=_number(environ, "MOTCUA_POPULATION_READ_TIMEOUT", "8", minimum=0.1),
                         rate=rate)
    if s.url and production and (not (s.client_id and s.client_secret) or s.client_secret == SIM_CLIENT_SECRET
                                 or len(s.client_secret) < 16):
        raise ConfigError("MOTCUA_POPULATION_CLIENT_ID and _CLIENT_SECRET must be set (not the simulator's)")
    return s


def load_vneid(environ: Any, production: bool, public_url: str = "http://127.0.0.1:8000") -> VneidConfig:
    """``MOTCUA_VNEID_*`` (development defaults: the simulator's client id and secret, refused in production)."""
    from motcua.integrations.vneid.simulator import SIM_CLIENT_ID, SIM_CLIENT_SECRET

    g = environ.get
    dev = not production
    s = VneidConfig(url=g("MOTCUA_VNEID_URL", "").rstrip("/"),
                    client_id=g("MOTCUA_VNEID_CLIENT_ID", SIM_CLIENT_ID if dev else ""),
                    client_secret=g("MOTCUA_VNEID_CLIENT_SECRET", SIM_CLIENT_SECRET if dev else ""),
                    redirect_url=g("MOTCUA_VNEID_REDIRECT_URL", public_url + "/portal/vneid/callback/"),
                    acr=g("MOTCUA_VNEID_ACR", "LoA2"),
                    timeout=_number(environ, "MOTCUA_VNEID_TIMEOUT", "10", minimum=0.1))
    if s.acr not in ("LoA1", "LoA2"):
        raise ConfigError("MOTCUA_VNEID_ACR must be LoA1 or LoA2")
    if s.url and production and (not (s.client_id and s.client_secret) or s.client_secret == SIM_CLIENT_SECRET
                                 or len(s.client_secret) < 16):
        raise ConfigError("MOTCUA_VNEID_CLIENT_ID and MOTCUA_VNEID_CLIENT_SECRET must be set (not the simulator's)")
    if s.url and production and not s.redirect_url.startswith("https://"):
        raise ConfigError("MOTCUA_VNEID_REDIRECT_URL must be an https:// address in production")
    return s


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
