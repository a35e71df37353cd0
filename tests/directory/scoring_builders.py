"""Builders for the pure scoring tests: snapshots and creators with sensible defaults."""

from __future__ import annotations

import datetime as dt
from typing import Any

from directory.scoring import CreatorInput, LinkInput, SnapshotInput

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)


def snap(**overrides: Any) -> SnapshotInput:
    """A fetched WordPress snapshot from yesterday, every measurement unknown unless given."""
    values: dict[str, Any] = {
        "platform": "wordpress",
        "source": "api",
        "captured_at": NOW - dt.timedelta(days=1),
        "window_days": 90,
    }
    values.update(overrides)
    return SnapshotInput(**values)


def creator(*snapshots: SnapshotInput, **kwargs: Any) -> CreatorInput:
    """One link per snapshot, link ids 1, 2, ..."""
    links = tuple(LinkInput(i + 1, s.platform, (s,)) for i, s in enumerate(snapshots))
    return CreatorInput(links=links, **kwargs)


def engaged_blogger(**overrides: Any) -> SnapshotInput:
    """40k followers, replies to nearly every comment, comments on other blogs."""
    values: dict[str, Any] = {
        "followers": 40_000,
        "following": 800,
        "posts_in_window": 20,
        "comments_in_window": 300,
        "unique_commenters_in_window": 150,
        "posts_with_comments": 20,
        "creator_replies_in_window": 270,
        "posts_with_creator_reply": 19,
        "replies_to_others_in_window": 60,
        "likes_in_window": 2_000,
        "last_post_at": NOW - dt.timedelta(days=2),
    }
    values.update(overrides)
    return snap(**values)


def big_rarely_replies(**overrides: Any) -> SnapshotInput:
    """100k followers, many comments, rarely answers them, never comments elsewhere."""
    values: dict[str, Any] = {
        "followers": 100_000,
        "following": 300,
        "posts_in_window": 30,
        "comments_in_window": 900,
        "unique_commenters_in_window": 600,
        "posts_with_comments": 30,
        "creator_replies_in_window": 15,
        "posts_with_creator_reply": 4,
        "replies_to_others_in_window": 2,
        "likes_in_window": 20_000,
        "last_post_at": NOW - dt.timedelta(days=1),
    }
    values.update(overrides)
    return snap(**values)
