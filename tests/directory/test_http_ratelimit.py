"""The per-host token bucket: on real Redis (shared by workers) and the in-memory fallback."""

from __future__ import annotations

import uuid

import pytest

from directory.platforms import ratelimit
from directory.platforms.ratelimit import MemoryLimiter, Rate, RedisLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_memory_bucket_allows_a_burst_then_says_how_long_to_wait():
    clock = FakeClock()
    limiter = MemoryLimiter(clock)
    rate = Rate(3, 30)  # one token every 10 s
    assert [limiter.acquire("a.example", rate) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.acquire("a.example", rate) == pytest.approx(10.0)


def test_memory_bucket_refills_over_time():
    clock = FakeClock()
    limiter = MemoryLimiter(clock)
    rate = Rate(1, 10)
    assert limiter.acquire("a.example", rate) == 0.0
    clock.now += 4
    assert limiter.acquire("a.example", rate) == pytest.approx(6.0)
    clock.now += 6
    assert limiter.acquire("a.example", rate) == 0.0


def test_each_host_has_its_own_bucket():
    limiter = MemoryLimiter(FakeClock())
    rate = Rate(1, 60)
    assert limiter.acquire("mastodon.social", rate) == 0.0
    assert limiter.acquire("mastodon.social", rate) > 0
    assert limiter.acquire("fosstodon.org", rate) == 0.0


def test_rates_come_from_settings_then_defaults(settings):
    settings.FETCH_RATE_LIMITS = {"slow.example": "10/60", "*": "50/100"}
    assert ratelimit.rate_for("SLOW.example") == Rate(10, 60)
    assert ratelimit.rate_for("public.api.bsky.app") == Rate(3000, 300)
    assert ratelimit.rate_for("blog.example") == Rate(50, 100)
    settings.FETCH_RATE_LIMITS = {}
    assert ratelimit.rate_for("mastodon.social") == Rate(300, 300)


@pytest.mark.parametrize("bad", ["0/60", "5/0", "x/60"])
def test_bad_rate_is_refused(bad):
    with pytest.raises(ValueError):
        Rate.parse(bad)


def test_acquire_uses_memory_without_redis(settings):
    settings.REDIS_URL = None
    settings.FETCH_RATE_LIMITS = {"one.example": "1/60"}
    ratelimit.set_limiter(None)
    try:
        assert isinstance(ratelimit.get_limiter(), MemoryLimiter)
        assert ratelimit.acquire("one.example") == 0.0
        assert ratelimit.acquire("ONE.example.") == pytest.approx(60.0, abs=0.5)
    finally:
        ratelimit.set_limiter(None)


@pytest.mark.redis
def test_redis_bucket_is_shared_between_limiters(redis_url):
    prefix = f"test:ratelimit:{uuid.uuid4().hex}:"
    worker_a = RedisLimiter(redis_url, prefix=prefix)
    worker_b = RedisLimiter(redis_url, prefix=prefix)
    rate = Rate(3, 3000)  # one token per 1000 s
    taken = [worker_a.acquire("m.example", rate), worker_b.acquire("m.example", rate)]
    taken.append(worker_a.acquire("m.example", rate))
    assert taken == [0.0, 0.0, 0.0]
    wait = worker_b.acquire("m.example", rate)
    assert 990 < wait <= 1000
    assert worker_b.acquire("other.example", rate) == 0.0
    worker_a._redis.delete(prefix + "m.example", prefix + "other.example")


@pytest.mark.redis
def test_redis_bucket_key_expires(redis_url):
    prefix = f"test:ratelimit:{uuid.uuid4().hex}:"
    limiter = RedisLimiter(redis_url, prefix=prefix)
    limiter.acquire("e.example", Rate(10, 10))
    ttl = limiter._redis.ttl(prefix + "e.example")
    assert 0 < ttl <= 70
    limiter._redis.delete(prefix + "e.example")


@pytest.mark.redis
def test_acquire_uses_redis_when_configured(redis_url, settings):
    settings.REDIS_URL = redis_url
    host = f"{uuid.uuid4().hex}.example"
    settings.FETCH_RATE_LIMITS = {host: "1/600"}
    ratelimit.set_limiter(None)
    try:
        assert isinstance(ratelimit.get_limiter(), RedisLimiter)
        assert ratelimit.acquire(host) == 0.0
        assert ratelimit.acquire(host) == pytest.approx(600, abs=1)
        ratelimit.get_limiter()._redis.delete("mhv:ratelimit:" + host)
    finally:
        ratelimit.set_limiter(None)


def test_unreachable_redis_falls_back_to_memory(settings):
    settings.FETCH_RATE_LIMITS = {"fb.example": "1/60"}
    # Port 1 on loopback refuses connections immediately.
    ratelimit.set_limiter(RedisLimiter("redis://127.0.0.1:1/0"))
    try:
        assert ratelimit.acquire("fb.example") == 0.0
        assert ratelimit.acquire("fb.example") > 0
    finally:
        ratelimit.set_limiter(None)
