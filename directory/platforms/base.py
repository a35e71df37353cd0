"""The contract between platform adapters and the rest of the site.

An adapter turns a link (a `LinkRef`, no ORM) into a `FetchResult` of measurements, using the
HTTP client it is given. It never saves models: the refresh service does that. Failures raise
`FetchError`, which says whether the failure is permanent (gone, private, unsupported: stop
retrying) or temporary (timeout, 5xx, 429: retry, not before `retry_after` seconds).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Protocol

from directory.measurements import Measurements

if TYPE_CHECKING:
    import httpx

__all__ = [
    "Adapter",
    "FetchError",
    "FetchResult",
    "LinkRef",
    "Measurements",
    "RateLimitWait",
    "UnsupportedURL",
]


class FetchError(Exception):
    """A fetch failed. `permanent` failures are recorded and not retried soon."""

    def __init__(
        self,
        message: str,
        *,
        permanent: bool,
        retry_after: float | None = None,
        status_code: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.retry_after = retry_after
        self.status_code = status_code

    def __str__(self) -> str:
        return self.message


class RateLimitWait(FetchError):
    """Our own per-host bucket for the host about to be called is empty: nothing was sent.

    Raised by the HTTP client before a request (the one layer that takes rate-limit tokens, for
    the host actually called). Callers treat it as a deferral, not as the link's failure.
    """

    def __init__(self, host: str, retry_after: float) -> None:
        super().__init__(
            f"waiting for the rate limit of {host}", permanent=False, retry_after=retry_after
        )
        self.host = host


class UnsupportedURL(ValueError):
    """A pasted URL that no adapter (or not the named one) can use; the message says why."""


@dataclass(frozen=True, slots=True)
class LinkRef:
    """What an adapter needs to know about a stored link."""

    platform: str
    url: str
    handle: str = ""
    external_id: str = ""
    etag: str = ""
    last_modified: str = ""


# What a listing that stopped at a cap before reaching the window's start undercounts.
WINDOW_COUNTS: tuple[str, ...] = (
    "posts_in_window",
    "comments_in_window",
    "unique_commenters_in_window",
    "posts_with_comments",
    "creator_replies_in_window",
    "posts_with_creator_reply",
    "replies_to_others_in_window",
    "likes_in_window",
    "shares_in_window",
)


@dataclass(frozen=True, slots=True)
class FetchResult:
    measurements: Measurements
    handle: str = ""
    external_id: str = ""
    display_name: str = ""
    avatar_url: str = ""  # the account's public picture, if the platform exposes one (stored by us)
    # False when the account asks not to be indexed (Mastodon noindex/discoverable, Bluesky label).
    is_public: bool = True
    # Why some measurements are unknown or partial ("comments disabled", "no API key: feed
    # only"). Every cap and fallback leaves one.
    notes: tuple[str, ...] = field(default_factory=tuple)
    # Measurements that are lower bounds ("at least N"): a cap stopped the reading early.
    lower_bounds: tuple[str, ...] = field(default_factory=tuple)
    # Conditional-request validators to store for next time; not_modified means "nothing new".
    etag: str = ""
    last_modified: str = ""
    not_modified: bool = False


class Adapter(Protocol):
    """One per platform with a public API; listed in `directory.platforms.registry.PLATFORMS`
    (which also names each platform's URL normaliser)."""

    platform: ClassVar[str]

    def fetch(self, link: LinkRef, client: httpx.Client, *, window_days: int) -> FetchResult:
        """Fetch public statistics. Raises FetchError."""
        ...
