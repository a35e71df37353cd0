"""A scripted stand-in for a platform adapter, shared by the refresh, task and command tests.

The refresh service looks adapters up in the registry (`refresh.get_adapter`) unless one is
passed in; the fixtures here replace that lookup (and the score recompute) so the tests control
every answer. The rate limiter is taken by the HTTP client before each request; the fake adapter
plays that part with `waits`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import httpx
import pytest

from directory.platforms.base import FetchError, FetchResult, LinkRef, Measurements, RateLimitWait
from directory.services import refresh

MEASURED = Measurements(
    followers=1200,
    following=80,
    posts_total=310,
    window_days=90,
    posts_in_window=14,
    comments_in_window=52,
    unique_commenters_in_window=31,
    posts_with_comments=11,
    creator_replies_in_window=24,
    posts_with_creator_reply=9,
    replies_to_others_in_window=7,
    likes_in_window=410,
    shares_in_window=None,
    last_post_at=dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC),
)


def ok_result(**overrides) -> FetchResult:
    values = {"measurements": MEASURED, "handle": "@calm.voice", "external_id": "ext-1"}
    values.update(overrides)
    return FetchResult(**values)


@dataclass
class FakeAdapter:
    """Answers each fetch with the next scripted item: a FetchResult, an exception, or a
    callable run at fetch time (to simulate something happening mid-fetch). While `waits` has
    items, a fetch stops before its first request as the client does when the host's bucket
    is empty (and is not recorded in `calls`)."""

    script: list = field(default_factory=list)
    calls: list[LinkRef] = field(default_factory=list)
    waits: list[float] = field(default_factory=list)
    platform: str = "blog"

    def fetch(self, link: LinkRef, client: httpx.Client, *, window_days: int) -> FetchResult:
        if self.waits:
            raise RateLimitWait(link.url, self.waits.pop(0))
        self.calls.append(link)
        item = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if callable(item):
            item = item(link)
        if isinstance(item, BaseException):
            raise item
        return item


@dataclass
class Recorder:
    calls: list = field(default_factory=list)
    fail: bool = False

    def __call__(self, *args, **kwargs):
        self.calls.append(args or kwargs)
        if self.fail:
            raise RuntimeError("scoring broke")


@pytest.fixture
def adapter(monkeypatch) -> FakeAdapter:
    fake = FakeAdapter(script=[ok_result()])
    monkeypatch.setattr(refresh, "get_adapter", lambda platform: fake)
    monkeypatch.setattr(refresh, "build_client", lambda rate_limit: httpx.Client())
    return fake


@pytest.fixture
def rate_wait(adapter) -> list[float]:
    """Seconds the per-host limiter asks to wait, one per fetch (0 once the list is used up)."""
    return adapter.waits


@pytest.fixture
def scores(monkeypatch) -> Recorder:
    recorder = Recorder()
    monkeypatch.setattr(refresh, "creator_recompute_score", lambda creator_id: recorder(creator_id))
    return recorder


_serial = iter(range(1, 1_000_000))


def fetchable_link(**overrides):
    """A link the refresh service will fetch (the factory's example.org URLs are demo-reserved)."""
    from tests.factories import PlatformLinkFactory

    overrides.setdefault("url", f"https://writer-{next(_serial)}.blogspot.com/")
    return PlatformLinkFactory(**overrides)


def server_error(status: int = 503) -> FetchError:
    return FetchError(f"answered {status}", permanent=False, status_code=status)
