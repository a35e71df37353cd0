"""One version number for everything a visitor can see in the listing.

Cached list pages, API pages and counts include `listing_version()` in their cache key. Anything
that changes what a listing shows (approve, hide, restore, removal, merge, a score written by a
refresh or a recompute) calls `listing_changed()`, so a cached page never shows a creator who was
hidden, removed or re-scored since: the next request simply misses the cache.

If the cache is unreachable, `listing_version()` returns None and callers must not cache.

A value stored under a version never changes (a change makes a new version, so new keys), so each
process also keeps the ones it has read or written lately (`local_copies`): a list page that
missed the page cache then asks Redis only for the version, instead of also for its count, its
three menus and its cards. Those copies live at most `LOCAL_COPY_SECONDS` (and never longer than
LISTING_CACHE_SECONDS); the version itself is always read from Redis, so a change is seen at once.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

VERSION_KEY = "listing:version"
# How long a process keeps its own copy of a value stored under a listing version. Wording such as
# "active 3 days ago" may be this much older than LISTING_CACHE_SECONDS; nothing else can go stale.
LOCAL_COPY_SECONDS = 60
LOCAL_COPY_ITEMS = 4096  # about 10 MB of cards and API items per process at most
# The version a request read first, kept for the rest of it (see listing_version_pinned).
_pinned: ContextVar[int | None] = ContextVar("listing_version_pinned", default=None)


@contextmanager
def listing_version_pinned(version: int | None) -> Iterator[None]:
    """Inside, `listing_version()` is `version` without asking the cache: one page is built under
    one version (its count, menus and cards with it), and each of those reads saves a round trip
    to Redis (five a list page). For reads only: a request that writes must not pin."""
    token = _pinned.set(version)
    try:
        yield
    finally:
        _pinned.reset(token)


def _fresh_version() -> int:
    """Where a lost counter starts again: the clock in milliseconds, ahead of any version in
    use, so a page stored under an old number is never taken as current after Redis evicts or
    loses the counter."""
    return time.time_ns() // 1_000_000


def listing_version() -> int | None:
    """The current listing version, or None when the cache cannot be reached (do not cache)."""
    if (pinned := _pinned.get()) is not None:
        return pinned
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, _fresh_version(), timeout=None)
            version = cache.get(VERSION_KEY)
    except Exception:
        logger.warning("listing cache unavailable; serving uncached")
        return None
    return int(version) if version is not None else None


def listing_cache_on() -> bool:
    """Whether listings are cached now: LISTING_CACHE_SECONDS is set and the cache answers."""
    return bool(settings.LISTING_CACHE_SECONDS) and listing_version() is not None


def listing_changed() -> None:
    """Invalidate every cached listing at once (call after the change is committed)."""
    try:
        cache.add(VERSION_KEY, _fresh_version(), timeout=None)
        cache.incr(VERSION_KEY)
    except Exception:
        # An unreachable cache cannot serve stale pages either; nothing to invalidate.
        logger.warning("listing cache unavailable; could not bump version")


def listing_changed_on_commit() -> None:
    """`listing_changed()` once the current transaction commits (at once outside one): a
    request served in between must not cache the old rows under the new version."""
    transaction.on_commit(listing_changed)


class LocalCopies:
    """This process's copies of values stored under a listing version (see the module's doc):
    at most `items` of them, the oldest dropped first, each for at most `seconds`."""

    def __init__(self, *, items: int = LOCAL_COPY_ITEMS, seconds: float = LOCAL_COPY_SECONDS):
        self.items, self.seconds = items, seconds
        self._values: dict[str, tuple[float, object]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> object | None:
        found = self._values.get(key)
        if found is None:
            return None
        expires, value = found
        if expires < time.monotonic():
            self._values.pop(key, None)
            return None
        return value

    def put(self, key: str, value: object, *, read_only: bool = False) -> None:
        """Keep `value` if it cannot be changed in place, or if every caller only reads it
        (`read_only`): every caller gets the same object, and a list or dict changed by one
        request would change under the next one's feet."""
        seconds = min(self.seconds, settings.LISTING_CACHE_SECONDS)
        if seconds <= 0 or not (read_only or _immutable(value)):
            return
        with self._lock:
            if len(self._values) >= self.items:
                # The oldest quarter goes: mostly keys of versions no request asks for any more.
                for old in list(self._values)[: max(1, self.items // 4)]:
                    del self._values[old]
            self._values[key] = (time.monotonic() + seconds, value)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


local_copies = LocalCopies()


def _immutable(value: object) -> bool:
    if isinstance(value, str | bytes | int | float | complex | bool | type(None)):
        return True
    if isinstance(value, tuple | frozenset):
        return all(_immutable(item) for item in value)
    return False


def listing_key(name: str, *parts: str, version: int) -> str:
    """A cache key for `name` under this listing version; `parts` (any length) are hashed."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"listing:{version}:{name}:{digest}"


def listing_cached[T](name: str, *parts: str, compute: Callable[[], T]) -> T:
    """`compute()`, kept until the listing changes (or LISTING_CACHE_SECONDS pass).

    For values derived from what the listing shows: a filter set's count, the countries with
    their counts. Computed every time when caching is off or the cache is unreachable."""
    return _kept(name, parts, compute, shared=True)


def listing_local[T](name: str, *parts: str, compute: Callable[[], T]) -> T:
    """`compute()`, kept in this process only (`local_copies`) until the listing changes: for
    fragments whose keys a visitor can vary without end (a search's text), which must not fill the
    shared cache. Computed every time when caching is off or the cache is unreachable."""
    return _kept(name, parts, compute, shared=False)


def _kept[T](name: str, parts: tuple[str, ...], compute: Callable[[], T], *, shared: bool) -> T:
    """`compute()` under the listing version: from this process's copy, else (when `shared`)
    from the cache, else computed and kept (in the cache too when `shared`)."""
    seconds = settings.LISTING_CACHE_SECONDS
    version = listing_version() if seconds else None
    if version is None:
        return compute()
    key = listing_key(name, *parts, version=version)
    if (found := local_copies.get(key)) is not None:
        return found  # type: ignore[return-value]
    if shared:
        try:
            found = cache.get(key)
        except Exception:
            logger.warning("listing cache unavailable; computing %s", name)
            return compute()
        if found is not None:
            local_copies.put(key, found)
            return found
    value = compute()
    if shared:
        try:
            cache.set(key, value, timeout=seconds)
        except Exception:
            logger.warning("listing cache unavailable; could not store %s", name)
            return value
    local_copies.put(key, value)
    return value
