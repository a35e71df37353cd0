"""The one table of platforms: each platform's label, adapter and URL normaliser.

`PLATFORMS` is the single place a platform is named. `directory.models.Platform` (the choices
stored on a link) and `PLATFORMS_WITHOUT_API` are built from it, the refresh looks adapters
up in it, and pasted URLs are detected and normalised through it. A platform with no practical
public API (Instagram, TikTok, X, Facebook, Threads, Reddit) has no adapter: its statistics are
self-reported or moderator-entered, never scraped.

Adding a platform is one row here (and a migration for the new choice).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import bluesky, canonical, feeds, mastodon, wordpress, youtube
from .base import FetchError, UnsupportedURL
from .urls import NOT_VALID, check_public_url, host_of

if TYPE_CHECKING:
    from .base import Adapter

NO_API_MESSAGE = "no public API: stats are self-reported or moderator-entered"


@dataclass(frozen=True, slots=True)
class PlatformEntry:
    label: Promise | str
    # None: no public API, the link's statistics are entered by people.
    adapter: Adapter | None
    normalise: Callable[[str], str]
    # Bound to its own hosts: a URL elsewhere can never be this platform.
    host_bound: bool = False


PLATFORMS: Mapping[str, PlatformEntry] = MappingProxyType(
    {
        "blog": PlatformEntry(_("Blog / RSS"), feeds.BLOG, canonical.generic),
        "wordpress": PlatformEntry(_("WordPress"), wordpress.ADAPTER, canonical.wordpress),
        "substack": PlatformEntry(_("Substack"), feeds.SUBSTACK, canonical.substack),
        "medium": PlatformEntry(_("Medium"), feeds.MEDIUM, canonical.medium),
        "podcast": PlatformEntry(_("Podcast"), feeds.PODCAST, canonical.podcast),
        "youtube": PlatformEntry(
            _("YouTube"), youtube.ADAPTER, youtube.ADAPTER.normalise, host_bound=True
        ),
        "mastodon": PlatformEntry(_("Mastodon"), mastodon.ADAPTER, mastodon.ADAPTER.normalise),
        "bluesky": PlatformEntry(
            _("Bluesky"), bluesky.ADAPTER, bluesky.ADAPTER.normalise, host_bound=True
        ),
        "instagram": PlatformEntry(_("Instagram"), None, canonical.instagram, host_bound=True),
        "tiktok": PlatformEntry(_("TikTok"), None, canonical.tiktok, host_bound=True),
        "x": PlatformEntry(_("X"), None, canonical.x, host_bound=True),
        "facebook": PlatformEntry(_("Facebook"), None, canonical.facebook, host_bound=True),
        "threads": PlatformEntry(_("Threads"), None, canonical.threads, host_bound=True),
        "reddit": PlatformEntry(_("Reddit"), None, canonical.reddit, host_bound=True),
        "other": PlatformEntry(_("Other"), None, canonical.generic),
    }
)

PLATFORMS_WITHOUT_API = frozenset(name for name, entry in PLATFORMS.items() if not entry.adapter)


class UnknownPlatform(FetchError):
    """No adapter fetches this platform (it has no public API, or it is not one of ours)."""

    def __init__(self, platform: str) -> None:
        message = (
            NO_API_MESSAGE
            if platform in PLATFORMS_WITHOUT_API
            else f"no adapter is available for platform {platform!r}"
        )
        super().__init__(message, permanent=True)


def get_adapter(platform: str) -> Adapter:
    """The adapter for `platform`; raises UnknownPlatform (a permanent FetchError)."""
    entry = PLATFORMS.get(platform)
    if entry is None or entry.adapter is None:
        raise UnknownPlatform(platform)
    return entry.adapter


def _label(platform: str) -> str:
    return str(PLATFORMS[platform].label)


def detect_platform(url: str) -> str:
    """The platform a pasted URL belongs to; "blog" for any other public site.

    Known hosts decide first (youtube.com, bsky.app, name.substack.com, …); then Mastodon's
    profile paths (/@name, /@name@server, /users/name) on any other host.
    """
    url = url.strip() if isinstance(url, str) else ""
    if not host_of(url) or not url.lower().startswith(("http://", "https://")):
        raise UnsupportedURL(NOT_VALID)
    by_host = canonical.detect_by_host(url)
    if by_host:
        return by_host
    if mastodon.ADAPTER.matches(url):
        return "mastodon"
    return "blog"


def normalise_url(url: str, platform: str | None = None) -> tuple[str, str]:
    """(platform, canonical URL) for a pasted URL, or UnsupportedURL saying what is wrong.

    `platform` may be given to say what a custom domain is (a self-hosted WordPress, a Substack
    on its own domain); it may not contradict a platform-specific host (a youtube.com URL is
    always YouTube).
    """
    url = check_public_url(url)
    detected = detect_platform(url)
    if not platform:
        platform = detected
    elif platform not in PLATFORMS:
        raise UnsupportedURL(f"unknown platform {platform!r}")
    elif platform != detected:
        host_decided = canonical.detect_by_host(url) is not None
        loose = platform in ("blog", "other") and not PLATFORMS[detected].host_bound
        if (host_decided and not loose) or PLATFORMS[platform].host_bound:
            raise UnsupportedURL(
                f"this looks like a {_label(detected)} address, not {_label(platform)}"
            )
    return platform, PLATFORMS[platform].normalise(url)
