"""Platforms with no practical public API: Instagram, TikTok, X, Facebook, Threads, Reddit.

We never scrape them. These adapters only recognise and normalise the URLs people paste; their
statistics come from self-reported or moderator-entered snapshots, marked unverified, so
`fetch` always fails permanently and the refresh service leaves such links alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from . import canonical
from .base import FetchError, FetchResult, LinkRef, UnsupportedURL

if TYPE_CHECKING:
    import httpx

NO_API_MESSAGE = "no public API: stats are self-reported or moderator-entered"


class ManualAdapter:
    """Recognises one no-API platform's URLs; fetching is refused."""

    platform: ClassVar[str] = ""

    def matches(self, url: str) -> bool:
        return canonical.detect_by_host(url) == self.platform

    def normalise(self, url: str) -> str:
        if self.platform != "other" and not self.matches(url):
            raise UnsupportedURL(f"this is not a {self.platform} address")
        return canonical.NORMALISERS[self.platform](url)

    def fetch(self, link: LinkRef, client: httpx.Client, *, window_days: int) -> FetchResult:
        raise FetchError(NO_API_MESSAGE, permanent=True)


def _adapter(name: str) -> ManualAdapter:
    return type(f"{name.title()}Adapter", (ManualAdapter,), {"platform": name})()


ADAPTERS: tuple[ManualAdapter, ...] = tuple(
    _adapter(name)
    for name in ("instagram", "tiktok", "x", "facebook", "threads", "reddit", "other")
)
