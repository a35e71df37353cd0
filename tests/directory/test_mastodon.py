"""Mastodon adapter: URL forms, measurements from statuses and threads, paging, failures."""

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
from directory.platforms.http import build_client
from directory.platforms.mastodon import MAX_CONTEXT_CALLS, MastodonAdapter

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "mastodon"
HOST = "https://mastodon.social"
STATUSES = f"{HOST}/api/v1/accounts/109302136/statuses"
ACCOUNT_ID = "109302136"
ACCOUNT_URI = "https://mastodon.social/users/riverwrites"
NOW = dt.datetime(2025, 6, 30, 12, 0, tzinfo=dt.UTC)


def load(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text())


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def adapter() -> MastodonAdapter:
    return MastodonAdapter()


@pytest.fixture
def client():
    # The real client workers use (SSRF checks, size cap); respx answers above its network layer.
    with build_client(allow_private=False) as c:
        yield c


def link(url: str = "https://mastodon.social/@riverwrites") -> LinkRef:
    return LinkRef(platform="mastodon", url=url)


def mock_happy_path(mock: respx.MockRouter, account: dict | None = None) -> dict[str, respx.Route]:
    routes = {
        "lookup": mock.get(
            f"{HOST}/api/v1/accounts/lookup", params={"acct": "riverwrites"}
        ).respond(json=account or load("account")),
        "page2": mock.get(
            f"{HOST}/api/v1/accounts/{ACCOUNT_ID}/statuses",
            params={"max_id": "114650000000000006"},
        ).respond(
            json=load("statuses_page2"),
            headers={
                "Link": f"<{STATUSES}?limit=40&exclude_reblogs=true"
                '&max_id=114080000000000003>; rel="next"'
            },
        ),
        "page1": mock.get(f"{HOST}/api/v1/accounts/{ACCOUNT_ID}/statuses").respond(
            json=load("statuses_page1"),
            headers={
                "Link": f"<{STATUSES}?limit=40&exclude_reblogs=true"
                f'&max_id=114650000000000006>; rel="next", <{STATUSES}'
                '?limit=40&exclude_reblogs=true&min_id=114760000000000011>; rel="prev"'
            },
        ),
        "ctx10": mock.get(f"{HOST}/api/v1/statuses/114750000000000010/context").respond(
            json=load("context_114750000000000010")
        ),
        "ctx5": mock.get(f"{HOST}/api/v1/statuses/114500000000000005/context").respond(
            json=load("context_114500000000000005")
        ),
    }
    return routes


# --- URLs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pasted", "expected"),
    [
        ("https://mastodon.social/@riverwrites", "https://mastodon.social/@riverwrites"),
        ("https://Mastodon.Social/@RiverWrites/", "https://mastodon.social/@riverwrites"),
        ("https://mastodon.social/users/riverwrites", "https://mastodon.social/@riverwrites"),
        ("https://mastodon.social/web/@riverwrites", "https://mastodon.social/@riverwrites"),
        (
            "https://mastodon.social/@riverwrites/114750000000000010",
            "https://mastodon.social/@riverwrites",
        ),
        # A remote account seen from another server: its home server is the canonical place.
        ("https://mastodon.social/@kit@hachyderm.io", "https://hachyderm.io/@kit"),
        (
            "https://mastodon.social/@riverwrites?utm_source=share",
            "https://mastodon.social/@riverwrites",
        ),
    ],
)
def test_pasted_forms_normalise_to_the_home_server_profile(adapter, pasted, expected):
    assert adapter.matches(pasted)
    assert adapter.normalise(pasted) == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/@calmchannel",
        "https://medium.com/@writer",
        "https://www.tiktok.com/@someone",
        "https://bsky.app/profile/river.bsky.social",
        "https://mastodon.social/about",
        "https://mastodon.social/",
        "ftp://mastodon.social/@riverwrites",
    ],
)
def test_other_urls_are_not_mastodon(adapter, url):
    assert not adapter.matches(url)
    with pytest.raises(UnsupportedURL):
        adapter.normalise(url)


def test_a_local_address_is_refused_when_normalising(adapter, settings):
    settings.FETCH_ALLOW_PRIVATE_HOSTS = False
    with pytest.raises(UnsupportedURL, match="private or local"):
        adapter.normalise("https://10.0.0.5/@admin")


# --- measurements -------------------------------------------------------------------------


@respx.mock(assert_all_called=False)
def test_measurements_from_statuses_and_threads(respx_mock, adapter, client):
    routes = mock_happy_path(respx_mock)

    result = adapter.fetch(link(), client, window_days=90)

    m = result.measurements
    assert result.external_id == ACCOUNT_URI  # the server-local id is not globally unique
    assert result.handle == "riverwrites@mastodon.social"
    assert result.display_name == "River (she/her)"
    assert result.is_public is True
    assert (m.followers, m.following, m.posts_total) == (1204, 388, 2911)
    assert m.window_days == 90
    # Top-level posts in the window: s10, s6, s5 (the self-reply s7 continues s6's thread,
    # replies to others are not posts, s3 is older than 90 days).
    assert m.posts_in_window == 3
    assert m.comments_in_window == 3  # two on s10, one on s5, all by other people
    assert m.unique_commenters_in_window == 3
    assert m.posts_with_comments == 2
    assert m.creator_replies_in_window == 1  # s11 answers sam inside s10's thread
    assert m.posts_with_creator_reply == 1
    # Two replies to the same person on the same day are one conversation; the reply inside
    # the creator's own thread is not outreach.
    assert m.replies_to_others_in_window == 2
    assert m.likes_in_window == 10 + 4 + 2
    assert m.shares_in_window == 2 + 0 + 1
    assert m.last_post_at == dt.datetime(2025, 6, 29, 8, 15, tzinfo=dt.UTC)
    assert result.notes == ()
    # Paging stopped once the window was covered: page 2's "next" link was not followed.
    assert routes["page1"].call_count == 1
    assert routes["page2"].call_count == 1
    assert len(respx_mock.calls) == 5


@respx.mock
def test_status_list_asks_for_own_posts_only_in_pages_of_40(respx_mock, adapter, client):
    mock_happy_path(respx_mock)
    adapter.fetch(link(), client, window_days=90)
    first = next(c.request for c in respx_mock.calls if c.request.url.path.endswith("/statuses"))
    assert first.url.params["limit"] == "40"
    assert first.url.params["exclude_reblogs"] == "true"


@respx.mock(assert_all_called=False)
def test_short_window_counts_only_recent_posts(respx_mock, adapter, client):
    routes = mock_happy_path(respx_mock)
    result = adapter.fetch(link(), client, window_days=14)
    assert result.measurements.posts_in_window == 1  # s10; s6 is 20 days old
    assert result.measurements.replies_to_others_in_window == 1
    assert result.measurements.window_days == 14
    assert routes["page2"].call_count == 0  # page 1 already reaches past 14 days
    assert routes["ctx5"].call_count == 0


@respx.mock(assert_all_called=False)
def test_thread_reads_are_capped_and_the_gap_noted(respx_mock, adapter, client):
    statuses = []
    for n in range(MAX_CONTEXT_CALLS + 5):
        statuses.append(
            {
                **load("statuses_page1")[1],
                "id": str(114750000000000100 + n),
                "created_at": (NOW - dt.timedelta(hours=n + 1)).isoformat(),
                "replies_count": 2,
            }
        )
    respx_mock.get(f"{HOST}/api/v1/accounts/lookup").respond(json=load("account"))
    respx_mock.get(f"{HOST}/api/v1/accounts/{ACCOUNT_ID}/statuses").respond(json=statuses)
    contexts = respx_mock.get(url__regex=rf"{HOST}/api/v1/statuses/\d+/context").respond(
        json=load("context_114500000000000005")
    )

    result = adapter.fetch(link(), client, window_days=90)

    assert contexts.call_count == MAX_CONTEXT_CALLS
    m = result.measurements
    assert m.posts_with_comments == MAX_CONTEXT_CALLS
    # Unread threads still contribute their reply counters to the comment total.
    assert m.comments_in_window == MAX_CONTEXT_CALLS * 1 + 5 * 2
    assert any("30 of 35" in note for note in result.notes)


@respx.mock
def test_missing_counts_stay_unknown(respx_mock, adapter, client):
    account = load("account")
    del account["followers_count"]
    del account["following_count"]
    respx_mock.get(f"{HOST}/api/v1/accounts/lookup").respond(json=account)
    respx_mock.get(f"{HOST}/api/v1/accounts/{ACCOUNT_ID}/statuses").respond(json=[])
    m = adapter.fetch(link(), client, window_days=90).measurements
    assert m.followers is None
    assert m.following is None
    assert m.posts_total == 2911
    assert m.posts_in_window == 0
    assert m.likes_in_window == 0
    # No statuses fetched: fall back to the account's own last_status_at (a date).
    assert m.last_post_at == dt.datetime(2025, 6, 29, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "change", [{"discoverable": False}, {"noindex": True}], ids=["undiscoverable", "noindex"]
)
@respx.mock(assert_all_called=False)
def test_opted_out_accounts_are_not_public(respx_mock, adapter, client, change):
    mock_happy_path(respx_mock, account={**load("account"), **change})
    assert adapter.fetch(link(), client, window_days=90).is_public is False


@respx.mock(assert_all_called=False)
def test_discoverable_null_is_not_an_opt_out(respx_mock, adapter, client):
    mock_happy_path(respx_mock, account={**load("account"), "discoverable": None})
    assert adapter.fetch(link(), client, window_days=90).is_public is True


# --- remote and custom-domain handles -----------------------------------------------------


@respx.mock
def test_remote_handle_is_asked_on_its_home_server(respx_mock, adapter, client):
    account = {
        **load("account"),
        "id": "42",
        "username": "kit",
        "acct": "kit",
        "uri": "https://hachyderm.io/users/kit",
    }
    lookup = respx_mock.get("https://hachyderm.io/api/v1/accounts/lookup", params={"acct": "kit"})
    lookup.respond(json=account)
    respx_mock.get("https://hachyderm.io/api/v1/accounts/42/statuses").respond(json=[])
    result = adapter.fetch(
        link("https://mastodon.social/@kit@hachyderm.io"), client, window_days=90
    )
    assert result.external_id == "https://hachyderm.io/users/kit"
    assert result.handle == "kit@hachyderm.io"


@respx.mock
def test_custom_domain_resolves_through_webfinger(respx_mock, adapter, client):
    respx_mock.get("https://river.example/api/v1/accounts/lookup").respond(
        404, html="<html><body>Not Found</body></html>"
    )
    finger = respx_mock.get(
        "https://river.example/.well-known/webfinger",
        params={"resource": "acct:river@river.example"},
    ).respond(json=load("webfinger"), headers={"Content-Type": "application/jrd+json"})
    respx_mock.get(f"{HOST}/api/v1/accounts/lookup", params={"acct": "riverwrites"}).respond(
        json=load("account")
    )
    respx_mock.get(f"{HOST}/api/v1/accounts/{ACCOUNT_ID}/statuses").respond(json=[])

    result = adapter.fetch(link("https://river.example/@river"), client, window_days=90)

    assert finger.called
    # The same id as through the server's own address: one account, whichever URL was pasted.
    assert result.external_id == ACCOUNT_URI
    assert result.handle == "riverwrites@river.example"


# --- failures -----------------------------------------------------------------------------


@respx.mock
def test_unknown_account_is_permanent(respx_mock, adapter, client):
    respx_mock.get(f"{HOST}/api/v1/accounts/lookup").respond(
        404, json={"error": "Record not found"}
    )
    with pytest.raises(FetchError, match="Record not found") as caught:
        adapter.fetch(link(), client, window_days=90)
    assert caught.value.permanent is True


@respx.mock
def test_suspended_account_is_permanent(respx_mock, adapter, client):
    respx_mock.get(f"{HOST}/api/v1/accounts/lookup").respond(
        json={**load("account"), "suspended": True, "statuses_count": 0}
    )
    with pytest.raises(FetchError, match="suspended") as caught:
        adapter.fetch(link(), client, window_days=90)
    assert caught.value.permanent is True


@respx.mock
def test_moved_account_is_permanent_and_names_the_new_one(respx_mock, adapter, client):
    new = {**load("account"), "id": "9", "acct": "river@hachyderm.io"}
    respx_mock.get(f"{HOST}/api/v1/accounts/lookup").respond(json={**load("account"), "moved": new})
    with pytest.raises(FetchError, match="river@hachyderm.io") as caught:
        adapter.fetch(link(), client, window_days=90)
    assert caught.value.permanent is True


@pytest.mark.parametrize("status", [500, 502, 503])
@respx.mock
def test_server_errors_are_temporary(respx_mock, adapter, client, status):
    respx_mock.get(f"{HOST}/api/v1/accounts/lookup").respond(status, html="<h1>oops</h1>")
    with pytest.raises(FetchError) as caught:
        adapter.fetch(link(), client, window_days=90)
    assert caught.value.permanent is False


@respx.mock
def test_timeout_is_temporary(respx_mock, adapter, client):
    respx_mock.get(f"{HOST}/api/v1/accounts/lookup").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(FetchError) as caught:
        adapter.fetch(link(), client, window_days=90)
    assert caught.value.permanent is False


@respx.mock
def test_rate_limit_carries_retry_after(respx_mock, adapter, client):
    respx_mock.get(f"{HOST}/api/v1/accounts/lookup").respond(json=load("account"))
    respx_mock.get(f"{HOST}/api/v1/accounts/{ACCOUNT_ID}/statuses").respond(
        429,
        json={"error": "Too many requests"},
        headers={"Retry-After": "120", "X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0"},
    )
    with pytest.raises(FetchError) as caught:
        adapter.fetch(link(), client, window_days=90)
    assert caught.value.permanent is False
    assert caught.value.retry_after == 120


@respx.mock
def test_rate_limit_reset_header_is_honoured(respx_mock, adapter, client):
    respx_mock.get(f"{HOST}/api/v1/accounts/lookup").respond(
        429,
        json={"error": "Too many requests"},
        headers={"X-RateLimit-Reset": "2025-06-30T12:05:00.000000Z"},
    )
    with pytest.raises(FetchError) as caught:
        adapter.fetch(link(), client, window_days=90)
    assert caught.value.retry_after == pytest.approx(300)


# --- the public feed when the API is closed -----------------------------------------------


@respx.mock
def test_authorized_fetch_server_falls_back_to_the_profile_feed(respx_mock, adapter, client):
    respx_mock.get("https://social.example/api/v1/accounts/lookup").respond(
        401, json={"error": "This API requires an authenticated user"}
    )
    feed = respx_mock.get("https://social.example/@riverwrites.rss").respond(
        content=(FIXTURES / "profile.rss").read_bytes(),
        headers={"Content-Type": "application/rss+xml; charset=utf-8"},
    )

    result = adapter.fetch(link("https://social.example/@riverwrites"), client, window_days=90)

    assert feed.called
    m = result.measurements
    assert m.posts_in_window == 2
    assert m.last_post_at == dt.datetime(2025, 6, 28, 19, 2, 11, tzinfo=dt.UTC)
    # The feed says nothing about audience or conversations: unknown, not zero.
    assert m.followers is None
    assert m.comments_in_window is None
    assert m.creator_replies_in_window is None
    assert m.replies_to_others_in_window is None
    assert any("activity only" in note for note in result.notes)


@respx.mock
def test_statuses_behind_sign_in_keep_the_account_counts(respx_mock, adapter, client):
    respx_mock.get(f"{HOST}/api/v1/accounts/lookup").respond(json=load("account"))
    respx_mock.get(f"{HOST}/api/v1/accounts/{ACCOUNT_ID}/statuses").respond(
        401, json={"error": "This API requires an authenticated user"}
    )
    respx_mock.get(f"{HOST}/@riverwrites.rss").respond(
        content=(FIXTURES / "profile.rss").read_bytes(),
        headers={"Content-Type": "application/rss+xml"},
    )
    result = adapter.fetch(link(), client, window_days=90)
    assert result.measurements.followers == 1204
    assert result.measurements.posts_in_window == 2
    assert result.external_id == ACCOUNT_URI


@respx.mock
def test_a_site_that_is_not_mastodon_and_has_no_feed_is_permanent(respx_mock, adapter, client):
    respx_mock.get("https://blog.example/api/v1/accounts/lookup").respond(404, html="<p>nope</p>")
    respx_mock.get("https://blog.example/.well-known/webfinger").respond(404, html="<p>nope</p>")
    respx_mock.get("https://blog.example/@river.rss").respond(404, html="<p>nope</p>")
    with pytest.raises(FetchError) as caught:
        adapter.fetch(link("https://blog.example/@river"), client, window_days=90)
    assert caught.value.permanent is True


def test_the_registry_knows_the_adapter():
    from directory.platforms import registry

    assert isinstance(registry.get_adapter("mastodon"), MastodonAdapter)
    assert registry.normalise_url("https://mastodon.social/@kit@hachyderm.io") == (
        "mastodon",
        "https://hachyderm.io/@kit",
    )


def test_account_key_falls_back_to_id_at_server_without_a_uri():
    from directory.platforms.mastodon import account_key

    assert account_key({"id": "1"}, "one.example") == "1@one.example"
    assert account_key({"id": "1"}, "two.example") != account_key({"id": "1"}, "one.example")
    assert account_key({}, "one.example") == ""


# --- issue #8: what real servers send (payloads shaped as Mastodon documents them) ---------


def status(status_id: str, created: str, **fields: Any) -> dict[str, Any]:
    base = {
        "id": status_id,
        "created_at": created,
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "visibility": "public",
        "uri": f"{HOST}/users/riverwrites/statuses/{status_id}",
        "url": f"{HOST}/@riverwrites/{status_id}",
        "replies_count": 0,
        "reblogs_count": 0,
        "favourites_count": 0,
        "reblog": None,
        "account": load("account"),
    }
    return {**base, **fields}


def fetch_statuses(client, statuses: list[dict], url: str = f"{HOST}/@riverwrites"):
    respx.get(f"{HOST}/api/v1/accounts/lookup").respond(json=load("account"))
    respx.get(f"{HOST}/api/v1/accounts/{ACCOUNT_ID}/statuses").respond(json=statuses)
    return MastodonAdapter().fetch(LinkRef(platform="mastodon", url=url), client, window_days=90)


@respx.mock
def test_a_reply_whose_parent_was_deleted_is_not_a_post(client):
    # The parent was deleted: Mastodon nulls in_reply_to_id and keeps in_reply_to_account_id.
    orphan = status(
        "114740000000000002",
        "2025-06-27T10:00:00.000Z",
        in_reply_to_account_id="110000301",
        favourites_count=9,
        replies_count=2,
    )
    own = status("114740000000000001", "2025-06-26T10:00:00.000Z", favourites_count=1)

    m = fetch_statuses(client, [orphan, own]).measurements

    assert m.posts_in_window == 1
    assert m.likes_in_window == 1
    assert m.comments_in_window == 0
    assert m.replies_to_others_in_window == 1


# WebFinger on a custom domain whose account lives on a Mastodon 4.4 server: the actor URL ends
# in the numeric id, the user name is in the profile page link and the subject.
WEBFINGER_44 = {
    "subject": "acct:river@river.example",
    "aliases": [f"{HOST}/@riverwrites", f"{HOST}/ap/users/{ACCOUNT_ID}"],
    "links": [
        {
            "rel": "http://webfinger.net/rel/profile-page",
            "type": "text/html",
            "href": f"{HOST}/@riverwrites",
        },
        {
            "rel": "self",
            "type": "application/activity+json",
            "href": f"{HOST}/ap/users/{ACCOUNT_ID}",
        },
        {
            "rel": "http://ostatus.org/schema/1.0/subscribe",
            "template": f"{HOST}/authorize_interaction?uri={{uri}}",
        },
    ],
}


def _custom_domain(webfinger: dict) -> None:
    respx.get("https://river.example/api/v1/accounts/lookup").respond(
        404, html="<html><body>Not Found</body></html>"
    )
    respx.get("https://river.example/.well-known/webfinger").respond(
        json=webfinger, headers={"Content-Type": "application/jrd+json"}
    )
    respx.get(f"{HOST}/api/v1/accounts/{ACCOUNT_ID}/statuses").respond(json=[])


@respx.mock
def test_a_custom_domain_on_a_numeric_actor_server_finds_the_user_name(client):
    _custom_domain(WEBFINGER_44)
    lookup = respx.get(f"{HOST}/api/v1/accounts/lookup", params={"acct": "riverwrites"}).respond(
        json=load("account")
    )

    result = MastodonAdapter().fetch(
        LinkRef(platform="mastodon", url="https://river.example/@river"), client, window_days=90
    )

    assert lookup.called
    assert result.handle == "riverwrites@river.example"
    assert result.measurements.followers == 1204


@respx.mock
def test_with_only_a_numeric_actor_the_account_is_looked_up_by_id(client):
    links = [link for link in WEBFINGER_44["links"] if link["rel"] == "self"]
    _custom_domain({"subject": f"acct:{ACCOUNT_ID}@river.example", "links": links})
    respx.get(f"{HOST}/api/v1/accounts/lookup").respond(404, json={"error": "Record not found"})
    by_id = respx.get(f"{HOST}/api/v1/accounts/{ACCOUNT_ID}").respond(json=load("account"))

    result = MastodonAdapter().fetch(
        LinkRef(platform="mastodon", url="https://river.example/@river"), client, window_days=90
    )

    assert by_id.called
    assert result.measurements.followers == 1204


@respx.mock
def test_when_no_thread_could_be_read_thread_figures_are_unknown(client):
    post = status("114740000000000001", "2025-06-26T10:00:00.000Z", replies_count=4)
    respx.get(f"{HOST}/api/v1/statuses/114740000000000001/context").respond(
        404, json={"error": "Record not found"}
    )

    result = fetch_statuses(client, [post])

    m = result.measurements
    assert m.comments_in_window == 4  # from the reply counter
    assert (m.unique_commenters_in_window, m.posts_with_comments) == (None, None)
    assert (m.creator_replies_in_window, m.posts_with_creator_reply) == (None, None)
    assert "conversations read on 0 of 1 commented posts" in result.notes
