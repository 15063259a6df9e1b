"""Settings shared by every environment, read from the process environment
(and a ``.env`` file next to ``manage.py`` when there is one)."""

import logging
import math
import operator
import tempfile
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

from kernel import error_reports

BASE_DIR = Path(__file__).resolve().parent.parent.parent


class ShopEnv(environ.Env):
    """django-environ, with numbers and flags read strictly: an optional variable set to
    nothing (``SENTRY_SAMPLE_RATE=``, as a half-filled ``.env`` has it) means its default, and a
    value that is not a number or a yes/no stops the start with ``ImproperlyConfigured``
    naming the variable (django-environ raises a bare ``ValueError`` for a number, and reads
    any word but yes/true/on/1 as false)."""

    TRUE_WORDS = ("true", "yes", "y", "on", "ok", "1")
    FALSE_WORDS = ("false", "no", "n", "off", "0")

    def _raw(self, var, default):
        """The variable's text, or ``None`` when it is unset or empty (and has a default)."""
        raw = self.ENVIRON.get(var)
        if raw is None or not str(raw).strip():
            if default is self.NOTSET:
                raise ImproperlyConfigured(f"Set the {var} environment variable.")
            return None
        return str(raw).strip()

    def int(self, var, default=environ.Env.NOTSET):
        raw = self._raw(var, default)
        if raw is None:
            return default
        try:
            return int(raw)
        except ValueError:
            raise ImproperlyConfigured(
                f"{var} must be a whole number (got {raw!r}); leave it empty for the default."
            ) from None

    def float(self, var, default=environ.Env.NOTSET):
        raw = self._raw(var, default)
        if raw is None:
            return default
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise ImproperlyConfigured(
                f"{var} must be a number (got {raw!r}); leave it empty for the default."
            )
        return value

    def bool(self, var, default=environ.Env.NOTSET):
        raw = self._raw(var, default)
        if raw is None:
            return default
        if raw.lower() in self.TRUE_WORDS:
            return True
        if raw.lower() in self.FALSE_WORDS:
            return False
        raise ImproperlyConfigured(
            f"{var} must be true or false (got {raw!r}); leave it empty for the default."
        )

    def text(self, var, default=""):
        """A plain setting, stripped; set to nothing means ``default``."""
        return self._raw(var, default) or default


def in_range(name, value, low, high):
    """``value`` if ``low <= value <= high``, else ``ImproperlyConfigured`` naming ``name``."""
    if not low <= value <= high:
        raise ImproperlyConfigured(f"{name} must be between {low} and {high} (got {value}).")
    return value


env = ShopEnv()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# Production refuses this placeholder (see production.py); dev and tests may use it.
INSECURE_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105


def env_or_file(name, default=""):
    """A setting from ``NAME``, or read from the file ``NAME_FILE`` names (a Docker secret
    such as ``/run/secrets/s3_secret_access_key``); setting both is an error."""
    value, path = env(name, default=""), env(f"{name}_FILE", default="")
    if value and path:
        raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both.")
    if not path:
        return value or default
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError as error:
        raise ImproperlyConfigured(f"{name}_FILE: cannot read {path} ({error}).") from error


SECRET_KEY = env_or_file("SECRET_KEY", default=INSECURE_DEV_SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "kernel",
    "catalog",
    "checkout",
    "notifications",
    "accounts",
    "backoffice",
    "website",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # Before everything: the request's id for its log lines, error reports and response.
    "kernel.request_id.RequestIdMiddleware",
    # First: answers /healthz and /readyz before anything validates the Host header.
    "kernel.health.InternalEndpointsMiddleware",
    "kernel.metrics.ResponseMetricsMiddleware",  # counts responses, after the health checks
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kernel.page_cache.PageCacheMiddleware",
    "kernel.sites.SiteMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kernel.i18n.ShopLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.login_security.LoginSecurityMiddleware",
    "kernel.page_cache.AuthMarkerMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "website.urls"
CSRF_FAILURE_VIEW = "kernel.apiviews.csrf_failure"

# Customer accounts (django-allauth): log in by e-mail, sign up, reset passwords by e-mail.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Sign-up never tells whether an address already has an account: with mandatory verification
# and enumeration prevention, signing up with a known address shows the same "enter the code
# we e-mailed you" page as a new one, and the owner of the address is e-mailed that they already
# have an account (with "optional", allauth would have to say "already registered" or let a
# second account share the address). The code is typed on the next page, so signing up stays
# one short step. Password reset answers the same for known and unknown addresses.
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_UNIQUE_EMAIL = True
# Accounts have a username only because Django needs one; shoppers are greeted by e-mail.
ACCOUNT_USER_DISPLAY = operator.attrgetter("email")
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:account"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
# Brute-force protection: failed logins are limited per client address and per account
# (allauth's defaults). Behind nginx the address is the one nginx appends to
# X-Forwarded-For, so set ALLAUTH_TRUSTED_PROXY_COUNT=1 there; 0 means no proxy.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
# Both login forms (the storefront's and the admin's) count failures per client address and
# per account (whatever name or address was typed), in the shared cache; a browser that has
# logged in to the account before gets its own budget instead, so an attacker cannot lock the
# owner out (website/login_security.py explains the design).
ACCOUNT_ADAPTER = "accounts.login_security.AccountAdapter"
WAGTAILADMIN_USER_LOGIN_FORM = "accounts.login_security.AdminLoginForm"
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "login_failed_known_device": "5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
# Two-factor authentication (allauth.mfa): authenticator-app codes (TOTP) and recovery codes,
# no WebAuthn (allauth.mfa still imports fido2, hence its pin). Everybody with admin access must
# set it up (accounts.login_security.LoginSecurityMiddleware); both login forms ask for the code.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env("SHOP_NAME", default="Angkor Market")
MFA_RECOVERY_CODE_COUNT = 10
# A code typed in the last seconds of its 30-second window arrives in the next one: accept the
# codes of one window either side (RFC 6238's allowance for delay), as most services do.
MFA_TOTP_TOLERANCE = 1
WSGI_APPLICATION = "website.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "catalog.context_processors.storefront",
            ],
        },
    },
]


DB_SSL_MODES = ("DISABLED", "PREFERRED", "REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY")
# DATABASE_URL query parameters for TLS, in the spellings managed providers and MySQL's own
# tools hand out (?ssl-mode=REQUIRED, ?ssl_mode=..., ?ssl-ca=/path/ca.pem, ?ssl=true).
URL_TLS_PARAMETERS = {
    "ssl-mode": "mode",
    "ssl_mode": "mode",
    "sslmode": "mode",
    "ssl-ca": "ca",
    "ssl_ca": "ca",
    "ssl-cert": "cert",
    "ssl_cert": "cert",
    "ssl-key": "key",
    "ssl_key": "key",
    "ssl": "ssl",
}


def mysql_tls_options(url_tls):
    """mysqlclient's ``ssl_mode`` and ``ssl`` connect() options, from the DATABASE_URL's TLS
    parameters (``url_tls``: mode, ca, cert, key, ssl), each else from ``DB_SSL_MODE``,
    ``DB_SSL_CA``, ``DB_SSL_CERT`` or ``DB_SSL_KEY``.

    MariaDB's client library (Debian's, and the image's) uses TLS as soon as a CA,
    certificate or key is given, whatever the mode, so DISABLED passes none of them. Under
    REQUIRED it also connects in plain text to a server that offers no TLS; the shop refuses
    such a connection itself (``kernel.checks.refuse_unencrypted_connection``).
    """
    if url_tls.get("mode"):
        source, given = "ssl-mode in DATABASE_URL", url_tls["mode"]
    elif "ssl" in url_tls:
        source, given = "ssl in DATABASE_URL", url_tls["ssl"]
    else:
        source, given = "DB_SSL_MODE", env("DB_SSL_MODE", default="")
    mode = str(given).strip().upper().replace("-", "_")
    if source.startswith("ssl in"):
        flags = {"TRUE": "REQUIRED", "1": "REQUIRED", "FALSE": "DISABLED", "0": "DISABLED"}
        if mode not in flags:
            raise ImproperlyConfigured(
                f"{source} must be true or false (got {given!r}); for anything finer use "
                f"ssl-mode= with one of {', '.join(DB_SSL_MODES)}."
            )
        mode = flags[mode]
    if mode and mode not in DB_SSL_MODES:
        raise ImproperlyConfigured(
            f"{source} must be one of {', '.join(DB_SSL_MODES)} (got {given!r})."
        )

    options = {"ssl_mode": mode} if mode else {}
    files = {}
    for name, variable in (("ca", "DB_SSL_CA"), ("cert", "DB_SSL_CERT"), ("key", "DB_SSL_KEY")):
        path = url_tls.get(name) or env(variable, default="")
        if path:
            files[name] = str(path)
    if files and mode != "DISABLED":
        options["ssl"] = files
    return options


def database_config():
    """The ``default`` database: ``DATABASE_URL``, else MySQL from ``DB_*``, else SQLite.

    MySQL and MariaDB connections speak utf8mb4 with the database's own collation
    (a mismatch stops Wagtail's migrations with error 1267), run in strict mode and
    READ COMMITTED, and are kept open between requests with a health check. Options in the
    DATABASE_URL's query string are kept (they win over these defaults); its TLS parameters
    and the ``DB_SSL_*`` variables become mysqlclient's TLS options.
    """
    url_options = {}
    if env("DATABASE_URL", default=""):
        config = env.db_url("DATABASE_URL")
        url_options = config.get("OPTIONS", {})
    elif env("DB_NAME", default=""):
        config = {
            "ENGINE": "django.db.backends.mysql",
            "NAME": env("DB_NAME"),
            "USER": env("DB_USER", default="root"),
            "PASSWORD": env_or_file("DB_PASSWORD"),
            "HOST": env("DB_HOST", default="127.0.0.1"),
            "PORT": env("DB_PORT", default="3306"),
        }
    else:
        config = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("SQLITE_PATH", default=str(BASE_DIR / "db.sqlite3")),
        }

    if config["ENGINE"] == "django.db.backends.mysql":
        collation = env("DB_COLLATION", default="utf8mb4_unicode_ci")
        url_tls = {
            URL_TLS_PARAMETERS[name]: url_options.pop(name)
            for name in list(url_options)
            if name in URL_TLS_PARAMETERS
        }
        config["OPTIONS"] = {
            "charset": "utf8mb4",
            "collation": collation,
            "isolation_level": "read committed",
            "init_command": (
                "SET sql_mode='STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,"
                "NO_ENGINE_SUBSTITUTION'"
            ),
            **url_options,
            **mysql_tls_options(url_tls),
        }
        config["TEST"] = {"CHARSET": "utf8mb4", "COLLATION": collation}
        config["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
        config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASES = {"default": database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# Khmer dates and numbers as Cambodian shops write them (website/formats/km/formats.py).
FORMAT_MODULE_PATH = ["website.formats"]
LANGUAGES = [("km", "ខ្មែរ"), ("en", "English")]
LOCALE_PATHS = [
    BASE_DIR / "locale",  # the shop's own messages (bin/messages keeps them)
    BASE_DIR / "translations/vendor",  # Khmer for django-allauth and Django, kept by hand
]
# The switcher remembers the shopper's choice for a year (kernel.i18n.switch_language).
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Wagtail's own admin ships no Khmer and stays English; the shop's admin views (orders,
# payments, stock, dashboard, reports) follow the language a staff member picks here.
WAGTAILADMIN_PERMITTED_LANGUAGES = [("en", "English"), ("km", "ខ្មែរ (Shop pages)")]
TIME_ZONE = env("TIME_ZONE", default="Asia/Phnom_Penh")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
# Let Django serve uploaded media (development and tests); nginx does it in production.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DEBUG)


# Media: local files in MEDIA_ROOT (one machine), or an S3-compatible bucket shared by every
# host (MEDIA_STORAGE=s3: DigitalOcean Spaces, Cloudflare R2, Wasabi, MinIO, AWS). Images and
# QR codes get public, unsigned URLs: cached pages hold them (docs/operations.md).
MEDIA_STORAGE = env.text("MEDIA_STORAGE", default="local").lower()
if MEDIA_STORAGE == "local":
    MEDIA_BACKEND = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif MEDIA_STORAGE == "s3":
    S3_PUBLIC_URL = env("S3_PUBLIC_URL", default="").rstrip("/")
    s3_public = urlsplit(S3_PUBLIC_URL) if S3_PUBLIC_URL else None
    if s3_public and (s3_public.scheme not in ("http", "https") or not s3_public.netloc):
        raise ImproperlyConfigured(
            f"S3_PUBLIC_URL must be a URL like https://media.example.com, not {S3_PUBLIC_URL!r}."
        )
    MEDIA_BACKEND = {
        "BACKEND": "kernel.storage.MediaStorage",
        "OPTIONS": {
            "bucket_name": env("S3_BUCKET", default=""),
            "endpoint_url": env("S3_ENDPOINT_URL", default="") or None,
            "region_name": env("S3_REGION", default="") or None,
            "access_key": env("S3_ACCESS_KEY_ID", default=""),
            "secret_key": env_or_file("S3_SECRET_ACCESS_KEY"),
            # "path" (MinIO, most self-hosted servers) or "virtual" (bucket.host).
            "addressing_style": env("S3_ADDRESSING_STYLE", default="") or None,
            "location": env("S3_LOCATION", default="").strip("/"),
            # Public and stable: no signed URLs, no per-object ACL (R2 has none; the bucket
            # policy makes the public prefixes readable), never overwrite a file.
            "querystring_auth": False,
            "default_acl": None,
            "file_overwrite": False,
            "custom_domain": (s3_public.netloc + s3_public.path) if s3_public else None,
            "url_protocol": f"{s3_public.scheme}:" if s3_public else "https:",
        },
    }
    if S3_PUBLIC_URL:
        MEDIA_URL = S3_PUBLIC_URL + "/"
    # Documents go through Django's view, which checks their privacy settings and streams
    # them from the bucket: they are not under the bucket policy's public prefixes, and
    # Wagtail's default for storage without local paths would redirect to their bucket URL.
    WAGTAILDOCS_SERVE_METHOD = "serve_view"
else:
    raise ImproperlyConfigured(f"MEDIA_STORAGE must be 'local' or 's3', not {MEDIA_STORAGE!r}.")
STORAGES = {
    "default": MEDIA_BACKEND,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "shop",
    }
}

# Wagtail
WAGTAIL_SITE_NAME = env("SHOP_NAME", default="Angkor Market")
WAGTAILADMIN_BASE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
WAGTAILIMAGES_IMAGE_MODEL = "wagtailimages.Image"
WAGTAIL_I18N_ENABLED = False
# The native full-text backend ranks results; MySQL's tokenizer cannot split Khmer
# and ignores short words, so catalog search falls back to substring matching
# (catalog/search.py) when the native backend finds nothing.
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database"},
    "substring": {"BACKEND": "wagtail.search.backends.database.fallback"},
}
WAGTAILDOCS_EXTENSIONS = [
    "csv",
    "docx",
    "key",
    "odt",
    "pdf",
    "pptx",
    "rtf",
    "txt",
    "xlsx",
    "zip",
]

# Background work: Django Tasks stored in the database, run by `manage.py shop_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# JSON API
# Our API views set their own authentication, CSRF, parsers and error shape
# (website/apiviews.py); these defaults stay DRF's so Wagtail's admin API is unaffected.
REST_FRAMEWORK = {"DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema"}
SPECTACULAR_SETTINGS = {
    "TITLE": "Angkor Market API",
    "DESCRIPTION": "Cart, checkout and payment status for the storefront (same origin, session "
    "cookie, CSRF token in X-CSRFToken on writes).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Only the shop's own API; Wagtail's admin API is internal to the admin.
    "PREPROCESSING_HOOKS": ["kernel.apiviews.only_shop_endpoints"],
    "COMPONENT_SPLIT_REQUEST": True,
}

# Shop
SHOP_PRODUCTS_PER_PAGE = 24
# Seconds a rendered catalog page is served from the cache to visitors without cookies
# (any publish, settings change or stock change makes cached pages stale at once); 0 = off.
SHOP_PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
# Minutes an order keeps its stock reserved while it waits to be paid.
SHOP_PAYMENT_WINDOW_MINUTES = env.int("PAYMENT_WINDOW_MINUTES", default=15)
# Bakong KHQR payments. The shop's own account receives the money; the API is asked whether
# each QR was paid. BAKONG_API_BASE_URL points at the local sandbox in development and tests.
BAKONG_API_BASE_URL = env("BAKONG_API_BASE_URL", default="https://api-bakong.nbc.gov.kh")
BAKONG_API_TOKEN = env_or_file("BAKONG_API_TOKEN")
BAKONG_ACCOUNT_ID = env("BAKONG_ACCOUNT_ID", default="angkormarket@aclb")
BAKONG_MERCHANT_NAME = env("BAKONG_MERCHANT_NAME", default="Angkor Market")
BAKONG_MERCHANT_CITY = env("BAKONG_MERCHANT_CITY", default="Phnom Penh")
BAKONG_CONNECT_TIMEOUT = env.float("BAKONG_CONNECT_TIMEOUT", default=3.0)
BAKONG_READ_TIMEOUT = env.float("BAKONG_READ_TIMEOUT", default=5.0)
# The payment page's status check waits at most this long for Bakong (it polls again anyway).
BAKONG_STATUS_READ_TIMEOUT = env.float("BAKONG_STATUS_READ_TIMEOUT", default=1.5)
# A payment is only called expired after Bakong says "not found" this long past its expiry.
BAKONG_EXPIRY_GRACE_SECONDS = env.int("BAKONG_EXPIRY_GRACE_SECONDS", default=120)
# The status endpoint asks Bakong about a payment at most this often (shared by all workers).
BAKONG_CHECK_INTERVAL_SECONDS = env.float("BAKONG_CHECK_INTERVAL_SECONDS", default=3.0)
# Where the payment page's "Open in Bakong" link sends the shopper back to.
BAKONG_APP_NAME = env("BAKONG_APP_NAME", default="Angkor Market")

# E-mail: Gmail's SMTP by default (an app password in EMAIL_HOST_PASSWORD).
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="smtp.gmail.com")
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env_or_file("EMAIL_HOST_PASSWORD")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default=EMAIL_HOST_USER or "shop@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where paid orders and payments needing attention are reported (default: the shop's e-mail).
SHOP_OWNER_EMAIL = env("OWNER_EMAIL", default="")
SHOP_MAIL_DOMAIN = env("MAIL_DOMAIN", default="angkormarket.local")
# Seconds before a message claimed by a worker that then crashed is sent by another.
SHOP_NOTIFICATION_LEASE_SECONDS = env.int("NOTIFICATION_LEASE_SECONDS", default=300)

# Telegram (optional): the owner's chat hears about paid orders, late payments, low stock.
TELEGRAM_BOT_TOKEN = env_or_file("TELEGRAM_BOT_TOKEN")
TELEGRAM_CHAT_ID = env("TELEGRAM_CHAT_ID", default="")
TELEGRAM_API_BASE_URL = env("TELEGRAM_API_BASE_URL", default="https://api.telegram.org")

# Seconds between runs of the periodic jobs (expiring unpaid orders...).
SHOP_SCHEDULER_INTERVAL = env.int("SCHEDULER_INTERVAL_SECONDS", default=30)
# The file the worker touches each time its loop goes round; `manage.py worker_health`
# checks how old it is. Each worker on one machine needs its own.
SHOP_WORKER_HEARTBEAT_FILE = env(
    "SHOP_WORKER_HEARTBEAT_FILE", default=str(Path(tempfile.gettempdir()) / "shop-worker-heartbeat")
)
SHOP_DEFAULT_KHR_PER_USD = Decimal("4100")
# Housekeeping (checkout/housekeeping.py): the worker deletes what outlived these, in batches,
# at most once every HOUSEKEEPING_INTERVAL_SECONDS across all workers.
# Days finished task results (the worker's record of each job) are kept; unfinished never go.
SHOP_TASK_RESULT_RETENTION_DAYS = env.float("TASK_RESULT_RETENTION_DAYS", default=7)
# Days a guest's cart nobody touched is kept (never less than the session lifetime).
SHOP_CART_RETENTION_DAYS = env.float("CART_RETENTION_DAYS", default=30)
SHOP_HOUSEKEEPING_INTERVAL_SECONDS = env.int("HOUSEKEEPING_INTERVAL_SECONDS", default=3600)
# Rows deleted per statement (each batch is its own short transaction).
SHOP_HOUSEKEEPING_BATCH_SIZE = env.int("HOUSEKEEPING_BATCH_SIZE", default=500)
# Product imports fetch pictures only from public addresses (catalog/bulk/images.py). Networks
# listed here (["192.168.1.0/24"]) are fetched from too: a file server of the shop's own.
# Empty by default; never list the shop's own server or a cloud metadata address.
SHOP_IMPORT_IMAGE_ALLOWED_NETWORKS = []

# Metrics (kernel/metrics.py, docs/operations.md "Metrics and alerts"). /metrics on each web
# task and the worker's own endpoint answer only with this bearer token (or the file
# METRICS_TOKEN_FILE names, a Docker secret); without one both are off.
METRICS_TOKEN = env_or_file("METRICS_TOKEN")
# The worker's endpoint (outbox, token, backup and disk figures, its own counters): an
# internal port, never published.
WORKER_METRICS_ADDR = env("WORKER_METRICS_ADDR", default="0.0.0.0")  # noqa: S104
WORKER_METRICS_PORT = in_range(
    "WORKER_METRICS_PORT", env.int("WORKER_METRICS_PORT", default=9100), 0, 65535
)
# Where the backup sets are, when mounted where the worker runs (the newest one's age).
METRICS_BACKUP_DIR = env("METRICS_BACKUP_DIR", default="")
# Filesystems whose free space is reported (MEDIA_ROOT when media are local files).
METRICS_DISK_PATHS = env.list("METRICS_DISK_PATHS", default=[])

# Log lines are plain text, or one JSON object each with LOG_FORMAT=json (kernel/logs.py).
LOG_FORMAT = env.text("LOG_FORMAT", default="plain").lower()
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json (got {LOG_FORMAT!r}).")
LOG_LEVEL = env.text("LOG_LEVEL", default="INFO").upper()
if not isinstance(logging.getLevelName(LOG_LEVEL), int):
    raise ImproperlyConfigured(
        f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL (got {LOG_LEVEL!r})."
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "kernel.logs.JsonFormatter"},
    },
    # Every line names its request (kernel/request_id.py). Secrets (tokens, passwords) are
    # replaced by [redacted] in everything the handler writes.
    "filters": {
        "request_id": {"()": "kernel.request_id.RequestIdFilter"},
        "redact_secrets": {"()": "kernel.redact.RedactingFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Its DEBUG lines quote request paths (the Telegram API's holds the bot token):
        # redacted where they are logged, before any handler sees them.
        "urllib3.connectionpool": {"filters": ["redact_secrets"]},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        # Receipts and packing slips: its INFO lines narrate every step of every PDF.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Error reports (Sentry or a server speaking its protocol), from web and worker: only when
# SENTRY_DSN (or SENTRY_DSN_FILE, a Docker secret) is set. Without personal data unless
# SENTRY_SEND_PII=true (kernel/error_reports.py says what that adds).
SENTRY_DSN = env_or_file("SENTRY_DSN")
SENTRY_ENVIRONMENT = env.text("SENTRY_ENVIRONMENT", default="production")
SHOP_RELEASE = env("SHOP_RELEASE", default="")  # the image tag or commit, set at build time
SENTRY_SAMPLE_RATE = in_range(
    "SENTRY_SAMPLE_RATE", env.float("SENTRY_SAMPLE_RATE", default=1.0), 0, 1
)
SENTRY_TRACES_SAMPLE_RATE = in_range(
    "SENTRY_TRACES_SAMPLE_RATE", env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0), 0, 1
)
SENTRY_SEND_PII = env.bool("SENTRY_SEND_PII", default=False)
error_reports.start(
    dsn=SENTRY_DSN,
    environment=SENTRY_ENVIRONMENT,
    release=SHOP_RELEASE,
    sample_rate=SENTRY_SAMPLE_RATE,
    traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
    send_pii=SENTRY_SEND_PII,
)
