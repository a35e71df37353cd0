"""make bench: the refresh bench's fake platform answers the real adapters as the platforms do.

If an adapter changed what it asks for, the bench would time error pages; these tests say so.
"""

from __future__ import annotations

import socket

import httpx
import pytest
import trustme

from bench.fake_platform import APPVIEW, DOMAIN, fake_platform, rate_violations
from bench.refresh import link_specs
from directory.platforms.base import LinkRef
from directory.platforms.http import build_client
from directory.platforms.registry import get_adapter


@pytest.fixture
def fake(monkeypatch):
    ca = trustme.CA()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, port_, *args, **kwargs):
        name = str(host).lower()
        if name == APPVIEW or name.endswith(f".{DOMAIN}"):
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real_getaddrinfo(host, port_, *args, **kwargs)

    real_context = httpx.create_ssl_context

    def trusting(*args, **kwargs):
        context = real_context(*args, **kwargs)
        ca.configure_trust(context)
        return context

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(httpx, "create_ssl_context", trusting)
    with fake_platform(ca, port, delay=0.0) as state:
        yield state


@pytest.mark.parametrize("index", [0, 4, 7], ids=["blog", "mastodon", "bluesky"])
def test_every_platform_is_measured_with_conversations(fake, index):
    platform, url, avatar = link_specs(1, start=index)[0]
    with build_client(allow_private=True) as client:
        result = get_adapter(platform).fetch(
            LinkRef(platform=platform, url=url), client, window_days=90
        )
    m = result.measurements
    assert fake.unknown == []
    assert 1 <= m.posts_in_window <= 12
    assert m.comments_in_window >= 3 and m.posts_with_comments >= 1
    assert m.posts_with_creator_reply >= 1
    assert result.avatar_url == avatar
    assert len(fake.requests) == (1 + 3 if platform == "blog" else 2 + 3)


def test_rate_violations_count_requests_past_an_empty_bucket():
    assert rate_violations([0.0, 0.1, 0.2], capacity=3, per_second=1) == 0
    assert rate_violations([0.0, 0.1, 0.2, 0.3], capacity=3, per_second=1) == 1
    # Refilled after a wait at the rate.
    assert rate_violations([0.0, 0.1, 0.2, 1.3], capacity=3, per_second=1) == 0
