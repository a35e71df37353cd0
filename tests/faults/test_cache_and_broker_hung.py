"""A hung Redis (cache) or broker costs a request a bounded, short wait, never a hang.

Before: every API request took 10 s with the cache hung (two cache calls, redis-py's 5 s
default), and a publish to a hung broker waited for ever, leaving links marked in flight.
Bounds asserted here: the cache's timeout (CACHE_TIMEOUT_SECONDS, 0.5 s) per cache call, the
broker's (BROKER_TIMEOUT_SECONDS, 2 s) per publish, each with room for a loaded machine.
"""

from __future__ import annotations

import time

import pytest
from celery import current_app
from django.conf import settings
from django.core.cache import caches
from django.core.management import CommandError, call_command
from django.urls import reverse

from directory.services.enqueue import links_send_now
from tests.directory.refresh_fakes import fetchable_link
from tests.factories import CreatorFactory
from tests.faults.blackhole import black_hole

pytestmark = pytest.mark.django_db


@pytest.fixture
def hung_cache(settings, redis_url):
    with black_hole() as port:
        settings.CACHES = {
            "default": {
                **settings.CACHES["default"],
                "LOCATION": f"redis://127.0.0.1:{port}/0",
            }
        }
        yield
    caches["default"].close()


def test_api_answers_within_the_cache_timeout_when_the_cache_is_hung(client, hung_cache):
    CreatorFactory()
    started = time.monotonic()
    response = client.get(reverse("api:creator-list"))
    elapsed = time.monotonic() - started
    assert response.status_code == 200  # throttling is skipped, the read still answers
    # Two throttle cache calls (anonymous and user scope), 0.5 s each, no retries.
    assert elapsed < 4 * settings.CACHE_TIMEOUT_SECONDS + 1.0, elapsed


def test_after_a_cache_timeout_the_next_requests_do_not_wait_for_it(
    client, hung_cache, settings, monkeypatch
):
    """A list page made several cache calls, each waiting CACHE_TIMEOUT_SECONDS (~2 s a request
    while Redis was unreachable); now the first failure pauses the server for this process."""
    from config.cache import SharedClientRedisCacheClient

    settings.LISTING_CACHE_SECONDS = 300
    CreatorFactory(slug="shown")
    first = client.get(reverse("directory:creator_list"))
    assert first.status_code == 200 and b"/creators/shown/" in first.content
    asked = []
    real_get_client = SharedClientRedisCacheClient.get_client

    def counting(self, *args, **kwargs):
        asked.append(1)
        return real_get_client(self, *args, **kwargs)

    monkeypatch.setattr(SharedClientRedisCacheClient, "get_client", counting)
    for url in (reverse("directory:creator_list"), reverse("api:creator-list")):
        response = client.get(url, {"ordering": "name"})
        assert response.status_code == 200 and b"shown" in response.content
    assert asked == []  # served uncached, unthrottled, without one more wait


def test_a_paused_cache_server_is_asked_again_after_the_pause(hung_cache, settings, monkeypatch):
    from redis.exceptions import RedisError

    import config.cache as backend_module

    now = [1000.0]
    monkeypatch.setattr(backend_module, "monotonic", lambda: now[0])
    cache = caches["default"]
    with pytest.raises(RedisError):  # the read times out: the server is paused
        cache.get("anything")
    with pytest.raises(backend_module.CacheServerPaused):
        cache.get("anything")
    now[0] += backend_module.PAUSE_SECONDS + 0.1
    with pytest.raises(RedisError) as tried:
        cache.get("anything")
    assert not isinstance(tried.value, backend_module.CacheServerPaused)


def test_a_paused_cache_server_does_not_pause_another(hung_cache, settings, redis_url):
    from redis.exceptions import RedisError

    with pytest.raises(RedisError):
        caches["default"].get("anything")
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": redis_url}}
    caches["default"].set("pause-check", 1)
    assert caches["default"].get("pause-check") == 1
    caches["default"].delete("pause-check")


@pytest.fixture
def hung_broker(redis_url):
    """The configured Redis broker (its timeouts), pointed at a server that never answers."""
    app = current_app._get_current_object()
    original = app.conf.broker_url
    with black_hole() as port:
        app.conf.broker_url = f"redis://127.0.0.1:{port}/0"
        _reset_pools(app)
        try:
            yield
        finally:
            app.conf.broker_url = original
            _reset_pools(app)


def _reset_pools(app) -> None:
    """Celery keeps its broker connections in pools built from the first URL it saw."""
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None


def test_a_publish_to_a_hung_broker_gives_up_and_leaves_nothing_in_flight(hung_broker):
    link = fetchable_link()
    started = time.monotonic()
    sent = links_send_now(link_ids=[link.pk])
    elapsed = time.monotonic() - started
    assert sent == 0
    link.refresh_from_db()
    assert link.enqueued_at is None  # not stranded as in flight for 3 hours
    assert link.next_fetch_at is None  # due: the dispatcher sends it when the broker is back
    # One connection attempt and one read, BROKER_TIMEOUT_SECONDS each, no publish retries.
    assert elapsed < 2 * settings.BROKER_TIMEOUT_SECONDS + 1.5, elapsed


def test_refresh_stats_gives_up_on_a_hung_broker_and_says_so(hung_broker):
    """It used to wait for ever."""
    links = [fetchable_link() for _ in range(3)]
    started = time.monotonic()
    with pytest.raises(CommandError, match="the task broker is not reachable"):
        call_command("refresh_stats")
    elapsed = time.monotonic() - started
    assert elapsed < 2 * settings.BROKER_TIMEOUT_SECONDS + 1.5, elapsed
    for link in links:
        link.refresh_from_db()
        assert link.enqueued_at is None
