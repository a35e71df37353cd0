"""Per-visitor limits on what people may send us (submissions, reports, contact messages).

One rule for who a visitor is (`client_address`) and one counter (`throttle_hit`), kept in the
shared cache so every web worker counts together. Counting is atomic (`cache.add` then
`cache.incr`), so parallel requests cannot slip past the limit; on Redis both go in one round
trip (`SET … NX EX` and `INCR` pipelined: Django's `incr` alone is two). If the cache is
unreachable the request is allowed: a visitor must never lose what they wrote because Redis is
down.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache, caches
from django.http import HttpRequest

from config.cache import SharedClientRedisCache

logger = logging.getLogger(__name__)

# Every period `config.env.env_rate` accepts (and DRF reads), so a valid setting always parses.
_PERIODS = {
    **dict.fromkeys(("s", "sec", "second"), 1),
    **dict.fromkeys(("m", "min", "minute"), 60),
    **dict.fromkeys(("h", "hour"), 3600),
    **dict.fromkeys(("d", "day"), 86400),
}


@dataclass(frozen=True, slots=True)
class Rate:
    count: int
    seconds: int


def parse_rate(rate: str) -> Rate:
    """`5/hour` → Rate(5, 3600); the same syntax as the API throttle rates."""
    number, _, period = rate.strip().lower().partition("/")
    return Rate(int(number), _PERIODS[period[:1]])


def client_address(request: HttpRequest) -> str:
    """The visitor's address: the socket's peer, or behind a trusted proxy the hop it added.

    Only as many X-Forwarded-For hops as there are proxies we run are trusted: everything to
    their left was written by the client and could be anything.
    """
    trusted = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if trusted and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= trusted:
            return hops[-trusted]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def throttle_hit(*, scope: str, key: str, rate: str, now: float | None = None) -> float | None:
    """Count one attempt; None if allowed, else the seconds until the next one may be made.

    Fixed windows aligned to the period: simple, and atomic across workers.
    """
    limit = parse_rate(rate)
    now = time.time() if now is None else now
    window = int(now // limit.seconds)
    cache_key = f"throttle:{scope}:{key}:{window}"
    try:
        count = _count(cache_key, timeout=limit.seconds + 5)
    except Exception:  # an unreachable cache must not cost the visitor their message
        logger.warning("throttle cache unavailable; allowing %s for %s", scope, key)
        return None
    if count <= limit.count:
        return None
    return max(1.0, math.ceil((window + 1) * limit.seconds - now))


def _count(cache_key: str, *, timeout: int) -> int:
    """Add one to the counter `cache_key` (created at 0 for `timeout` seconds); the new count."""
    backend = caches["default"]
    if isinstance(backend, SharedClientRedisCache):  # one round trip instead of three
        return backend.add_and_incr(cache_key, timeout)
    cache.add(cache_key, 0, timeout=timeout)
    return cache.incr(cache_key)
