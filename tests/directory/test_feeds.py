"""RSS/Atom adapters (blogs, Substack, Medium, podcasts) on documented feed shapes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx
import pytest
import respx
import time_machine

from directory.platforms import comment_feeds
from directory.platforms.base import FetchError, LinkRef
from directory.platforms.feeds import (
    FeedAdapter,
    MediumAdapter,
    PodcastAdapter,
    SubstackAdapter,
    discover_feeds,
    fetch_feed,
)
from directory.platforms.http import build_client
from directory.platforms.registry import get_adapter

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)
RSS = {"Content-Type": "application/rss+xml; charset=UTF-8"}


def fixture(path: str) -> bytes:
    return (FIXTURES / path).read_bytes()


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def client():
    with build_client(allow_private=False) as c:
        yield c


COMMENT_FEED = "https://quietharbour.example/2025/05/30/small-routines/feed/"


def mock_comment_feed(mock=respx) -> respx.Route:
    """The one comment feed wordpress_feed.xml advertises for a post with comments."""
    return mock.get(COMMENT_FEED).respond(
        content=fixture("rss/wordpress_comments_small_routines.xml"), headers=RSS
    )


def _page(*links: str) -> str:
    return "<!DOCTYPE html><html><head>" + "".join(links) + "</head><body>Hi</body></html>"


@respx.mock
def test_blog_feed_measurements_with_slash_comments(client):
    mock_comment_feed()
    respx.get("https://quietharbour.example/feed/").respond(
        200,
        content=fixture("rss/wordpress_feed.xml"),
        headers={**RSS, "ETag": '"abc"', "Last-Modified": "Fri, 30 May 2025 09:00:00 GMT"},
    )
    link = LinkRef(platform="blog", url="https://quietharbour.example/feed/")
    result = FeedAdapter().fetch(link, client, window_days=90)
    m = result.measurements
    assert m.window_days == 90
    assert m.posts_in_window == 3  # 30 May, 12 Apr, 5 Mar; 20 Dec is outside 90 days
    assert m.comments_in_window == 11
    assert m.posts_with_comments == 2
    assert m.last_post_at == dt.datetime(2025, 5, 30, 9, 0, tzinfo=dt.UTC)
    # Feeds cannot know these: unknown, never 0.
    assert m.followers is None
    assert m.likes_in_window is None
    # The one post's comment feed (issue #8): Lee twice, Mo, and Sam (the author) answering.
    assert (m.unique_commenters_in_window, m.creator_replies_in_window) == (2, 1)
    assert result.display_name == "Quiet Harbour"
    assert result.external_id == "https://quietharbour.example/feed/"
    assert result.etag == '"abc"'
    assert result.last_modified == "Fri, 30 May 2025 09:00:00 GMT"
    assert result.handle == "quietharbour.example"


@respx.mock
def test_window_days_bounds_the_window(client):
    mock_comment_feed()
    respx.get("https://quietharbour.example/feed/").respond(
        200, content=fixture("rss/wordpress_feed.xml"), headers=RSS
    )
    link = LinkRef(platform="blog", url="https://quietharbour.example/feed/")
    m = FeedAdapter().fetch(link, client, window_days=30).measurements
    assert (m.posts_in_window, m.comments_in_window, m.posts_with_comments) == (1, 4, 1)


@respx.mock
def test_feed_without_comment_counts_leaves_comments_unknown(client):
    respx.get("https://steadyground.substack.com/feed").respond(
        200, content=fixture("substack/feed.xml"), headers=RSS
    )
    link = LinkRef(platform="substack", url="https://steadyground.substack.com/")
    result = SubstackAdapter().fetch(link, client, window_days=90)
    assert result.measurements.posts_in_window == 2
    assert result.measurements.comments_in_window is None
    assert result.measurements.posts_with_comments is None
    assert any("comments" in note for note in result.notes)
    assert result.external_id == "https://steadyground.substack.com/feed"


def test_substack_profile_has_no_feed(client):
    link = LinkRef(platform="substack", url="https://substack.com/@alex")
    with pytest.raises(FetchError, match="publication") as info:
        SubstackAdapter().fetch(link, client, window_days=90)
    assert info.value.permanent is True


@respx.mock
def test_medium_profile_reads_its_feed(client):
    route = respx.get("https://medium.com/feed/@robin").respond(
        200, content=fixture("medium/feed.xml"), headers=RSS
    )
    link = LinkRef(platform="medium", url="https://medium.com/@robin")
    result = MediumAdapter().fetch(link, client, window_days=90)
    assert route.called
    assert result.measurements.posts_in_window == 1
    assert result.measurements.last_post_at == dt.datetime(2025, 5, 29, 10, 0, tzinfo=dt.UTC)
    assert result.handle == "@robin"


@respx.mock
def test_medium_subdomain_feed(client):
    route = respx.get("https://robin.medium.com/feed").respond(
        200, content=fixture("medium/feed.xml"), headers=RSS
    )
    MediumAdapter().fetch(
        LinkRef(platform="medium", url="https://robin.medium.com/"), client, window_days=90
    )
    assert route.called


@respx.mock
def test_podcast_feed(client):
    respx.get("https://feeds.example/talking.rss").respond(
        200, content=fixture("podcast/feed.xml"), headers=RSS
    )
    link = LinkRef(platform="podcast", url="https://feeds.example/talking.rss")
    result = PodcastAdapter().fetch(link, client, window_days=90)
    assert result.measurements.posts_in_window == 2
    assert result.measurements.last_post_at == dt.datetime(2025, 5, 26, 5, 0, tzinfo=dt.UTC)
    assert result.display_name == "Talking It Through"


@respx.mock
def test_atom_entries_fall_back_to_updated(client):
    respx.get("https://notes.example/atom.xml").respond(
        200, content=fixture("rss/atom_feed.xml"), headers={"Content-Type": "application/atom+xml"}
    )
    result = fetch_feed(client, "https://notes.example/atom.xml", window_days=90)
    assert result.measurements.posts_in_window == 2
    assert result.measurements.last_post_at == dt.datetime(2025, 5, 20, 12, 0, tzinfo=dt.UTC)
    # Both entries are inside the window: the feed may be truncated, and we say so.
    assert any("latest 2 posts" in note for note in result.notes)


@respx.mock
def test_feed_discovered_from_a_page_and_remembered(client):
    mock_comment_feed()
    respx.get("https://quietharbour.example/").respond(
        200,
        html=_page(
            '<link rel="alternate" type="application/rss+xml" title="Comments" '
            'href="https://quietharbour.example/comments/feed/">',
            '<link rel="alternate" type="application/rss+xml" title="Feed" href="/feed/">',
        ),
    )
    feed = respx.get("https://quietharbour.example/feed/").respond(
        200, content=fixture("rss/wordpress_feed.xml"), headers={**RSS, "ETag": '"v1"'}
    )
    link = LinkRef(platform="blog", url="https://quietharbour.example/")
    result = FeedAdapter().fetch(link, client, window_days=90)
    assert feed.called
    assert result.external_id == "https://quietharbour.example/feed/"
    assert result.measurements.posts_in_window == 3


def test_discovery_ignores_non_feed_links():
    html = _page(
        '<link rel="stylesheet" href="/s.css">',
        '<link rel="alternate" hreflang="fr" href="/fr/">',
        '<LINK REL="Alternate" TYPE="application/atom+xml" HREF="atom.xml">',
    )
    assert discover_feeds(html, "https://b.example/blog/") == ["https://b.example/blog/atom.xml"]


@respx.mock
def test_page_without_feed_is_permanent(client):
    respx.get("https://nofeed.example/").respond(200, html=_page())
    with pytest.raises(FetchError, match="no RSS or Atom feed") as info:
        FeedAdapter().fetch(
            LinkRef(platform="blog", url="https://nofeed.example/"), client, window_days=90
        )
    assert info.value.permanent is True


@respx.mock
def test_conditional_get_sends_validators_and_304_means_not_modified(client):
    route = respx.get("https://quietharbour.example/feed/").respond(304)
    link = LinkRef(
        platform="blog",
        url="https://quietharbour.example/",
        external_id="https://quietharbour.example/feed/",
        etag='"v1"',
        last_modified="Fri, 30 May 2025 09:00:00 GMT",
    )
    result = FeedAdapter().fetch(link, client, window_days=90)
    sent = route.calls.last.request.headers
    assert sent["If-None-Match"] == '"v1"'
    assert sent["If-Modified-Since"] == "Fri, 30 May 2025 09:00:00 GMT"
    assert result.not_modified is True
    assert result.etag == '"v1"'
    assert result.external_id == "https://quietharbour.example/feed/"


@respx.mock
def test_validators_are_not_sent_to_a_different_url(client):
    route = respx.get("https://steadyground.substack.com/feed").respond(
        200, content=fixture("substack/feed.xml"), headers=RSS
    )
    link = LinkRef(platform="substack", url="https://steadyground.substack.com/", etag='"old"')
    SubstackAdapter().fetch(link, client, window_days=90)
    assert "If-None-Match" not in route.calls.last.request.headers


@respx.mock
def test_broken_feed_is_a_temporary_failure(client):
    respx.get("https://broken.example/feed").respond(200, text="<rss><channel><ti", headers=RSS)
    with pytest.raises(FetchError, match="could not be read") as info:
        fetch_feed(client, "https://broken.example/feed", window_days=90)
    assert info.value.permanent is False


@respx.mock
def test_slightly_malformed_feed_is_read_with_a_note(client):
    body = fixture("rss/wordpress_feed.xml").replace(
        b"<title>Winter notes</title>", b"<title>Winter & notes</title>"
    )
    respx.get("https://quietharbour.example/feed/").respond(200, content=body, headers=RSS)
    result = fetch_feed(client, "https://quietharbour.example/feed/", window_days=90)
    assert result.measurements.posts_in_window == 3
    assert any("not well-formed" in note for note in result.notes)


@pytest.mark.parametrize(
    ("status", "permanent"), [(404, True), (410, True), (500, False), (503, False)]
)
@respx.mock
def test_error_statuses(client, status, permanent):
    respx.get("https://gone.example/feed").respond(status)
    with pytest.raises(FetchError) as info:
        fetch_feed(client, "https://gone.example/feed", window_days=90)
    assert info.value.permanent is permanent


@respx.mock
def test_timeout_is_temporary(client):
    respx.get("https://slow.example/feed").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(FetchError) as info:
        fetch_feed(client, "https://slow.example/feed", window_days=90)
    assert info.value.permanent is False


def test_feed_adapters_are_registered():
    for platform in ("blog", "podcast", "substack", "medium"):
        assert get_adapter(platform).platform == platform


# --- issue #8: what real servers send ------------------------------------------------------

# Blogger's Atom feed (/feeds/posts/default, fixtures/rss/blogger_atom.xml) as it documents it:
# thr:total per entry and a rel="replies" link to the post's comment feed. WordPress's Atom
# feed (/feed/atom/, wordpress_atom.xml): the count may only be on the replies link.

ATOM = {"Content-Type": "application/atom+xml; charset=UTF-8"}


@respx.mock
def test_blogger_atom_comment_counts_come_from_thr_total(client):
    respx.get("https://steadydays.blogspot.com/feeds/posts/default").respond(
        content=fixture("rss/blogger_atom.xml"), headers=ATOM
    )
    result = fetch_feed(
        client, "https://steadydays.blogspot.com/feeds/posts/default", window_days=90
    )
    assert (result.measurements.comments_in_window, result.measurements.posts_with_comments) == (
        4,
        1,
    )
    assert "the feed does not say how many comments posts have" not in result.notes


@respx.mock
def test_wordpress_atom_comment_counts_come_from_the_replies_link(client):
    respx.get("https://quietharbour.example/feed/atom/").respond(
        content=fixture("rss/wordpress_atom.xml"), headers=ATOM
    )
    result = fetch_feed(client, "https://quietharbour.example/feed/atom/", window_days=90)
    assert result.measurements.comments_in_window == 5
    assert result.measurements.posts_with_comments == 2


@respx.mock
def test_a_utf8_feed_served_as_bare_text_xml_is_not_called_badly_formed(client):
    # Bare text/xml means us-ascii (RFC 3023): feedparser warns when it reads UTF-8 instead.
    feed = fixture("rss/wordpress_feed.xml").replace(b"</title>", " — café</title>".encode(), 1)
    respx.get("https://quietharbour.example/feed/").respond(
        content=feed, headers={"Content-Type": "text/xml"}
    )
    result = fetch_feed(client, "https://quietharbour.example/feed/", window_days=90)
    assert not any("not well-formed" in note for note in result.notes)


@respx.mock
def test_a_feed_that_breaks_off_is_called_badly_formed(client):
    broken = fixture("rss/wordpress_feed.xml").rsplit(b"</item>", 1)[0]
    respx.get("https://quietharbour.example/feed/").respond(content=broken, headers=RSS)
    result = fetch_feed(client, "https://quietharbour.example/feed/", window_days=90)
    assert "the feed is not well-formed; read what could be read" in result.notes


# --- issue #8: conversations on blogs, from the per-post comment feeds ----------------------

BLOG = "https://steadydays.blogspot.com"


def blogger(client, *, comments_status: int = 200):
    respx.get(f"{BLOG}/feeds/posts/default").respond(
        content=fixture("rss/blogger_atom.xml"), headers=ATOM
    )
    route = respx.get(f"{BLOG}/feeds/11/comments/default").respond(
        comments_status, content=fixture("rss/blogger_comments_11.xml"), headers=ATOM
    )
    link = LinkRef(platform="blog", url=f"{BLOG}/feeds/posts/default")
    return route, FeedAdapter().fetch(link, client, window_days=90)


@respx.mock
def test_blogger_comment_feed_shows_commenters_and_the_authors_replies(client):
    route, result = blogger(client)
    m = result.measurements
    assert route.called
    # Jo twice and an anonymous visitor; Ana (same Blogger profile, another display name)
    # answered once. Post 12 states 0 comments: its feed is not read.
    assert m.comments_in_window == 4  # thr:total, the feed's own count
    assert m.unique_commenters_in_window == 1  # anonymous is a comment, not a commenter
    assert (m.creator_replies_in_window, m.posts_with_creator_reply) == (1, 1)
    assert "unique_commenters_in_window" not in result.lower_bounds  # every comment read


@respx.mock
def test_a_comment_feed_that_cannot_be_read_leaves_the_figures_unknown(client):
    _, result = blogger(client, comments_status=404)
    m = result.measurements
    assert m.comments_in_window == 4
    assert m.unique_commenters_in_window is None
    assert any("conversations not visible on 1 posts" in note for note in result.notes)


@respx.mock
def test_the_budget_caps_comment_feeds_and_says_so(client, monkeypatch):
    monkeypatch.setattr(comment_feeds, "MAX_COMMENT_FEEDS", 0)
    route, result = blogger(client)
    assert not route.called
    assert any("per-fetch budget" in note for note in result.notes)
    assert result.measurements.unique_commenters_in_window is None


@respx.mock
def test_substack_comments_are_said_to_be_invisible(client):
    respx.get("https://steadyground.substack.com/feed").respond(
        content=fixture("substack/feed.xml"), headers={"Content-Type": "application/rss+xml"}
    )
    link = LinkRef(platform="substack", url="https://steadyground.substack.com/")
    result = SubstackAdapter().fetch(link, client, window_days=90)
    assert "comments are not visible to us (Substack)" in result.notes


@respx.mock
def test_ghost_comments_are_said_to_be_invisible(client):
    feed = fixture("rss/wordpress_feed.xml").replace(
        b"<generator>https://wordpress.org/?v=6.8.1</generator>",
        b"<generator>Ghost 5.82</generator>",
    )
    assert b"Ghost 5.82" in feed
    respx.get("https://quietharbour.example/rss/").respond(
        content=feed, headers={"Content-Type": "application/rss+xml"}
    )
    link = LinkRef(platform="blog", url="https://quietharbour.example/rss/")
    result = FeedAdapter().fetch(link, client, window_days=90)
    assert "comments are not visible to us (Ghost)" in result.notes
