"""Settings shared by every process. Process modules set SERVICE_NAME, SERVICE_PORT and
ROOT_URLCONF and nothing else.

Everything configurable comes from the environment (see the README's table). In
production (``LUCID_ENV=production``) insecure defaults are refused at start-up.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from lucid_payments.localdb import local_database_url
from lucid_payments.settings.database import database_settings
from lucid_payments.settings.environment import choice, secret

env = environ.Env()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
LUCID_HOME = Path(env.str("LUCID_HOME", default=str(BASE_DIR / "var"))).resolve()

LUCID_ENV = choice("LUCID_ENV", allowed=("development", "production"), default="development")
PRODUCTION = LUCID_ENV == "production"
DEBUG = env.bool("DJANGO_DEBUG", default=False)
if PRODUCTION and DEBUG:
    # Debug pages show settings, SQL and stack frames to whoever triggers an error.
    raise ImproperlyConfigured("Production refuses DJANGO_DEBUG=true; unset it or set it false.")

# Identity of this process; overridden by each process's settings module.
SERVICE_NAME = "lucid"
SERVICE_PORT = 8000

_DEV_SECRET_KEY = "development-only-secret-key-never-use-in-production-0123456789abcdef"
SECRET_KEY = secret("SECRET_KEY") or ("" if PRODUCTION else _DEV_SECRET_KEY)
if PRODUCTION and (len(SECRET_KEY) < 50 or SECRET_KEY == _DEV_SECRET_KEY):
    raise ImproperlyConfigured("Production needs SECRET_KEY (or SECRET_KEY_FILE), 50+ chars.")

ALLOWED_HOSTS: list[str] = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Production needs ALLOWED_HOSTS.")
if PRODUCTION and "*" in ALLOWED_HOSTS:
    # Any Host header would be trusted, and Django builds absolute URLs from it.
    raise ImproperlyConfigured(
        "Production refuses ALLOWED_HOSTS=*; list the host names this service answers to."
    )
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

_database_url = secret("DATABASE_URL")
if PRODUCTION and not _database_url:
    raise ImproperlyConfigured(
        "Production needs DATABASE_URL; the local PostgreSQL is for development."
    )
DATABASES = {"default": database_settings(_database_url or local_database_url(LUCID_HOME))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    # First: its admin templates (base_site with the console's stylesheet) win over Django's.
    "lucid_payments.console",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_q",
    "lucid_payments.core",
    "lucid_payments.accounts",
    "lucid_payments.tron",
    "lucid_payments.events",
    "wallets",
    "gateway",
    "staking",
    "usdt",
    "gateway.invoices",
    "payouts",
    "gateway.sweeps",
]

MIDDLEWARE = [
    "lucid_payments.core.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so that static files get the (strict) policy too.
    "lucid_payments.core.content_security_policy.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # the admin's CSS/JS: no proxy serves them
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

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
            ],
        },
    },
]

WSGI_APPLICATION = "lucid_payments.wsgi.application"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = LUCID_HOME / "static"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(LUCID_HOME / "media")))
# Uploaded KYC documents are never served from a public URL; the admin streams them.
MEDIA_URL = "/media-not-public/"

# Uploads (KYC documents): keep the limits in one place; the serializer enforces them.
KYC_DOCUMENT_MAX_BYTES = env.int("KYC_DOCUMENT_MAX_BYTES", default=5 * 1024 * 1024)
KYC_DOCUMENT_CONTENT_TYPES = ("image/jpeg", "image/png", "application/pdf")
KYC_APPROVAL_VALIDITY_DAYS = env.int("KYC_APPROVAL_VALIDITY_DAYS", default=365)  # then re-verify
# The payment-gateway's public origin: invoices' checkout_url is built on it.
GATEWAY_PUBLIC_URL = env.str("GATEWAY_PUBLIC_URL", default="http://localhost:8097")
# Requests per client IP and invoice to the public checkout status endpoint (the page
# polls it every 3 s).
CHECKOUT_STATUS_RATE = env.str("CHECKOUT_STATUS_RATE", default="60/min")
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * KYC_DOCUMENT_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = KYC_DOCUMENT_MAX_BYTES

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "lucid_payments.accounts.authentication.ApiKeyAuthentication"
    ],
    "DEFAULT_PERMISSION_CLASSES": ["lucid_payments.accounts.permissions.HasRequiredScope"],
    "DEFAULT_THROTTLE_CLASSES": ["lucid_payments.accounts.throttling.ApiKeyRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_key": env.str("API_RATE_LIMIT", default="1200/min")},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "lucid_payments.core.parsers.StrictJSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "lucid_payments.core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "lucid_payments.core.exception_handler.api_exception_handler",
    "UNAUTHENTICATED_USER": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Lucid Payments",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # Swagger UI's assets come from our own static files: operators' networks often have
    # no route to a public CDN, and /api/docs/ must still render there.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No badge from the public validator: it would send our document's URL to a third party
    # (and the Content-Security-Policy refuses its image anyway).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "lucid_payments.core.schema.document_unsupported_media_type",  # 415 on every body
        "lucid_payments.core.schema.document_request_too_large",  # 413 on every body
    ],
    # One name per choice set shared by several serializers (else --fail-on-warn fails).
    "ENUM_NAME_OVERRIDES": {
        "AssetEnum": "lucid_payments.core.money.Asset",
        "WalletKindEnum": "wallets.models.wallets.WalletKind",
        "EntryKindEnum": "wallets.models.ledger.EntryKind",
        "PayoutStatusEnum": "payouts.models.PayoutStatus",
        "PayoutBatchStatusEnum": "payouts.batch_models.PayoutBatchStatus",
    },
}

# Idempotency-Key: how long a concurrent duplicate waits for the first request (then 409),
# and how long keys are kept (the API promises at least 24 h).
IDEMPOTENCY_WAIT_SECONDS = env.float("IDEMPOTENCY_WAIT_SECONDS", default=10.0)
IDEMPOTENCY_TTL_HOURS = env.int("IDEMPOTENCY_TTL_HOURS", default=24)

# Django's cache, shared by every process and copy. (Rate limits count elsewhere, atomically:
# lucid_payments.accounts.rate_counters.)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "lucid_cache",
    }
}

REDIS_URL = env.str("REDIS_URL", default="")
Q_CLUSTER: dict[str, object] = {
    "name": "lucid",
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": 300,
    "retry": 360,
    "max_attempts": 5,
    "catch_up": False,
    # Successful results are not stored: with a limit, every result saved first locks all
    # stored ones to prune the oldest, which serialized the workers (measured in the
    # scale-out bench). Failures are still stored; the console lists them.
    "save_limit": -1,
    "label": "Background tasks",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# The chain.
TRON_NETWORK = choice(
    "TRON_NETWORK", allowed=("devnet", "nile", "shasta", "mainnet"), default="devnet"
)
_NODE_DEFAULTS = {
    "devnet": "http://127.0.0.1:8090",
    "nile": "https://nile.trongrid.io",
    "shasta": "https://api.shasta.trongrid.io",
    "mainnet": "https://api.trongrid.io",
}
TRON_NODE_URLS: list[str] = env.list("TRON_NODE_URLS", default=[]) or [
    env.str("TRON_NODE_URL", default=_NODE_DEFAULTS[TRON_NETWORK])
]
TRON_NODE_URL = TRON_NODE_URLS[0]
TRONGRID_API_KEY = secret("TRONGRID_API_KEY") or ""
# Every node call (our reads, tronpy's, broadcasts) goes through this proxy when set:
# socks5h://127.0.0.1:9050 for Tor (the proxy resolves the node's name), or http://….
TRON_NODE_PROXY = env.str("TRON_NODE_PROXY", default="")
if TRON_NODE_PROXY and not TRON_NODE_PROXY.startswith(
    ("socks5h://", "socks5://", "http://", "https://")
):
    raise ImproperlyConfigured(
        "TRON_NODE_PROXY must be a socks5h://, socks5://, http:// or https:// URL."
    )
# The USDT contract on nile and shasta (their default is the faucets' test USDT) or on a
# devnet not started from our genesis. Mainnet's is fixed: TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t.
USDT_CONTRACT = env.str("USDT_CONTRACT", default="")
# The energy policy (usdt.energy): fee_limit of a USDT send is the energy estimate at the
# chain's energy price plus this margin; a delegation still open after this many seconds
# is reclaimed by the repair task whatever its send did; a receiver that does not exist on
# chain yet is activated with this much TRX (SUN) from the energy wallet first.
USDT_FEE_LIMIT_MARGIN_PERCENT = env.int("USDT_FEE_LIMIT_MARGIN_PERCENT", default=20)
ENERGY_DELEGATION_MAX_AGE_S = env.int("ENERGY_DELEGATION_MAX_AGE_S", default=900)
ENERGY_ACTIVATION_SUN = env.int("ENERGY_ACTIVATION_SUN", default=1)
# Payout limits per route, in whole USDT or TRX: per payout, and per rolling 24 h for one
# customer and for one destination address across the client's customers. A client's
# payout settings in the admin override each one.
PAYOUT_V0_LIMIT_USDT = env.int("PAYOUT_V0_LIMIT_USDT", default=1_000)
PAYOUT_V0_DAILY_LIMIT_USDT = env.int("PAYOUT_V0_DAILY_LIMIT_USDT", default=10_000)
PAYOUT_KYC_LIMIT_USDT = env.int("PAYOUT_KYC_LIMIT_USDT", default=5_000)
PAYOUT_KYC_DAILY_LIMIT_USDT = env.int("PAYOUT_KYC_DAILY_LIMIT_USDT", default=50_000)
PAYOUT_V0_LIMIT_TRX = env.int("PAYOUT_V0_LIMIT_TRX", default=4_000)
PAYOUT_V0_DAILY_LIMIT_TRX = env.int("PAYOUT_V0_DAILY_LIMIT_TRX", default=40_000)
PAYOUT_KYC_LIMIT_TRX = env.int("PAYOUT_KYC_LIMIT_TRX", default=20_000)
PAYOUT_KYC_DAILY_LIMIT_TRX = env.int("PAYOUT_KYC_DAILY_LIMIT_TRX", default=200_000)
# Sweeps (gateway.sweeps): a client's SweepSettings override these per client.
SWEEP_THRESHOLD_TRX_SUN = env.int("SWEEP_THRESHOLD_TRX_SUN", default=50_000_000)
SWEEP_THRESHOLD_USDT_UNITS = env.int("SWEEP_THRESHOLD_USDT_UNITS", default=5_000_000)
SWEEP_HOT_CAP_TRX_SUN = env.int("SWEEP_HOT_CAP_TRX_SUN", default=0)  # 0: no cap
SWEEP_HOT_CAP_USDT_UNITS = env.int("SWEEP_HOT_CAP_USDT_UNITS", default=0)
# Node requests. A read of a 100-block range from a busy public node can take seconds, so
# the per-request timeout is generous; retries (with jittered backoff capped at
# BACKOFF_MAX) ride out 429/503/SERVER_BUSY and fail over to the next URL before a
# request gives up and the scanner's pass ends (the next pass retries anyway).
TRON_NODE_TIMEOUT_S = env.float("TRON_NODE_TIMEOUT_S", default=10.0)
TRON_NODE_MAX_ATTEMPTS = env.int("TRON_NODE_MAX_ATTEMPTS", default=6)
TRON_NODE_BACKOFF_MAX_S = env.float("TRON_NODE_BACKOFF_MAX_S", default=5.0)
# Where a network's very first scan starts (a block number). Unset: TRON_SCAN_START_LOOKBACK
# blocks behind the node's head, so a new install does not walk the whole chain yet finds a
# payment to an address watched (and paid) before the scanner's first pass; set it to pick
# up history from a known block.
TRON_SCAN_START_BLOCK: int | None = env.int("TRON_SCAN_START_BLOCK", default=None)
TRON_SCAN_START_LOOKBACK = env.int("TRON_SCAN_START_LOOKBACK", default=1200)  # ~1 h of blocks
# Outgoing transactions. How long a signed copy stays valid past the node's head (java-tron
# accepts at most 24 h): a copy that expires unincluded is rebuilt, so shorter means faster
# recovery from a dropped broadcast, longer means more slack for a congested network.
TRON_TX_EXPIRATION_MS = env.int("TRON_TX_EXPIRATION_MS", default=60_000)
if not 0 < TRON_TX_EXPIRATION_MS <= 86_400_000:
    raise ImproperlyConfigured("TRON_TX_EXPIRATION_MS must be within 1..86400000 (24 h).")
# Seconds between re-sends of a copy that is not in a block yet (re-sending is harmless).
TRON_TX_REBROADCAST_S = env.int("TRON_TX_REBROADCAST_S", default=15)
# Seconds a worker signs copies against heads it read once (two node reads saved per copy
# in a burst). A reference that old only starts a copy's life that much earlier; 0 reads
# the heads for every copy.
TRON_TX_REFERENCE_REUSE_S = env.float("TRON_TX_REFERENCE_REUSE_S", default=1.0)
if not 0 <= TRON_TX_REFERENCE_REUSE_S <= 10:
    raise ImproperlyConfigured("TRON_TX_REFERENCE_REUSE_S must be within 0..10 seconds.")
# Signed copies one transaction may use up (each expired unincluded) before it fails.
TRON_TX_MAX_ATTEMPTS = env.int("TRON_TX_MAX_ATTEMPTS", default=5)
# The sweep is scheduled once a minute and goes round every PAUSE seconds for up to BUDGET
# seconds per run; keep BUDGET under the schedule's minute and the Q_CLUSTER timeout.
TRON_OUTGOING_SWEEP_BUDGET_S = env.int("TRON_OUTGOING_SWEEP_BUDGET_S", default=50)
TRON_OUTGOING_SWEEP_PAUSE_S = env.int("TRON_OUTGOING_SWEEP_PAUSE_S", default=3)

# Keystore master key: 32 random bytes, base64 (LUCID_MASTER_KEY or LUCID_MASTER_KEY_FILE).
# It wraps the data key of every sealed secret. During a rotation the previous keys stay
# readable (LUCID_MASTER_KEYS_RETIRED, comma-separated) until `rotate_master_key` is done.
# Development without a key generates one under LUCID_HOME on first use.
LUCID_MASTER_KEY = secret("LUCID_MASTER_KEY") or ""
LUCID_MASTER_KEYS_RETIRED = [
    k.strip() for k in (secret("LUCID_MASTER_KEYS_RETIRED") or "").split(",") if k.strip()
]
if PRODUCTION and not LUCID_MASTER_KEY:
    raise ImproperlyConfigured("Production needs LUCID_MASTER_KEY (or LUCID_MASTER_KEY_FILE).")

# Webhooks. Networks a webhook URL may resolve into although they are not public (e.g.
# 127.0.0.0/8 for local development); every other loopback, private, link-local, ... address
# is refused. Production refuses plain http unless WEBHOOK_ALLOW_HTTP. At most
# WEBHOOK_MAX_IN_FLIGHT deliveries are sent to one endpoint at a time.
WEBHOOK_ALLOWED_CIDRS: list[str] = [
    c.strip() for c in env.str("WEBHOOK_ALLOWED_CIDRS", default="").split(",") if c.strip()
]
WEBHOOK_ALLOW_HTTP = env.bool("WEBHOOK_ALLOW_HTTP", default=not PRODUCTION)
WEBHOOK_MAX_IN_FLIGHT = env.int("WEBHOOK_MAX_IN_FLIGHT", default=4)
for _cidr in WEBHOOK_ALLOWED_CIDRS:
    try:
        ipaddress.ip_network(_cidr, strict=False)
    except ValueError as _exc:
        raise ImproperlyConfigured(f"WEBHOOK_ALLOWED_CIDRS: {_cidr!r} is not a network.") from _exc
if WEBHOOK_MAX_IN_FLIGHT < 1:
    raise ImproperlyConfigured("WEBHOOK_MAX_IN_FLIGHT must be at least 1.")

# Security headers. Production runs behind TLS-terminating proxies.
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (lucid_payments.core.content_security_policy). HTML pages (the
# admin, the API docs) run only our own scripts and styles, none inline; a page with other
# needs (the checkout page) extends this policy with django-csp's view decorators.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # the admin's and Swagger UI's icons are data: URLs
        "font-src": [SELF],
        "connect-src": [SELF],  # Swagger UI fetches the OpenAPI document and calls the API
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
# Everything that is not HTML (the JSON API above all) loads and runs nothing.
CONTENT_SECURITY_POLICY_NOT_HTML = {
    "default-src": [NONE],
    "frame-ancestors": [NONE],
    "base-uri": [NONE],
    "form-action": [NONE],
}
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Probes and dashboards on the internal network speak plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^health(/|$)", r"^status$", r"^metrics$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        # Redacting: a URL with a key in its query string must not be logged in clear.
        "plain": {
            "()": "lucid_payments.core.log_redaction.RedactingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [" + "%(process)d] %(message)s",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"pgserver": {"level": "WARNING"}, "httpx": {"level": "WARNING"}},
}

# Prometheus: gunicorn runs several worker processes per service; multiprocess mode
# aggregates them when PROMETHEUS_MULTIPROC_DIR is set (the stack runner sets it).
PROMETHEUS_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
