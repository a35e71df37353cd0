"""Bluesky adapter: URL forms, feed and thread measurements, cursor paging, failures."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
import time_machine

from directory.platforms.base import FetchError, LinkRef, UnsupportedURL
from directory.platforms.bluesky import MAX_THREAD_CALLS, BlueskyAdapter
from directory.platforms.http import build_client

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "bluesky"
APPVIEW = "https://public.api.bsky.app"
XRPC = f"{APPVIEW}/xrpc"
DID = "did:plc:r1vercalmwr1tes7x2q4k5ab"
P1 = f"at://{DID}/app.bsky.feed.post/3lsp1aaaaaa2a"
P3 = f"at://{DID}/app.bsky.feed.post/3lpp3aaaaaa2a"
NOW = dt.datetime(2025, 6, 30, 12, 0, tzinfo=dt.UTC)


def load(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text())


@pytest.fixture(autouse=True)
def frozen_clock(settings):
    settings.BLUESKY_APPVIEW_URL = APPVIEW
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def adapter() -> BlueskyAdapter:
    return BlueskyAdapter()


@pytest.fixture
def client():
    # The real client workers use (SSRF checks, size cap); respx answers above its network layer.
    with build_client(allow_private=False) as c:
        yield c


def link(url: str = "https://bsky.app/profile/river.bsky.social", external_id: str = "") -> LinkRef:
    return LinkRef(platform="bluesky", url=url, external_id=external_id)


def mock_happy_path(mock: respx.MockRouter, profile: dict | None = None) -> dict[str, respx.Route]:
    return {
        "profile": mock.get(f"{XRPC}/app.bsky.actor.getProfile").respond(
            json=profile or load("profile")
        ),
        "page2": mock.get(
            f"{XRPC}/app.bsky.feed.getAuthorFeed", params={"cursor": "2025-06-12T09:01:00.000Z"}
        ).respond(json=load("author_feed_page2")),
        "page1": mock.get(f"{XRPC}/app.bsky.feed.getAuthorFeed").respond(
            json=load("author_feed_page1")
        ),
        "thread1": mock.get(f"{XRPC}/app.bsky.feed.getPostThread", params={"uri": P1}).respond(
            json=load("thread_p1")
        ),
        "thread3": mock.get(f"{XRPC}/app.bsky.feed.getPostThread", params={"uri": P3}).respond(
            json=load("thread_p3")
        ),
    }


# --- URLs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pasted", "expected"),
    [
        (
            "https://bsky.app/profile/river.bsky.social",
            "https://bsky.app/profile/river.bsky.social",
        ),
        (
            "https://bsky.app/profile/River.Bsky.Social/",
            "https://bsky.app/profile/river.bsky.social",
        ),
        (
            "https://bsky.app/profile/river.bsky.social/post/3lsp1aaaaaa2a",
            "https://bsky.app/profile/river.bsky.social",
        ),
        (f"https://bsky.app/profile/{DID}", f"https://bsky.app/profile/{DID}"),
        (
            "https://bsky.app/profile/river.example?ref_src=share",
            "https://bsky.app/profile/river.example",
        ),
    ],
)
def test_pasted_forms_normalise_to_the_profile(adapter, pasted, expected):
    assert adapter.matches(pasted)
    assert adapter.normalise(pasted) == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://bsky.app/",
        "https://bsky.app/search?q=anxiety",
        "https://mastodon.social/@river",
        "https://bsky.example/profile/river.bsky.social",
    ],
)
def test_other_urls_are_not_bluesky_profiles(adapter, url):
    assert not adapter.matches(url)
    with pytest.raises(UnsupportedURL):
        adapter.normalise(url)


# --- measurements -------------------------------------------------------------------------


@respx.mock
def test_measurements_from_feed_and_threads(respx_mock, adapter, client):
    routes = mock_happy_path(respx_mock)

    result = adapter.fetch(link(), client, window_days=90)

    m = result.measurements
    assert result.external_id == DID
    assert result.handle == "river.bsky.social"
    assert result.display_name == "River 🌿"
    assert result.is_public is True
    assert (m.followers, m.following, m.posts_total) == (3120, 412, 1893)
    assert m.window_days == 90
    assert m.posts_in_window == 3  # P1, P2, P3; the repost and the March post do not count
    assert m.comments_in_window == 4  # sam, alex and noor on P1; alex on P3
    assert m.unique_commenters_in_window == 3
    assert m.posts_with_comments == 2
    assert m.creator_replies_in_window == 1  # the answer to noor; the thread continuation is not
    assert m.posts_with_creator_reply == 1
    # Two replies in sam's thread are one conversation; a reply whose parent was deleted
    # (notFoundPost, no author view) is another.
    assert m.replies_to_others_in_window == 2
    assert m.likes_in_window == 12 + 5 + 3  # the reposted post's 200 likes are not theirs
    assert m.shares_in_window == (2 + 1) + 0 + 1  # reposts + quotes
    assert m.last_post_at == dt.datetime(2025, 6, 29, 8, 15, tzinfo=dt.UTC)
    assert result.notes == ()
    assert routes["page2"].call_count == 1


@respx.mock
def test_feed_is_asked_for_replies_too_in_pages_of_100(respx_mock, adapter, client):
    routes = mock_happy_path(respx_mock)
    adapter.fetch(link(), client, window_days=90)
    params = routes["page1"].calls[0].request.url.params
    assert params["filter"] == "posts_with_replies"
    assert params["limit"] == "100"
    assert params["actor"] == DID  # the DID from the profile, not the handle


@respx.mock
def test_stored_did_is_used_instead_of_the_handle(respx_mock, adapter, client):
    routes = mock_happy_path(respx_mock)
    adapter.fetch(link(external_id=DID), client, window_days=90)
    assert routes["profile"].calls[0].request.url.params["actor"] == DID


@respx.mock(assert_all_called=False)
def test_no_cursor_means_no_more_pages(respx_mock, adapter, client):
    routes = mock_happy_path(respx_mock)
    routes["page1"].respond(json={"feed": load("author_feed_page1")["feed"]})
    result = adapter.fetch(link(), client, window_days=90)
    assert routes["page2"].call_count == 0
    assert result.measurements.posts_in_window == 1  # only P1 on the single page


@respx.mock(assert_all_called=False)
def test_short_window_stops_paging_early(respx_mock, adapter, client):
    routes = mock_happy_path(respx_mock)
    result = adapter.fetch(link(), client, window_days=14)  # back to 16 June
    assert routes["page2"].call_count == 0
    assert routes["thread3"].call_count == 0
    assert result.measurements.posts_in_window == 1
    assert result.measurements.replies_to_others_in_window == 2


@respx.mock(assert_all_called=False)
def test_thread_reads_are_capped(respx_mock, adapter, client):
    base = load("author_feed_page1")["feed"][1]["post"]
    feed = [
        {
            "post": {
                **base,
                "uri": f"at://{DID}/app.bsky.feed.post/3lx{n:010d}",
                "record": {
                    **base["record"],
                    "createdAt": (NOW - dt.timedelta(hours=n + 1)).isoformat(),
                },
                "replyCount": 2,
            }
        }
        for n in range(MAX_THREAD_CALLS + 4)
    ]
    respx_mock.get(f"{XRPC}/app.bsky.actor.getProfile").respond(json=load("profile"))
    respx_mock.get(f"{XRPC}/app.bsky.feed.getAuthorFeed").respond(json={"feed": feed})
    threads = respx_mock.get(f"{XRPC}/app.bsky.feed.getPostThread").respond(json=load("thread_p3"))

    result = adapter.fetch(link(), client, window_days=90)

    assert threads.call_count == MAX_THREAD_CALLS
    assert result.measurements.posts_with_comments == MAX_THREAD_CALLS
    assert result.measurements.comments_in_window == MAX_THREAD_CALLS + 4 * 2
    assert any(f"{MAX_THREAD_CALLS} of {MAX_THREAD_CALLS + 4}" in n for n in result.notes)


@respx.mock(assert_all_called=False)
def test_deleted_post_thread_falls_back_to_its_reply_count(respx_mock, adapter, client):
    routes = mock_happy_path(respx_mock)
    routes["thread3"].respond(400, json={"error": "NotFound", "message": "Post not found: " + P3})
    m = adapter.fetch(link(), client, window_days=90).measurements
    assert m.comments_in_window == 3 + 1  # P1's thread plus P3's replyCount
    assert m.posts_with_comments == 1


@respx.mock
def test_missing_counts_stay_unknown(respx_mock, adapter, client):
    profile = load("profile")
    for key in ("followersCount", "followsCount", "postsCount"):
        del profile[key]
    respx_mock.get(f"{XRPC}/app.bsky.actor.getProfile").respond(json=profile)
    respx_mock.get(f"{XRPC}/app.bsky.feed.getAuthorFeed").respond(json={"feed": []})
    m = adapter.fetch(link(), client, window_days=90).measurements
    assert (m.followers, m.following, m.posts_total) == (None, None, None)
    assert m.posts_in_window == 0
    assert m.last_post_at is None


@respx.mock
def test_posts_without_like_counts_leave_likes_unknown(respx_mock, adapter, client):
    base = load("author_feed_page1")["feed"][1]["post"]
    post = {k: v for k, v in base.items() if k not in ("likeCount", "replyCount")}
    respx_mock.get(f"{XRPC}/app.bsky.actor.getProfile").respond(json=load("profile"))
    respx_mock.get(f"{XRPC}/app.bsky.feed.getAuthorFeed").respond(json={"feed": [{"post": post}]})
    m = adapter.fetch(link(), client, window_days=90).measurements
    assert m.posts_in_window == 1
    assert m.likes_in_window is None


@respx.mock(assert_all_called=False)
def test_no_unauthenticated_label_means_not_public(respx_mock, adapter, client):
    profile = load("profile")
    profile["labels"] = [
        {
            "src": DID,
            "uri": f"at://{DID}/app.bsky.actor.profile/self",
            "cid": "bafyreiprofile",
            "val": "!no-unauthenticated",
            "cts": "2024-02-01T10:00:00.000Z",
        }
    ]
    mock_happy_path(respx_mock, profile=profile)
    assert adapter.fetch(link(), client, window_days=90).is_public is False


# --- failures -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "message"),
    [
        ("InvalidRequest", "Profile not found"),
        ("AccountTakedown", "Account has been suspended"),
        ("AccountDeactivated", "Account is deactivated"),
        ("BlockedActor", "Requester has blocked actor"),
    ],
)
@respx.mock
def test_gone_or_blocked_accounts_are_permanent(respx_mock, adapter, client, error, message):
    respx_mock.get(f"{XRPC}/app.bsky.actor.getProfile").respond(
        400, json={"error": error, "message": message}
    )
    with pytest.raises(FetchError, match=error) as caught:
        adapter.fetch(link(), client, window_days=90)
    assert caught.value.permanent is True


@respx.mock
def test_server_error_is_temporary(respx_mock, adapter, client):
    respx_mock.get(f"{XRPC}/app.bsky.actor.getProfile").respond(502, text="Bad Gateway")
    with pytest.raises(FetchError) as caught:
        adapter.fetch(link(), client, window_days=90)
    assert caught.value.permanent is False


@respx.mock
def test_timeout_is_temporary(respx_mock, adapter, client):
    respx_mock.get(f"{XRPC}/app.bsky.actor.getProfile").mock(
        side_effect=httpx.ConnectTimeout("slow")
    )
    with pytest.raises(FetchError) as caught:
        adapter.fetch(link(), client, window_days=90)
    assert caught.value.permanent is False


@respx.mock
def test_rate_limit_uses_the_reset_header(respx_mock, adapter, client):
    respx_mock.get(f"{XRPC}/app.bsky.actor.getProfile").respond(json=load("profile"))
    respx_mock.get(f"{XRPC}/app.bsky.feed.getAuthorFeed").respond(
        429,
        json={"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
        headers={
            "RateLimit-Limit": "3000",
            "RateLimit-Remaining": "0",
            "RateLimit-Reset": str(int(NOW.timestamp()) + 90),
        },
    )
    with pytest.raises(FetchError) as caught:
        adapter.fetch(link(), client, window_days=90)
    assert caught.value.permanent is False
    assert caught.value.retry_after == pytest.approx(90)


@respx.mock
def test_retry_after_header_is_honoured(respx_mock, adapter, client):
    respx_mock.get(f"{XRPC}/app.bsky.actor.getProfile").respond(
        429, json={"error": "RateLimitExceeded"}, headers={"Retry-After": "2"}
    )
    with pytest.raises(FetchError) as caught:
        adapter.fetch(link(), client, window_days=90)
    assert caught.value.retry_after == 2


def test_the_registry_knows_the_adapter():
    from directory.platforms import registry

    assert isinstance(registry.get_adapter("bluesky"), BlueskyAdapter)
    assert registry.normalise_url("https://bsky.app/profile/River.bsky.social/post/3ls") == (
        "bluesky",
        "https://bsky.app/profile/river.bsky.social",
    )


# --- issue #8: what real servers send (payloads shaped as the lexicon documents them) -------

OLD_DID = "did:plc:0ldfr1endaaaaaaaaaaaaaaa"


def post_view(rkey: str, created: str, *, did: str = DID, **counts: int) -> dict[str, Any]:
    return {
        "uri": f"at://{did}/app.bsky.feed.post/{rkey}",
        "cid": f"bafyrei{rkey}",
        "author": {"did": did, "handle": "river.bsky.social" if did == DID else "old.bsky.social"},
        "record": {"$type": "app.bsky.feed.post", "text": "…", "createdAt": created},
        "replyCount": counts.get("replyCount", 0),
        "repostCount": counts.get("repostCount", 0),
        "likeCount": counts.get("likeCount", 0),
        "quoteCount": counts.get("quoteCount", 0),
        "indexedAt": created,
    }


def repost(view: dict[str, Any], when: str) -> dict[str, Any]:
    return {
        "post": view,
        "reason": {
            "$type": "app.bsky.feed.defs#reasonRepost",
            "by": {"did": DID, "handle": "river.bsky.social"},
            "indexedAt": when,
        },
    }


def mock_profile(mock: respx.MockRouter) -> None:
    mock.get(f"{XRPC}/app.bsky.actor.getProfile").respond(json=load("profile"))


@respx.mock
def test_a_repost_of_an_old_post_does_not_end_the_paging(respx_mock, adapter, client):
    mock_profile(respx_mock)
    old = post_view("3aaaold", "2023-01-05T10:00:00.000Z", did=OLD_DID)
    page1 = {
        "feed": [
            {"post": post_view("3lsnew1", "2025-06-29T10:00:00.000Z")},
            repost(old, "2025-06-28T10:00:00.000Z"),
        ],
        "cursor": "c2",
    }
    page2 = {"feed": [{"post": post_view("3lsnew2", "2025-06-20T10:00:00.000Z")}]}
    respx_mock.get(f"{XRPC}/app.bsky.feed.getAuthorFeed", params={"cursor": "c2"}).respond(
        json=page2
    )
    respx_mock.get(f"{XRPC}/app.bsky.feed.getAuthorFeed").respond(json=page1)

    result = adapter.fetch(link(), client, window_days=90)

    assert result.measurements.posts_in_window == 2
    assert result.lower_bounds == ()


@respx.mock
def test_paging_that_stops_at_the_cap_says_so_and_counts_are_lower_bounds(
    respx_mock, adapter, client
):
    mock_profile(respx_mock)
    respx_mock.get(f"{XRPC}/app.bsky.feed.getAuthorFeed").respond(
        json={"feed": [{"post": post_view("3lsnew1", "2025-06-29T10:00:00.000Z")}], "cursor": "c"}
    )

    result = adapter.fetch(link(), client, window_days=90)

    assert any("paging stopped at the cap" in note for note in result.notes)
    assert "posts_in_window" in result.lower_bounds


@respx.mock
def test_when_no_thread_could_be_read_thread_figures_are_unknown(respx_mock, adapter, client):
    mock_profile(respx_mock)
    respx_mock.get(f"{XRPC}/app.bsky.feed.getAuthorFeed").respond(
        json={"feed": [{"post": post_view("3lsnew1", "2025-06-29T10:00:00.000Z", replyCount=5)}]}
    )
    respx_mock.get(f"{XRPC}/app.bsky.feed.getPostThread").respond(
        400, json={"error": "NotFound", "message": "Post not found"}
    )

    m = adapter.fetch(link(), client, window_days=90).measurements

    assert m.comments_in_window == 5
    assert (m.unique_commenters_in_window, m.posts_with_comments) == (None, None)
    assert (m.creator_replies_in_window, m.posts_with_creator_reply) == (None, None)
