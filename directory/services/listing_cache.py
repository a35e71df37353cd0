"""One version number for everything a visitor can see in the listing.

Cached list pages, API pages and counts include `listing_version()` in their cache key. Anything
that changes what a listing shows (approve, hide, restore, removal, merge, a score written by a
refresh or a recompute) calls `listing_changed()`, so a cached page never shows a creator who was
hidden, removed or re-scored since: the next request simply misses the cache.

If the cache is unreachable, `listing_version()` returns None and callers must not cache.
"""

from __future__ import annotations

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)

VERSION_KEY = "listing:version"


def listing_version() -> int | None:
    """The current listing version, or None when the cache cannot be reached (do not cache)."""
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, 1, timeout=None)
            version = cache.get(VERSION_KEY)
    except Exception:
        logger.warning("listing cache unavailable; serving uncached")
        return None
    return int(version) if version is not None else None


def listing_changed() -> None:
    """Invalidate every cached listing at once (call after the change is committed)."""
    try:
        cache.add(VERSION_KEY, 1, timeout=None)
        cache.incr(VERSION_KEY)
    except Exception:
        # An unreachable cache cannot serve stale pages either; nothing to invalidate.
        logger.warning("listing cache unavailable; could not bump version")
