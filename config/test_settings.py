"""Settings for the test suite: pyproject.toml points pytest-django here.

Tests say what they need instead of the settings guessing from "pytest" being imported (which
dropped the SECRET_KEY requirement and Secure cookies in any process that imported pytest).
Everything else is config/settings.py, read from the same environment variables, so tests run
against PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

# A key for signing test sessions only; production refuses to start without a real one.
os.environ.setdefault("SECRET_KEY", "tests-only-key-not-secret")
# Slow shared CI machines: a statement may wait longer than a page should (tests/faults checks
# the production default end to end).
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "60")

from .env import env_bool  # noqa: E402
from .settings import *  # noqa: E402, F403
from .settings import ALLOWED_HOSTS, CACHES, REDIS_URL, STORAGES  # noqa: E402


def redis_database_of_this_worker(url: str) -> str:
    """`url` with a Redis database of this pytest-xdist worker's own (1 to 13; 14 is the Celery
    integration test's): a test that empties its cache (FLUSHDB) or counts requests from
    127.0.0.1 must not do it under another worker's feet. Unchanged outside xdist."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.removeprefix("gw").isdigit() or not url.startswith("redis"):
        return url
    number = int(worker.removeprefix("gw")) % 13 + 1
    return urlunsplit(urlsplit(url)._replace(path=f"/{number}"))


if REDIS_URL:
    CACHES = {
        "default": {**CACHES["default"], "LOCATION": redis_database_of_this_worker(REDIS_URL)}
    }

ALLOWED_HOSTS = [*ALLOWED_HOSTS, "localhost", "127.0.0.1", "[::1]", "testserver"]
# Static files straight from the app folders: no collectstatic before a test run.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
# Admin tests sign in with force_login; tests/accounts/test_admin_mfa.py turns it on.
ADMIN_REQUIRE_MFA = env_bool("ADMIN_REQUIRE_MFA", default=False)
WHITENOISE_USE_FINDERS = True
# The test client speaks plain HTTP.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=False)
if not os.environ.get("CELERY_BROKER_URL") and not os.environ.get("REDIS_URL"):
    # Never leave messages in the development broker's folders under var/.
    CELERY_BROKER_URL = "memory://"
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
# Factories write rows directly, not through the services that call listing_changed(), so a page
# cached in one step of a test would hide the next step's rows. The page-cache tests turn it on.
LISTING_CACHE_SECONDS = 0
