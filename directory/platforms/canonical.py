"""Recognising which platform a pasted URL belongs to, and its one canonical spelling.

Pure functions, no network: the registry's table uses them to detect platforms and as the
normalisers of the platforms whose adapters do not parse their own URLs (Mastodon's parser
lives in `mastodon.py`, the one place that reads its profile paths). The aim is that the
same account pasted two ways (with or without "www.", a post instead of the profile, tracking
parameters, a trailing slash, upper case) ends up as the same URL, so it cannot be listed twice.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

from .base import UnsupportedURL
from .urls import canonical_url, host_of

# Host (without "www."/"m.") → platform, for sites whose host alone says what they are.
_HOSTS: dict[str, str] = {
    "youtube.com": "youtube",
    "youtu.be": "youtube",
    "music.youtube.com": "youtube",
    "bsky.app": "bluesky",
    "medium.com": "medium",
    "substack.com": "substack",
    "instagram.com": "instagram",
    "instagr.am": "instagram",
    "tiktok.com": "tiktok",
    "vm.tiktok.com": "tiktok",
    "x.com": "x",
    "twitter.com": "x",
    "mobile.twitter.com": "x",
    "facebook.com": "facebook",
    "web.facebook.com": "facebook",
    "fb.com": "facebook",
    "threads.net": "threads",
    "threads.com": "threads",
    "reddit.com": "reddit",
    "old.reddit.com": "reddit",
    "new.reddit.com": "reddit",
    "anchor.fm": "podcast",
    "podcasts.apple.com": "podcast",
    "open.spotify.com": "podcast",
    "feeds.megaphone.fm": "podcast",
    "feeds.simplecast.com": "podcast",
    "feeds.transistor.fm": "podcast",
    "feeds.captivate.fm": "podcast",
    "feeds.buzzsprout.com": "podcast",
    "rss.art19.com": "podcast",
    "feeds.libsyn.com": "podcast",
}
# Subdomains of these belong to the platform (name.substack.com is a Substack publication).
_SUFFIXES: tuple[tuple[str, str], ...] = (
    (".substack.com", "substack"),
    (".medium.com", "medium"),
    (".wordpress.com", "wordpress"),
    (".libsyn.com", "podcast"),
    (".podbean.com", "podcast"),
)


def _bare_host(host: str) -> str:
    for prefix in ("www.", "m."):
        if host.startswith(prefix):
            return host[len(prefix) :]
    return host


def detect_by_host(url: str) -> str | None:
    """The platform a URL's host alone identifies, or None."""
    host = _bare_host(host_of(url))
    if host in _HOSTS:
        return _HOSTS[host]
    for suffix, platform in _SUFFIXES:
        if host.endswith(suffix):
            return platform
    return None


def _segments(url: str) -> list[str]:
    return [unquote(part) for part in urlsplit(url).path.split("/") if part]


def _unsupported(message: str) -> UnsupportedURL:
    return UnsupportedURL(message)


def youtube(url: str) -> str:
    parts = urlsplit(url)
    host = _bare_host(host_of(url))
    segments = _segments(url)
    if host == "youtu.be" and segments:
        return f"https://www.youtube.com/watch?v={segments[0]}"
    if not segments:
        raise _unsupported(
            "This YouTube address does not name a channel; paste the channel's page."
        )
    head = segments[0]
    if head == "watch":
        video = parse_qs(parts.query).get("v", [""])[0]
        if re.fullmatch(r"[\w-]{6,20}", video):
            return f"https://www.youtube.com/watch?v={video}"
        raise _unsupported("This YouTube video address has no video id.")
    if head in ("shorts", "live", "embed") and len(segments) > 1:
        return f"https://www.youtube.com/watch?v={segments[1]}"
    if head == "channel" and len(segments) > 1 and re.fullmatch(r"UC[\w-]{22}", segments[1]):
        return f"https://www.youtube.com/channel/{segments[1]}"
    if head.startswith("@") and len(head) > 1:
        return f"https://www.youtube.com/{head.lower()}"
    if head == "user" and len(segments) > 1:
        return f"https://www.youtube.com/user/{segments[1].lower()}"
    if head == "c" or len(segments) == 1:
        raise _unsupported(
            "YouTube's /c/ custom addresses cannot be looked up; please ask for the channel's "
            "@handle (youtube.com/@name)."
        )
    raise _unsupported("This is not a YouTube channel address; paste the channel's page.")


def bluesky(url: str) -> str:
    segments = _segments(url)
    if len(segments) >= 2 and segments[0] == "profile":
        actor = segments[1]
        if actor.startswith("did:"):
            return f"https://bsky.app/profile/{actor}"
        handle = actor.lstrip("@").lower()
        if "." in handle:
            return f"https://bsky.app/profile/{handle}"
    raise _unsupported(
        "This is not a Bluesky profile address; use the form https://bsky.app/profile/name."
    )


def substack(url: str) -> str:
    host = host_of(url)
    segments = _segments(url)
    if _bare_host(host) == "substack.com":
        if segments and segments[0].startswith("@"):
            return f"https://substack.com/{segments[0].lower()}"
        raise _unsupported(
            "Paste the publication's address (name.substack.com) or a profile (substack.com/@name)."
        )
    # A publication (name.substack.com or its custom domain) is its home page.
    return f"https://{_bare_host(host) if host.endswith('.substack.com') else host}/"


def medium(url: str) -> str:
    host = host_of(url)
    segments = _segments(url)
    if _bare_host(host) == "medium.com":
        if segments and segments[0] == "feed":
            segments = segments[1:]
        if not segments:
            raise _unsupported("Paste a Medium profile (medium.com/@name) or publication.")
        head = segments[0]
        return f"https://medium.com/{head.lower() if head.startswith('@') else head}"
    return f"https://{_bare_host(host)}/"


def wordpress(url: str) -> str:
    host = host_of(url)
    if host.endswith(".wordpress.com"):
        return f"https://{_bare_host(host)}/"
    # Self-hosted: the site may live in a sub-directory, so keep the path.
    return canonical_url(url)


def podcast(url: str) -> str:
    host = _bare_host(host_of(url))
    if host in ("podcasts.apple.com", "open.spotify.com"):
        raise _unsupported(
            "Podcast directory pages have no public feed; paste the podcast's RSS feed address."
        )
    return canonical_url(url)


def generic(url: str) -> str:
    return canonical_url(url)


_RESERVED_X = frozenset({"home", "search", "i", "intent", "share", "hashtag", "explore"})


def instagram(url: str) -> str:
    segments = _segments(url)
    if segments and segments[0] not in ("p", "reel", "reels", "stories", "explore", "tv"):
        return f"https://www.instagram.com/{segments[0].lower()}"
    raise _unsupported("Paste the Instagram profile (instagram.com/name), not a post.")


def tiktok(url: str) -> str:
    segments = _segments(url)
    if segments and segments[0].startswith("@") and len(segments[0]) > 1:
        return f"https://www.tiktok.com/{segments[0].lower()}"
    raise _unsupported("Paste the TikTok profile (tiktok.com/@name); short links cannot be used.")


def x(url: str) -> str:
    segments = _segments(url)
    if segments and segments[0].lower() not in _RESERVED_X:
        return f"https://x.com/{segments[0].lstrip('@').lower()}"
    raise _unsupported("Paste the X profile (x.com/name).")


def facebook(url: str) -> str:
    segments = _segments(url)
    if segments and segments[0] == "profile.php":
        profile_id = parse_qs(urlsplit(url).query).get("id", [""])[0]
        if profile_id.isdigit():
            return f"https://www.facebook.com/profile.php?id={profile_id}"
    elif segments and segments[0] == "people" and len(segments) >= 3:
        return f"https://www.facebook.com/people/{segments[1]}/{segments[2]}"
    elif segments:
        return f"https://www.facebook.com/{segments[0].lower()}"
    raise _unsupported("Paste the Facebook page or profile (facebook.com/name).")


def threads(url: str) -> str:
    segments = _segments(url)
    if segments and segments[0].startswith("@") and len(segments[0]) > 1:
        return f"https://www.threads.net/{segments[0].lower()}"
    raise _unsupported("Paste the Threads profile (threads.net/@name).")


def reddit(url: str) -> str:
    segments = _segments(url)
    if len(segments) >= 2 and segments[0] in ("u", "user"):
        return f"https://www.reddit.com/user/{segments[1].lower()}"
    if len(segments) >= 2 and segments[0] == "r":
        return f"https://www.reddit.com/r/{segments[1].lower()}"
    raise _unsupported("Paste the Reddit profile (reddit.com/user/name) or community (/r/name).")
