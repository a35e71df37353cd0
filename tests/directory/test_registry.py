"""Platform detection, canonical URLs for every pasted form, and adapter lookup."""

from __future__ import annotations

import pytest

from directory.models import PLATFORMS_WITHOUT_API, Platform
from directory.platforms import registry
from directory.platforms.base import FetchError, UnsupportedURL
from directory.platforms.registry import detect_platform, get_adapter, normalise_url

# (pasted URL, platform, canonical URL). Rows with the same canonical URL are the same account
# pasted different ways.
CASES = [
    # YouTube
    ("https://www.youtube.com/@CalmMinds", "youtube", "https://www.youtube.com/@calmminds"),
    ("https://youtube.com/@calmminds/videos", "youtube", "https://www.youtube.com/@calmminds"),
    ("https://m.youtube.com/@CalmMinds?si=abc", "youtube", "https://www.youtube.com/@calmminds"),
    (
        "https://www.youtube.com/channel/UC1234567890abcdefghijkl",
        "youtube",
        "https://www.youtube.com/channel/UC1234567890abcdefghijkl",
    ),
    ("https://www.youtube.com/user/CalmMinds", "youtube", "https://www.youtube.com/user/calmminds"),
    ("https://youtu.be/dQw4w9WgXcQ?t=3", "youtube", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
    (
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ&utm_source=x",
        "youtube",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    ),
    (
        "https://www.youtube.com/shorts/dQw4w9WgXcQ",
        "youtube",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    ),
    # Mastodon
    ("https://mastodon.social/@Alice", "mastodon", "https://mastodon.social/@alice"),
    ("https://mastodon.social/@alice/", "mastodon", "https://mastodon.social/@alice"),
    ("https://mastodon.social/users/alice", "mastodon", "https://mastodon.social/@alice"),
    ("https://mastodon.social/@alice/112233445566", "mastodon", "https://mastodon.social/@alice"),
    ("https://mastodon.social/web/@alice", "mastodon", "https://mastodon.social/@alice"),
    ("https://fosstodon.org/@alice@mastodon.social", "mastodon", "https://mastodon.social/@alice"),
    # Bluesky
    (
        "https://bsky.app/profile/Alice.bsky.social",
        "bluesky",
        "https://bsky.app/profile/alice.bsky.social",
    ),
    (
        "https://bsky.app/profile/alice.bsky.social/post/3kabc",
        "bluesky",
        "https://bsky.app/profile/alice.bsky.social",
    ),
    (
        "https://bsky.app/profile/did:plc:abc123xyz",
        "bluesky",
        "https://bsky.app/profile/did:plc:abc123xyz",
    ),
    # Substack
    ("https://calm.substack.com/", "substack", "https://calm.substack.com/"),
    (
        "https://calm.substack.com/p/on-rest?utm_source=twitter",
        "substack",
        "https://calm.substack.com/",
    ),
    ("https://calm.substack.com/feed", "substack", "https://calm.substack.com/"),
    ("https://substack.com/@Calm", "substack", "https://substack.com/@calm"),
    # Medium
    ("https://medium.com/@Bob", "medium", "https://medium.com/@bob"),
    ("https://medium.com/@bob/on-anxiety-1a2b3c", "medium", "https://medium.com/@bob"),
    ("https://medium.com/feed/@bob", "medium", "https://medium.com/@bob"),
    ("https://www.medium.com/@bob/", "medium", "https://medium.com/@bob"),
    ("https://bob.medium.com/some-post", "medium", "https://bob.medium.com/"),
    # WordPress.com
    ("https://hope.wordpress.com/", "wordpress", "https://hope.wordpress.com/"),
    ("https://hope.wordpress.com/2024/05/01/a-post/", "wordpress", "https://hope.wordpress.com/"),
    ("http://HOPE.wordpress.com", "wordpress", "https://hope.wordpress.com/"),
    # Podcasts (feed hosts)
    ("https://feeds.buzzsprout.com/12345.rss", "podcast", "https://feeds.buzzsprout.com/12345.rss"),
    ("https://anchor.fm/s/abc/podcast/rss", "podcast", "https://anchor.fm/s/abc/podcast/rss"),
    # Blogs: any other public site keeps its path, loses tracking and fragments
    ("https://Blog.Example.org/?utm_campaign=x#top", "blog", "https://blog.example.org/"),
    ("https://blog.example.org/journal/", "blog", "https://blog.example.org/journal"),
    # Platforms without a public API
    ("https://instagram.com/Calm.Minds/", "instagram", "https://www.instagram.com/calm.minds"),
    (
        "https://www.instagram.com/calm.minds?igshid=x",
        "instagram",
        "https://www.instagram.com/calm.minds",
    ),
    ("https://www.tiktok.com/@CalmMinds", "tiktok", "https://www.tiktok.com/@calmminds"),
    ("https://tiktok.com/@calmminds/video/123", "tiktok", "https://www.tiktok.com/@calmminds"),
    ("https://x.com/CalmMinds", "x", "https://x.com/calmminds"),
    ("https://twitter.com/calmminds/status/1", "x", "https://x.com/calmminds"),
    ("https://mobile.twitter.com/calmminds", "x", "https://x.com/calmminds"),
    ("https://www.facebook.com/CalmMinds/", "facebook", "https://www.facebook.com/calmminds"),
    ("https://m.facebook.com/calmminds", "facebook", "https://www.facebook.com/calmminds"),
    (
        "https://www.facebook.com/profile.php?id=1000&ref=x",
        "facebook",
        "https://www.facebook.com/profile.php?id=1000",
    ),
    ("https://www.threads.net/@calm.minds", "threads", "https://www.threads.net/@calm.minds"),
    ("https://threads.com/@Calm.Minds", "threads", "https://www.threads.net/@calm.minds"),
    ("https://www.reddit.com/user/CalmMinds/", "reddit", "https://www.reddit.com/user/calmminds"),
    ("https://old.reddit.com/u/calmminds", "reddit", "https://www.reddit.com/user/calmminds"),
    ("https://reddit.com/r/Anxiety/", "reddit", "https://www.reddit.com/r/anxiety"),
]


@pytest.mark.parametrize(("url", "platform", "canonical"), CASES)
def test_detects_platform(url, platform, canonical):
    assert detect_platform(url) == platform


@pytest.mark.parametrize(("url", "platform", "canonical"), CASES)
def test_normalises_every_pasted_form(url, platform, canonical):
    assert normalise_url(url) == (platform, canonical)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://www.youtube.com/c/CalmMinds", "ask for the channel's @handle"),
        ("https://www.youtube.com/CalmMinds", "ask for the channel's @handle"),
        ("https://bsky.app/search?q=x", "not a Bluesky profile"),
        ("https://www.instagram.com/p/Cabc123/", "not a post"),
        ("https://vm.tiktok.com/ZM123/", "short links cannot be used"),
        ("https://podcasts.apple.com/us/podcast/x/id123", "RSS feed"),
        ("http://localhost/@alice", "private or local"),
        ("mastodon.social/@alice", "not a valid http(s) URL"),
    ],
)
def test_unusable_urls_explain_why(url, message):
    with pytest.raises(UnsupportedURL, match=message.replace("(", "\\(").replace(")", "\\)")):
        normalise_url(url)


def test_declared_platform_for_a_custom_domain():
    assert normalise_url("https://www.example.org/blog/", "wordpress") == (
        "wordpress",
        "https://www.example.org/blog",
    )
    assert normalise_url("https://news.example.org/p/x", "substack") == (
        "substack",
        "https://news.example.org/",
    )


def test_declared_platform_may_not_contradict_the_host():
    with pytest.raises(UnsupportedURL, match="looks like a YouTube address"):
        normalise_url("https://www.youtube.com/@calm", "blog")
    with pytest.raises(UnsupportedURL, match="not Bluesky"):
        normalise_url("https://blog.example.org/", "bluesky")


def test_unknown_declared_platform_is_refused():
    with pytest.raises(UnsupportedURL, match="unknown platform"):
        normalise_url("https://blog.example.org/", "myspace")


def test_platforms_without_an_api_have_no_adapter_to_fetch_with():
    with pytest.raises(FetchError, match="no public API") as info:
        get_adapter("instagram")
    assert info.value.permanent is True


def test_an_unknown_platform_is_a_permanent_fetch_error():
    with pytest.raises(FetchError) as info:
        get_adapter("myspace")
    assert info.value.permanent is True


def test_the_table_is_the_one_list_of_platforms():
    # The model's choices and the no-API set are built from the table, in its order.
    assert Platform.values == list(registry.PLATFORMS)
    assert {
        name for name, entry in registry.PLATFORMS.items() if entry.adapter is None
    } == PLATFORMS_WITHOUT_API
    for name, entry in registry.PLATFORMS.items():
        if entry.adapter is not None:
            assert entry.adapter.platform == name


def test_a_url_that_looks_like_one_platform_may_not_be_declared_another_host_bound_one():
    with pytest.raises(UnsupportedURL, match="looks like a Blog / RSS address, not Instagram"):
        normalise_url("https://blog.example.org/calm", "instagram")
