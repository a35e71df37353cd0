"""A per-host token bucket shared by every worker, so nobody's server gets hammered.

Celery's own `rate_limit` counts per worker process; a platform counts per client IP. The
bucket therefore lives in Redis (settings.REDIS_URL), updated atomically by a Lua script that
reads the clock of the Redis server so that workers with skewed clocks agree. Without Redis
(`make run` on a laptop) an in-process bucket is used instead.

`acquire(host)` never sleeps: it returns 0 when a token was taken, otherwise the seconds until
one will be free, and the caller reschedules its work by that much.

Rates are "capacity per period" (a burst of `capacity`, refilled evenly over `period` seconds).
Each host has its own bucket, so every Mastodon server is limited separately. Override or add
rates with settings.FETCH_RATE_LIMITS, e.g. `{"mastodon.social": "300/300", "*": "120/60"}`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Rate:
    capacity: int
    period: float

    @property
    def per_second(self) -> float:
        return self.capacity / self.period

    @classmethod
    def parse(cls, value: str | tuple[int, float] | Rate) -> Rate:
        """ "300/300" (requests per seconds) or (300, 300)."""
        if isinstance(value, Rate):
            return value
        if isinstance(value, str):
            capacity, _, period = value.partition("/")
            value = (int(capacity), float(period or 1))
        capacity, period = value
        if capacity < 1 or period <= 0:
            raise ValueError(f"invalid rate {value!r}: need at least 1 request per positive period")
        return cls(int(capacity), float(period))


# Mastodon documents 300 requests per 5 minutes per IP; we stay at that for unknown hosts too,
# which is plenty for blogs. The Bluesky AppView allows 3000 per 5 minutes per IP.
DEFAULT_RATE = Rate(300, 300)
DEFAULT_RATES: dict[str, Rate] = {
    "public.api.bsky.app": Rate(3000, 300),
    "www.googleapis.com": Rate(600, 60),
    "public-api.wordpress.com": Rate(600, 300),
}


def rate_for(host: str) -> Rate:
    host = host.lower()
    overrides: dict[str, Any] = getattr(settings, "FETCH_RATE_LIMITS", None) or {}
    if host in overrides:
        return Rate.parse(overrides[host])
    if host in DEFAULT_RATES:
        return DEFAULT_RATES[host]
    if "*" in overrides:
        return Rate.parse(overrides["*"])
    return DEFAULT_RATE


class Limiter(Protocol):
    def acquire(self, host: str, rate: Rate) -> float: ...


class MemoryLimiter:
    """Per-process buckets; correct for a single process (development without Redis)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}

    def acquire(self, host: str, rate: Rate) -> float:
        with self._lock:
            now = self._clock()
            tokens, stamp = self._buckets.get(host, (float(rate.capacity), now))
            tokens = min(float(rate.capacity), tokens + max(0.0, now - stamp) * rate.per_second)
            if tokens >= 1:
                self._buckets[host] = (tokens - 1, now)
                return 0.0
            self._buckets[host] = (tokens, now)
            return (1 - tokens) / rate.per_second


# KEYS[1] bucket; ARGV capacity, tokens per second. Returns the wait as a string (Lua numbers
# returned to Redis are truncated to integers).
_BUCKET_SCRIPT = """
local capacity = tonumber(ARGV[1])
local per_second = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or capacity
local stamp = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - stamp) * per_second)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = (1 - tokens) / per_second
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(capacity / per_second) + 60)
return tostring(wait)
"""


class RedisLimiter:
    """Buckets in Redis, shared by every worker; one atomic script call per acquire."""

    def __init__(self, url: str, *, prefix: str = "mhv:ratelimit:") -> None:
        import redis

        self.prefix = prefix
        self._redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._script = self._redis.register_script(_BUCKET_SCRIPT)

    def acquire(self, host: str, rate: Rate) -> float:
        result = self._script(keys=[self.prefix + host], args=[rate.capacity, rate.per_second])
        return float(result)


_limiter: Limiter | None = None
_fallback = MemoryLimiter()
_limiter_lock = threading.Lock()


def get_limiter() -> Limiter:
    global _limiter
    with _limiter_lock:
        if _limiter is None:
            redis_url = getattr(settings, "REDIS_URL", None)
            _limiter = RedisLimiter(redis_url) if redis_url else MemoryLimiter()
        return _limiter


def set_limiter(limiter: Limiter | None) -> None:
    """Replace the process-wide limiter (tests); None means "build from settings again"."""
    global _limiter
    with _limiter_lock:
        _limiter = limiter


def acquire(host: str) -> float:
    """Take a token for `host`: 0 if taken, else the seconds to wait before asking again."""
    host = host.lower().rstrip(".")
    limiter = get_limiter()
    rate = rate_for(host)
    try:
        return limiter.acquire(host, rate)
    except Exception as exc:  # Redis down: stay polite per process rather than stop fetching.
        if isinstance(limiter, MemoryLimiter):
            raise
        logger.warning("rate limiter unavailable (%s); using a per-process bucket", exc)
        return _fallback.acquire(host, rate)
