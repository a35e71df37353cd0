"""Settings for Mental Health Voices, read from environment variables.

One module serves development, tests and production; see README.md ("Configuration") for every
variable. A bad value stops start-up with a message naming the variable.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from redis.backoff import NoBackoff
from redis.retry import Retry

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
    env_url_path,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
# `.env` is read by manage.py only (development commands), never by gunicorn or Celery, so a
# file left on a server cannot turn DEBUG on behind the site's back. The test suite's settings
# are config/test_settings.py: nothing here guesses whether tests are running.

DEBUG = env_bool("DEBUG", default=False)

_DEV_SECRET = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105 - used only with DEBUG
SECRET_KEY = env_str("SECRET_KEY") or ""
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = _DEV_SECRET
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY to a long random string "
            "(or DEBUG=true for local development only)."
        )

_LOCAL_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", _LOCAL_HOSTS if DEBUG else [])
if DEBUG and not set(ALLOWED_HOSTS) <= {*_LOCAL_HOSTS, "testserver"}:
    # A public host name marks a real deployment; DEBUG there shows settings and tracebacks
    # to anyone.
    raise ImproperlyConfigured(
        f"DEBUG=true is for local development only, but ALLOWED_HOSTS names "
        f"{', '.join(h for h in ALLOWED_HOSTS if h not in _LOCAL_HOSTS)}. Unset DEBUG."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# SITE_URL is the base of CONTACT_URL's default, named in the fetchers' User-Agent: it must be a
# real link. CONTACT_URL may be any URI a platform operator can use (https:, mailto:).
SITE_URL = (
    env_url("SITE_URL", "http://127.0.0.1:8000", schemes=("http", "https"))
    or "http://127.0.0.1:8000"
).rstrip("/")
# It lands in an href on /about/ and in the User-Agent: a web page or an address, nothing else
# (a javascript: URL would run on our page).
CONTACT_URL = (
    env_url("CONTACT_URL", SITE_URL + "/about/", schemes=("http", "https", "mailto"))
    or SITE_URL + "/about/"
)

INSTALLED_APPS = [
    # Our AdminSite (directory/admin_site.py): the moderation home, superuser-only bulk delete.
    "config.apps.ModerationAdminConfig",
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
    "axes",
    "accounts",
    "directory",
]
# Sign-up, sign-in, email verification and password reset (django-allauth; see the block below).
INSTALLED_APPS += ["allauth", "allauth.account", "allauth.mfa"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise so static files (SVG can carry script) get the policy too.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session and auth middleware, so their database errors become a calm 503 too.
    "config.outage.OutageMiddleware",
    # Anonymous list pages from the cache, before sessions and auth (directory/page_cache.py).
    "directory.page_cache.ListPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]
MIDDLEWARE += [
    "allauth.account.middleware.AccountMiddleware",
    # A session signed in by the admin's password-only form gives its code before account pages.
    "accounts.admin_mfa.SecondFactorFirstMiddleware",
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
DATABASE_CONNECT_TIMEOUT = env_int("DATABASE_CONNECT_TIMEOUT", 3, minimum=2)
# Seconds one SQL statement may run; 0 turns the limit off (the Procfile's release step does).
DATABASE_STATEMENT_TIMEOUT = env_float("DATABASE_STATEMENT_TIMEOUT", 5.0, minimum=0)
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
except ValueError as exc:  # pragma: no cover - dj_database_url's own message is specific
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if str(DATABASES["default"]["NAME"]) not in ("", ":memory:"):
        # A fresh clone has no var/: even `manage.py check` opens the database to learn its
        # version, and SQLite cannot create a file in a folder that does not exist.
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL lets the embedded worker write while the web server reads.
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL;"
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["OPTIONS"]["timeout"] = 20
else:
    # A hung database must fail a request in seconds, not hold a worker for minutes: pages then
    # answer 503 (config/outage.py). libpq waits at least 2 s for a connection.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["connect_timeout"] = DATABASE_CONNECT_TIMEOUT
    if DATABASE_STATEMENT_TIMEOUT:
        DATABASES["default"]["OPTIONS"]["options"] = (
            f"-c statement_timeout={round(DATABASE_STATEMENT_TIMEOUT * 1000)}"
        )
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
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Development and tests serve static files straight from the app folders (no collectstatic).
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG

# --- Security (production) -----------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# How many reverse proxies stand between the internet and gunicorn (docs/deployment.md). With
# one or more, the visitor's address is the X-Forwarded-For hop the outermost of ours appended
# (directory.services.throttle.client_address: rate limits, the API throttle) and
# X-Forwarded-Proto says whether the visitor used HTTPS. Only safe when gunicorn is reachable
# through those proxies alone: anyone who can reach it directly can write both headers.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
if "BEHIND_PROXY" in os.environ:
    raise ImproperlyConfigured(
        "BEHIND_PROXY is replaced by TRUSTED_PROXY_COUNT: set TRUSTED_PROXY_COUNT=1 for one "
        "reverse proxy (docs/deployment.md) and remove BEHIND_PROXY."
    )
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_COUNT else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
# Only once every subdomain serves HTTPS: browsers then refuse plain HTTP on all of them, and
# preload lists take months to leave.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
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

# --- Accounts (django-allauth) -------------------------------------------------------------
# Email is the identity: people sign up and in with it and must confirm it before signing in.
# The username column stays (the admin shows it); allauth fills it in from the email.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",  # the admin's username sign-in
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Mental Health Voices] "
# allauth's own limits, in the shared cache (per address and per email typed), stated here so a
# reviewer sees them: sign-in attempts, failed sign-ins, sign-ups and reset requests.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip,5/h/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "confirm_email": "1/3m/key",
}
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:me"
ACCOUNT_LOGOUT_REDIRECT_URL = "directory:creator_list"
# Development prints emails (sign-up confirmation, password reset) to the console. Django
# 6.1's MAILERS; a later email block configuring SMTP from the environment replaces this.
if DEBUG:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# --- Redis / Celery -------------------------------------------------------------------------
REDIS_URL = env_url("REDIS_URL", None, schemes=("redis", "rediss", "unix"))
# Seconds to connect to, or wait for, the cache (optional: rate limits are skipped without it)
# and the broker. redis-py's default is to wait 5 s and retry.
CACHE_TIMEOUT_SECONDS = env_float("CACHE_TIMEOUT_SECONDS", 0.5, minimum=0.05)
BROKER_TIMEOUT_SECONDS = env_float("BROKER_TIMEOUT_SECONDS", 2.0, minimum=0.1)
# How long an anonymous visitor's list page or API list page, and a filter set's count, stay
# cached (directory/page_cache.py). Any change to what the listing shows invalidates them at once
# (listing_changed()); this only bounds how stale time-relative wording ("active within 30 days",
# a break ending) can get. 0 turns the page cache off, the default without Redis: an in-process
# cache could not hear a change made by the worker (a new score) in another process.
LISTING_CACHE_SECONDS = env_int("LISTING_CACHE_SECONDS", 300 if REDIS_URL else 0, minimum=0)
CELERY_BROKER_URL = env_url(
    "CELERY_BROKER_URL",
    REDIS_URL,
    schemes=("redis", "rediss", "amqp", "amqps", "filesystem", "memory", "sqla+sqlite"),
)
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object]
if not CELERY_BROKER_URL:
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
    if CELERY_BROKER_URL.startswith(("redis", "rediss", "unix")):
        # A hung broker must not hang a web request: each socket wait is bounded.
        CELERY_BROKER_TRANSPORT_OPTIONS |= {
            "socket_timeout": BROKER_TIMEOUT_SECONDS,
            "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
        }
# Publishing gives up at once when the broker cannot be reached; callers (services.enqueue)
# leave the links due, and the dispatcher sends them once the broker is back.
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_TIMEOUT_SECONDS
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# No CELERY_TIMEZONE: Celery's default (UTC) is our TIME_ZONE, and django-celery-beat 2.1.0 reads
# CELERY_TIMEZONE through an attribute django-timezone-field 4.2 no longer has, which made the
# admin's "add crontab" page answer 500.
# The schedule lives in the database (django-celery-beat); config/beat.py says why a subclass.
CELERY_BEAT_SCHEDULER = "config.beat:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.SharedClientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "mhv",
            "OPTIONS": {
                "socket_connect_timeout": CACHE_TIMEOUT_SECONDS,
                "socket_timeout": CACHE_TIMEOUT_SECONDS,
                "retry": Retry(NoBackoff(), 0),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Email, submissions and contact ---------------------------------------------------------
# Django 6.1's MAILERS (the EMAIL_* settings are deprecated); the environment keeps the familiar
# EMAIL_* names. Without EMAIL_HOST mail is printed to the console (what `make run` shows).
# Mail is always sent by a Celery task after the transaction commits (directory.services.notify).
_EMAIL_HOST = env_str("EMAIL_HOST", "") or ""
if _EMAIL_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _EMAIL_HOST,
                "port": env_int("EMAIL_PORT", 587, minimum=1),
                "username": env_str("EMAIL_HOST_USER", "") or None,
                "password": env_str("EMAIL_HOST_PASSWORD", "") or None,
                "use_tls": env_bool("EMAIL_USE_TLS", default=True),
                "timeout": 10,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "") or "Mental Health Voices <noreply@localhost>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Who is told about contact messages and removal requests; shown nowhere.
MODERATOR_EMAILS = env_list("MODERATOR_EMAILS", [])
# Shown on /about/ when set.
CONTACT_EMAIL = env_str("CONTACT_EMAIL", "") or ""
# Named on /about/ as the people who run the directory.
SITE_OPERATOR = env_str("SITE_OPERATOR", "") or "the Mental Health Voices volunteer moderators"
# Per visitor address and per account, same syntax as the API throttle rates.
SUBMISSION_RATE_LIMIT = env_rate("SUBMISSION_RATE_LIMIT", "5/hour")

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "directory.api_throttles.AnonReadThrottle",
        "directory.api_throttles.UserReadThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_rate("API_THROTTLE_ANON", "120/min"),
        "user": env_rate("API_THROTTLE_USER", "600/min"),
    },
    # Our throttles (directory/api.py) key visitors by client_address(); DRF's own helpers
    # follow the same count of trusted proxies.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
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
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "directory.api_schema.finish_api_schema",  # topics and languages as they are now
    ],
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

# --- Admin: where it lives and who may sign in (h-moderation) ------------------------------------
ADMIN_URL = env_url_path("ADMIN_URL", "admin/")
# django-axes counts failed sign-ins in the database (shared by every worker) and locks out the
# account on any address, and the address for any account, after ADMIN_LOGIN_FAILURE_LIMIT
# failures, for ADMIN_LOCKOUT_MINUTES after the last attempt.
AUTHENTICATION_BACKENDS = [
    "directory.admin_site.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AXES_FAILURE_LIMIT = env_int("ADMIN_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("ADMIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# One rule for who a visitor is (TRUSTED_PROXY_COUNT), shared with the per-visitor throttles.
AXES_CLIENT_IP_CALLABLE = "directory.admin_site.lockout_client_address"
AXES_LOCKOUT_CALLABLE = "directory.admin_site.lockout_response"
AXES_USERNAME_CALLABLE = "directory.admin_site.lockout_username"
AXES_VERBOSE = False
# Two-factor sign-in (allauth's MFA): an authenticator app (TOTP), with recovery codes for a lost
# phone. Anyone may turn it on from /accounts/2fa/. Staff who have it must give a code once per
# session before the admin opens (the admin's own sign-in form asks only for a password);
# ADMIN_REQUIRE_MFA makes it compulsory for staff, sending those without it to set it up. On by
# default outside development (DEBUG): a moderator's password alone unlocks every pending
# submission's email address.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Mental Health Voices"
ADMIN_REQUIRE_MFA = env_bool("ADMIN_REQUIRE_MFA", default=not DEBUG)
# Visitors' "Report a problem": per-address limit (shared cache); urgent reports email these.
REPORT_RATE_LIMIT = env_rate("REPORT_RATE_LIMIT", "5/hour")
# Per-address limits on the pictures we draw or read from the database on every cache miss.
AVATAR_RATE_LIMIT = env_rate("AVATAR_RATE_LIMIT", "300/min")
SHARE_CARD_RATE_LIMIT = env_rate("SHARE_CARD_RATE_LIMIT", "30/min")

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
