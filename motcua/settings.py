"""Django settings, derived from the typed :mod:`motcua.conf` object (edit that, not this)."""

from __future__ import annotations

from datetime import timedelta

from csp.constants import NONE, SELF

from .conf import BASE_DIR, CONFIG, database_settings

SECRET_KEY = CONFIG.secret_key
DEBUG = CONFIG.debug
ALLOWED_HOSTS = list(CONFIG.allowed_hosts)

INSTALLED_APPS = [
    "motcua.guides",  # the staff guides; before the admin: its admin/index.html links them from the admin's index
    "motcua.letters",  # letters with a result; before the admin: its admin/base_site.html links back to the office
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "motcua.core",
    "motcua.units",
    "motcua.calendars",
    "motcua.catalog",
    "motcua.dossiers",
    "motcua.reports",
    "motcua.office",
    "motcua.documents",
    "motcua.portal",
    "motcua.rules",  # the rules a dossier is judged under, by receipt date (no tables)
    "axes",  # one sign-in lockout for every entrance (office, portal, admin)
    "django_ratelimit",  # rate limits (motcua/core/ratelimit.py); its checks want a shared cache
    "csp",  # Content Security Policy header (CONTENT_SECURITY_POLICY below)
    "django_tasks",  # the job backbone (motcua/jobs): Django 6's tasks API, database backend
    "django_tasks_db",
    "motcua.jobs",
    "motcua.integrations",
    "motcua.integrations.national_portal",
    "motcua.integrations.post",
    "motcua.notifications",
    "motcua.integrations.payment",
    "motcua.signing",
    "motcua.fees",
    "motcua.digitization",
    "motcua.docstore",
    "motcua.certcopy",
    "motcua.feedback",
    "motcua.open311",
    "motcua.integrations.population",  # the population database look-up and its audit log
    "motcua.eforms",  # declaration forms as data per procedure version, declarations, search by value
    "motcua.legacy",  # importing a legacy system's history: dry run, then a bulk import job
    "motcua.queueing",  # queue tickets, counters, kiosk, display and appointments of the one-stop department
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy on every response
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "motcua.core.middleware.InputValidationMiddleware",  # NUL, control characters, bad UTF-8: 400
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "motcua.core.ratelimit.RateLimitMiddleware",  # lookup, sign-in and API limits (shared cache): 429
    "motcua.core.idempotency.IdempotencyMiddleware",  # Idempotency-Key on creating API calls (POST /api/)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # turns a locked-out sign-in into our 429 page
]

# ---- sign-in lockout (django-axes): 5 failures for one username from one address lock that pair for
# 15 minutes after the last failure, on /login/, /portal/login/ and /admin/login/ alike
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend",
                           "motcua.integrations.vneid.backend.VneidBackend"]  # e-ID sessions: never staff
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # attempts while locked do not extend the lock
AXES_USERNAME_CALLABLE = "motcua.office.auth.lockout_username"
AXES_CLIENT_IP_CALLABLE = "motcua.core.net.client_ip"  # REMOTE_ADDR unless a trusted proxy is configured
AXES_LOCKOUT_CALLABLE = "motcua.office.auth.lockout_response"
AXES_VERBOSE = False

ROOT_URLCONF = "motcua.urls"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "office:home"
LOGOUT_REDIRECT_URL = "login"
WSGI_APPLICATION = "motcua.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {"default": database_settings(CONFIG.database_url)}
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # jobs live in the same database
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache shared by every server process when MOTCUA_REDIS_URL is set (rate limits, staff roles and API
# tokens, the dashboard); otherwise per-process memory, fine for a single server process.
RATELIMIT_USE_CACHE = "default"
# django-ratelimit's list of "supported" caches has django-redis, not Django's own RedisCache (which
# increments atomically too)
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
if CONFIG.redis_url:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": CONFIG.redis_url, "KEY_PREFIX": "motcua"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "motcua"}}
    # per-process counts are right for one server process; several processes need MOTCUA_REDIS_URL
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "motcua" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
FORMAT_MODULE_PATH = ["motcua.formats"]  # dd/mm/yyyy dates typed and shown (motcua/formats)
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
WHITENOISE_USE_FINDERS = True  # serve app static files (Swagger UI...) without collectstatic
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing folder
MEDIA_ROOT = CONFIG.media_root

# Django's own mail (password resets, error reports) goes through the notifications' SMTP server
# (MOTCUA_EMAIL_*); without one, mail is written to the console in development and dropped in tests.
_notify = CONFIG.notify
if _notify.email_host:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST, EMAIL_PORT = _notify.email_host, _notify.email_port
    EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = _notify.email_user, _notify.email_password
    EMAIL_USE_TLS, EMAIL_USE_SSL, EMAIL_TIMEOUT = _notify.email_use_tls, _notify.email_use_ssl, _notify.email_timeout
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = SERVER_EMAIL = _notify.email_from
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = CONFIG.max_upload_bytes + 1024 * 1024

# ---- Content Security Policy: the pages ship their own scripts, styles and fonts; nothing inline
# (htmx's indicator style is off: <meta name="htmx-config">, the indicator CSS is in our style sheets)
CONTENT_SECURITY_POLICY = {"DIRECTIVES": {
    "default-src": [SELF], "script-src": [SELF], "style-src": [SELF], "img-src": [SELF, "data:"],
    "font-src": [SELF], "connect-src": [SELF], "object-src": [NONE], "base-uri": [SELF],
    "form-action": [SELF], "frame-ancestors": [NONE],
}}

if CONFIG.production:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    # HTTPS only (README "Security"): HSTS for a year by default, http:// redirected to https://
    SECURE_HSTS_SECONDS = CONFIG.hsts_seconds
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_SSL_REDIRECT = CONFIG.ssl_redirect
    if CONFIG.ssl_header:  # only when a TLS-terminating proxy is configured to set it
        SECURE_PROXY_SSL_HEADER = ("HTTP_" + CONFIG.ssl_header.upper().replace("-", "_"), "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"motcua": {"handlers": ["console"], "level": "INFO"}},
}

if CONFIG.env == "test":
    # fast hashing for the test suite only (production keeps PBKDF2)
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
