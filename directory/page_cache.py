"""Whole cached pages for anonymous visitors: the list pages (`/`, `/emerging/`) and the API list.

A page is stored under the listing version (directory.services.listing_cache) plus everything
else that changes its bytes: the path, the query string (parameters sorted), host and scheme
(the API writes absolute URLs), the language, and whether htmx asked for it (a partial answer and
a full page differ). `listing_changed()` moves the version on, so a page never outlives a change
to what it shows; LISTING_CACHE_SECONDS bounds time-relative wording.

Never cached: signed-in visitors, any request carrying a session or messages cookie (what it
shows may depend on them), non-GET requests, answers that set a cookie, anything but a 200,
and requests outside what visitors commonly ask for (`_worth_storing`: unknown parameters, a
text search, pages past the 20th), whose keys anyone could vary without end.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet, prefetch_related_objects
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.translation import get_language

from .models import listing_prefetches
from .services.listing_cache import (
    VERSION_KEY,
    LocalCopies,
    listing_key,
    listing_version,
    listing_version_pinned,
    local_copies,
)

logger = logging.getLogger(__name__)

CACHEABLE_STATUS = {200}
# Whole pages this process served lately (see listing_cache.LocalCopies): a hit then reads only
# the listing version from Redis, not the page's ~50 KB. 256 pages is about 13 MB a process.
local_pages = LocalCopies(items=256)
HEADER = "X-Listing-Cache"  # hit or miss: lets the benchmark and a curious operator tell
# The HTML list pages. Served before the session, CSRF, auth and message middleware run: a
# visitor without a session cookie is anonymous, and a stored page carries the headers those
# middleware added to it (the outer ones, security headers and CSP, run again on the way out).
LIST_PATHS = ("/", "/emerging/")


def request_key(request: HttpRequest, name: str, version: int | None = None) -> str | None:
    """The cache key of this request's answer, or None when it must not be cached. Without a
    version the key is the same across versions and the stored value says its version."""
    if request.method not in ("GET", "HEAD"):
        return None
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return None
    if not _worth_storing(request):
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
        version=version or 0,
    )


# Only what visitors commonly ask for is stored, so that nobody can fill the cache (which the
# task queue shares) with pages under made-up keys: known parameters only, no free-text search,
# the first pages only. Anything else is served, uncached, as before.
MAX_CACHED_PAGE = 20
EXTRA_PARAMETERS = frozenset({"page", "page_size", "format"})


@functools.cache
def _known_parameters() -> frozenset[str]:
    from .filters import CreatorFilter

    return frozenset(CreatorFilter.base_filters) | EXTRA_PARAMETERS


def _worth_storing(request: HttpRequest) -> bool:
    keys = set(request.GET)
    if not keys <= _known_parameters() or request.GET.get("q"):
        return False
    page = request.GET.get("page", "1")
    return page.isdigit() and 0 < int(page) <= MAX_CACHED_PAGE


def _version() -> int | None:
    return listing_version() if settings.LISTING_CACHE_SECONDS else None


class ListPageCacheMiddleware:
    """Whole list pages for anonymous visitors, checked in one cache round trip: the listing
    version and the stored page (which records the version it was built under) together."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path not in LIST_PATHS or not settings.LISTING_CACHE_SECONDS:
            return self.get_response(request)
        key = request_key(request, "page")
        if key is None:
            if request.method not in ("GET", "HEAD"):
                return self.get_response(request)
            with listing_version_pinned(_version()):  # not stored; built under one version
                return self.get_response(request)
        version, stored = _stored_page(key)
        if version is None:  # the cache is unreachable: serve, store nothing
            return self.get_response(request)
        if stored is not None and stored[0] == version:
            _built_under, status, content, headers = stored
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            response[HEADER] = "hit"
            return response
        with listing_version_pinned(version):  # the page's parts are read under its version
            response = self.get_response(request)
        if (
            response.status_code in CACHEABLE_STATUS
            and not response.cookies
            and not getattr(response, "streaming", False)
        ):
            headers = tuple((name, value) for name, value in response.items() if name != HEADER)
            _set(key, (version, response.status_code, response.content, headers), keep=local_pages)
            response[HEADER] = "miss"
        return response


def _stored_page(key: str) -> tuple[int | None, Any]:
    """The listing version and the page stored under `key` (built under the version it records).
    A page this process holds costs only the version's round trip, not the page's bytes."""
    kept = local_pages.get(key)
    if kept is not None:
        version = _version()
        if version is None or kept[0] == version:  # type: ignore[index]
            return version, kept
    version, stored = _version_and(key)
    if version is not None and stored is not None and stored[0] == version:
        local_pages.put(key, stored, read_only=True)  # a page is only ever read
    return version, stored


def _version_and(key: str) -> tuple[int | None, Any]:
    """The listing version and the value under `key`, in one round trip when both exist."""
    try:
        found = cache.get_many([VERSION_KEY, key])
    except Exception:
        logger.warning("listing cache unavailable; serving uncached")
        return None, None
    version = found.get(VERSION_KEY)
    if version is None:
        return listing_version(), None
    return int(version), found.get(key)


def cached_data(request: HttpRequest, name: str, compute: Callable[[], Any]) -> tuple[Any, bool]:
    """`compute()` (JSON-ready data), or its stored copy for an anonymous visitor; and whether it
    came from the cache."""
    version = _version()
    key = request_key(request, name, version) if version is not None else None
    if key is None:
        if version is None or request.method not in ("GET", "HEAD"):
            return compute(), False
        with listing_version_pinned(version):  # not stored; built under one version
            return compute(), False
    found = local_pages.get(key)  # the key holds the version: a kept copy is current
    if found is None and (found := _get(key)) is not None:
        local_pages.put(key, found, read_only=True)
    if found is not None:
        return found, True
    with listing_version_pinned(version):
        data = compute()
    _set(key, data, keep=local_pages)
    return data, False


class CardCache:
    """The page's list cards already rendered under this listing version, fetched in one round
    trip; a card rendered now is stored for the next page that shows the same creator (another
    filter, sort or page). A card shows only its creator's own rows, all of which change through
    writes that call listing_changed(). Cards (and API items) are only ever read, never changed:
    each process keeps its own copies of those it used (`local_copies`)."""

    def __init__(
        self, creators: list[Any], *, kind: str = "card", parts: tuple[str, ...] = ()
    ) -> None:
        # `kind` and `parts` tell apart what is cached per creator: an HTML card, or an API list
        # item (whose URLs are absolute: host and scheme are parts of its key).
        self.kind, self.parts = kind, parts
        self.version = _version()
        self.cards: dict[int, Any] = {}
        if self.version is None or not creators:
            return
        keys = {}
        for creator in creators:
            key = self._key(creator.pk)
            if (card := local_copies.get(key)) is not None:
                self.cards[creator.pk] = card
            else:
                keys[key] = creator.pk
        if not keys:
            return
        try:
            found = cache.get_many(list(keys))
        except Exception:
            logger.warning("listing cache unavailable; cards rendered")
            return
        for key, card in found.items():
            self.cards[keys[key]] = card
            local_copies.put(key, card, read_only=True)

    def _key(self, pk: int) -> str:
        language = get_language() or ""
        return listing_key(self.kind, str(pk), language, *self.parts, version=self.version or 0)

    def get(self, pk: int) -> Any:
        return self.cards.get(pk)

    def missing_rows(self, creators: list[Any], *, rows: QuerySet | None) -> list[Any]:
        """The creators whose card is not cached, with what a card shows prefetched: read again
        by key from `rows` when the page query read only which creators, else those objects."""
        missing = [creator for creator in creators if self.get(creator.pk) is None]
        if missing and rows is not None:
            missing = list(rows.filter(pk__in=[creator.pk for creator in missing]))
        prefetch_related_objects(missing, *listing_prefetches())
        return missing

    def store(self, pk: int, value: Any) -> None:
        if self.version is not None:
            _set(self._key(pk), value, keep=local_copies)


def _get(key: str) -> Any:
    try:
        return cache.get(key)
    except Exception:
        logger.warning("listing cache unavailable; serving uncached")
        return None


def _set(key: str, value: Any, *, keep: LocalCopies) -> None:
    """Store `value`, and once stored keep this process's copy in `keep` (it is only read)."""
    try:
        cache.set(key, value, timeout=settings.LISTING_CACHE_SECONDS)
    except Exception:
        logger.warning("listing cache unavailable; page not stored")
        return
    keep.put(key, value, read_only=True)
