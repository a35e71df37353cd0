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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

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


@dataclass
class ThreadTally:
    """What the comment threads read show. One tally for every adapter that reads threads
    (Mastodon contexts, Bluesky threads, YouTube comment threads, WordPress replies, blog
    comment feeds); each adapter only decides who wrote a comment and whether it answers
    someone."""

    comments: int = 0
    commenters: set[str] = field(default_factory=set)
    creator_replies: int = 0
    posts_with_comments: int = 0
    posts_with_creator_reply: int = 0
    threads_read: int = 0

    def add_thread(self, *, commenters: Sequence[str], creator_replies: int) -> None:
        """One post's thread: a key per comment by someone else ("" when the author is not
        known), and how many comments by the creator answer someone in it."""
        self.threads_read += 1
        self.comments += len(commenters)
        self.commenters.update(key for key in commenters if key)
        self.creator_replies += creator_replies
        if commenters:
            self.posts_with_comments += 1
            if creator_replies:
                self.posts_with_creator_reply += 1

    def figures(self, *, unread: int = 0) -> dict[str, int | None]:
        """The thread-level measurements. When posts with comments were left unread (a cap,
        a failed request) and no thread at all was read, they are unknown (None), not 0; when
        some were read they are lower bounds (see `lower_bounds`)."""
        known = self.threads_read > 0 or unread == 0
        return {
            "unique_commenters_in_window": len(self.commenters) if known else None,
            "posts_with_comments": self.posts_with_comments if known else None,
            "creator_replies_in_window": self.creator_replies if known else None,
            "posts_with_creator_reply": self.posts_with_creator_reply if known else None,
        }

    def lower_bounds(self, *, unread: int) -> tuple[str, ...]:
        """The thread-level measurements that undercount because `unread` threads were not read."""
        if not unread or not self.threads_read:
            return ()
        return tuple(self.figures())


def tally(
    posts: Iterable[Post], *, window_days: int, posts_total: int | None, followers: int | None
) -> tuple[Measurements, tuple[str, ...]]:
    """Measurements from in-window posts whose comments have been read."""
    posts = list(posts)
    notes: list[str] = []
    threads = ThreadTally()
    for post in posts:
        mine = [c for c in post.comments if c[0] and c[0] == post.author_id]
        others = [c for c in post.comments if not (c[0] and c[0] == post.author_id)]
        threads.add_thread(
            commenters=[f"id:{a}" if a else f"name:{name.strip().lower()}" for a, name in others],
            creator_replies=len(mine),
        )
    applicable = not posts or any(p.comments_open or p.comments for p in posts)
    if not applicable:
        notes.append("comments are closed on these posts: not applicable")
    likes = [p.like_count for p in posts if p.like_count is not None]
    if posts and not likes:
        notes.append("likes are not available")

    thread_figures = threads.figures() if applicable else dict.fromkeys(threads.figures())
    return (
        Measurements(
            followers=followers,
            posts_total=posts_total,
            window_days=window_days,
            posts_in_window=len(posts),
            comments_in_window=threads.comments if applicable else None,
            **thread_figures,
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
