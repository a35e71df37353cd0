"""The YouTube Data API's daily quota, counted by us so that we stop before Google stops us.

Google gives a project `settings.YOUTUBE_DAILY_QUOTA` units a day (10,000 by default; every
list call we make costs 1 unit) and resets the count at midnight Pacific time. Every call is
counted here first (`spend`); once the budget is used up, or once YouTube itself answers
`quotaExceeded` (`stop_for_today`), every further YouTube fetch that day fails fast with a
temporary FetchError whose `retry_after` is the time left until the reset, without calling the
API.

The counter lives in Django's cache: Redis when `settings.REDIS_URL` is set (shared by every
worker, incremented atomically), otherwise the in-process memory cache (`make run` on a
laptop, one worker). Keys carry the Pacific date, so a new day starts from zero by itself.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from .base import FetchError

PACIFIC = ZoneInfo("America/Los_Angeles")
# Wait a minute past the reset: Google's clock and ours need not agree to the second.
RESET_MARGIN_SECONDS = 60.0
_KEY_TTL = 2 * 24 * 3600  # keys outlive their day a little, then expire on their own


class QuotaExhausted(FetchError):
    """No YouTube quota left today; try again after the reset."""

    def __init__(self, message: str, *, retry_after: float) -> None:
        super().__init__(message, permanent=False, retry_after=retry_after)


def _pacific_day(now: dt.datetime) -> str:
    return now.astimezone(PACIFIC).date().isoformat()


def seconds_until_reset(now: dt.datetime | None = None) -> float:
    """Seconds until the next midnight in Pacific time (plus a small margin)."""
    now = now or timezone.now()
    local = now.astimezone(PACIFIC)
    next_midnight = dt.datetime.combine(
        local.date() + dt.timedelta(days=1), dt.time(0, 0), tzinfo=PACIFIC
    )
    return (next_midnight - local).total_seconds() + RESET_MARGIN_SECONDS


def _keys(now: dt.datetime) -> tuple[str, str]:
    day = _pacific_day(now)
    return f"youtube-quota:{day}:used", f"youtube-quota:{day}:stopped"


def used_today(now: dt.datetime | None = None) -> int:
    used_key, _ = _keys(now or timezone.now())
    return int(cache.get(used_key, 0))


def is_stopped(now: dt.datetime | None = None) -> bool:
    _, stopped_key = _keys(now or timezone.now())
    return bool(cache.get(stopped_key, False))


def stop_for_today(now: dt.datetime | None = None) -> None:
    """YouTube said quotaExceeded: make no further calls until the reset."""
    _, stopped_key = _keys(now or timezone.now())
    cache.set(stopped_key, True, timeout=_KEY_TTL)


def _exhausted(now: dt.datetime) -> QuotaExhausted:
    return QuotaExhausted(
        "YouTube: the daily API quota is used up; fetching again after the reset at midnight "
        "Pacific time",
        retry_after=seconds_until_reset(now),
    )


def spend(units: int = 1, *, now: dt.datetime | None = None) -> int:
    """Count `units` against today's budget before a call; returns the total used today.

    Raises QuotaExhausted (a temporary FetchError) instead when the day is already stopped or
    the call would go over the budget.
    """
    now = now or timezone.now()
    used_key, stopped_key = _keys(now)
    if cache.get(stopped_key, False):
        raise _exhausted(now)
    cache.add(used_key, 0, timeout=_KEY_TTL)
    try:
        used = cache.incr(used_key, units)
    except ValueError:  # the key expired between add and incr
        cache.add(used_key, units, timeout=_KEY_TTL)
        used = units
    if used > settings.YOUTUBE_DAILY_QUOTA:
        stop_for_today(now)
        raise _exhausted(now)
    return int(used)
