"""WordPress: WordPress.com (and Jetpack) sites through the public v1.1 API, self-hosted sites
through the core REST API (`/wp-json/wp/v2`), and the site's RSS feed when REST is closed.

Order of attempts: `/sites/<site>` on WordPress.com (a numeric site ID stored as the external
id skips the guess); a 404 `unknown_blog` there means "probably self-hosted", so we read the
home page's `Link: <…/wp-json/>; rel="https://api.w.org/"` header (or the same `<link>` in the
HTML) and use wp/v2; a 401/403 from wp/v2 (security plugins) or no REST at all falls back to
the feed. The REST root or feed URL found becomes the external id, so later fetches skip the
search.

Who replied is known by user id (see `discussion.tally`): the creator replied when a comment's
author id equals the post's author id (non-zero; guests have 0). Guests are told apart by name
for the unique commenter count. Posts whose comments are closed contribute "not applicable":
when no post in the window takes comments and none has any, the comment measurements are None,
not 0. Likes are unknown (None) where likes are disabled, and always on self-hosted sites
(core WordPress has none).
"""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils import timezone

from .base import FetchError, FetchResult, LinkRef
from .discussion import Post, tally, with_last_post, without_comments
from .feeds import discover_feeds, fetch_link_feed
from .http import get_json, raise_for_status
from .payload import parse_datetime, to_int

if TYPE_CHECKING:
    import httpx

API_REL = "https://api.w.org/"
MAX_POST_PAGES = 5  # 500 posts reaches far enough back for any window we use
MAX_COMMENT_PAGES = 10
WPCOM_POST_FIELDS = "ID,author,date,URL,discussion,likes_enabled,like_count"
WPV2_POST_FIELDS = "id,date_gmt,link,author,comment_status"
WPV2_COMMENT_FIELDS = "id,post,parent,author,author_name,date_gmt"


class _NotOnWordPressCom(Exception):
    pass


class _RestUnavailable(Exception):
    pass


class _ApiLink(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.href = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): (value or "") for name, value in attrs}
        if tag == "link" and values.get("rel") == API_REL and not self.href:
            self.href = values.get("href", "")


def _wp_route(root: str, route: str, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """URL and parameters for a wp/v2 route, with or without pretty permalinks."""
    if "rest_route=" in root:
        return root.split("?", 1)[0], {"rest_route": route, **params}
    return root.rstrip("/") + route, params


class WordPressAdapter:
    platform: ClassVar[str] = "wordpress"

    def fetch(self, link: LinkRef, client: httpx.Client, *, window_days: int) -> FetchResult:
        cutoff = timezone.now() - dt.timedelta(days=window_days)
        host = urlsplit(link.url).hostname or ""
        stored = link.external_id
        if stored.startswith(("http://", "https://")):
            if "/wp-json" in stored or "rest_route=" in stored:
                return self._self_hosted_or_feed(link, client, stored, window_days, cutoff)
            return self._feed(link, client, stored, window_days, known_feed=True)
        try:
            return self._wpcom(link, client, stored or host, window_days, cutoff)
        except _NotOnWordPressCom:
            pass
        home = client.get(link.url)
        raise_for_status(home)
        root = self._api_root(home)
        if root:
            return self._self_hosted_or_feed(link, client, root, window_days, cutoff)
        feeds = discover_feeds(home.text, str(home.url))
        feed = feeds[0] if feeds else urljoin(link.url.rstrip("/") + "/", "feed/")
        return self._feed(link, client, feed, window_days, note="no WordPress REST API found")

    # --- WordPress.com ------------------------------------------------------------------
    def _wpcom(
        self, link: LinkRef, client: httpx.Client, site: str, window_days: int, cutoff: dt.datetime
    ) -> FetchResult:
        base = settings.WPCOM_API_URL.rstrip("/")
        response = client.get(f"{base}/sites/{site}")
        if response.status_code in (403, 404):
            error = _error_code(response)
            if (
                error == "unknown_blog"
                and not site.endswith(".wordpress.com")
                and not site.isdigit()
            ):
                raise _NotOnWordPressCom
            if error == "unauthorized" or response.status_code == 403:
                raise FetchError(f"{site} is a private site", permanent=True, status_code=403)
            raise FetchError(f"{site} no longer exists on WordPress.com", permanent=True)
        raise_for_status(response)
        info = _json(response)
        if info.get("is_private"):
            raise FetchError(f"{site} is a private site", permanent=True)
        site_id = info.get("ID") or site

        posts: list[Post] = []
        found: int | None = None
        page_handle = ""
        for _ in range(MAX_POST_PAGES):
            params: dict[str, Any] = {
                "number": 100,
                "order_by": "date",
                "order": "DESC",
                "fields": WPCOM_POST_FIELDS,
            }
            if page_handle:
                params["page_handle"] = page_handle
            data = get_json(client, f"{base}/sites/{site_id}/posts/", params)
            if found is None:
                found = to_int(data.get("found"))
            batch = [self._wpcom_post(raw) for raw in data.get("posts") or []]
            posts.extend(p for p in batch if p is not None)
            page_handle = (data.get("meta") or {}).get("next_page") or ""
            if not page_handle or not batch or any(p and p.published < cutoff for p in batch):
                break
        in_window = [p for p in posts if p.published >= cutoff]
        for post in in_window:
            # Reading a thread costs a request: only posts that have comments.
            if post.comment_count:
                post.comments = self._wpcom_replies(client, base, site_id, post.id)
        measurements, notes = tally(
            in_window,
            window_days=window_days,
            posts_total=found,
            followers=to_int(info.get("subscribers_count")),
        )
        return FetchResult(
            measurements=with_last_post(measurements, posts),
            handle=host_or(info.get("URL"), link.url),
            external_id=str(site_id),
            display_name=str(info.get("name") or "")[:200],
            notes=notes,
        )

    @staticmethod
    def _wpcom_post(raw: dict[str, Any]) -> Post | None:
        published = parse_datetime(raw.get("date"))
        if published is None or to_int(raw.get("ID")) is None:
            return None
        discussion = raw.get("discussion") or {}
        return Post(
            id=int(raw["ID"]),
            author_id=to_int((raw.get("author") or {}).get("ID")) or 0,
            published=published,
            comments_open=bool(discussion.get("comments_open")),
            like_count=to_int(raw.get("like_count")) if raw.get("likes_enabled") else None,
            comment_count=to_int(discussion.get("comment_count")),
        )

    @staticmethod
    def _wpcom_replies(
        client: httpx.Client, base: str, site_id: Any, post_id: int
    ) -> list[tuple[int, str]]:
        comments: list[tuple[int, str]] = []
        for page in range(1, MAX_COMMENT_PAGES + 1):
            data = get_json(
                client,
                f"{base}/sites/{site_id}/posts/{post_id}/replies/",
                # The endpoint's default type is "any": pingbacks and trackbacks are links
                # from other sites, not comments.
                {"number": 100, "page": page, "type": "comment"},
            )
            batch = data.get("comments") or []
            for comment in batch:
                if comment.get("status", "approved") != "approved":
                    continue
                if comment.get("type", "comment") != "comment":
                    continue
                author = comment.get("author") or {}
                comments.append((to_int(author.get("ID")) or 0, str(author.get("name") or "")))
            if len(batch) < 100 or len(comments) >= (to_int(data.get("found")) or 0):
                break
        return comments

    # --- Self-hosted (wp/v2) -------------------------------------------------------------
    @staticmethod
    def _api_root(home: httpx.Response) -> str:
        if API_REL in home.links:
            return urljoin(str(home.url), home.links[API_REL].get("url", ""))
        if "html" in home.headers.get("content-type", ""):
            parser = _ApiLink()
            parser.feed(home.text)
            if parser.href:
                return urljoin(str(home.url), parser.href)
        return ""

    def _self_hosted_or_feed(
        self, link: LinkRef, client: httpx.Client, root: str, window_days: int, cutoff: dt.datetime
    ) -> FetchResult:
        try:
            return self._self_hosted(link, client, root, window_days, cutoff)
        except _RestUnavailable:
            feed = urljoin(link.url.rstrip("/") + "/", "feed/")
            return self._feed(link, client, feed, window_days, note="the REST API is switched off")

    def _self_hosted(
        self, link: LinkRef, client: httpx.Client, root: str, window_days: int, cutoff: dt.datetime
    ) -> FetchResult:
        posts: list[Post] = []
        total: int | None = None
        for page in range(1, MAX_POST_PAGES + 1):
            url, params = _wp_route(
                root,
                "/wp/v2/posts",
                {"per_page": 100, "page": page, "_fields": WPV2_POST_FIELDS, "orderby": "date"},
            )
            response = client.get(url, params=params)
            if response.status_code in (401, 403) or (response.status_code == 404 and page == 1):
                raise _RestUnavailable
            if (
                response.status_code == 400
                and _error_code(response) == "rest_post_invalid_page_number"
            ):
                break
            raise_for_status(response)
            batch = _json(response, expect=list)
            if total is None:
                total = to_int(response.headers.get("X-WP-Total"))
            reached_cutoff = False
            for raw in batch:
                published = parse_datetime(raw.get("date_gmt"))
                if published is not None and to_int(raw.get("id")) is not None:
                    posts.append(
                        Post(
                            id=int(raw["id"]),
                            author_id=to_int(raw.get("author")) or 0,
                            published=published,
                            comments_open=raw.get("comment_status") == "open",
                        )
                    )
                    reached_cutoff = reached_cutoff or published < cutoff
            pages = to_int(response.headers.get("X-WP-TotalPages")) or 1
            if not batch or page >= pages or reached_cutoff:
                break
        in_window = [p for p in posts if p.published >= cutoff]
        notes: tuple[str, ...] = ()
        comments_known = True
        if in_window:
            comments_known = self._wpv2_comments(client, root, in_window)
        measurements, tally_notes = tally(
            in_window, window_days=window_days, posts_total=total, followers=None
        )
        if not comments_known:
            measurements = without_comments(measurements)
            notes = ("comments are not readable through the REST API",)
        return FetchResult(
            measurements=with_last_post(measurements, posts),
            handle=urlsplit(link.url).hostname or "",
            external_id=root,
            notes=notes + tally_notes + ("WordPress has no follower count",),
        )

    @staticmethod
    def _wpv2_comments(client: httpx.Client, root: str, posts: list[Post]) -> bool:
        """Attach comments to `posts` (one paged query for all of them); False if hidden."""
        by_id = {post.id: post for post in posts}
        ids = ",".join(str(pid) for pid in by_id)
        for page in range(1, MAX_COMMENT_PAGES + 1):
            url, params = _wp_route(
                root,
                "/wp/v2/comments",
                {"post": ids, "per_page": 100, "page": page, "_fields": WPV2_COMMENT_FIELDS},
            )
            response = client.get(url, params=params)
            if response.status_code in (401, 403):
                return False
            raise_for_status(response)
            batch = _json(response, expect=list)
            for comment in batch:
                post = by_id.get(to_int(comment.get("post")) or -1)
                if post is not None:
                    post.comments.append(
                        (to_int(comment.get("author")) or 0, str(comment.get("author_name") or ""))
                    )
            if page >= (to_int(response.headers.get("X-WP-TotalPages")) or 1):
                break
        return True

    # --- Feed fallback -------------------------------------------------------------------
    def _feed(
        self,
        link: LinkRef,
        client: httpx.Client,
        feed_url: str,
        window_days: int,
        *,
        known_feed: bool = False,
        note: str = "",
    ) -> FetchResult:
        return fetch_link_feed(
            link,
            client,
            feed_url,
            window_days=window_days,
            known_feed=known_feed,
            handle=urlsplit(link.url).hostname or "",
            notes=(f"{note}: feed only",) if note else ("feed only",),
        )


def _error_code(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    if isinstance(body, dict):
        return str(body.get("error") or body.get("code") or "")
    return ""


def _json(response: httpx.Response, expect: type = dict) -> Any:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, expect):
        if expect is list:
            # A 200 HTML page where JSON belongs: a plugin or cache in front of the REST API.
            raise _RestUnavailable
        raise FetchError(f"{response.url} did not return the expected JSON", permanent=False)
    return body


def host_or(url: Any, fallback: str) -> str:
    return urlsplit(url if isinstance(url, str) and url else fallback).hostname or ""


ADAPTER = WordPressAdapter()
