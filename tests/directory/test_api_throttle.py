"""The API throttle: one atomic counter per visitor in the shared cache, and the visitor is
whoever TRUSTED_PROXY_COUNT says, never an address the client wrote itself."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache, caches
from rest_framework.test import APIClient, APIRequestFactory

from directory.api_throttles import AnonReadThrottle

pytestmark = pytest.mark.django_db
LIST_URL = "/api/creators/"


@pytest.fixture
def three_a_minute(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "100/min"},
    }
    cache.clear()
    yield
    cache.clear()


def test_behind_one_proxy_made_up_hops_on_the_left_do_not_escape(three_a_minute, settings):
    """BEHIND_PROXY trusted the last hop even when gunicorn was reachable directly; now exactly
    TRUSTED_PROXY_COUNT hops from the right are ours, and what the client wrote is ignored."""
    settings.TRUSTED_PROXY_COUNT = 1
    client = APIClient()
    codes = [
        client.get(LIST_URL, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}, 198.51.100.7").status_code
        for i in range(4)
    ]
    assert codes == [200, 200, 200, 429]


def test_behind_one_proxy_each_visitor_has_their_own_limit(three_a_minute, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client = APIClient()
    for _ in range(3):
        client.get(LIST_URL, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert client.get(LIST_URL, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    assert client.get(LIST_URL, HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 200


def test_without_trusted_proxies_the_socket_address_is_the_visitor(three_a_minute, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    client = APIClient()
    codes = [
        client.get(LIST_URL, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code for i in range(4)
    ]
    assert codes == [200, 200, 200, 429]


def test_a_429_says_when_to_come_back(three_a_minute):
    client = APIClient()
    for _ in range(3):
        client.get(LIST_URL)
    response = client.get(LIST_URL)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60


def test_parallel_requests_cannot_slip_past_the_limit(settings, redis_url):
    """DRF's throttle read, appended and wrote back a list: parallel requests overwrote each
    other's counts. The shared counter is incremented atomically in Redis."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "throttle-race",
        }
    }
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "25/min", "user": "1000/min"},
    }
    caches["default"].clear()
    request = APIRequestFactory().get(LIST_URL, REMOTE_ADDR="198.51.100.9")
    request.user = AnonymousUser()

    def attempt(_: int) -> bool:
        return AnonReadThrottle().allow_request(request, None)

    with ThreadPoolExecutor(max_workers=8) as pool:
        allowed = sum(pool.map(attempt, range(100)))
    caches["default"].clear()
    assert allowed == 25
