"""The per-visitor throttle: atomic counts per fixed window, and who a visitor is."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from directory.services.throttle import client_address, parse_rate, throttle_hit


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def test_parse_rate_reads_the_api_throttle_syntax():
    assert parse_rate("5/hour").count == 5
    assert parse_rate("120/min").seconds == 60


def test_the_sixth_attempt_in_an_hour_is_refused_with_the_wait():
    start = 7200.0  # the start of a window
    results = [throttle_hit(scope="t", key="a", rate="5/hour", now=start + i) for i in range(6)]
    assert results[:5] == [None] * 5
    assert results[5] == pytest.approx(3600 - 5)


def test_another_visitor_has_their_own_budget():
    for i in range(5):
        throttle_hit(scope="t", key="a", rate="5/hour", now=7200.0 + i)
    assert throttle_hit(scope="t", key="b", rate="5/hour", now=7210.0) is None


def test_a_new_window_starts_afresh():
    for i in range(6):
        throttle_hit(scope="t", key="a", rate="5/hour", now=7200.0 + i)
    assert throttle_hit(scope="t", key="a", rate="5/hour", now=10800.0) is None


def test_a_broken_cache_allows_the_attempt(monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "add", down)
    assert throttle_hit(scope="t", key="a", rate="1/hour") is None


def test_client_address_is_the_socket_peer_without_a_trusted_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_address(request) == "203.0.113.9"


def test_client_address_trusts_only_the_hops_our_proxies_added(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7"
    )
    assert client_address(request) == "198.51.100.7"
