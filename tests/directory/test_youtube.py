"""YouTube adapter: URL forms, statistics, comment threads with replies, quota, feed fallback."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
import time_machine
from django.core.cache import caches

from directory.platforms import quota
from directory.platforms.base import FetchError, LinkRef, UnsupportedURL
from directory.platforms.http import build_client
from directory.platforms.youtube import YouTubeAdapter

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "youtube"
API = "https://www.googleapis.com/youtube/v3"
CHANNEL = "UCcalmRiverTalks0123456x"
UPLOADS = "UUcalmRiverTalks0123456x"
V1, V2, V3 = "aB3dE5fG7hJ", "kL9mN1pQ3rS", "tU5vW7xY9zA"
T2 = "UgzT2bbbbbbbbbbbbb4AaABAg"
KEY = "test-api-key-not-real"
NOW = dt.datetime(2025, 6, 30, 12, 0, tzinfo=dt.UTC)  # 05:00 in California (PDT)


def load(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text())


@pytest.fixture(autouse=True)
def setup(settings, own_cache):
    """Each test counts quota in a cache of its own. With REDIS_URL set the default cache is a
    Redis database shared by every xdist worker: the counters (keyed by the same frozen day)
    would add up across tests running at once, and clearing it would wipe theirs."""
    settings.YOUTUBE_API_KEY = KEY
    settings.YOUTUBE_API_URL = API
    settings.YOUTUBE_DAILY_QUOTA = 10_000
    assert type(caches["default"]).__name__ == "LocMemCache" and quota.used_today(NOW) == 0
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def adapter() -> YouTubeAdapter:
    return YouTubeAdapter()


@pytest.fixture
def client():
    # The real client workers use (SSRF checks, size cap); respx answers above its network layer.
    with build_client(allow_private=False) as c:
        yield c


def link(url: str = "https://www.youtube.com/@rivertalks", external_id: str = "") -> LinkRef:
    return LinkRef(platform="youtube", url=url, external_id=external_id)


def mock_happy_path(mock: respx.MockRouter, videos: dict | None = None) -> dict[str, respx.Route]:
    return {
        "channels": mock.get(f"{API}/channels").respond(json=load("channels")),
        "playlist2": mock.get(
            f"{API}/playlistItems", params={"pageToken": "EAAaBlBUOkNESQ"}
        ).respond(json=load("playlist_items_page2")),
        "playlist1": mock.get(f"{API}/playlistItems").respond(json=load("playlist_items_page1")),
        "videos": mock.get(f"{API}/videos").respond(json=videos or load("videos_statistics")),
        "threads1b": mock.get(
            f"{API}/commentThreads", params={"videoId": V1, "pageToken": "QURTSl9pM"}
        ).respond(json=load("comment_threads_v1_page2")),
        "threads1": mock.get(f"{API}/commentThreads", params={"videoId": V1}).respond(
            json=load("comment_threads_v1_page1")
        ),
        "threads3": mock.get(f"{API}/commentThreads", params={"videoId": V3}).respond(
            json=load("comment_threads_v3")
        ),
        "replies": mock.get(f"{API}/comments", params={"parentId": T2}).respond(
            json=load("comments_replies_t2")
        ),
    }


# --- URLs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pasted", "expected"),
    [
        (
            f"https://www.youtube.com/channel/{CHANNEL}",
            f"https://www.youtube.com/channel/{CHANNEL}",
        ),
        (
            f"https://m.youtube.com/channel/{CHANNEL}/videos",
            f"https://www.youtube.com/channel/{CHANNEL}",
        ),
        ("https://www.youtube.com/@RiverTalks", "https://www.youtube.com/@rivertalks"),
        ("https://youtube.com/@rivertalks/featured?si=abc", "https://www.youtube.com/@rivertalks"),
        ("https://www.youtube.com/user/RiverTalks", "https://www.youtube.com/user/rivertalks"),
        (f"https://www.youtube.com/watch?v={V1}&t=42s", f"https://www.youtube.com/watch?v={V1}"),
        (f"https://youtu.be/{V1}?si=xyz", f"https://www.youtube.com/watch?v={V1}"),
        (f"https://www.youtube.com/shorts/{V1}", f"https://www.youtube.com/watch?v={V1}"),
    ],
)
def test_pasted_forms_normalise(adapter, pasted, expected):
    assert adapter.matches(pasted)
    assert adapter.normalise(pasted) == expected


def test_custom_c_address_asks_for_the_handle(adapter):
    with pytest.raises(UnsupportedURL, match="@handle"):
        adapter.normalise("https://www.youtube.com/c/RiverTalks")


def test_other_sites_are_not_youtube(adapter):
    assert not adapter.matches("https://vimeo.com/rivertalks")
    with pytest.raises(UnsupportedURL):
        adapter.normalise("https://vimeo.com/rivertalks")


@pytest.mark.parametrize(
    ("url", "param", "value"),
    [
        ("https://www.youtube.com/@rivertalks", "forHandle", "@rivertalks"),
        ("https://www.youtube.com/user/rivertalks", "forUsername", "rivertalks"),
        (f"https://www.youtube.com/channel/{CHANNEL}", "id", CHANNEL),
    ],
)
@respx.mock(assert_all_called=False)
def test_each_form_is_looked_up_its_own_way(respx_mock, adapter, client, url, param, value):
    routes = mock_happy_path(respx_mock)
    adapter.fetch(link(url), client, window_days=90)
    params = routes["channels"].calls[0].request.url.params
    assert params[param] == value
    assert params["part"] == "snippet,statistics,contentDetails"


@respx.mock(assert_all_called=False)
def test_video_link_finds_its_channel(respx_mock, adapter, client):
    snippet = respx_mock.get(f"{API}/videos", params={"part": "snippet", "id": V1}).respond(
        json=load("videos_snippet")
    )
    routes = mock_happy_path(respx_mock)
    result = adapter.fetch(link(f"https://www.youtube.com/watch?v={V1}"), client, window_days=90)
    assert snippet.called
    assert routes["channels"].calls[0].request.url.params["id"] == CHANNEL
    assert result.external_id == CHANNEL


@respx.mock(assert_all_called=False)
def test_stored_channel_id_wins_over_the_handle(respx_mock, adapter, client):
    routes = mock_happy_path(respx_mock)
    adapter.fetch(link(external_id=CHANNEL), client, window_days=90)
    assert routes["channels"].calls[0].request.url.params["id"] == CHANNEL


# --- measurements -------------------------------------------------------------------------


@respx.mock
def test_measurements_from_videos_and_comment_threads(respx_mock, adapter, client):
    mock_happy_path(respx_mock)

    result = adapter.fetch(link(), client, window_days=90)

    m = result.measurements
    assert result.external_id == CHANNEL
    assert result.handle == "@rivertalks"
    assert result.display_name == "River Talks"
    assert (m.followers, m.posts_total) == (48300, 212)  # strings in the API
    assert m.following is None  # channels do not follow
    assert m.window_days == 90
    assert m.posts_in_window == 3  # v1, v2, v3; v4 is from March
    # v1: Anna, Ben, Cai, Ben again (a reply fetched by paging comments), Dee (second page of
    # threads); the channel's own top-level note is not a comment. v3: Anna.
    assert m.comments_in_window == 6
    assert m.unique_commenters_in_window == 4
    assert m.posts_with_comments == 2
    assert m.creator_replies_in_window == 2  # one embedded reply, one found by paging
    assert m.posts_with_creator_reply == 1
    assert m.replies_to_others_in_window is None  # YouTube does not expose it
    assert m.likes_in_window == 540 + 210 + 120
    assert m.shares_in_window is None
    assert m.last_post_at == dt.datetime(2025, 6, 27, 16, 0, 5, tzinfo=dt.UTC)
    assert result.notes == ()


@respx.mock
def test_calls_carry_the_key_in_a_header_and_batch_video_ids(respx_mock, adapter, client):
    routes = mock_happy_path(respx_mock)
    adapter.fetch(link(), client, window_days=90)
    for call in respx_mock.calls:
        assert call.request.headers["X-goog-api-key"] == KEY
        assert "key=" not in str(call.request.url)
    video_call = routes["videos"].calls[0].request.url.params
    assert video_call["id"].split(",") == [V1, V2, V3]
    assert video_call["part"] == "statistics"
    thread_call = routes["threads1"].calls[0].request.url.params
    assert (thread_call["part"], thread_call["maxResults"]) == ("snippet,replies", "100")
    # Playlist paging stopped at the page that reached past the window.
    assert routes["playlist2"].call_count == 1


@respx.mock
def test_quota_units_are_counted(respx_mock, adapter, client):
    mock_happy_path(respx_mock)
    adapter.fetch(link(), client, window_days=90)
    assert quota.used_today() == len(respx_mock.calls) == 8


@respx.mock
def test_hidden_subscriber_count_is_unknown(respx_mock, adapter, client):
    channels = load("channels")
    channels["items"][0]["statistics"] = {
        "viewCount": "1843002",
        "hiddenSubscriberCount": True,
        "videoCount": "212",
    }
    respx_mock.get(f"{API}/channels").respond(json=channels)
    respx_mock.get(f"{API}/playlistItems").respond(json={"items": []})
    result = adapter.fetch(link(), client, window_days=90)
    assert result.measurements.followers is None
    assert result.measurements.posts_in_window == 0
    assert result.measurements.comments_in_window == 0


@respx.mock
def test_comments_turned_off_everywhere_are_not_applicable(respx_mock, adapter, client):
    videos = load("videos_statistics")
    for item in videos["items"]:
        item["statistics"].pop("commentCount", None)
        item["statistics"].pop("likeCount", None)
    respx_mock.get(f"{API}/channels").respond(json=load("channels"))
    respx_mock.get(f"{API}/playlistItems", params={"pageToken": "EAAaBlBUOkNESQ"}).respond(
        json=load("playlist_items_page2")
    )
    respx_mock.get(f"{API}/playlistItems").respond(json=load("playlist_items_page1"))
    respx_mock.get(f"{API}/videos").respond(json=videos)
    # No commentThreads route: asking for comments here would fail the test.

    m = adapter.fetch(link(), client, window_days=90).measurements

    assert m.posts_in_window == 3
    assert m.comments_in_window is None
    assert m.posts_with_comments is None
    assert m.creator_replies_in_window is None
    assert m.likes_in_window is None  # likes hidden on every video


@respx.mock(assert_all_called=False)
def test_comments_disabled_answer_leaves_that_video_out(respx_mock, adapter, client):
    routes = mock_happy_path(respx_mock)
    routes["threads3"].respond(403, json=load("error_comments_disabled"))
    m = adapter.fetch(link(), client, window_days=90).measurements
    assert m.comments_in_window == 5  # only v1's
    assert m.posts_with_comments == 1


@respx.mock
def test_channel_without_uploads_has_no_posts(respx_mock, adapter, client):
    respx_mock.get(f"{API}/channels").respond(json=load("channels"))
    respx_mock.get(f"{API}/playlistItems").respond(404, json=load("error_playlist_not_found"))
    m = adapter.fetch(link(), client, window_days=90).measurements
    assert m.posts_in_window == 0
    assert m.last_post_at is None


# --- failures -----------------------------------------------------------------------------


@respx.mock
def test_unknown_channel_is_permanent(respx_mock, adapter, client):
    respx_mock.get(f"{API}/channels").respond(
        json={
            "kind": "youtube#channelListResponse",
            "etag": "x",
            "pageInfo": {"totalResults": 0, "resultsPerPage": 5},
        }
    )
    with pytest.raises(FetchError, match="no such channel") as caught:
        adapter.fetch(link(), client, window_days=90)
    assert caught.value.permanent is True


@respx.mock
def test_server_error_is_temporary(respx_mock, adapter, client):
    respx_mock.get(f"{API}/channels").respond(503, json={"error": {"code": 503, "errors": []}})
    with pytest.raises(FetchError) as caught:
        adapter.fetch(link(), client, window_days=90)
    assert caught.value.permanent is False


@respx.mock
def test_timeout_is_temporary(respx_mock, adapter, client):
    respx_mock.get(f"{API}/channels").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(FetchError) as caught:
        adapter.fetch(link(), client, window_days=90)
    assert caught.value.permanent is False


@respx.mock
def test_rate_limit_with_retry_after(respx_mock, adapter, client):
    respx_mock.get(f"{API}/channels").respond(429, json={}, headers={"Retry-After": "2"})
    with pytest.raises(FetchError) as caught:
        adapter.fetch(link(), client, window_days=90)
    assert caught.value.permanent is False
    assert caught.value.retry_after == 2


@respx.mock
def test_invalid_key_is_an_operator_problem_not_the_links(respx_mock, adapter, client):
    respx_mock.get(f"{API}/channels").respond(
        400,
        json={
            "error": {
                "code": 400,
                "message": "API key not valid. Please pass a valid API key.",
                "errors": [
                    {
                        "message": "API key not valid. Please pass a valid API key.",
                        "domain": "global",
                        "reason": "keyInvalid",
                    }
                ],
            }
        },
    )
    with pytest.raises(FetchError, match="YOUTUBE_API_KEY") as caught:
        adapter.fetch(link(), client, window_days=90)
    assert caught.value.permanent is False
    assert KEY not in str(caught.value)


@respx.mock
def test_quota_exceeded_stops_youtube_until_the_pacific_reset(respx_mock, adapter, client):
    channels = respx_mock.get(f"{API}/channels").respond(403, json=load("error_quota_exceeded"))

    with pytest.raises(FetchError) as caught:
        adapter.fetch(link(), client, window_days=90)
    # 05:00 PDT → next midnight Pacific is 19 hours away (plus the safety minute).
    assert caught.value.permanent is False
    assert caught.value.retry_after == pytest.approx(19 * 3600 + 60)

    # The next fetch that day does not even call the API.
    with pytest.raises(FetchError) as again:
        adapter.fetch(link("https://www.youtube.com/@someoneelse"), client, window_days=90)
    assert again.value.retry_after == pytest.approx(19 * 3600 + 60)
    assert channels.call_count == 1


@respx.mock(assert_all_called=False)
def test_our_own_budget_stops_before_google_does(respx_mock, adapter, client, settings):
    settings.YOUTUBE_DAILY_QUOTA = 3
    routes = mock_happy_path(respx_mock)
    with pytest.raises(quota.QuotaExhausted):
        adapter.fetch(link(), client, window_days=90)
    assert len(respx_mock.calls) == 3
    assert routes["threads1"].call_count == 0


# --- no API key ---------------------------------------------------------------------------


@respx.mock
def test_without_a_key_the_uploads_feed_gives_activity(respx_mock, adapter, client, settings):
    settings.YOUTUBE_API_KEY = ""
    feed = respx_mock.get(
        "https://www.youtube.com/feeds/videos.xml", params={"channel_id": CHANNEL}
    ).respond(
        content=(FIXTURES / "uploads_feed.xml").read_bytes(),
        headers={"Content-Type": "text/xml; charset=UTF-8"},
    )

    result = adapter.fetch(
        link(f"https://www.youtube.com/channel/{CHANNEL}"), client, window_days=90
    )

    assert feed.called
    m = result.measurements
    assert m.posts_in_window == 2
    assert m.last_post_at == dt.datetime(2025, 6, 27, 16, 0, 5, tzinfo=dt.UTC)
    assert m.followers is None
    assert m.comments_in_window is None
    assert result.external_id == CHANNEL
    assert result.notes == ("no YouTube API key: activity only",)
    assert quota.used_today() == 0


@respx.mock
def test_without_a_key_a_handle_uses_the_stored_channel_id(respx_mock, adapter, client, settings):
    settings.YOUTUBE_API_KEY = ""
    respx_mock.get("https://www.youtube.com/feeds/videos.xml").respond(
        content=(FIXTURES / "uploads_feed.xml").read_bytes()
    )
    result = adapter.fetch(link(external_id=CHANNEL), client, window_days=90)
    assert result.measurements.posts_in_window == 2


def test_without_a_key_an_unresolved_handle_says_what_to_do(adapter, client, settings):
    settings.YOUTUBE_API_KEY = ""
    with pytest.raises(FetchError, match="YOUTUBE_API_KEY") as caught:
        adapter.fetch(link(), client, window_days=90)
    assert caught.value.permanent is False


def test_the_registry_knows_the_adapter():
    from directory.platforms import registry

    assert isinstance(registry.get_adapter("youtube"), YouTubeAdapter)
    assert registry.normalise_url(f"https://youtu.be/{V1}") == (
        "youtube",
        f"https://www.youtube.com/watch?v={V1}",
    )


# --- the quota counter --------------------------------------------------------------------


def test_quota_day_turns_over_at_midnight_pacific(settings):
    settings.YOUTUBE_DAILY_QUOTA = 2
    late_evening = dt.datetime(2025, 7, 1, 6, 59, tzinfo=dt.UTC)  # 23:59 PDT on 30 June
    quota.spend(2, now=late_evening)
    with pytest.raises(quota.QuotaExhausted) as caught:
        quota.spend(1, now=late_evening)
    assert caught.value.retry_after == pytest.approx(60 + 60)
    after_reset = dt.datetime(2025, 7, 1, 7, 1, tzinfo=dt.UTC)  # 00:01 PDT on 1 July
    assert quota.spend(1, now=after_reset) == 1
    assert not quota.is_stopped(now=after_reset)


def test_winter_reset_follows_pacific_standard_time():
    january = dt.datetime(2025, 1, 15, 12, 0, tzinfo=dt.UTC)  # 04:00 PST
    assert quota.seconds_until_reset(january) == pytest.approx(20 * 3600 + 60)


@pytest.mark.redis
def test_quota_is_shared_through_redis(settings, redis_url):
    import uuid

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": f"mhv-test-{uuid.uuid4().hex}",
        }
    }
    from django.core.cache import caches

    assert type(caches["default"]).__name__ == "RedisCache"
    settings.YOUTUBE_DAILY_QUOTA = 5
    assert quota.spend(3) == 3
    assert quota.spend(2) == 5
    with pytest.raises(quota.QuotaExhausted):
        quota.spend(1)
    assert quota.is_stopped()
    # Remove only our keys: clear() would flush a Redis database others may share.
    day = quota._pacific_day(NOW)
    caches["default"].delete_many([f"youtube-quota:{day}:used", f"youtube-quota:{day}:stopped"])


# --- issue #8: caps leave a note and an "at least" ------------------------------------------


def uploads_feed(count: int) -> bytes:
    """YouTube's uploads feed as it serves it: the channel's latest uploads (at most 15)."""
    feed = (FIXTURES / "uploads_feed.xml").read_text()
    head, rest = feed.split("<entry>", 1)
    entry = "<entry>" + rest.split("</entry>", 1)[0] + "</entry>"
    entries = [
        entry.replace("2025-06-27T16:00:05", f"2025-06-{27 - n:02d}T16:00:05").replace(
            V1, f"vid{n:08d}"
        )
        for n in range(count)
    ]
    return (head + "".join(entries) + "</feed>").encode()


@respx.mock
def test_without_a_key_a_full_uploads_feed_is_a_lower_bound(respx_mock, adapter, client, settings):
    settings.YOUTUBE_API_KEY = ""
    respx_mock.get("https://www.youtube.com/feeds/videos.xml").respond(
        content=uploads_feed(15), headers={"Content-Type": "text/xml; charset=UTF-8"}
    )

    result = adapter.fetch(
        link(f"https://www.youtube.com/channel/{CHANNEL}"), client, window_days=90
    )

    assert result.measurements.posts_in_window == 15
    assert "posts_in_window" in result.lower_bounds
    assert "the uploads feed lists only its latest 15 uploads: at least 15 in the window" in (
        result.notes
    )


@respx.mock
def test_a_comment_page_left_unread_leaves_a_note_and_an_at_least(respx_mock, adapter, client):
    routes = mock_happy_path(respx_mock)
    more = {**load("comment_threads_v1_page2"), "nextPageToken": "QURTSl9pNA"}
    routes["threads1b"].respond(json=more)

    result = adapter.fetch(link(), client, window_days=90)

    assert "comments_in_window" in result.lower_bounds
    assert "unique_commenters_in_window" in result.lower_bounds
    assert any("comments only partly read on 1 videos" in note for note in result.notes)


@respx.mock
def test_the_reply_budget_running_out_leaves_a_note(respx_mock, adapter, client, monkeypatch):
    from directory.platforms import youtube

    monkeypatch.setattr(youtube, "MAX_REPLY_CALLS", 0)
    routes = mock_happy_path(respx_mock)

    result = adapter.fetch(link(), client, window_days=90)

    assert not routes["replies"].called
    assert "creator_replies_in_window" in result.lower_bounds
    assert any("reply cap" in note for note in result.notes)
