"""Taking a break: the one rule the score, the cards, the profile and the API use.

A creator may pause (illness, burn-out, life): while on a break their activity is held at its
last value instead of decaying. A break lasts until the date set, and at most six months after
the last post seen: a break that was never lifted ends by itself.
"""

from __future__ import annotations

import datetime as dt

MAX_BREAK = dt.timedelta(days=183)


def break_active(
    *, until: dt.datetime | None, last_post_at: dt.datetime | None, now: dt.datetime
) -> bool:
    """Whether a creator with this break date and last post is on a break at `now`."""
    if until is None or now >= until:
        return False
    return last_post_at is None or now - last_post_at <= MAX_BREAK


def break_ends_at(
    *, until: dt.datetime | None, last_post_at: dt.datetime | None
) -> dt.datetime | None:
    """When the break ends under `break_active`'s rule (None when there is no break)."""
    if until is None or last_post_at is None:
        return until
    return min(until, last_post_at + MAX_BREAK)
