"""WordPress.com v1.1, self-hosted wp/v2 and the RSS fallback, on documented response shapes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import httpx
import pytest
import respx
import time_machine

from directory.platforms.base import FetchError, LinkRef
from directory.platforms.http import build_client
from directory.platforms.registry import get_adapter
from directory.platforms.wordpress import WordPressAdapter

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)
API = "https://public-api.wordpress.com/rest/v1.1"
SITE_ID = 123456789
COMMENT_FEED = "https://quietharbour.example/2025/05/30/small-routines/feed/"


def load(name: str):
    return json.loads((FIXTURES / "wordpress" / name).read_text())


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def client():
    with build_client(allow_private=False) as c:
        yield c


def _wpcom_routes(mock: respx.MockRouter, *, posts1=None, posts2=None):
    mock.get(f"{API}/sites/hope.wordpress.com").respond(200, json=load("wpcom_site.json"))
    posts = mock.get(f"{API}/sites/{SITE_ID}/posts/")
    posts.side_effect = [
        httpx.Response(200, json=posts1 or load("wpcom_posts_page1.json")),
        httpx.Response(200, json=posts2 or load("wpcom_posts_page2.json")),
    ]
    r101 = mock.get(f"{API}/sites/{SITE_ID}/posts/101/replies/").respond(
        200, json=load("wpcom_replies_101.json")
    )
    r99 = mock.get(f"{API}/sites/{SITE_ID}/posts/99/replies/").respond(
        200, json=load("wpcom_replies_99.json")
    )
    return posts, r101, r99


HOPE = LinkRef(platform="wordpress", url="https://hope.wordpress.com/")


def test_wpcom_measurements(client):
    with respx.mock(assert_all_called=False) as mock:
        posts, r101, r99 = _wpcom_routes(mock)
        others = mock.get(url__regex=rf"{API}/sites/{SITE_ID}/posts/\d+/replies/").respond(500)
        result = WordPressAdapter().fetch(HOPE, client, window_days=90)
    m = result.measurements
    assert m.posts_in_window == 3  # 101, 100, 99; 98 is from February
    assert m.posts_total == 57  # `found`: anonymous callers get no post_count
    assert m.followers == 321
    assert m.comments_in_window == 4  # River, Ash on 101; river, Kai on 99
    assert m.unique_commenters_in_window == 3  # guests by name: River = river
    assert m.posts_with_comments == 2
    assert m.creator_replies_in_window == 1  # comment author ID 7 = post author ID 7
    assert m.posts_with_creator_reply == 1
    assert m.likes_in_window == 7  # 5 + 2; post 100 has likes disabled
    assert m.last_post_at == dt.datetime(2025, 5, 30, 9, 0, tzinfo=dt.UTC)
    assert result.external_id == str(SITE_ID)
    assert result.display_name == "Hope Notes"
    assert result.handle == "hope.wordpress.com"
    # Paging followed meta.next_page; threads read only for in-window posts with comments.
    # The handle goes back exactly as meta.next_page gave it.
    assert (
        posts.calls[1].request.url.params["page_handle"]
        == (load("wpcom_posts_page1.json")["meta"]["next_page"])
    )
    assert r101.call_count == 1 and r99.call_count == 1
    assert not others.called


def test_wpcom_stored_site_id_skips_the_lookup_by_name(client):
    link = LinkRef(
        platform="wordpress", url="https://hope.wordpress.com/", external_id=str(SITE_ID)
    )
    with respx.mock(assert_all_called=False) as mock:
        _wpcom_routes(mock)
        by_id = mock.get(f"{API}/sites/{SITE_ID}").respond(200, json=load("wpcom_site.json"))
        WordPressAdapter().fetch(link, client, window_days=90)
    assert by_id.called


def test_wpcom_window_days_bounds_the_window(client):
    with respx.mock(assert_all_called=False) as mock:
        posts, r101, r99 = _wpcom_routes(mock)
        m = WordPressAdapter().fetch(HOPE, client, window_days=45).measurements
    assert m.posts_in_window == 2
    assert m.comments_in_window == 2
    assert posts.call_count == 2  # page 2 reaches past the window; no page 3
    assert not r99.called


def test_wpcom_closed_comments_are_not_applicable(client):
    page = load("wpcom_posts_page1.json")
    for post in page["posts"]:
        post["discussion"].update(comments_open=False, comment_status="closed", comment_count=0)
    page["posts"][0]["likes_enabled"] = False
    page["meta"].pop("next_page")
    with respx.mock(assert_all_called=False) as mock:
        _wpcom_routes(mock, posts1=page)
        result = WordPressAdapter().fetch(HOPE, client, window_days=90)
    m = result.measurements
    assert m.posts_in_window == 2
    assert m.comments_in_window is None
    assert m.posts_with_comments is None
    assert m.creator_replies_in_window is None
    assert m.unique_commenters_in_window is None
    assert m.likes_in_window is None  # likes disabled everywhere: unknown, not 0
    assert any("not applicable" in note for note in result.notes)


def test_wpcom_open_comments_with_none_yet_count_zero(client):
    page = load("wpcom_posts_page1.json")
    page["posts"][0]["discussion"]["comment_count"] = 0
    page["meta"].pop("next_page")
    with respx.mock(assert_all_called=False) as mock:
        _wpcom_routes(mock, posts1=page)
        m = WordPressAdapter().fetch(HOPE, client, window_days=90).measurements
    assert m.comments_in_window == 0
    assert m.creator_replies_in_window == 0


def test_wpcom_deleted_site_is_permanent(client):
    with respx.mock:
        respx.get(f"{API}/sites/gone.wordpress.com").respond(
            404, json=load("wpcom_unknown_blog.json")
        )
        link = LinkRef(platform="wordpress", url="https://gone.wordpress.com/")
        with pytest.raises(FetchError) as info:
            WordPressAdapter().fetch(link, client, window_days=90)
    assert info.value.permanent is True


def test_wpcom_private_site_is_permanent(client):
    with respx.mock:
        respx.get(f"{API}/sites/hope.wordpress.com").respond(
            403, json=load("wpcom_unauthorized.json")
        )
        with pytest.raises(FetchError, match="private") as info:
            WordPressAdapter().fetch(HOPE, client, window_days=90)
    assert info.value.permanent is True


@pytest.mark.parametrize("failure", ["500", "timeout", "429"])
def test_wpcom_temporary_failures(client, failure):
    with respx.mock:
        route = respx.get(f"{API}/sites/hope.wordpress.com")
        if failure == "timeout":
            route.mock(side_effect=httpx.ConnectTimeout("slow"))
        elif failure == "429":
            route.respond(429, headers={"Retry-After": "2"})
        else:
            route.respond(500)
        with pytest.raises(FetchError) as info:
            WordPressAdapter().fetch(HOPE, client, window_days=90)
    assert info.value.permanent is False
    if failure == "429":
        assert info.value.retry_after == 2.0


CALM = LinkRef(platform="wordpress", url="https://calm.example/")
ROOT = "https://calm.example/wp-json/"


def _self_hosted(mock: respx.MockRouter, root_link: str = f'<{ROOT}>; rel="https://api.w.org/"'):
    mock.get(f"{API}/sites/calm.example").respond(404, json=load("wpcom_unknown_blog.json"))
    mock.get("https://calm.example/").respond(
        200, html="<html><head></head><body>Home</body></html>", headers={"Link": root_link}
    )


def test_self_hosted_found_through_the_api_link_header(client):
    with respx.mock(assert_all_called=False) as mock:
        _self_hosted(mock)
        posts = mock.get(f"{ROOT}wp/v2/posts")
        posts.side_effect = [
            httpx.Response(
                200,
                json=load("wpv2_posts_page1.json"),
                headers={"X-WP-Total": "150", "X-WP-TotalPages": "2"},
            ),
            httpx.Response(
                200,
                json=load("wpv2_posts_page2.json"),
                headers={"X-WP-Total": "150", "X-WP-TotalPages": "2"},
            ),
        ]
        comments = mock.get(f"{ROOT}wp/v2/comments").respond(
            200,
            json=load("wpv2_comments.json"),
            headers={"X-WP-Total": "3", "X-WP-TotalPages": "1"},
        )
        result = WordPressAdapter().fetch(CALM, client, window_days=90)
    m = result.measurements
    assert m.posts_in_window == 2  # 20 May and 10 April; 1 January is outside
    assert m.posts_total == 150  # X-WP-Total
    assert m.comments_in_window == 2  # Jules (guest) and Pat; the admin's reply is the creator's
    assert m.unique_commenters_in_window == 2
    assert m.posts_with_comments == 2
    assert m.creator_replies_in_window == 1  # comment author 2 = post author 2
    assert m.posts_with_creator_reply == 1
    assert m.likes_in_window is None  # core has no likes
    assert m.followers is None
    assert m.last_post_at == dt.datetime(2025, 5, 20, 8, 0, tzinfo=dt.UTC)
    assert result.external_id == ROOT
    sent = comments.calls.last.request.url.params
    assert sent["post"] == "11,10"
    assert posts.calls[0].request.url.params["_fields"] == "id,date_gmt,link,author,comment_status"


def test_self_hosted_stored_root_goes_straight_to_wp_v2(client):
    link = LinkRef(platform="wordpress", url="https://calm.example/", external_id=ROOT)
    with respx.mock:
        respx.get(f"{ROOT}wp/v2/posts").respond(
            200, json=load("wpv2_posts_page2.json"), headers={"X-WP-TotalPages": "1"}
        )
        m = WordPressAdapter().fetch(link, client, window_days=90).measurements
    assert m.posts_in_window == 0
    assert m.comments_in_window == 0
    assert m.last_post_at == dt.datetime(2025, 1, 1, 8, 0, tzinfo=dt.UTC)


def test_self_hosted_past_the_last_page_stops_paging(client):
    link = LinkRef(platform="wordpress", url="https://calm.example/", external_id=ROOT)
    recent = [
        dict(p, date_gmt=f"2025-05-2{i}T08:00:00")
        for i, p in enumerate(load("wpv2_posts_page1.json"))
    ]
    with respx.mock:
        respx.get(f"{ROOT}wp/v2/posts").side_effect = [
            httpx.Response(200, json=recent, headers={"X-WP-TotalPages": "3"}),
            httpx.Response(400, json=load("wpv2_invalid_page.json")),
        ]
        respx.get(f"{ROOT}wp/v2/comments").respond(200, json=[], headers={"X-WP-TotalPages": "0"})
        m = WordPressAdapter().fetch(link, client, window_days=90).measurements
    assert m.posts_in_window == 2


def test_self_hosted_without_pretty_permalinks_uses_rest_route(client):
    link = LinkRef(platform="wordpress", url="https://calm.example/")
    with respx.mock(assert_all_called=False) as mock:
        # Registered first: the home page route below would also match this URL.
        posts = mock.get("https://calm.example/", params={"rest_route": "/wp/v2/posts"}).respond(
            200, json=load("wpv2_posts_page2.json"), headers={"X-WP-TotalPages": "1"}
        )
        _self_hosted(
            mock, root_link='<https://calm.example/?rest_route=/>; rel="https://api.w.org/"'
        )
        result = WordPressAdapter().fetch(link, client, window_days=90)
    assert posts.called
    assert result.external_id == "https://calm.example/?rest_route=/"


def test_rest_disabled_falls_back_to_rss(client):
    feed = (FIXTURES / "rss" / "wordpress_feed.xml").read_bytes()
    with respx.mock(assert_all_called=False) as mock:
        _self_hosted(mock)
        mock.get(f"{ROOT}wp/v2/posts").respond(401, json=load("wpv2_not_logged_in.json"))
        rss = mock.get("https://calm.example/feed/").respond(
            200, content=feed, headers={"Content-Type": "application/rss+xml", "ETag": '"f1"'}
        )
        mock.get(COMMENT_FEED).respond(404)  # the feed's one comment feed (issue #8)
        result = WordPressAdapter().fetch(CALM, client, window_days=90)
    assert rss.called
    assert result.measurements.posts_in_window == 3
    assert result.measurements.comments_in_window == 11  # slash:comments
    assert result.external_id == "https://calm.example/feed/"
    assert result.etag == '"f1"'
    assert any("REST API is switched off" in note for note in result.notes)


def test_stored_feed_url_uses_conditional_get(client):
    link = LinkRef(
        platform="wordpress",
        url="https://calm.example/",
        external_id="https://calm.example/feed/",
        etag='"f1"',
    )
    with respx.mock:
        route = respx.get("https://calm.example/feed/").respond(304)
        result = WordPressAdapter().fetch(link, client, window_days=90)
    assert route.calls.last.request.headers["If-None-Match"] == '"f1"'
    assert result.not_modified is True


def test_site_without_rest_api_uses_the_advertised_feed(client):
    feed = (FIXTURES / "rss" / "wordpress_feed.xml").read_bytes()
    with respx.mock:
        respx.get(f"{API}/sites/calm.example").respond(404, json=load("wpcom_unknown_blog.json"))
        respx.get("https://calm.example/").respond(
            200,
            html='<html><head><link rel="alternate" type="application/rss+xml" '
            'href="https://calm.example/rss.xml"></head></html>',
        )
        respx.get("https://calm.example/rss.xml").respond(
            200, content=feed, headers={"Content-Type": "application/rss+xml"}
        )
        respx.get(COMMENT_FEED).respond(404)  # the feed's one comment feed (issue #8)
        result = WordPressAdapter().fetch(CALM, client, window_days=90)
    assert result.external_id == "https://calm.example/rss.xml"
    assert result.measurements.posts_in_window == 3


def test_self_hosted_hidden_comments_are_unknown(client):
    link = LinkRef(platform="wordpress", url="https://calm.example/", external_id=ROOT)
    with respx.mock:
        respx.get(f"{ROOT}wp/v2/posts").respond(
            200, json=load("wpv2_posts_page1.json"), headers={"X-WP-TotalPages": "1"}
        )
        respx.get(f"{ROOT}wp/v2/comments").respond(401, json=load("wpv2_not_logged_in.json"))
        result = WordPressAdapter().fetch(link, client, window_days=90)
    assert result.measurements.posts_in_window == 2
    assert result.measurements.comments_in_window is None
    assert result.measurements.creator_replies_in_window is None


def test_wordpress_adapter_is_registered():
    assert isinstance(get_adapter("wordpress"), WordPressAdapter)


# --- issue #8 item 8: pingbacks and trackbacks are not comments ------------------------------


def test_wpcom_asks_for_comments_only_and_skips_pings(client):
    replies = load("wpcom_replies_101.json")
    ping = {
        **replies["comments"][0],
        "ID": 777,
        "author": {**replies["comments"][0]["author"], "ID": 0, "name": "Another Blog"},
        "content": "<p>[&#8230;] a lovely post over at Hope [&#8230;]</p>\n",
        "type": "pingback",
    }
    replies = {**replies, "found": replies["found"] + 1, "comments": [*replies["comments"], ping]}
    with respx.mock(assert_all_called=False) as mock:
        posts, r101, r99 = _wpcom_routes(mock)
        r101.respond(200, json=replies)
        result = WordPressAdapter().fetch(HOPE, client, window_days=90)
    assert r101.calls[0].request.url.params["type"] == "comment"
    assert result.measurements.comments_in_window == 4
    assert result.measurements.unique_commenters_in_window == 3
