"""Conversations on blogs: the per-post comment feeds a blog advertises, followed on a budget.

A blog's feed says how many comments a post has at best; who wrote them, and whether the
blogger answered, is in the post's own comment feed: RSS `wfw:commentRss` (WordPress), Atom
`link rel="replies"` of a feed type (WordPress Atom, Blogger's `/feeds/<post>/comments/default`).
For posts in the window that have (or may have) comments, newest first, at most
`MAX_COMMENT_FEEDS` per fetch, we read that feed and count comments by others, distinct
commenters, and the author's own replies: a comment whose author matches the post's author or
the blog's owner by profile URI (a Blogger profile id is such a URI) or, failing a URI, by name.
Anonymous comments count as comments, not as commenters.

Every cap leaves a note: posts past the budget, comment feeds that could not be read, and
comment feeds shorter than the post's stated count (WordPress lists the latest 10 by default),
whose thread figures are then lower bounds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import feedparser

from .base import FetchError, RateLimitWait
from .discussion import ThreadTally
from .http import raise_for_status

if TYPE_CHECKING:
    import httpx

MAX_COMMENT_FEEDS = 10
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+xml")
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
_ANONYMOUS = frozenset({"", "anonymous", "anonyme", "anónimo", "anonym"})


def comment_feed_url(entry: Any) -> str:
    """The post's own comment feed, if the blog advertises one."""
    url = str(entry.get("wfw_commentrss") or "")
    if url:
        return url
    for link in entry.get("links") or []:
        if link.get("rel") == "replies" and link.get("type") in FEED_TYPES and link.get("href"):
            return str(link["href"])
    return ""


@dataclass(frozen=True, slots=True)
class _Person:
    name: str
    uri: str

    @classmethod
    def of(cls, detail: Any) -> _Person:
        detail = detail or {}
        name = str(detail.get("name") or "").strip().casefold()
        uri = str(detail.get("href") or "").strip().rstrip("/").casefold()
        uri = uri.replace("http://", "https://", 1)
        return cls(name=name, uri=uri)

    def is_one_of(self, people: list[_Person]) -> bool:
        for person in people:
            if self.uri and person.uri:
                if self.uri == person.uri:
                    return True
            elif self.name and self.name == person.name:
                return True
        return False

    @property
    def key(self) -> str:
        if self.uri:
            return f"uri:{self.uri}"
        return "" if self.name in _ANONYMOUS else f"name:{self.name}"


def _authors(entry: Any) -> list[_Person]:
    people = [_Person.of(author) for author in entry.get("authors") or []]
    if entry.get("author") and not people:
        people.append(_Person(name=str(entry["author"]).strip().casefold(), uri=""))
    return [person for person in people if person.name or person.uri]


@dataclass
class Conversations:
    """What the comment feeds read show, and what a cap left out."""

    threads: ThreadTally = field(default_factory=ThreadTally)
    unread: int = 0
    short: int = 0
    notes: list[str] = field(default_factory=list)

    def measurement_updates(self, *, counts_known: bool) -> dict[str, int | None]:
        """The measurements the threads read fill in (the feed's own counts win for comments)."""
        if not self.threads.threads_read:
            return {}
        updates: dict[str, int | None] = dict(self.threads.figures(unread=self.unread))
        if counts_known:
            del updates["posts_with_comments"]
        else:
            updates["comments_in_window"] = self.threads.comments
        return updates

    def lower_bounds(self) -> tuple[str, ...]:
        bounds = set(self.threads.lower_bounds(unread=self.unread))
        if self.short and self.threads.threads_read:
            bounds.update(self.threads.figures())
        return tuple(sorted(bounds))


def follow_comment_feeds(
    client: httpx.Client,
    posts: list[tuple[Any, int | None]],
    *,
    owner: Any,
    start: dt.datetime,
) -> Conversations:
    """Read the comment feeds of `posts` ((entry, stated comment count), newest first)."""
    found = Conversations()
    owners = _authors(owner)
    commented = [(e, c) for e, c in posts if c != 0]
    followable = [(e, c) for e, c in commented if comment_feed_url(e)]
    # Posts with comments but no comment feed: their conversations stay unseen.
    found.unread = len(commented) - len(followable)
    for entry, count in followable[:MAX_COMMENT_FEEDS]:
        comments = _read(client, comment_feed_url(entry))
        if comments is None:
            found.unread += 1
            continue
        authors = _authors(entry) + owners
        others: list[str] = []
        replies = 0
        for comment in comments:
            when = _published(comment)
            if when is not None and when < start:
                continue
            person = next(iter(_authors(comment)), _Person(name="", uri=""))
            if person.is_one_of(authors):
                replies += 1
            else:
                others.append(person.key)
        found.threads.add_thread(commenters=others, creator_replies=replies)
        if count is not None and len(comments) < count:
            found.short += 1
    skipped = max(len(followable) - MAX_COMMENT_FEEDS, 0)
    if skipped:
        found.notes.append(
            f"comment feeds read on {MAX_COMMENT_FEEDS} of {len(followable)} posts "
            "(per-fetch budget)"
        )
    if found.unread:
        found.notes.append(
            f"conversations not visible on {found.unread} posts with comments "
            "(no comment feed, or it could not be read)"
        )
    found.unread += skipped
    if found.short:
        found.notes.append(
            f"{found.short} comment feeds list fewer comments than the post states: "
            "commenters and replies are at least these"
        )
    return found


def _read(client: httpx.Client, url: str) -> list[Any] | None:
    """The comment entries of one feed, or None when it cannot be read."""
    try:
        response = client.get(url, headers={"Accept": ACCEPT})
        raise_for_status(response)
    except RateLimitWait:
        raise  # our own limiter: the whole fetch is deferred, not this feed skipped
    except FetchError:
        return None
    parsed = feedparser.parse(response.content)
    if parsed.bozo and not parsed.entries:
        return None
    return list(parsed.entries)


def _published(entry: Any) -> dt.datetime | None:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    if not stamp:
        return None
    return dt.datetime(*stamp[:6], tzinfo=dt.UTC)
