"""Small helpers shared by the JSON-API adapters (Mastodon, Bluesky, YouTube).

They keep the adapters about their platform: one GET that turns network failures into
temporary `FetchError`s even on a plain httpx.Client, the shared HTTP-status mapping of
`directory.platforms.http` (429/5xx temporary with a retry time, 404/410 permanent), and the
window cut-off (numbers and dates are read by `directory.platforms.payload`).
Platform-specific statuses (Bluesky's 400 error names, YouTube's 403 reasons, Mastodon's 401
on authorized-fetch servers) are handled by the adapter before the generic mapping applies.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from django.utils import timezone

from . import http
from .base import FetchError

# A 429 without any hint of when to come back: wait a minute.
DEFAULT_RETRY_AFTER = 60.0


def get(
    client: httpx.Client,
    url: str,
    *,
    params: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    what: str,
) -> httpx.Response:
    """GET `url`; timeouts and connection failures become temporary FetchErrors."""
    try:
        return client.get(url, params=params, headers=headers)
    except httpx.TimeoutException as exc:
        raise FetchError(f"{what}: timed out", permanent=False) from exc
    except httpx.TransportError as exc:
        raise FetchError(
            f"{what}: could not connect ({exc.__class__.__name__})", permanent=False
        ) from exc


def raise_for_status(response: httpx.Response, *, what: str) -> None:
    """The shared status mapping (`http.raise_for_status`), naming what was being fetched and
    making sure a 429 always says when to come back."""
    try:
        http.raise_for_status(response)
    except FetchError as error:
        retry_after = error.retry_after
        if response.status_code == 429 and not retry_after:
            retry_after = DEFAULT_RETRY_AFTER
        raise FetchError(
            f"{what}: {error.message}",
            permanent=error.permanent,
            retry_after=retry_after,
            status_code=error.status_code,
        ) from error


def json_body(response: httpx.Response, *, what: str) -> Any:
    """The decoded JSON body; a non-JSON answer is a temporary failure (a proxy's error page)."""
    try:
        return response.json()
    except ValueError as exc:
        raise FetchError(
            f"{what}: the answer was not JSON", permanent=False, status_code=response.status_code
        ) from exc


def looks_like_json(response: httpx.Response) -> bool:
    return "json" in response.headers.get("content-type", "").lower()


def window_start(window_days: int, *, now: dt.datetime | None = None) -> dt.datetime:
    """The oldest moment that still counts as inside the window."""
    if window_days < 1:
        raise ValueError("window_days must be at least 1")
    return (now or timezone.now()) - dt.timedelta(days=window_days)


def sum_known(values: list[int | None]) -> int | None:
    """The sum of the known values; None when none is known (unknown is not 0)."""
    known = [v for v in values if v is not None]
    return sum(known) if known else None
