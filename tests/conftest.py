"""Shared fixtures.

Services: tests marked `postgres` or `redis` need the real server. Locally they are skipped when it
is not configured or not reachable; with CI=true they fail instead, so CI can never pass by
skipping them.
"""

from __future__ import annotations

import os
import socket
from urllib.parse import urlparse

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Property tests check what the score does, not how fast: on a loaded 2-core machine (CI runs
# the suite on two processes beside PostgreSQL and Redis) Hypothesis' timing checks fail at
# random. Speed is measured by `make bench`.
hypothesis_settings.register_profile(
    "project", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("project")

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), 2
        ):
            return True
    except OSError:
        return False


def _missing_service(message: str) -> None:
    if IN_CI:
        pytest.fail(f"CI=true and {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture
def redis_url() -> str:
    """URL of a real Redis server (REDIS_URL), or skip/fail as described above."""
    url = os.environ.get("REDIS_URL", "")
    if not url:
        _missing_service("REDIS_URL is not set; this test needs a real Redis server")
    if not _reachable(url, 6379):
        _missing_service(f"Redis at {url} is not reachable")
    from config.test_settings import redis_database_of_this_worker

    return redis_database_of_this_worker(url)


@pytest.fixture
def redis_cache(settings, redis_url):
    """The project's Redis cache backend on the real server, under a key prefix of this test's
    own (so it never needs clear(), which would flush a database others may share)."""
    import uuid

    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.SharedClientRedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": f"mhv-test-{uuid.uuid4().hex}",
        }
    }
    return caches["default"]


@pytest.fixture
def postgres_db(settings) -> None:
    """Require that the test database is PostgreSQL (for SKIP LOCKED and similar)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        _missing_service("DATABASE_URL does not point at PostgreSQL; this test needs it")


def pytest_collection_modifyitems(config, items):
    # Under CI every test must use the services CI provides: refuse a SQLite run outright.
    if IN_CI and not os.environ.get("DATABASE_URL", "").startswith(("postgres", "pgsql")):
        raise pytest.UsageError("CI=true but DATABASE_URL is not PostgreSQL")


@pytest.fixture(autouse=True)
def _no_real_network(monkeypatch):
    """Tests never touch the internet: refuse connections to anything but this machine."""
    real_connect = socket.socket.connect

    def guarded_connect(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (
            host.startswith("127.") or host in {"::1", "localhost"} or host.startswith("/")
        ):
            raise OSError(f"tests may not open network connections (tried {address!r})")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """Each test starts without the previous tests' per-process listing copies (a test's cache
    may restart its listing version at a number an earlier test used) or paused cache servers."""
    from config.cache import cache_pauses_reset
    from directory.page_cache import local_pages
    from directory.services.listing_cache import local_copies

    for clear in (local_copies.clear, local_pages.clear, cache_pauses_reset):
        clear()
    yield
    for clear in (local_copies.clear, local_pages.clear, cache_pauses_reset):
        clear()


@pytest.fixture
def own_cache(settings, request) -> None:
    """This test's own in-memory cache, e.g. for throttle counters that must start at zero
    whatever else shares the Redis database."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }


@pytest.fixture
def eager_tasks():
    """Celery tasks run in-process when sent (e.g. an email lands in mail.outbox at once)."""
    from celery import current_app

    current_app.conf.task_always_eager = True
    yield
    current_app.conf.task_always_eager = False
