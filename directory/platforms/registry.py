"""Which adapter handles a link: platform detection, URL normalisation and adapter lookup.

Adapter modules plug in by calling `register(adapter)` when imported (or by exposing an
`ADAPTERS` sequence). The registry imports them lazily and defensively, so a missing or broken
module only disables its own platform, never the rest of the site.
"""

from __future__ import annotations

import importlib
import logging
import threading
from typing import TYPE_CHECKING

from ..models import Platform
from . import canonical
from .base import FetchError, UnsupportedURL
from .urls import NOT_VALID, check_public_url, host_of

if TYPE_CHECKING:
    from .base import Adapter

logger = logging.getLogger(__name__)

ADAPTER_MODULES = ("manual", "feeds", "wordpress", "mastodon", "bluesky", "youtube")

_adapters: dict[str, Adapter] = {}
_loaded = False
_lock = threading.RLock()


class UnknownPlatform(FetchError):
    """No adapter is available for a platform (its module is missing or failed to load)."""

    def __init__(self, platform: str) -> None:
        super().__init__(f"no adapter is available for platform {platform!r}", permanent=True)


def register(adapter: Adapter) -> Adapter:
    """Make `adapter` the handler for its `platform` (a later registration replaces it)."""
    if adapter.platform not in Platform.values:
        raise ValueError(f"unknown platform {adapter.platform!r}")
    with _lock:
        _adapters[adapter.platform] = adapter
    return adapter


def _load() -> None:
    global _loaded
    if _loaded:
        return
    with _lock:
        if _loaded:
            return
        _loaded = True
        for name in ADAPTER_MODULES:
            try:
                module = importlib.import_module(f"{__package__}.{name}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{__package__}.{name}":
                    logger.exception("adapter module %s failed to import", name)
                continue
            except Exception:
                logger.exception("adapter module %s failed to import", name)
                continue
            for adapter in getattr(module, "ADAPTERS", ()):
                register(adapter)


def adapters() -> dict[str, Adapter]:
    """All registered adapters by platform."""
    _load()
    return dict(_adapters)


def get_adapter(platform: str) -> Adapter:
    """The adapter for `platform`; raises UnknownPlatform (a permanent FetchError)."""
    _load()
    try:
        return _adapters[platform]
    except KeyError:
        raise UnknownPlatform(platform) from None


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
    mastodon = adapters().get(Platform.MASTODON)
    if mastodon is not None:
        try:
            if mastodon.matches(url):
                return Platform.MASTODON.value
        except Exception:  # a plug-in's bug must not break detection for everyone
            logger.exception("mastodon adapter failed to match %s", url)
    if canonical.looks_like_fediverse_profile(url):
        return Platform.MASTODON.value
    return Platform.BLOG.value


def normalise_url(url: str, platform: str | None = None) -> tuple[str, str]:
    """(platform, canonical URL) for a pasted URL, or UnsupportedURL saying what is wrong.

    `platform` may be given to say what a custom domain is (a self-hosted WordPress, a Substack
    on its own domain); it may not contradict a platform-specific host (a youtube.com URL is
    always YouTube).
    """
    url = check_public_url(url)
    detected = detect_platform(url)
    if platform is None or platform == "":
        platform = detected
    elif platform not in Platform.values:
        raise UnsupportedURL(f"unknown platform {platform!r}")
    elif platform != detected:
        host_decided = canonical.detect_by_host(url) is not None
        loose = platform in ("blog", "other") and detected not in canonical.HOST_BOUND
        if (host_decided and not loose) or platform in canonical.HOST_BOUND:
            raise UnsupportedURL(
                f"this looks like a {Platform(detected).label} address, "
                f"not {Platform(platform).label}"
            )
    adapter = adapters().get(platform)
    if adapter is not None:
        canonical_form = adapter.normalise(url)
    else:
        canonical_form = canonical.NORMALISERS[platform](url)
    return platform, canonical_form
