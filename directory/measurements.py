"""The snapshot measurements, defined once for the model, the adapters and the scoring module.

Pure Python (no Django), so `directory.scoring` stays free of the ORM. Every measurement may be
None, meaning unknown (hidden, disabled, not exposed), which is different from 0.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields


@dataclass(frozen=True, slots=True)
class Measurements:
    """One capture's measurements (see StatsSnapshot). None means unknown, never 0."""

    followers: int | None = None
    following: int | None = None
    posts_total: int | None = None
    window_days: int | None = None
    posts_in_window: int | None = None
    comments_in_window: int | None = None
    unique_commenters_in_window: int | None = None
    posts_with_comments: int | None = None
    creator_replies_in_window: int | None = None
    posts_with_creator_reply: int | None = None
    replies_to_others_in_window: int | None = None
    likes_in_window: int | None = None
    shares_in_window: int | None = None
    last_post_at: dt.datetime | None = None


# Shared by the import format, the API, the admin form and the scoring input.
MEASUREMENT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Measurements))
COUNT_FIELDS: tuple[str, ...] = tuple(f for f in MEASUREMENT_FIELDS if f != "last_post_at")
