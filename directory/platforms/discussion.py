"""Counting a discussion: comments by others, distinct commenters and the creator's replies.

Pure functions over posts whose comments have been read (WordPress.com and self-hosted
WordPress use them; any adapter that can tell who wrote each comment may). The creator
replied when a comment's author id equals the post's author id (non-zero: guests have no id,
so guests are told apart by name for the unique-commenter count). When no post in the window
takes comments and none has any, comments are "not applicable" and the measurements are
None, not 0: closing comments for one's own safety is not silence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from .base import Measurements


@dataclass
class Post:
    id: int
    author_id: int
    published: dt.datetime
    comments_open: bool | None = None
    like_count: int | None = None
    comment_count: int | None = None
    comments: list[tuple[int, str]] = field(default_factory=list)  # (author id, author name)


def parse_time(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    # wp/v2 `date_gmt` has no offset but is UTC by definition.
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def to_int(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def tally(
    posts: Iterable[Post], *, window_days: int, posts_total: int | None, followers: int | None
) -> tuple[Measurements, tuple[str, ...]]:
    """Measurements from in-window posts whose comments have been read."""
    posts = list(posts)
    notes: list[str] = []
    commenters: set[str] = set()
    comments = creator_replies = with_comments = with_reply = 0
    for post in posts:
        mine = [c for c in post.comments if c[0] and c[0] == post.author_id]
        others = [c for c in post.comments if not (c[0] and c[0] == post.author_id)]
        comments += len(others)
        creator_replies += len(mine)
        with_comments += bool(others)
        with_reply += bool(mine)
        commenters.update(f"id:{a}" if a else f"name:{name.strip().lower()}" for a, name in others)
    applicable = not posts or any(p.comments_open or p.comments for p in posts)
    if not applicable:
        notes.append("comments are closed on these posts: not applicable")
    likes = [p.like_count for p in posts if p.like_count is not None]
    if posts and not likes:
        notes.append("likes are not available")

    def known(value: int) -> int | None:
        return value if applicable else None

    return (
        Measurements(
            followers=followers,
            posts_total=posts_total,
            window_days=window_days,
            posts_in_window=len(posts),
            comments_in_window=known(comments),
            unique_commenters_in_window=known(len(commenters)),
            posts_with_comments=known(with_comments),
            creator_replies_in_window=known(creator_replies),
            posts_with_creator_reply=known(with_reply),
            likes_in_window=sum(likes) if likes else None,
            last_post_at=max((p.published for p in posts), default=None),
        ),
        tuple(notes),
    )


def with_last_post(measurements: Measurements, posts: list[Post]) -> Measurements:
    """The newest post is the last activity even when it is older than the window."""
    if not posts:
        return measurements
    return replace(measurements, last_post_at=max(p.published for p in posts))


def without_comments(measurements: Measurements) -> Measurements:
    return replace(
        measurements,
        comments_in_window=None,
        unique_commenters_in_window=None,
        posts_with_comments=None,
        creator_replies_in_window=None,
        posts_with_creator_reply=None,
    )
