"""One version number for everything a visitor can see in the listing.

Cached list pages, API pages and counts include `listing_version()` in their cache key. Anything
that changes what a listing shows (approve, hide, restore, removal, merge, a score written by a
refresh or a recompute) calls `listing_changed()`, so a cached page never shows a creator who was
hidden, removed or re-scored since: the next request simply misses the cache.

If the cache is unreachable, `listing_version()` returns None and callers must not cache.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

VERSION_KEY = "listing:version"
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


def listing_key(name: str, *parts: str, version: int) -> str:
    """A cache key for `name` under this listing version; `parts` (any length) are hashed."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"listing:{version}:{name}:{digest}"


def listing_cached[T](name: str, *parts: str, compute: Callable[[], T]) -> T:
    """`compute()`, kept until the listing changes (or LISTING_CACHE_SECONDS pass).

    For values derived from what the listing shows: a filter set's count, the countries with
    their counts. Computed every time when caching is off or the cache is unreachable."""
    seconds = settings.LISTING_CACHE_SECONDS
    version = listing_version() if seconds else None
    if version is None:
        return compute()
    key = listing_key(name, *parts, version=version)
    try:
        found = cache.get(key)
    except Exception:
        logger.warning("listing cache unavailable; computing %s", name)
        return compute()
    if found is not None:
        return found
    value = compute()
    try:
        cache.set(key, value, timeout=seconds)
    except Exception:
        logger.warning("listing cache unavailable; could not store %s", name)
    return value
