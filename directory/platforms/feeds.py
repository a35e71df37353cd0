"""RSS and Atom feeds: blogs, Substack, Medium and podcasts.

A feed measures activity: how many posts fall inside the window and when the last one was
published. Where a feed carries comment counts per post (RSS `slash:comments`, Atom
`thr:total` or a `rel="replies"` link's `thr:count`) it also gives those. Feeds carry no
follower counts and rarely say who commented, so those measurements stay unknown (None),
never 0. A feed whose posts all fall inside the window may hold only the latest posts: its
counts are lower bounds ("at least"), unless the feed says it lists every post (OpenSearch
`totalResults` equal to the entries, as Blogger's feeds do).

Bytes are fetched with our own client (timeouts, size limit, SSRF checks) and only then handed
to feedparser, which never touches the network itself. Conditional requests (ETag /
Last-Modified) make an unchanged feed cost one small 304. A page that is not a feed is searched
for `<link rel="alternate" type="application/rss+xml">`; the feed URL found is returned as the
link's external id, so the next fetch goes straight to it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import replace
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urljoin, urlsplit

import feedparser
from django.utils import timezone

from .base import FetchError, FetchResult, LinkRef, Measurements
from .comment_feeds import ACCEPT, FEED_TYPES, follow_comment_feeds
from .http import raise_for_status
from .payload import to_int

if TYPE_CHECKING:
    import httpx


class _AlternateLinks(HTMLParser):
    """Collects `<link rel="alternate" type="application/rss+xml" href="…">` from a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.feeds: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "link":
            return
        values = {name.lower(): (value or "") for name, value in attrs}
        rels = values.get("rel", "").lower().split()
        if "alternate" in rels and values.get("type", "").lower() in FEED_TYPES and values["href"]:
            self.feeds.append(values["href"])


def discover_feeds(html: str, base_url: str) -> list[str]:
    """Absolute feed URLs a page advertises, in page order (comment feeds last)."""
    parser = _AlternateLinks()
    parser.feed(html)
    parser.close()
    urls = [urljoin(base_url, href) for href in parser.feeds]
    # WordPress pages also advertise per-post comment feeds; the site feed comes first.
    return sorted(dict.fromkeys(urls), key=lambda u: "comments" in u)


def _looks_like_html(response: httpx.Response) -> bool:
    content_type = response.headers.get("content-type", "").lower()
    if "html" in content_type:
        return True
    head = response.content[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


def _entry_time(entry: Any) -> dt.datetime | None:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    if not stamp:
        return None
    return dt.datetime.fromtimestamp(calendar.timegm(stamp), dt.UTC)


def comment_count(entry: Any) -> int | None:
    """A post's comment count as the feed states it: RSS `slash:comments`, Atom (RFC 4685)
    `thr:total`, or the `thr:count` of its `rel="replies"` link (Blogger and WordPress Atom
    feeds); None when the feed does not say."""
    for value in (entry.get("slash_comments"), entry.get("thr_total")):
        if to_int(value) is not None:
            return to_int(value)
    for link in entry.get("links") or []:
        if link.get("rel") == "replies":
            count = to_int(link.get("thr:count", link.get("count")))
            if count is not None:
                return count
    return None


def _in_window(parsed: Any, *, cutoff: dt.datetime, now: dt.datetime) -> list[Any]:
    """The entries published in the window, newest first."""
    dated = [(when, entry) for entry in parsed.entries if (when := _entry_time(entry))]
    dated.sort(key=lambda pair: pair[0], reverse=True)
    return [entry for when, entry in dated if cutoff <= when <= now + dt.timedelta(days=1)]


def _lists_every_post(parsed: Any) -> bool:
    """Whether the feed says it holds every post: OpenSearch `totalResults` (Blogger's feeds)
    equal to the entries listed, from the first one."""
    total = to_int(parsed.feed.get("opensearch_totalresults"))
    start = to_int(parsed.feed.get("opensearch_startindex") or 1)
    return total is not None and start == 1 and total == len(parsed.entries)


def measure_feed(
    parsed: Any, *, window_days: int, now: dt.datetime | None = None
) -> tuple[Measurements, tuple[str, ...], tuple[str, ...]]:
    """Measurements from a parsed feed, notes on what is unknown and why, and the
    measurements that are lower bounds (a feed that lists only its latest posts)."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=window_days)
    dated = [(when, entry) for entry in parsed.entries if (when := _entry_time(entry))]
    in_window = _in_window(parsed, cutoff=cutoff, now=now)
    notes: list[str] = ["feeds carry no follower counts"]
    lower_bounds: tuple[str, ...] = ()
    complete = _lists_every_post(parsed)
    if (
        dated
        and not complete
        and len(dated) == len(parsed.entries)
        and min(w for w, _ in dated) >= cutoff
    ):
        notes.append(
            f"the feed lists only its latest {len(dated)} posts: at least {len(in_window)} "
            "in the window, there may be more"
        )
        lower_bounds = ("posts_in_window", "comments_in_window", "posts_with_comments")

    counts = [comment_count(entry) for entry in in_window]
    known = [c for c in counts if c is not None]
    comments = sum(known) if known else None
    with_comments = sum(1 for c in known if c > 0) if known else None
    if in_window and not known:
        notes.append("the feed does not say how many comments posts have")
    return (
        Measurements(
            window_days=window_days,
            posts_in_window=len(in_window),
            comments_in_window=comments,
            posts_with_comments=with_comments,
            last_post_at=max((w for w, _ in dated), default=None),
        ),
        tuple(notes),
        lower_bounds,
    )


def _conditional_headers(etag: str, last_modified: str) -> dict[str, str]:
    headers = {"Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def fetch_feed(
    client: httpx.Client,
    url: str,
    *,
    window_days: int,
    etag: str = "",
    last_modified: str = "",
    discover: bool = True,
    follow_comments: bool = False,
) -> FetchResult:
    """Fetch and measure the feed at `url` (or the feed a page at `url` advertises);
    `follow_comments` also reads the posts' own comment feeds (see `comment_feeds`).

    The result's `external_id` is the feed URL actually read. Raises FetchError: a page with no
    feed is permanent; a feed that cannot be parsed at all is temporary (it may be mid-deploy).
    """
    response = client.get(url, headers=_conditional_headers(etag, last_modified))
    if response.status_code == 304:
        return FetchResult(
            measurements=Measurements(),
            external_id=url,
            etag=etag,
            last_modified=last_modified,
            not_modified=True,
        )
    raise_for_status(response)
    if _looks_like_html(response):
        candidates = discover_feeds(response.text, str(response.url)) if discover else []
        if not candidates:
            raise FetchError(f"no RSS or Atom feed found at {url}", permanent=True)
        # The validators we hold were for `url`, not for the feed we just found.
        return fetch_feed(
            client,
            candidates[0],
            window_days=window_days,
            discover=False,
            follow_comments=follow_comments,
        )

    parsed = feedparser.parse(
        response.content,
        response_headers={
            "content-location": str(response.url),
            "content-type": response.headers.get("content-type", "application/xml"),
        },
    )
    notes: tuple[str, ...] = ()
    if parsed.bozo:
        if not parsed.entries and not parsed.feed.get("title"):
            raise FetchError(f"the feed at {url} could not be read", permanent=False)
        # feedparser also sets bozo for harmless warnings (a UTF-8 feed served as bare
        # text/xml is CharacterEncodingOverride); only a real parse failure is worth a note.
        if not isinstance(parsed.bozo_exception, feedparser.ThingsNobodyCaresAboutButMe):
            notes = ("the feed is not well-formed; read what could be read",)
    measurements, measure_notes, lower_bounds = measure_feed(parsed, window_days=window_days)
    if follow_comments:
        measurements, more_notes, more_bounds = _with_conversations(
            client, parsed, measurements, window_days=window_days
        )
        measure_notes += more_notes
        lower_bounds = tuple(sorted({*lower_bounds, *more_bounds}))
    return FetchResult(
        measurements=measurements,
        external_id=url,
        display_name=str(parsed.feed.get("title", ""))[:200],
        notes=notes + measure_notes,
        lower_bounds=lower_bounds,
        etag=response.headers.get("ETag", ""),
        last_modified=response.headers.get("Last-Modified", ""),
    )


def _with_conversations(
    client: httpx.Client, parsed: Any, measurements: Measurements, *, window_days: int
) -> tuple[Measurements, tuple[str, ...], tuple[str, ...]]:
    """The measurements with what the posts' comment feeds show, and their notes and bounds."""
    now = timezone.now()
    cutoff = now - dt.timedelta(days=window_days)
    posts = [(entry, comment_count(entry)) for entry in _in_window(parsed, cutoff=cutoff, now=now)]
    generator = str(parsed.feed.get("generator") or "").lower()
    if "ghost" in generator:
        # Ghost's comments need a signed-in member; its documented Content API has none.
        return measurements, ("comments are not visible to us (Ghost)",), ()
    found = follow_comment_feeds(client, posts, owner=parsed.feed, start=cutoff)
    updates = found.measurement_updates(counts_known=measurements.comments_in_window is not None)
    return replace(measurements, **updates), tuple(found.notes), found.lower_bounds()


def fetch_link_feed(
    link: LinkRef,
    client: httpx.Client,
    feed_url: str,
    *,
    window_days: int,
    known_feed: bool,
    handle: str,
    notes: tuple[str, ...] = (),
) -> FetchResult:
    """`fetch_feed` for a stored link, as the link's adapter reports it: its `handle`, and
    `notes` before the feed's own. The link's validators are sent only when `feed_url` is the
    feed they came from (`known_feed`)."""
    result = fetch_feed(
        client,
        feed_url,
        window_days=window_days,
        etag=link.etag if known_feed else "",
        last_modified=link.last_modified if known_feed else "",
        follow_comments=True,
    )
    return replace(result, handle=handle, notes=notes + result.notes)


class FeedAdapter:
    """Blogs and podcasts: the pasted URL is the feed or a page that advertises one."""

    platform: ClassVar[str] = "blog"
    # Said before the feed's own notes on every fetch.
    notes: ClassVar[tuple[str, ...]] = ()

    def feed_url(self, link: LinkRef) -> str:
        """Where to start: the feed found last time, else the platform's feed URL."""
        return link.external_id if link.external_id.startswith("http") else link.url

    def handle(self, link: LinkRef) -> str:
        return urlsplit(link.url).hostname or ""

    def fetch(self, link: LinkRef, client: httpx.Client, *, window_days: int) -> FetchResult:
        start = self.feed_url(link)
        return fetch_link_feed(
            link,
            client,
            start,
            window_days=window_days,
            known_feed=start == link.external_id,
            handle=self.handle(link),
            notes=self.notes,
        )


class PodcastAdapter(FeedAdapter):
    platform: ClassVar[str] = "podcast"


class SubstackAdapter(FeedAdapter):
    """Every Substack publication serves its posts at `/feed`."""

    platform: ClassVar[str] = "substack"
    # Substack's comments are behind an undocumented API: say so rather than guess.
    notes: ClassVar[tuple[str, ...]] = ("comments are not visible to us (Substack)",)

    def feed_url(self, link: LinkRef) -> str:
        if link.external_id.startswith("http"):
            return link.external_id
        parts = urlsplit(link.url)
        if (parts.hostname or "").removeprefix("www.") == "substack.com":
            raise FetchError(
                "a Substack profile has no feed; add the publication (name.substack.com)",
                permanent=True,
            )
        return f"https://{parts.hostname}/feed"


class MediumAdapter(FeedAdapter):
    """Medium serves `medium.com/feed/@user`, `medium.com/feed/<publication>` and
    `<name>.medium.com/feed`."""

    platform: ClassVar[str] = "medium"

    def feed_url(self, link: LinkRef) -> str:
        if link.external_id.startswith("http"):
            return link.external_id
        parts = urlsplit(link.url)
        host = parts.hostname or ""
        if host.removeprefix("www.") == "medium.com":
            path = parts.path.strip("/")
            if not path:
                raise FetchError("a Medium link must name a profile or publication", permanent=True)
            return f"https://medium.com/feed/{path.split('/')[0]}"
        return f"https://{host}/feed"

    def handle(self, link: LinkRef) -> str:
        path = urlsplit(link.url).path.strip("/")
        return path.split("/")[0] if path.startswith("@") else super().handle(link)


BLOG = FeedAdapter()
PODCAST = PodcastAdapter()
SUBSTACK = SubstackAdapter()
MEDIUM = MediumAdapter()
