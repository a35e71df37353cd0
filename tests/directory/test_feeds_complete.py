"""A feed that says it lists every post (OpenSearch totalResults, as Blogger's feeds do) is not a
lower bound; one that lists fewer than it holds is. Found on a real Blogger feed
(tests/fixtures/recorded/blog/statusnet-briontest-blogger-thr-total)."""

from __future__ import annotations

import datetime as dt

import feedparser

from directory.platforms.feeds import measure_feed

NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)


def _atom(total: int, entries: int) -> bytes:
    items = "".join(
        f"<entry><id>tag:example.org,2025:{n}</id><title>Post {n}</title>"
        f"<published>2025-05-{20 + n:02d}T10:00:00Z</published>"
        f"<updated>2025-05-{20 + n:02d}T10:00:00Z</updated></entry>"
        for n in range(entries)
    )
    return (
        "<?xml version='1.0' encoding='UTF-8'?>"
        "<feed xmlns='http://www.w3.org/2005/Atom' "
        "xmlns:openSearch='http://a9.com/-/spec/opensearchrss/1.0/'>"
        "<id>tag:example.org,2025:blog</id><title>A small blog</title>"
        "<updated>2025-05-29T10:00:00Z</updated>"
        f"<openSearch:totalResults>{total}</openSearch:totalResults>"
        "<openSearch:startIndex>1</openSearch:startIndex>"
        f"<openSearch:itemsPerPage>25</openSearch:itemsPerPage>{items}</feed>"
    ).encode()


def test_a_feed_listing_every_post_is_an_exact_count():
    measurements, notes, lower_bounds = measure_feed(
        feedparser.parse(_atom(total=2, entries=2)), window_days=30, now=NOW
    )
    assert measurements.posts_in_window == 2
    assert lower_bounds == ()
    assert not any("lists only its latest" in note for note in notes)


def test_a_feed_holding_more_posts_than_it_lists_is_a_lower_bound():
    measurements, notes, lower_bounds = measure_feed(
        feedparser.parse(_atom(total=507, entries=2)), window_days=30, now=NOW
    )
    assert measurements.posts_in_window == 2
    assert "posts_in_window" in lower_bounds
    assert any("lists only its latest 2 posts: at least 2" in note for note in notes)
