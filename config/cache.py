"""Django's Redis cache, with one client object per connection pool, and a pause after a failure.

- `django.core.cache.backends.redis.RedisCacheClient.get_client()` builds a new `redis.Redis` for
  every cache operation, and each one fills a table of some 170 response callbacks: about 0.1 ms
  of CPU per call, ten calls on a list page that missed the page cache. A `redis.Redis` is safe to
  share between threads (every command takes a connection from the pool), so each pool gets one.
- When Redis cannot be reached, every cache call waits CACHE_TIMEOUT_SECONDS before it fails, and
  a list page makes several: about 2 s a request. After a connection error or timeout this
  process stops asking that server for `PAUSE_SECONDS`: calls fail at once (callers already
  treat a failure as "not cached" and carry on), then the next call tries again.
- `add_and_incr()`: create a counter if missing and add one to it, in one round trip (Django's
  `add` then `incr` is three).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from time import monotonic
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

PAUSE_SECONDS = 5.0
# Server URL -> until when (time.monotonic()) this process does not ask it.
_paused_until: dict[str, float] = {}


class CacheServerPaused(RedisConnectionError):
    """Raised without asking the server: it failed moments ago (see the module's doc)."""


def cache_pauses_reset() -> None:
    """Forget every pause (tests start clean)."""
    _paused_until.clear()


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[Any, Any] = {}  # connection pool -> its client

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        if (client := self._clients.get(pool)) is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client

    def add_and_incr(self, key: str, timeout: int) -> int:
        with self.get_client(key, write=True).pipeline(transaction=False) as pipe:
            pipe.set(key, 0, ex=timeout, nx=True)
            pipe.incr(key)
            _created, count = pipe.execute()
        return int(count)


def _pausing(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(self: SharedClientRedisCache, *args: Any, **kwargs: Any) -> Any:
        server = self._servers[0]
        if _paused_until.get(server, 0.0) > monotonic():
            raise CacheServerPaused(f"{server} failed less than {PAUSE_SECONDS:g} s ago")
        try:
            return method(self, *args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError):
            _paused_until[server] = monotonic() + PAUSE_SECONDS
            raise

    return call


class SharedClientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient

    def add_and_incr(self, key: str, timeout: int) -> int:
        """Create `key` at 0 (for `timeout` seconds) if missing, add one; the new count."""
        return self._cache.add_and_incr(self.make_and_validate_key(key), timeout)


for _name in (
    "add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "set_many",
    "delete_many", "clear", "add_and_incr",
):  # fmt: skip
    setattr(SharedClientRedisCache, _name, _pausing(getattr(SharedClientRedisCache, _name)))
