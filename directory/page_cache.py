"""Whole cached pages for anonymous visitors: the list pages (`/`, `/emerging/`) and the API list.

A page is stored under the listing version (directory.services.listing_cache) plus everything
else that changes its bytes: the path, the query string (parameters sorted), host and scheme
(the API writes absolute URLs), the language, and whether htmx asked for it (a partial answer and
a full page differ). `listing_changed()` moves the version on, so a page never outlives a change
to what it shows; LISTING_CACHE_SECONDS bounds time-relative wording.

Never cached: signed-in visitors, any request carrying a session or messages cookie (what it
shows may depend on them), non-GET requests, answers that set a cookie, and anything but 200 and
400 (an invalid filter shows its message: as cacheable as a page of results).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from .services.listing_cache import listing_key, listing_version

logger = logging.getLogger(__name__)

CACHEABLE_STATUS = {200, 400}
# Headers a view sets that must come back with a cached copy (middleware adds the rest).
KEPT_HEADERS = ("Content-Type", "HX-Push-Url", "Vary", "Cache-Control")
HEADER = "X-Listing-Cache"  # hit or miss: lets the benchmark and a curious operator tell


def request_key(request: HttpRequest, name: str, version: int) -> str | None:
    """The cache key of this request's page, or None when it must not be cached."""
    if request.method not in ("GET", "HEAD"):
        return None
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return None
    query = sorted((key, value) for key, values in request.GET.lists() for value in values)
    return listing_key(
        name,
        request.path,
        repr(query),
        request.get_host(),
        request.scheme or "",
        get_language() or "",
        "htmx" if request.headers.get("HX-Request") else "page",
        version=version,
    )


def _version() -> int | None:
    return listing_version() if settings.LISTING_CACHE_SECONDS else None


def cached_page(request: HttpRequest, render: Callable[[], HttpResponse]) -> HttpResponse:
    """`render()`'s response, or the stored copy of it for an anonymous visitor."""
    version = _version()
    key = request_key(request, "page", version) if version is not None else None
    if key is None:
        return render()
    found = _get(key)
    if found is not None:
        status, content, headers = found
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        response[HEADER] = "hit"
        return response
    response = render()
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    if response.status_code in CACHEABLE_STATUS and not response.cookies:
        headers = [(h, response[h]) for h in KEPT_HEADERS if h in response]
        _set(key, (response.status_code, response.content, headers))
    response[HEADER] = "miss"
    return response


def cached_data(request: HttpRequest, name: str, compute: Callable[[], Any]) -> tuple[Any, bool]:
    """`compute()` (JSON-ready data), or its stored copy for an anonymous visitor; and whether it
    came from the cache."""
    version = _version()
    key = request_key(request, name, version) if version is not None else None
    if key is None:
        return compute(), False
    found = _get(key)
    if found is not None:
        return found, True
    data = compute()
    _set(key, data)
    return data, False


class CardCache:
    """The page's list cards already rendered under this listing version, fetched in one round
    trip; a card rendered now is stored for the next page that shows the same creator (another
    filter, sort or page). A card shows only its creator's own rows, all of which change through
    writes that call listing_changed()."""

    def __init__(self, creators: list[Any]) -> None:
        self.version = _version()
        self.cards: dict[int, str] = {}
        if self.version is None or not creators:
            return
        keys = {self._key(creator.pk): creator.pk for creator in creators}
        try:
            found = cache.get_many(list(keys))
        except Exception:
            logger.warning("listing cache unavailable; cards rendered")
            return
        self.cards = {keys[key]: html for key, html in found.items()}

    def _key(self, pk: int) -> str:
        return listing_key("card", str(pk), get_language() or "", version=self.version or 0)

    def get(self, pk: int) -> str | None:
        return self.cards.get(pk)

    def store(self, pk: int, html: str) -> None:
        if self.version is not None:
            _set(self._key(pk), html)


def _get(key: str) -> Any:
    try:
        return cache.get(key)
    except Exception:
        logger.warning("listing cache unavailable; serving uncached")
        return None


def _set(key: str, value: Any) -> None:
    try:
        cache.set(key, value, timeout=settings.LISTING_CACHE_SECONDS)
    except Exception:
        logger.warning("listing cache unavailable; page not stored")
