"""Settings for Mental Health Voices, read from environment variables.

One module serves development, tests and production; see README.md ("Configuration") for every
variable. A bad value stops start-up with a message naming the variable.
"""

from __future__ import annotations

import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from directory.scoring import merge_weights

from .env import (
    env_bool,
    env_choice,
    env_float,
    env_host_rates,
    env_int,
    env_list,
    env_mapping_of_floats,
    env_rate,
    env_str,
    env_url,
    load_dotenv,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
if "pytest" not in sys.modules:
    load_dotenv(BASE_DIR / ".env")

DEBUG = env_bool("DEBUG", default=False)
TESTING = "pytest" in sys.modules or env_bool("TESTING", default=False)

_DEV_SECRET = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105 - used only with DEBUG or under tests
SECRET_KEY = env_str("SECRET_KEY") or ""
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = _DEV_SECRET
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY to a long random string "
            "(or DEBUG=true for local development only)."
        )

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG or TESTING else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# SITE_URL is the base of CONTACT_URL's default, named in the fetchers' User-Agent: it must be a
# real link. CONTACT_URL may be any URI a platform operator can use (https:, mailto:).
SITE_URL = (
    env_url("SITE_URL", "http://127.0.0.1:8000", schemes=("http", "https"))
    or "http://127.0.0.1:8000"
).rstrip("/")
CONTACT_URL = env_str("CONTACT_URL", SITE_URL + "/about/") or SITE_URL + "/about/"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "django_countries",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "config.apps.CeleryBeatConfig",
    "accounts",
    "directory",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise so static files (SVG can carry script) get the policy too.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "directory.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
_default_db = f"sqlite:///{VAR_DIR / 'mhvoices.sqlite3'}"
DATABASE_URL = env_url(
    "DATABASE_URL", _default_db, schemes=("sqlite", "postgres", "postgresql", "pgsql")
)
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
except ValueError as exc:  # pragma: no cover - dj_database_url's own message is specific
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL lets the embedded worker write while the web server reads.
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL;"
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["OPTIONS"]["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Development and tests serve static files straight from the app folders (no collectstatic).
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# --- Security (production) -----------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", default=False) else None
)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Strict by default: only our own files, no inline script or style. A page that needs an inline
# block marks it with {{ csp_nonce }} (the API docs); the header names a nonce only when a template
# used one. img-src allows data: for the API docs' icons.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Redoc (/api/docs/redoc/, directory/api_urls.py) needs more, on that page only: its bundle adds
# two <style> elements before it can be given the nonce (allowed by hash: if a drf-spectacular-
# sidecar upgrade changes them, tests/browser/test_csp.py fails and the browser console prints
# the new hashes), runs its search in a blob: worker, and shows Redocly's logo from their CDN.
REDOC_CSP = {
    **SECURE_CSP,
    "style-src": [
        CSP.SELF,
        CSP.NONCE,
        "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",  # an empty <style>
        "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",  # its scrollbar styles
    ],
    "worker-src": [CSP.SELF, "blob:"],
    "img-src": [CSP.SELF, "data:", "https://cdn.redoc.ly"],
}
# Browser features no page here uses; config.middleware sends them as Permissions-Policy.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "camera": [],
    "microphone": [],
    "geolocation": [],
    "payment": [],
    "usb": [],
}

# --- Redis / Celery -------------------------------------------------------------------------
REDIS_URL = env_url("REDIS_URL", None, schemes=("redis", "rediss", "unix"))
CELERY_BROKER_URL = env_url(
    "CELERY_BROKER_URL",
    REDIS_URL,
    schemes=("redis", "rediss", "amqp", "amqps", "filesystem", "memory", "sqla+sqlite"),
)
if not CELERY_BROKER_URL and TESTING:
    # Tests never leave messages in the development broker's folders.
    CELERY_BROKER_URL = "memory://"
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
elif not CELERY_BROKER_URL:
    # No Redis: an embedded broker on the filesystem, so `make run` needs no other service.
    CELERY_BROKER_URL = "filesystem://"
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # kombu's default is "control" relative to the working directory.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# The schedule lives in the database (django-celery-beat); config/beat.py says why a subclass.
CELERY_BEAT_SCHEDULER = "config.beat:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "mhv",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_rate("API_THROTTLE_ANON", "120/min"),
        "user": env_rate("API_THROTTLE_USER", "600/min"),
    },
    # Whom to throttle: DRF's default (None) keys anonymous clients on the whole X-Forwarded-For
    # header, which the client writes, so a new made-up header per request escaped the limit.
    # Behind our one reverse proxy (BEHIND_PROXY) trust only the address it appended.
    "NUM_PROXIES": 1 if SECURE_PROXY_SSL_HEADER else 0,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mental Health Voices API",
    "DESCRIPTION": "Read-only directory of people who speak openly about mental health, "
    "ranked by interactivity.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc from our own static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Fetching platform statistics ----------------------------------------------------------
FETCH_ALLOW_PRIVATE_HOSTS = env_bool("FETCH_ALLOW_PRIVATE_HOSTS", default=False)
FETCH_TIMEOUT_SECONDS = env_float("FETCH_TIMEOUT_SECONDS", 10.0, minimum=0.1)
FETCH_MAX_BYTES = env_int("FETCH_MAX_BYTES", 5_000_000, minimum=1024)
FETCH_USER_AGENT = env_str("FETCH_USER_AGENT") or f"MentalHealthVoicesBot/1.0 (+{CONTACT_URL})"
# Per-host request budgets shared by all workers, e.g. mastodon.social=300/300,*=120/60.
FETCH_RATE_LIMITS = env_host_rates("FETCH_RATE_LIMITS")
FETCH_INTERVAL_HOURS = env_int("FETCH_INTERVAL_HOURS", 24, minimum=1)
BLUESKY_APPVIEW_URL = env_url(
    "BLUESKY_APPVIEW_URL", "https://public.api.bsky.app", schemes=("http", "https")
)
YOUTUBE_API_KEY = env_str("YOUTUBE_API_KEY", "") or ""
YOUTUBE_API_URL = env_url(
    "YOUTUBE_API_URL", "https://www.googleapis.com/youtube/v3", schemes=("http", "https")
)
YOUTUBE_DAILY_QUOTA = env_int("YOUTUBE_DAILY_QUOTA", 10_000, minimum=0)
WPCOM_API_URL = env_url(
    "WPCOM_API_URL", "https://public-api.wordpress.com/rest/v1.1", schemes=("http", "https")
)

# --- Scoring --------------------------------------------------------------------------------
SCORING_WINDOW_DAYS = env_int("SCORING_WINDOW_DAYS", 90, minimum=7)
# Overrides of directory.scoring.DEFAULT_WEIGHTS, e.g. SCORING_WEIGHTS=reach=0.05,outreach=0.2.
# Checked now: a bad value found only at recompute time would silently stop scores updating.
SCORING_WEIGHTS: dict[str, float] = env_mapping_of_floats("SCORING_WEIGHTS")
try:
    merge_weights(SCORING_WEIGHTS)
except ValueError as exc:
    raise ImproperlyConfigured(f"SCORING_WEIGHTS is invalid: {exc}") from None

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_choice("LOG_LEVEL", "INFO", choices=LOG_LEVELS)},
    # httpx logs every request at INFO; the refresh service reports outcomes itself.
    "loggers": {
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
    },
}
