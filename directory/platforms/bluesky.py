"""Bluesky (AT Protocol): public statistics from the AppView, no authentication.

Pasted forms: `https://bsky.app/profile/<handle or DID>` and post links
`https://bsky.app/profile/<actor>/post/<rkey>`; the normalised URL is the profile
(`canonical.bluesky`). The DID is stored as the external id, so a handle change does not lose
the account; the handle is refreshed on every fetch.

Fetching, against `settings.BLUESKY_APPVIEW_URL` (`/xrpc/<method>`):
1. `app.bsky.actor.getProfile?actor=` (the stored DID when known, else the pasted handle or
   DID; the AppView resolves handles itself, so `com.atproto.identity.resolveHandle` is not
   needed). Counts are optional in the lexicon: missing ones stay unknown.
2. `app.bsky.feed.getAuthorFeed?filter=posts_with_replies&limit=100`, following `cursor` until
   the window is covered or there is no cursor (at most `MAX_FEED_PAGES` pages; stopping at
   the cap leaves a note and marks the window counts as lower bounds). A repost's place in the
   feed is its own time (`reason.indexedAt`), not the reposted post's `createdAt`.
3. `app.bsky.feed.getPostThread?uri=&depth=` for the creator's own posts in the window with
   `replyCount > 0`, newest first (at most `MAX_THREAD_CALLS`).

So one fetch makes at most 1 + MAX_FEED_PAGES + MAX_THREAD_CALLS requests.

Measurements: reposts (`reason` of type `#reasonRepost`) are not the creator's posts. Posts are
the creator's top-level posts in the window; a reply is
- a thread continuation when it answers the creator in the creator's own thread (ignored),
- a creator reply when it answers someone else in the creator's own thread (counted from the
  threads read, see below),
- a reply to others otherwise (parent author not the creator, in a thread the creator did not
  start), counted as distinct conversations by the thread's root URI. A parent or root that is
  a `#notFoundPost` or `#blockedPost` has no author view; its DID is taken from its `at://` URI.
Comments count others' replies (all depths returned) where the thread was read and the post's
`replyCount` otherwise; unique commenters, creator replies and the two "posts with" counts come
from the threads read, and a note says when the cap left commented posts unread. Likes are
`likeCount`, shares `repostCount + quoteCount`.

Consent: the self-label `!no-unauthenticated` (the account asks logged-out viewers not to be
shown its content) → not shown publicly. Errors: HTTP 400 `InvalidRequest`/`AccountTakedown`/
`AccountDeactivated`/`BlockedActor` are permanent; 429 is temporary with the reset time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar
from urllib.parse import urlsplit

import httpx
from django.conf import settings

from . import apicalls, canonical
from .base import WINDOW_COUNTS, FetchError, FetchResult, LinkRef, Measurements, UnsupportedURL
from .discussion import ThreadTally
from .payload import parse_datetime, to_int
from .urls import check_public_url, host_of

MAX_FEED_PAGES = 5  # 500 feed items
MAX_THREAD_CALLS = 30
FEED_PAGE_SIZE = 100  # the lexicon's maximum
THREAD_DEPTH = 10

REPOST = "app.bsky.feed.defs#reasonRepost"
THREAD_VIEW = "app.bsky.feed.defs#threadViewPost"
NOT_FOUND = "app.bsky.feed.defs#notFoundPost"
BLOCKED = "app.bsky.feed.defs#blockedPost"
NO_UNAUTHENTICATED = "!no-unauthenticated"
_HOSTS = frozenset({"bsky.app", "www.bsky.app"})


def actor_from_url(url: str) -> str:
    """The handle or DID in a bsky.app profile or post URL; raises UnsupportedURL."""
    if host_of(url) not in _HOSTS:
        raise UnsupportedURL("not a Bluesky address; use the form https://bsky.app/profile/name")
    canonical_form = canonical.bluesky(url)
    return urlsplit(canonical_form).path.split("/")[2]


class BlueskyAdapter:
    platform: ClassVar[str] = "bluesky"

    def matches(self, url: str) -> bool:
        try:
            actor_from_url(url)
        except (UnsupportedURL, ValueError):
            return False
        return True

    def normalise(self, url: str) -> str:
        url = check_public_url(url)
        return f"https://bsky.app/profile/{actor_from_url(url)}"

    def fetch(self, link: LinkRef, client: httpx.Client, *, window_days: int) -> FetchResult:
        start = apicalls.window_start(window_days)
        actor = link.external_id if link.external_id.startswith("did:") else ""
        actor = actor or actor_from_url(link.url)
        profile = self._call(client, "app.bsky.actor.getProfile", {"actor": actor})
        did = str(profile.get("did") or "")
        if not did.startswith("did:"):
            raise FetchError("Bluesky: the profile has no DID", permanent=False)
        items, covered = self._feed(client, did, start)

        notes: list[str] = []
        if not covered:
            notes.append(
                f"paging stopped at the cap of {MAX_FEED_PAGES} pages: only the latest "
                f"{len(items)} feed items were read; window counts are at least these"
            )
        own: list[tuple[dt.datetime, dict[str, Any]]] = []
        for item in items:
            post = item.get("post") or {}
            if _type(item.get("reason")) == REPOST or _author(post) != did:
                continue  # someone else's post the creator reposted
            created = _created(post)
            if created is not None:
                own.append((created, item))
        in_window = [(c, i) for c, i in own if c >= start]
        posts = [i["post"] for _, i in in_window if not _is_reply(i)]

        conversations: set[str] = set()
        for _, item in in_window:
            if not _is_reply(item):
                continue
            root_author, root_uri = _reply_end(item, "root")
            parent_author, _ = _reply_end(item, "parent")
            if root_author == did:
                continue  # inside their own thread: a continuation or an answer to a commenter
            if parent_author != did:
                conversations.add(root_uri or str(item["post"].get("uri")))

        commented = [p for p in posts if (to_int(p.get("replyCount")) or 0) > 0]
        threads = ThreadTally()
        comments = 0
        for post in commented[:MAX_THREAD_CALLS]:
            if not self._read_thread(client, str(post.get("uri")), did, threads):
                comments += to_int(post.get("replyCount")) or 0
        for post in commented[MAX_THREAD_CALLS:]:
            comments += to_int(post.get("replyCount")) or 0
        comments += threads.comments
        read = threads.threads_read
        unread = len(commented) - read
        if unread:
            notes.append(f"conversations read on {read} of {len(commented)} commented posts")

        likes = _sum(posts, "likeCount")
        reposts, quotes = _sum(posts, "repostCount"), _sum(posts, "quoteCount")
        shares = apicalls.sum_known([reposts, quotes])
        measurements = Measurements(
            followers=to_int(profile.get("followersCount")),
            following=to_int(profile.get("followsCount")),
            posts_total=to_int(profile.get("postsCount")),
            window_days=window_days,
            posts_in_window=len(posts),
            comments_in_window=comments,
            **threads.figures(unread=unread),
            replies_to_others_in_window=len(conversations),
            likes_in_window=likes,
            shares_in_window=shares,
            last_post_at=max((c for c, _ in own), default=None),
        )
        return FetchResult(
            measurements=measurements,
            handle=str(profile.get("handle") or ""),
            external_id=did,
            display_name=str(profile.get("displayName") or ""),
            avatar_url=str(profile.get("avatar") or ""),
            is_public=not _opted_out(profile),
            notes=tuple(notes),
            lower_bounds=WINDOW_COUNTS if not covered else threads.lower_bounds(unread=unread),
        )

    # --- calls ----------------------------------------------------------------------------

    def _call(self, client: httpx.Client, method: str, params: dict[str, Any]) -> dict[str, Any]:
        base = str(settings.BLUESKY_APPVIEW_URL).rstrip("/")
        what = f"Bluesky {method}"
        response = apicalls.get(client, f"{base}/xrpc/{method}", params=params, what=what)
        if response.status_code == 400:
            error, message = _xrpc_error(response)
            detail = f"{what}: {error or 'HTTP 400'}" + (f" ({message})" if message else "")
            # XRPC names a missing, taken-down, deactivated or blocking account (InvalidRequest,
            # AccountTakedown, AccountDeactivated, BlockedActor) or a deleted post (NotFound)
            # in a 400: none of these fixes itself by retrying soon.
            raise FetchError(detail, permanent=True, status_code=400)
        apicalls.raise_for_status(response, what=what)
        data = apicalls.json_body(response, what=what)
        if not isinstance(data, dict):
            raise FetchError(f"{what}: unexpected answer", permanent=False)
        return data

    def _feed(
        self, client: httpx.Client, did: str, start: dt.datetime
    ) -> tuple[list[dict[str, Any]], bool]:
        params: dict[str, Any] = {
            "actor": did,
            "filter": "posts_with_replies",
            "limit": FEED_PAGE_SIZE,
        }
        items: list[dict[str, Any]] = []
        for _ in range(MAX_FEED_PAGES):
            data = self._call(client, "app.bsky.feed.getAuthorFeed", params)
            page = [i for i in data.get("feed") or [] if isinstance(i, dict)]
            items.extend(page)
            dates = [d for d in (_item_time(i) for i in page) if d]
            cursor = data.get("cursor")
            if not page or not cursor or (dates and min(dates) < start):
                return items, True
            params["cursor"] = cursor
        return items, False

    def _read_thread(self, client: httpx.Client, uri: str, did: str, threads: ThreadTally) -> bool:
        """Add one thread to `threads`; False when it could not be read (deleted since)."""
        try:
            data = self._call(
                client,
                "app.bsky.feed.getPostThread",
                {"uri": uri, "depth": THREAD_DEPTH, "parentHeight": 0},
            )
        except FetchError as error:
            if error.permanent:
                return False  # 400 NotFound: the post was deleted after the feed listed it
            raise
        thread = data.get("thread") or {}
        if _type(thread) != THREAD_VIEW:
            return False
        commenters: list[str] = []
        answers = _walk(thread, did, did, commenters)
        threads.add_thread(commenters=commenters, creator_replies=answers)
        return True


def _walk(node: dict[str, Any], did: str, parent_author: str, commenters: list[str]) -> int:
    """Collect the authors of others' replies below `node` (all depths) into `commenters`;
    return how many of the creator's replies answer someone else."""
    answers = 0
    for reply in node.get("replies") or []:
        if not isinstance(reply, dict) or _type(reply) != THREAD_VIEW:
            continue  # notFoundPost / blockedPost: nothing to attribute
        author = _author(reply.get("post") or {})
        if author == did:
            answers += parent_author != did
        elif author:
            commenters.append(author)
        answers += _walk(reply, did, author, commenters)
    return answers


def _type(value: Any) -> str:
    return str(value.get("$type", "")) if isinstance(value, dict) else ""


def _author(post: dict[str, Any]) -> str:
    return str((post.get("author") or {}).get("did") or "")


def _created(post: dict[str, Any]) -> dt.datetime | None:
    record = post.get("record") or {}
    return parse_datetime(record.get("createdAt")) or parse_datetime(post.get("indexedAt"))


def _item_time(item: dict[str, Any]) -> dt.datetime | None:
    """When an item entered the creator's feed: a repost's own time (`reason.indexedAt`), not
    the reposted post's, which may be years old and would end the paging too early."""
    reason = item.get("reason")
    if _type(reason) == REPOST:
        return parse_datetime(reason.get("indexedAt"))
    return _created(item.get("post") or {})


def _is_reply(item: dict[str, Any]) -> bool:
    record = (item.get("post") or {}).get("record") or {}
    return bool(item.get("reply") or record.get("reply"))


def _reply_end(item: dict[str, Any], end: str) -> tuple[str, str]:
    """(author DID, URI) of the reply's root or parent, whatever view the AppView gave."""
    view = (item.get("reply") or {}).get(end) or {}
    record_ref = (((item.get("post") or {}).get("record") or {}).get("reply") or {}).get(end) or {}
    uri = str(view.get("uri") or record_ref.get("uri") or "")
    author = _author(view) if isinstance(view, dict) else ""
    if not author and uri.startswith("at://"):
        # notFoundPost has no author; the DID is the URI's authority.
        author = uri[len("at://") :].split("/", 1)[0]
    return author, uri


def _sum(posts: list[dict[str, Any]], key: str) -> int | None:
    if not posts:
        return 0
    return apicalls.sum_known([to_int(p.get(key)) for p in posts])


def _opted_out(profile: dict[str, Any]) -> bool:
    return any(
        isinstance(label, dict) and label.get("val") == NO_UNAUTHENTICATED and not label.get("neg")
        for label in profile.get("labels") or []
    )


def _xrpc_error(response: httpx.Response) -> tuple[str, str]:
    try:
        data = response.json()
    except ValueError:
        return "", ""
    if not isinstance(data, dict):
        return "", ""
    return str(data.get("error") or ""), str(data.get("message") or "")


ADAPTER = BlueskyAdapter()
